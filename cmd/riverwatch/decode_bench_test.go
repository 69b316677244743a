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
