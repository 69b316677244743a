package source

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/riverwatch/riverwatch/ais"
)

// batchRecorder is a recorder that takes batches, noting their sizes.
type batchRecorder struct {
	*recorder
	sizes []int
}

func (b *batchRecorder) FeedBatch(lines []ais.Line) {
	b.mu.Lock()
	b.sizes = append(b.sizes, len(lines))
	b.mu.Unlock()
	for _, l := range lines {
		b.Feed(l)
	}
}

func (b *batchRecorder) batchSizes() []int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.sizes)
}

// A stream pumped into a BatchSink arrives whole and in order, in batches
// of the lines buffered together (never more than ais.MaxBatch), with the
// over-long line rejected and blank ones skipped as line by line; and a
// stream read a byte at a time, with never a second line buffered, goes
// line by line.
func TestPumpFeedsBatches(t *testing.T) {
	var in strings.Builder
	var want []string
	for i := range 300 {
		l := fmt.Sprintf("!AIVDM,1,1,,A,line%03d,0*00", i)
		want = append(want, l)
		in.WriteString(l + "\r\n")
		switch i {
		case 100:
			in.WriteString("\n")
		case 200:
			in.WriteString(strings.Repeat("x", 200) + "\n")
		}
	}
	for name, r := range map[string]func() io.Reader{
		"buffered": func() io.Reader { return strings.NewReader(in.String()) },
		"one byte": func() io.Reader { return iotest.OneByteReader(strings.NewReader(in.String())) },
	} {
		t.Run(name, func(t *testing.T) {
			sink := &batchRecorder{recorder: newRecorder()}
			f := &feeder{name: "tcp", sink: sink, now: fixedNow}
			if err := f.pump(context.Background(), NewLineReader(r(), 82)); err != io.EOF {
				t.Fatalf("pump: %v, want io.EOF", err)
			}
			if got := sink.texts(); !slices.Equal(got, want) {
				t.Fatalf("%d lines fed, want %d in order", len(got), len(want))
			}
			if rj := sink.rejected(); len(rj) != 1 || rj[0].reason != ais.ReasonTooLong {
				t.Fatalf("rejects %+v, want the over-long line", rj)
			}
			switch {
			case name == "buffered" && (len(sink.batchSizes()) == 0 || slices.Max(sink.batchSizes()) != ais.MaxBatch):
				t.Fatalf("batches %v: want full ones of %d", sink.batchSizes(), ais.MaxBatch)
			case name == "one byte" && len(sink.batchSizes()) != 0:
				t.Fatalf("batches %v of a stream never holding two lines", sink.batchSizes())
			}
		})
	}
}
