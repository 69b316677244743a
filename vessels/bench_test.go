package vessels_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/ais"
	"github.com/riverwatch/riverwatch/vessels"
	"github.com/riverwatch/riverwatch/vessels/vesselstest"
)

// BenchmarkTrackerHandle feeds class A position reports of 10,000 vessels
// round-robin, each vessel every 10 s of simulated time, through a Tracker
// with the memory Store and History and a Broker with one subscriber.
func BenchmarkTrackerHandle(b *testing.B) {
	const fleet = 10_000
	now := t0
	hist := vessels.NewMemoryHistory(vessels.HistoryConfig{Now: func() time.Time { return now }})
	br := vessels.NewBroker()
	br.Subscribe(func(vessels.Event) {})
	tr := vessels.NewTracker(vessels.TrackerConfig{Now: func() time.Time { return now }}, vessels.NewMemoryStore(), hist, br)
	msgs := make([]*ais.Message, fleet)
	for i := range msgs {
		msgs[i] = vesselstest.PositionReport(uint32(412000000+i), now, 43+float64(i%1000)*0.002, 124+float64(i/1000)*0.3, 8)
	}
	step := 10 * time.Second / fleet
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		m := msgs[i%fleet]
		now = now.Add(step)
		m.Received = now
		m.Position.Lat += 0.0001 // about 11 m in 10 s: 2 kn
		tr.Handle(m)
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkHistoryMemory fills a MemoryHistory with an hour of class A
// reports (one every 10 s, 360 points) for each of 100,000 vessels and
// reports the heap it holds.
func BenchmarkHistoryMemory(b *testing.B) {
	const fleet, points = 100_000, 360
	start := t0
	end := start.Add(points * 10 * time.Second)
	var ms runtime.MemStats
	for b.Loop() {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		before := ms.HeapAlloc
		h := vessels.NewMemoryHistory(vessels.HistoryConfig{Now: func() time.Time { return end }})
		p := vessels.TrackPoint{SOG: 8.2, COG: 45.3, Heading: 44}
		for k := range points {
			p.Time = start.Add(time.Duration(k) * 10 * time.Second)
			for v := range fleet {
				p.Lat = 43 + float64(v%1000)*0.002 + float64(k)*0.0001
				p.Lon = 124 + float64(v/1000)*0.03
				if err := h.Append(b.Context(), uint32(412000000+v), p); err != nil {
					b.Fatal(err)
				}
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&ms)
		held := float64(ms.HeapAlloc - before)
		b.ReportMetric(held/(1<<20), "MiB")
		b.ReportMetric(held/(fleet*points), "bytes/point")
		runtime.KeepAlive(h)
	}
}

// BenchmarkFleetMemory is the memory goal as a whole: 100,000
// vessels with their live records (static and dynamic data, merged by the
// Tracker) and an hour of track each (360 points, a class A report every
// 10 s) in the memory History. It reports the heap held by both.
func BenchmarkFleetMemory(b *testing.B) {
	const fleet, points = 100_000, 360
	end := t0.Add(points * 10 * time.Second)
	now := func() time.Time { return end }
	var ms runtime.MemStats
	for b.Loop() {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		before := ms.HeapAlloc
		hist := vessels.NewMemoryHistory(vessels.HistoryConfig{Now: now})
		tr := vessels.NewTracker(vessels.TrackerConfig{Now: now}, vessels.NewMemoryStore(), hist, vessels.NopPublisher{})
		p := vessels.TrackPoint{SOG: 8.2, COG: 45.3, Heading: 44}
		for k := range points - 1 { // the tracker appends the newest point
			p.Time = t0.Add(time.Duration(k) * 10 * time.Second)
			for v := range fleet {
				p.Lat = 43 + float64(v%1000)*0.002 - float64(points-k)*0.0001
				p.Lon = 124 + float64(v/1000)*0.03
				if err := hist.Append(b.Context(), uint32(412000000+v), p); err != nil {
					b.Fatal(err)
				}
			}
		}
		for v := range fleet {
			mmsi := uint32(412000000 + v)
			tr.Handle(vesselstest.StaticReport(mmsi, end, "SONG HUA JIANG HUO 12", "BXYZ123", "JILIN"))
			tr.Handle(vesselstest.PositionReport(mmsi, end, 43+float64(v%1000)*0.002, 124+float64(v/1000)*0.03, 8))
		}
		runtime.GC()
		runtime.ReadMemStats(&ms)
		held := float64(ms.HeapAlloc - before)
		if tr.Count() != fleet {
			b.Fatalf("tracker holds %d vessels", tr.Count())
		}
		b.ReportMetric(held/(1<<20), "MiB")
		b.ReportMetric(held/fleet, "bytes/vessel")
		runtime.KeepAlive(tr)
		runtime.KeepAlive(hist)
	}
}
