package ais

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// recorder collects what a Pipeline hands on.
type recorder struct {
	mu        sync.Mutex
	msgs      []*Message
	sentences [][]string
}

func (r *recorder) onMessage(m *Message) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, m.Clone())
}

func (r *recorder) onSentences(s [][]byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var cp []string
	for _, b := range s {
		cp = append(cp, string(b))
	}
	r.sentences = append(r.sentences, cp)
}

// fakeClock is an injected Now that tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newTestPipeline returns a Pipeline on a fake clock at frameT0 whose
// output goes to the returned recorder.
func newTestPipeline(tb testing.TB, cfg PipelineConfig) (*Pipeline, *recorder, *fakeClock) {
	tb.Helper()
	rec := &recorder{}
	clock := &fakeClock{t: frameT0}
	cfg.Now = clock.Now
	cfg.OnMessage = rec.onMessage
	cfg.OnSentences = rec.onSentences
	return NewPipeline(cfg), rec, clock
}

func feed(p *Pipeline, source string, lines ...string) {
	for _, l := range lines {
		p.Feed(Line{Source: source, Data: []byte(l)})
	}
}

func statsOf(tb testing.TB, p *Pipeline, name string) SourceStats {
	tb.Helper()
	for _, s := range p.Stats() {
		if s.Name == name {
			return s
		}
	}
	tb.Fatalf("no stats for source %q", name)
	return SourceStats{}
}

func TestPipelineCountsByReason(t *testing.T) {
	p, rec, clock := newTestPipeline(t, PipelineConfig{})
	feed(p, "udp",
		"# comment",
		"",
		vdmType1,
		"!AIVDM,1,1,,B,13nUgBWP01PkHvDU7<kC4wvJ2>`<,0*28",                        // checksum
		"\x00\x01garbage\xff",                                                    // malformed
		"$GPGGA,092750.000,5321.6802,N,00630.3372,W,1,8,1.03,61.7,M,55.2,M,,*76", // unsupported
		nmeaSum(t, "!AIVDM,1,1,,A,w3nUgBWP01PkHvDU7<kC4wvJ2>`<,0"),               // type 63: unsupported
		nmeaSum(t, "!AIVDM,1,1,,A,15N2,0"),                                       // too short: malformed
		"AIVDM,2,2,1,B,00000000000,2*26",                                         // no '!': malformed
		vdmType5a,
		nmeaSum(t, "!AIVDM,2,2,7,A,88888888880,2"), // orphan once expired
		vdmType5b,
		strings.Repeat("!", MaxLineLength+1), // too long
		vdoOwn,
	)
	p.Reject("udp", ReasonTooLong, []byte("!AIVDM,1,1,,A,"+strings.Repeat("0", 4000)))
	clock.Advance(DefaultFragmentTimeout + time.Second)
	p.expire(clock.Now())

	s := statsOf(t, p, "udp")
	want := [NumReasons]uint64{ReasonChecksum: 1, ReasonMalformed: 3, ReasonOrphan: 1, ReasonTooLong: 2, ReasonUnsupported: 2}
	if s.Rejected != want {
		t.Errorf("rejected %v, want %v", s.RejectedBy, want)
	}
	if s.Lines != 15 || s.Sentences != 7 || s.Messages != 3 {
		t.Errorf("lines %d sentences %d messages %d, want 15 7 3", s.Lines, s.Sentences, s.Messages)
	}
	if s.RejectedBy["orphan_fragment"] != 1 || s.RejectedBy["too_long"] != 2 {
		t.Errorf("RejectedBy %v", s.RejectedBy)
	}
	if len(s.LastReject) > maxSample || !strings.HasPrefix(s.LastReject, "!AIVDM,2,2,7") {
		t.Errorf("LastReject %q", s.LastReject)
	}
	// The good lines around the bad ones are all decoded, in order.
	var types []int
	for _, m := range rec.msgs {
		types = append(types, m.Type)
	}
	if len(types) != 3 || types[0] != 1 || types[1] != 5 || types[2] != 8 || !rec.msgs[2].Own {
		t.Errorf("decoded types %v", types)
	}
	if got := rec.sentences[1]; len(got) != 2 || got[0] != vdmType5a || got[1] != vdmType5b {
		t.Errorf("sentences of the type 5: %q", got)
	}
}

