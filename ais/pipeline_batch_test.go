package ais

import (
	"fmt"
	"slices"
	"testing"
	"time"

	goais "github.com/BertoldVdb/go-ais"
)

// batchLines is a busy feed of two sources: position reports, a two-part
// static report split across them, a duplicate, a line with a bad
// checksum and a blank one.
func batchLines(tb testing.TB) []Line {
	tb.Helper()
	var out []Line
	add := func(src string, lines ...string) {
		for _, l := range lines {
			out = append(out, Line{Source: src, Data: []byte(l), Received: frameT0.Add(time.Duration(len(out)) * time.Millisecond)})
		}
	}
	for i := range 150 {
		p := goais.PositionReport{Header: goais.Header{MessageID: 1, UserID: uint32(413_000_000 + i%40)}, Valid: true,
			Sog: 5, Longitude: 126.5, Latitude: goais.FieldLatLonFine(43.8 + float64(i)/1000), Cog: 90, Timestamp: uint8(i % 60)}
		lines, err := EncodeSentences(p, "AI", 'A', 0)
		if err != nil {
			tb.Fatal(err)
		}
		src := "tcp"
		if i%40 == 0 {
			src = "udp"
		}
		add(src, lines...)
		if i == 20 {
			add("tcp", lines...) // heard twice
		}
		if i == 50 {
			static := goais.ShipStaticData{Header: goais.Header{MessageID: 5, UserID: 413_000_001}, Valid: true,
				CallSign: "BQRW", Name: "SONGHUA 7", Type: 60, Destination: "JILIN"}
			two, err := EncodeSentences(static, "AI", 'B', 3)
			if err != nil {
				tb.Fatal(err)
			}
			add("tcp", two[0], "", "!AIVDM,1,1,,B,13nUgBWP01PkHvDU7<kC4wvJ2>`<,0*28", two[1])
		}
	}
	return out
}

// FeedBatch hands on, by source and at most MaxBatch at a time, the same
// messages in the same order, with the same counts, as Feed of each line.
func TestFeedBatchAsFeed(t *testing.T) {
	lines := batchLines(t)
	describe := func(m *Message) string { return fmt.Sprintf("%s %d %d %v", m.Source, m.Type, m.MMSI, m.Received) }

	one, rec, _ := newTestPipeline(t, PipelineConfig{DedupWindow: DefaultDedupWindow})
	for _, l := range lines {
		one.Feed(l)
	}
	var got []string
	var batches []int
	clock := &fakeClock{t: frameT0}
	batched := NewPipeline(PipelineConfig{DedupWindow: DefaultDedupWindow, Now: clock.Now,
		OnMessage: func(*Message) { t.Fatal("OnMessage called with OnBatch set") },
		OnBatch: func(ms []*Message) {
			batches = append(batches, len(ms))
			for _, m := range ms {
				got = append(got, describe(m))
			}
		}})
	for chunk := range slices.Chunk(lines, 100) {
		batched.FeedBatch(chunk)
	}
	if len(got) != len(rec.msgs) || len(got) < 150 {
		t.Fatalf("batched %d messages, one by one %d", len(got), len(rec.msgs))
	}
	// The order holds within each source: FeedBatch hands a source's
	// messages on once its run of lines ends.
	for _, src := range []string{"tcp", "udp"} {
		if g, w := onlySource(got, src), onlySource(describeAll(rec.msgs, describe), src); !slices.Equal(g, w) {
			t.Fatalf("%s: batched %q, one by one %q", src, g, w)
		}
	}
	if a := statsOf(t, one, "tcp"); a.Duplicate != 1 || a.Rejected[ReasonChecksum] != 1 {
		t.Fatalf("tcp stats %+v: the feed should hold a duplicate and a bad checksum", a)
	}
	if slices.Max(batches) != MaxBatch {
		t.Fatalf("batches of %v: want full ones of %d and none larger", batches, MaxBatch)
	}
	for _, src := range []string{"tcp", "udp"} {
		if a, b := statsOf(t, one, src), statsOf(t, batched, src); a.Lines != b.Lines || a.Messages != b.Messages || a.Duplicate != b.Duplicate || a.Sentences != b.Sentences || a.Rejected != b.Rejected {
			t.Fatalf("%s: batched stats %+v, one by one %+v", src, b, a)
		}
	}
}

func describeAll(ms []*Message, describe func(*Message) string) []string {
	var out []string
	for _, m := range ms {
		out = append(out, describe(m))
	}
	return out
}

func onlySource(ds []string, src string) []string {
	var out []string
	for _, d := range ds {
		if len(d) > len(src) && d[:len(src)+1] == src+" " {
			out = append(out, d)
		}
	}
	return out
}

// Without OnBatch, FeedBatch is Feed of each line; with only OnBatch, a
// Feed's message comes in a batch of one.
func TestFeedBatchFallbacks(t *testing.T) {
	lines := batchLines(t)[:30]
	p, rec, _ := newTestPipeline(t, PipelineConfig{})
	p.FeedBatch(lines)
	if len(rec.msgs) != 30 {
		t.Fatalf("FeedBatch without OnBatch: %d messages, want 30", len(rec.msgs))
	}
	var sizes []int
	q := NewPipeline(PipelineConfig{OnBatch: func(ms []*Message) { sizes = append(sizes, len(ms)) }})
	for _, l := range lines[:3] {
		q.Feed(l)
	}
	if !slices.Equal(sizes, []int{1, 1, 1}) {
		t.Fatalf("Feed with only OnBatch: batches %v, want three of one", sizes)
	}
}
