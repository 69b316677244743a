package source

import (
	"bytes"
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/riverwatch/riverwatch/ais"
	"github.com/riverwatch/riverwatch/ais/aistest"
)

var corpusFiles = []string{
	"gpsd/ais-nmea-type6-fid55.log",
	"gpsd/sample.aivdm",
	"gpsd/ais-18-27.log",
	"simpleais/sample.ais",
}

// TestCorpus reads the real captures in ../shared, plain and gzipped, and
// checks that every non-empty line reaches the sink unchanged.
func TestCorpus(t *testing.T) {
	dir := aistest.SharedFile(t, "corpus/ais")
	for _, name := range corpusFiles {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, ev := range frameAll(data, DefaultMaxLine) {
				if ev != "L:" {
					want = append(want, ev[2:])
				}
			}
			for _, path := range []string{
				filepath.Join(dir, name),
				writeFile(t, "copy.gz", gzipped(t, data)),
			} {
				rec := newRecorder()
				if err := runToEnd(t, mustOpen(t, mustParse(t, path)), rec); err != nil {
					t.Fatal(err)
				}
				if got := rec.texts(); join(got) != join(want) {
					t.Errorf("%s: %d lines fed, want %d", path, len(got), len(want))
				}
				if rj := rec.rejected(); len(rj) != 0 {
					t.Errorf("%s: rejects %v", path, rj)
				}
			}
		})
	}
}

// countSink counts what it is fed; it is what a benchmark needs.
type countSink struct{ lines, rejects atomic.Int64 }

func (c *countSink) Feed(ais.Line)                     { c.lines.Add(1) }
func (c *countSink) Reject(string, ais.Reason, []byte) { c.rejects.Add(1) }
func (c *countSink) SetConnected(string, bool, error)  {}

// benchCapture is the simpleais capture when ../shared is there, else a
// synthetic one of the same size.
func benchCapture(b *testing.B) []byte {
	if data, err := os.ReadFile(filepath.Join(aistest.ModuleRoot(b), "..", "shared", "corpus", "ais", "simpleais", "sample.ais")); err == nil {
		return data
	}
	return []byte(strings.Repeat("1452434646 "+aivdm+"\r\n", 10000))
}

func BenchmarkFileSource(b *testing.B) {
	data := benchCapture(b)
	path := writeFile(b, "bench.nmea", data)
	lines := int64(bytes.Count(data, []byte{'\n'}))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		sink := &countSink{}
		src, err := New(Spec{Kind: KindFile, Address: path}, nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := src.Run(context.Background(), sink); err != nil {
			b.Fatal(err)
		}
		if sink.lines.Load() != lines {
			b.Fatalf("fed %d lines, want %d", sink.lines.Load(), lines)
		}
	}
}

func BenchmarkTCPListen(b *testing.B) {
	data := benchCapture(b)
	lines := int64(bytes.Count(data, []byte{'\n'}))
	src, err := New(Spec{Kind: KindTCPListen, Address: "127.0.0.1:0"}, nil)
	if err != nil {
		b.Fatal(err)
	}
	if err := src.Open(); err != nil {
		b.Fatal(err)
	}
	sink := &countSink{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- src.Run(ctx, sink) }()
	defer func() {
		cancel()
		<-done
	}()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var want int64
	for b.Loop() {
		c, err := net.Dial("tcp", src.Address())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.Write(data); err != nil {
			b.Fatal(err)
		}
		c.(*net.TCPConn).CloseWrite()
		io.Copy(io.Discard, c) // the source closes after reading it all
		c.Close()
		want += lines
	}
	if got := sink.lines.Load(); got != want { // each client was read to its end
		b.Fatalf("fed %d lines, want %d", got, want)
	}
}