func TestPipelineMessageFields(t *testing.T) {
	lineTime := frameT0.Add(-time.Minute)
	tests := []struct {
		name     string
		line     string
		received time.Time
		station  string
		when     time.Time
		channel  byte
	}{
		{name: "tag block", line: tagWrap(t, "s:songhua-1,c:1700000000") + vdmType1, received: lineTime,
			station: "songhua-1", when: time.Unix(1700000000, 0), channel: 'B'},
		{name: "line time", line: vdmType1, received: lineTime, station: "src", when: lineTime, channel: 'B'},
		{name: "now", line: vdmType1, station: "src", when: frameT0, channel: 'B'},
		{name: "leading timestamp", line: "1452468552.5 " + vdmType1, received: lineTime, station: "src",
			when: time.Unix(1452468552, 5e8), channel: 'B'},
		{name: "numeric channel", line: nmeaSum(t, "!AIVDM,1,1,,2,13nUgBWP01PkHvDU7<kC4wvJ2>`<,0"), station: "src",
			when: frameT0, channel: 'B'},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, rec, _ := newTestPipeline(t, PipelineConfig{})
			p.Feed(Line{Source: "src", Data: []byte(tc.line), Received: tc.received})
			if len(rec.msgs) != 1 {
				t.Fatalf("%d messages", len(rec.msgs))
			}
			m := rec.msgs[0]
			if m.Source != "src" || m.Station != tc.station || !m.Received.Equal(tc.when) || m.Channel != tc.channel {
				t.Errorf("source %q station %q received %v channel %q", m.Source, m.Station, m.Received, m.Channel)
			}
			if m.Type != 1 || m.MMSI == 0 || m.Position == nil {
				t.Errorf("not decoded: %+v", m)
			}
		})
	}
}

func TestPipelineDedup(t *testing.T) {
	p, rec, clock := newTestPipeline(t, PipelineConfig{DedupWindow: DefaultDedupWindow})
	feed(p, "a", vdmType1)
	clock.Advance(50 * time.Millisecond)
	feed(p, "b", vdmType1, vdmType5a, vdmType5b)
	feed(p, "a", vdmType5a, vdmType5b)
	clock.Advance(time.Minute)
	feed(p, "b", vdmType1) // a real repeat, much later

	a, b := statsOf(t, p, "a"), statsOf(t, p, "b")
	if a.Messages != 1 || a.Duplicate != 1 || b.Messages != 2 || b.Duplicate != 1 {
		t.Errorf("a: %d messages %d dups; b: %d messages %d dups", a.Messages, a.Duplicate, b.Messages, b.Duplicate)
	}
	if len(rec.msgs) != 3 {
		t.Errorf("%d messages handed on, want 3", len(rec.msgs))
	}

	off, rec2, _ := newTestPipeline(t, PipelineConfig{})
	feed(off, "a", vdmType1)
	feed(off, "b", vdmType1)
	if len(rec2.msgs) != 2 || off.Totals().Duplicate != 0 {
		t.Errorf("with de-duplication off: %d messages", len(rec2.msgs))
	}
}

func TestPipelineSourcesDoNotMix(t *testing.T) {
	p, rec, clock := newTestPipeline(t, PipelineConfig{FragmentTimeout: 3 * time.Second})
	feed(p, "a", vdmType5a)
	feed(p, "b", vdmType5b)
	if len(rec.msgs) != 0 {
		t.Fatalf("fragments of two sources joined")
	}
	clock.Advance(2 * time.Second)
	p.expire(clock.Now())
	if n := p.Totals().Rejected[ReasonOrphan]; n != 0 {
		t.Fatalf("%d orphans before the timeout", n)
	}
	clock.Advance(2 * time.Second)
	p.expire(clock.Now())
	if a, b := statsOf(t, p, "a"), statsOf(t, p, "b"); a.Rejected[ReasonOrphan] != 1 || b.Rejected[ReasonOrphan] != 1 {
		t.Errorf("orphans a=%d b=%d, want 1 each", a.Rejected[ReasonOrphan], b.Rejected[ReasonOrphan])
	}
}

func TestPipelineSources(t *testing.T) {
	p, _, _ := newTestPipeline(t, PipelineConfig{})
	p.AddSource("udp-songhua", "udp", "127.0.0.1:10110")
	p.AddSource("file", "file", "testdata/x.nmea")
	feed(p, "unregistered", vdmType1)
	p.SetConnected("udp-songhua", true, nil)
	p.SetConnected("file", false, errors.New("read: \x1b[31mboom"))

	stats := p.Stats()
	var names []string
	for _, s := range stats {
		names = append(names, s.Name)
	}
	if strings.Join(names, ",") != "file,udp-songhua,unregistered" {
		t.Fatalf("sources %v", names)
	}
	if s := stats[1]; s.Kind != "udp" || s.Address != "127.0.0.1:10110" || !s.Connected || s.LastError != "" {
		t.Errorf("udp source %+v", s)
	}
	if s := stats[0]; s.Connected || s.LastError != "read: ?[31mboom" {
		t.Errorf("file source %+v", s)
	}
	if s := stats[2]; s.Kind != "" || s.Lines != 1 || !s.LastLine.Equal(frameT0) || len(s.RejectedBy) != int(NumReasons) {
		t.Errorf("unregistered source %+v", s)
	}
	tot := p.Totals()
	if tot.Name != "total" || tot.Lines != 1 || tot.Messages != 1 || !tot.Connected || tot.RejectedBy == nil {
		t.Errorf("totals %+v", tot)
	}
}

