package source

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/riverwatch/riverwatch/ais"
)

// capture is a small capture with CRLF endings, junk and a last line
// without its newline.
var capture = strings.Join([]string{
	aivdm,
	"",
	strings.Repeat("\x00", 7000),
	"!AIVDM,2,1,3,B,55P5TL01VIaAL@7WKO@mBplU@<PDhh000000001S;AJ::4A80?4i@E53,0*3E",
	strings.Repeat("#", 2000),
	"!AIVDM,2,2,3,B,1@0000000000000,2*55",
}, "\r\n")

var captureLines = []string{
	aivdm,
	"!AIVDM,2,1,3,B,55P5TL01VIaAL@7WKO@mBplU@<PDhh000000001S;AJ::4A80?4i@E53,0*3E",
	"!AIVDM,2,2,3,B,1@0000000000000,2*55",
}

// writeFile writes data to a new file in a test directory.
func writeFile(tb testing.TB, name string, data []byte) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

func gzipped(tb testing.TB, data []byte) []byte {
	tb.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(data); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// runToEnd runs a source that finishes by itself and returns its result.
func runToEnd(tb testing.TB, src Source, sink Sink) error {
	tb.Helper()
	r := start(tb, src, sink)
	return r.wait(tb)
}

func TestFile(t *testing.T) {
	cases := []struct {
		name string
		file string
		data []byte
	}{
		{"plain", "capture.nmea", []byte(capture)},
		{"gzip by magic, not by name", "capture.dat", gzipped(t, []byte(capture))},
		{"gzip", "capture.nmea.gz", gzipped(t, []byte(capture))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, tc.file, tc.data)
			src := mustOpen(t, mustParse(t, "cap="+path))
			rec := newRecorder()
			if err := runToEnd(t, src, rec); err != nil {
				t.Fatalf("Run = %v, want nil at the end of the file", err)
			}
			if got := rec.texts(); join(got) != join(captureLines) {
				t.Errorf("lines %q\nwant  %q", got, captureLines)
			}
			if rj := rec.rejected(); len(rj) != 2 || rj[0].reason != ais.ReasonTooLong {
				t.Errorf("rejects %v, want the NUL run and the # run", rj)
			}
			s := rec.stateLog()
			if len(s) != 2 || !s[0].connected || s[1].connected {
				t.Errorf("states %v, want connected then not", s)
			}
			if src.Address() != path || src.Kind() != KindFile {
				t.Errorf("Address %q Kind %q", src.Address(), src.Kind())
			}
		})
	}
}

func TestFileLoop(t *testing.T) {
	path := writeFile(t, "loop.nmea.gz", gzipped(t, []byte("a\r\nb\r\nc\r\n")))
	src := mustOpen(t, mustParse(t, "file://"+path+"?loop=true"))
	rec := newRecorder()
	r := start(t, src, rec)
	rec.waitLines(t, 10)
	r.stop(t)
	got := rec.texts()
	for i, l := range got {
		if want := string(rune('a' + i%3)); l != want {
			t.Fatalf("line %d = %q, want %q (in %q)", i, l, want, got)
		}
	}
}

func TestFileLoopEmptyEnds(t *testing.T) {
	path := writeFile(t, "empty.nmea", []byte("\r\n\n"))
	src := mustOpen(t, mustParse(t, "file://"+path+"?loop=true"))
	if err := runToEnd(t, src, newRecorder()); err != nil {
		t.Fatalf("Run = %v, want nil for a file with no lines", err)
	}
}

func TestFileCorruptGzip(t *testing.T) {
	data := gzipped(t, []byte(strings.Repeat(aivdm+"\n", 1000)))
	data = data[:len(data)/2] // cut short
	path := writeFile(t, "cut.nmea.gz", data)
	rec := newRecorder()
	err := runToEnd(t, mustOpen(t, mustParse(t, path)), rec)
	if err == nil {
		t.Fatal("Run = nil for a truncated gzip file, want an error")
	}
	recorded := false
	for _, s := range rec.stateLog() {
		recorded = recorded || s.err != nil
	}
	if !recorded {
		t.Errorf("states %v, want the error recorded", rec.stateLog())
	}
}

func TestStdin(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"plain", []byte(capture)},
		{"gzip", gzipped(t, []byte(capture))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := mustParse(t, "-")
			spec.Stdin = bytes.NewReader(tc.data)
			src := mustOpen(t, spec)
			rec := newRecorder()
			if err := runToEnd(t, src, rec); err != nil {
				t.Fatalf("Run = %v, want nil at EOF", err)
			}
			if got := rec.texts(); join(got) != join(captureLines) {
				t.Errorf("lines %q", got)
			}
			if len(rec.rejected()) != 2 {
				t.Errorf("rejects %v", rec.rejected())
			}
			if src.Name() != "stdin" || src.Kind() != KindStdin {
				t.Errorf("name %q kind %q", src.Name(), src.Kind())
			}
		})
	}
}

func TestStdinCancelWhileBlocked(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	spec := mustParse(t, "stdin")
	spec.Stdin = pr
	src := mustOpen(t, spec)
	rec := newRecorder()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- src.Run(ctx, rec) }()
	go io.WriteString(pw, "one\n")
	rec.waitLines(t, 1)
	cancel() // the reader is blocked in Read: Run closes it and returns
	if err := <-done; err != nil {
		t.Fatalf("Run = %v", err)
	}
	if _, err := pw.Write([]byte("two\n")); err == nil {
		t.Error("the pipe is still read after Run returned")
	}
	if got := rec.texts(); join(got) != "one" {
		t.Errorf("lines %q", got)
	}
}
