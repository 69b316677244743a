package source

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

const aivdm = "!AIVDM,1,1,,A,13aEOK?P00PD2wVMdLDRhgvL289?,0*26"

var lineCases = []struct {
	name  string
	input string
	max   int
	want  []string // "L:" line fed, "T:" sample of a too-long line
}{
	{"crlf", "a\r\nb\r\n", 0, []string{"L:a", "L:b"}},
	{"lf only", "a\nb\n", 0, []string{"L:a", "L:b"}},
	{"last line without newline", "a\nb", 0, []string{"L:a", "L:b"}},
	{"last line only cr", "a\n\r", 0, []string{"L:a", "L:"}},
	{"empty lines", "\n\r\n\n", 0, []string{"L:", "L:", "L:"}},
	{"empty input", "", 0, nil},
	{"cr inside line kept", "a\rb\r\n", 0, []string{"L:a\rb"}},
	{"several trailing cr", "a\r\r\n", 0, []string{"L:a"}},
	{"sentence", aivdm + "\r\n", 0, []string{"L:" + aivdm}},
	{"exactly max", strings.Repeat("x", 16) + "\n", 16, []string{"L:" + strings.Repeat("x", 16)}},
	{"exactly max with cr", strings.Repeat("x", 16) + "\r\n", 16, []string{"L:" + strings.Repeat("x", 16)}},
	{"max plus one", strings.Repeat("x", 17) + "\n", 16, []string{"T:" + strings.Repeat("x", 17)}},
	{"max plus one at end", "ok\n" + strings.Repeat("y", 17), 16, []string{"L:ok", "T:" + strings.Repeat("y", 17)}},
	{
		"too long between good lines",
		aivdm + "\n" + strings.Repeat("x", 2000) + "\n" + aivdm + "\n", 0,
		[]string{"L:" + aivdm, "T:" + strings.Repeat("x", SampleLen), "L:" + aivdm},
	},
	{
		"too long beyond the buffer",
		"a\n" + strings.Repeat("z", 20000) + "\r\nb\n", 0,
		[]string{"L:a", "T:" + strings.Repeat("z", SampleLen), "L:b"},
	},
	{
		"too long at end of input",
		"a\n" + strings.Repeat("z", 9000), 0,
		[]string{"L:a", "T:" + strings.Repeat("z", SampleLen)},
	},
	{
		"binary nul run then a sentence",
		strings.Repeat("\x00", 100000) + "\n" + aivdm + "\n", 0,
		[]string{"T:" + strings.Repeat("\x00", SampleLen), "L:" + aivdm},
	},
	{"short binary line is a line", "\x00\xff\x01\n", 0, []string{"L:\x00\xff\x01"}},
	{"cr only line endings are one line", "a\rb\rc\r", 0, []string{"L:a\rb\rc"}},
}

// readAll collects what a LineReader returns, as "L:"/"T:" events.
func readAll(tb testing.TB, lr *LineReader) ([]string, error) {
	tb.Helper()
	var got []string
	for i := 0; ; i++ {
		line, tooLong, err := lr.Next()
		if err != nil {
			return got, err
		}
		if bytes.IndexByte(line, '\n') >= 0 {
			tb.Fatalf("line %q holds a newline", line)
		}
		if tooLong {
			got = append(got, "T:"+string(line))
		} else {
			got = append(got, "L:"+string(line))
		}
		if i > 1<<20 {
			tb.Fatal("no end")
		}
	}
}

func TestLineReader(t *testing.T) {
	readers := map[string]func(string) io.Reader{
		"whole":    func(s string) io.Reader { return strings.NewReader(s) },
		"one byte": func(s string) io.Reader { return iotest.OneByteReader(strings.NewReader(s)) },
		"half":     func(s string) io.Reader { return iotest.HalfReader(strings.NewReader(s)) },
		"data+eof": func(s string) io.Reader { return iotest.DataErrReader(strings.NewReader(s)) },
	}
	for _, tc := range lineCases {
		for rname, mk := range readers {
			t.Run(tc.name+"/"+rname, func(t *testing.T) {
				got, err := readAll(t, NewLineReader(mk(tc.input), tc.max))
				if err != io.EOF {
					t.Fatalf("err = %v, want io.EOF", err)
				}
				if join(got) != join(tc.want) {
					t.Errorf("got  %q\nwant %q", got, tc.want)
				}
			})
		}
	}
}