func TestPipelineSummaryLog(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, nil))
	p, _, _ := newTestPipeline(t, PipelineConfig{Logger: logger})
	for range 50 {
		feed(p, "noisy", "garbage", vdmType1, "!AIVDM,1,1,,B,13nUgBWP01PkHvDU7<kC4wvJ2>`<,0*28")
	}
	feed(p, "quiet", vdmType1)
	if buf.Len() != 0 {
		t.Fatalf("logged per line: %s", buf.String())
	}
	p.logSummary()
	out := buf.String()
	if strings.Count(out, "\n") != 1 || !strings.Contains(out, "source=noisy") || !strings.Contains(out, "count=100") ||
		!strings.Contains(out, "by_reason.checksum=50") || !strings.Contains(out, "component=ais.pipeline") {
		t.Errorf("summary: %s", out)
	}
	buf.Reset()
	p.logSummary()
	if buf.Len() != 0 {
		t.Errorf("second summary without new rejects: %s", buf.String())
	}
}

func TestPipelineRun(t *testing.T) {
	p, _, _ := newTestPipeline(t, PipelineConfig{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
}

func TestPipelineConcurrentFeed(t *testing.T) {
	p, rec, _ := newTestPipeline(t, PipelineConfig{DedupWindow: time.Second})
	lines := []string{vdmType1, vdmType5a, vdmType5b, "junk", vdoOwn}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			src := []string{"a", "b", "c", "d"}[g%4]
			for range 200 {
				feed(p, src, lines...)
				p.Stats()
			}
		})
	}
	wg.Wait()
	tot := p.Totals()
	if tot.Lines != 8*200*5 || tot.Rejected[ReasonMalformed] != 8*200 {
		t.Errorf("totals %+v", tot)
	}
	if got := uint64(len(rec.msgs)); got != tot.Messages || got != 3 {
		t.Errorf("%d messages handed on, counted %d, want 3 (all at the same time)", got, tot.Messages)
	}
}

func TestPipelineFeedAllocs(t *testing.T) {
	p := NewPipeline(PipelineConfig{DedupWindow: DefaultDedupWindow, Now: func() time.Time { return frameT0 }})
	bad := []byte("!AIVDM,1,1,,B,13nUgBWP01PkHvDU7<kC4wvJ2>`<,0*28")
	p.Feed(Line{Source: "s", Data: bad})
	if n := testing.AllocsPerRun(100, func() { p.Feed(Line{Source: "s", Data: bad}) }); n != 0 {
		t.Errorf("rejecting a line allocates %v times", n)
	}
}

func FuzzPipelineFeed(f *testing.F) {
	for _, tc := range sentenceCases(f) {
		f.Add([]byte(tc.line))
	}
	f.Add([]byte(vdmType5a + "\n" + vdmType5b + "\n" + vdmType1 + "\n" + vdmType1))
	f.Add([]byte(tagWrap(f, "g:1-2-7,s:x") + vdmType5a + "\n" + tagWrap(f, "g:2-2-7") + vdmType5b))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, rec, clock := newTestPipeline(t, PipelineConfig{DedupWindow: time.Second})
		lines := bytes.Split(data, []byte{'\n'})
		for i, l := range lines {
			p.Feed(Line{Source: []string{"a", "b"}[i%2], Data: l})
			clock.Advance(100 * time.Millisecond)
		}
		clock.Advance(time.Minute)
		p.expire(clock.Now())
		tot := p.Totals()
		if tot.Lines != uint64(len(lines)) {
			t.Fatalf("%d lines counted of %d", tot.Lines, len(lines))
		}
		if tot.Messages != uint64(len(rec.msgs)) || tot.Messages+tot.Duplicate > tot.Sentences {
			t.Fatalf("totals %+v, %d handed on", tot, len(rec.msgs))
		}
		for _, s := range p.Stats() {
			if len(s.LastReject) > maxSample {
				t.Fatalf("unbounded sample %q", s.LastReject)
			}
		}
	})
}
