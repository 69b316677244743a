package ais

import (
	"bytes"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/ais/aistest"
)

// TestPipelineCorpus feeds the real captures through a Pipeline. Framing
// counts are exact; decoded counts are lower bounds since the decoder's
// leniency may change (gpsd's own output decodes 97 messages of
// sample.aivdm: it also takes the type 21 whose lines end in a literal
// "\x0d\x0a", which we accept too, and it drops odd-length type 24).
func TestPipelineCorpus(t *testing.T) {
	tests := []struct {
		file      string
		window    time.Duration
		lines     uint64
		sentences uint64
		rejected  [NumReasons]uint64 // framing and assembly rejects
		dups      uint64
		minMsgs   uint64
	}{
		// 3 malformed: two lines ending in a literal \x0d\x0a and one
		// fragment without its '!'.
		{file: "gpsd/sample.aivdm", lines: 1121, sentences: 118,
			rejected: [NumReasons]uint64{ReasonMalformed: 1}, minMsgs: 97},
		{file: "gpsd/ais-nmea-type6-fid55.log", lines: 1487, sentences: 1480, minMsgs: 1300},
		{file: "gpsd/ais-18-27.log", lines: 280, sentences: 276, minMsgs: 276},
		// 72 first fragments whose second part the capture lacks; 2,736
		// messages heard by a second receiver within 2 s.
		{file: "simpleais/sample.ais", window: DefaultDedupWindow, lines: 10000, sentences: 10000,
			rejected: [NumReasons]uint64{ReasonOrphan: 72}, dups: 2736, minMsgs: 6700},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			lines := aistest.Lines(t, "corpus/ais/"+tc.file)
			p, rec, clock := newTestPipeline(t, PipelineConfig{DedupWindow: tc.window})
			for _, l := range lines {
				p.Feed(Line{Source: "corpus", Data: l})
			}
			clock.Advance(time.Hour)
			p.expire(clock.Now())
			s := p.Totals()
			if s.Lines != tc.lines || s.Sentences != tc.sentences || s.Duplicate != tc.dups {
				t.Errorf("lines %d sentences %d duplicates %d, want %d %d %d",
					s.Lines, s.Sentences, s.Duplicate, tc.lines, tc.sentences, tc.dups)
			}
			for _, r := range []Reason{ReasonChecksum, ReasonOrphan, ReasonTooLong} {
				if s.Rejected[r] != tc.rejected[r] {
					t.Errorf("%s: %d, want %d", r, s.Rejected[r], tc.rejected[r])
				}
			}
			if s.Rejected[ReasonMalformed] < tc.rejected[ReasonMalformed] {
				t.Errorf("malformed %d, want at least %d", s.Rejected[ReasonMalformed], tc.rejected[ReasonMalformed])
			}
			if s.Messages < tc.minMsgs || s.Messages != uint64(len(rec.msgs)) {
				t.Errorf("%d messages (%d handed on), want at least %d", s.Messages, len(rec.msgs), tc.minMsgs)
			}
			if tc.file == "simpleais/sample.ais" {
				first := rec.msgs[0]
				if !first.Received.Equal(time.UnixMilli(1452468552938)) || first.Station != "corpus" {
					t.Errorf("first message received %v station %q", first.Received, first.Station)
				}
			}
		})
	}
}

// timedLine is a corpus line split into receive time and sentence.
type timedLine struct {
	at   time.Time
	data []byte
}

// simpleaisLines reads the simpleais capture with its timestamps split off.
func simpleaisLines(tb testing.TB) []timedLine {
	tb.Helper()
	var out []timedLine
	for _, l := range aistest.Lines(tb, "corpus/ais/simpleais/sample.ais") {
		ts, sentence, ok := bytes.Cut(l, []byte{' '})
		t, tok := parseUnixTime(ts)
		if !ok || !tok {
			tb.Fatalf("bad simpleais line %q", l)
		}
		out = append(out, timedLine{t, sentence})
	}
	return out
}

func BenchmarkParseSentence(b *testing.B) {
	lines := aistest.Lines(b, "corpus/ais/simpleais/sample.ais")
	var n int
	for i := 0; b.Loop(); i++ {
		if _, err := ParseSentence(lines[i%len(lines)]); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "sentences/s")
}

// BenchmarkPipelineFeed runs the whole path from line to decoded message,
// replaying the simpleais capture over and over, each pass later than the
// last so de-duplication sees fresh traffic.
func BenchmarkPipelineFeed(b *testing.B) {
	lines := simpleaisLines(b)
	span := lines[len(lines)-1].at.Sub(lines[0].at) + time.Minute
	for _, bc := range []struct {
		name   string
		window time.Duration
	}{{"dedup", DefaultDedupWindow}, {"nodedup", 0}} {
		b.Run(bc.name, func(b *testing.B) {
			var msgs int
			p := NewPipeline(PipelineConfig{
				DedupWindow: bc.window,
				Now:         func() time.Time { return lines[0].at },
				OnMessage:   func(*Message) { msgs++ },
			})
			b.ReportAllocs()
			var n int
			for i := 0; b.Loop(); i++ {
				l := lines[i%len(lines)]
				pass := time.Duration(i / len(lines))
				p.Feed(Line{Source: "bench", Data: l.data, Received: l.at.Add(pass * span)})
				n++
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "sentences/s")
			b.ReportMetric(float64(msgs)/float64(n), "msgs/sentence")
		})
	}
}
