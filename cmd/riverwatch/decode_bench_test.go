package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"testing"

	"github.com/riverwatch/riverwatch/ais/aistest"
)

// BenchmarkDecodeCommand runs `riverwatch decode` over the San Francisco Bay
// capture (timestamps kept) into io.Discard: the figure `make bench` puts
// beside gpsdecode's.
func BenchmarkDecodeCommand(b *testing.B) {
	data, err := os.ReadFile(aistest.SharedFile(b, "corpus/ais/simpleais/sample.ais"))
	if err != nil {
		b.Fatal(err)
	}
	benchDecode(b, data)
}

// BenchmarkDecodeCommandStatic runs `riverwatch decode` over 100,000
// sentences of the static-heavy corpus (staticCorpus): half the messages
// types 5, 19, 21 and 24, which the San Francisco capture hardly has.
func BenchmarkDecodeCommandStatic(b *testing.B) {
	benchDecode(b, staticCorpus(b, 100000))
}

// benchDecode times runDecode over data, one run per iteration.
func benchDecode(b *testing.B, data []byte) {
	lines := bytes.Count(data, []byte("\n"))
	e := env{stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.stdin = bytes.NewReader(data)
		if err := runDecode(context.Background(), []string{"-"}, e); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(lines*b.N)/b.Elapsed().Seconds(), "sentences/s")
}
