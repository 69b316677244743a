package main

import (
	"bytes"
	"log/slog"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/ais"
	"github.com/riverwatch/riverwatch/ais/aistest"
	"github.com/riverwatch/riverwatch/vessels"
)

// BenchmarkWholePath measures the whole ingest path, sentence to vessel
// state: framing, reassembly, de-duplication, decoding, tracking, history
// and the event publish, on the San Francisco Bay capture. The capture's
// own receive times are replaced by a clock that advances as in the
// capture (427 s for 10,000 lines) and keeps advancing on every pass, so a
// repeated pass is new traffic, not duplicates of the first. Run with -cpu 1
// for the one-core figure.
func BenchmarkWholePath(b *testing.B) {
	lines := aistest.Lines(b, "corpus/ais/simpleais/sample.ais")
	for i, l := range lines { // strip "<unix time> "
		if sp := bytes.IndexByte(l, ' '); sp >= 0 {
			lines[i] = l[sp+1:]
		}
	}
	const perLine = 42700 * time.Microsecond
	clock := time.Unix(1452470400, 0)
	now := func() time.Time { return clock }
	broker := vessels.NewBroker()
	history := vessels.NewMemoryHistory(vessels.HistoryConfig{MaxPoints: 720, MaxAge: time.Hour, Now: now})
	tracker := vessels.NewTracker(vessels.TrackerConfig{Now: now, Logger: slog.New(slog.DiscardHandler)},
		vessels.NewMemoryStore(), history, broker)
	unsub := broker.Subscribe(func(vessels.Event) {})
	defer unsub()
	p := ais.NewPipeline(ais.PipelineConfig{DedupWindow: 2 * time.Second, Now: now, OnMessage: tracker.Handle})
	p.AddSource("bench", "file", "sample.ais")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		clock = clock.Add(perLine)
		p.Feed(ais.Line{Source: "bench", Data: lines[i%len(lines)], Received: clock})
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sentences/s")
	t := p.Totals()
	b.ReportMetric(float64(t.Messages)/float64(b.N), "msgs/sentence")
	if t.Messages == 0 {
		b.Fatalf("nothing decoded: %+v", t)
	}
}