func TestSplitLinesMatchesLineReader(t *testing.T) {
	for _, tc := range lineCases {
		t.Run(tc.name, func(t *testing.T) {
			max := tc.max
			if max <= 0 {
				max = DefaultMaxLine
			}
			var got []string
			splitLines([]byte(tc.input), max, func(line []byte, tooLong bool) {
				if tooLong {
					got = append(got, "T:"+string(line))
				} else {
					got = append(got, "L:"+string(line))
				}
			})
			if join(got) != join(tc.want) {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

// errAfter gives its data, then fails with err.
type errAfter struct {
	data string
	err  error
}

func (r *errAfter) Read(p []byte) (int, error) {
	if r.data == "" {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestLineReaderErrorDropsPartialLine(t *testing.T) {
	broken := errors.New("connection reset")
	lr := NewLineReader(&errAfter{data: "a\nb\npartial", err: broken}, 0)
	got, err := readAll(t, lr)
	if !errors.Is(err, broken) {
		t.Fatalf("err = %v, want %v", err, broken)
	}
	if join(got) != "L:a|L:b" {
		t.Errorf("got %q, want a and b only", got)
	}
	if _, _, err := lr.Next(); !errors.Is(err, broken) {
		t.Errorf("second Next err = %v, want the same error again", err)
	}
}

// zeroReader never makes progress.
type zeroReader struct{}

func (zeroReader) Read([]byte) (int, error) { return 0, nil }

func TestLineReaderNoProgress(t *testing.T) {
	if _, _, err := NewLineReader(zeroReader{}, 0).Next(); err != io.ErrNoProgress {
		t.Fatalf("err = %v, want io.ErrNoProgress", err)
	}
}

func TestLineReaderReset(t *testing.T) {
	lr := NewLineReader(strings.NewReader("a\n"+strings.Repeat("x", 5000)), 0)
	if _, err := readAll(t, lr); err != io.EOF {
		t.Fatal(err)
	}
	lr.Reset(strings.NewReader("b\r\n"))
	got, err := readAll(t, lr)
	if err != io.EOF || join(got) != "L:b" {
		t.Fatalf("after Reset got %q, %v", got, err)
	}
}

// binaryReader gives n bytes of junk without a newline.
type binaryReader struct{ left int }

func (r *binaryReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	n := min(len(p), r.left)
	for i := range p[:n] {
		p[i] = byte(i) | 0x80 // never '\n'
	}
	r.left -= n
	return n, nil
}

func TestLineReaderBinaryDoesNotGrow(t *testing.T) {
	const size = 64 << 20 // 64 MiB without a newline
	lr := NewLineReader(&binaryReader{left: size}, 0)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	got, err := readAll(t, lr)
	runtime.ReadMemStats(&after)
	if err != io.EOF {
		t.Fatal(err)
	}
	if len(got) != 1 || !strings.HasPrefix(got[0], "T:") {
		t.Fatalf("got %d events, want one too-long report", len(got))
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Errorf("reading %d bytes allocated %d bytes", size, grew)
	}
}

// frameAll is the reference framing: split on '\n', frame each piece.
func frameAll(data []byte, maxLine int) []string {
	var want []string
	pieces := bytes.Split(data, []byte{'\n'})
	if len(pieces[len(pieces)-1]) == 0 {
		pieces = pieces[:len(pieces)-1]
	}
	for _, p := range pieces {
		line, tooLong := frame(p, maxLine)
		if tooLong {
			want = append(want, "T:"+string(line))
		} else {
			want = append(want, "L:"+string(line))
		}
	}
	return want
}

func FuzzLineReader(f *testing.F) {
	for _, tc := range lineCases {
		if len(tc.input) <= 4096 { // big seeds make minimising stall the fuzzer
			f.Add([]byte(tc.input), uint16(tc.max))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, max uint16) {
		maxLine := int(max%2048) + 1
		want := frameAll(data, maxLine)
		// The smallest buffer reaches the full-buffer path with small inputs.
		got, err := readAll(t, newLineReaderSize(iotest.HalfReader(bytes.NewReader(data)), maxLine, 0))
		if err != io.EOF {
			t.Fatalf("err = %v", err)
		}
		if join(got) != join(want) {
			t.Fatalf("got  %q\nwant %q", got, want)
		}
		for _, g := range got {
			if limit := map[byte]int{'L': maxLine, 'T': SampleLen}[g[0]]; len(g)-2 > limit {
				t.Fatalf("event %q over the limit", g)
			}
		}
	})
}

func BenchmarkLineReader(b *testing.B) {
	data := []byte(strings.Repeat(aivdm+"\r\n", 10000))
	r := bytes.NewReader(data)
	lr := NewLineReader(r, 0)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r.Reset(data)
		lr.Reset(r)
		for {
			if _, _, err := lr.Next(); err != nil {
				break
			}
		}
	}
}
