package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goais "github.com/BertoldVdb/go-ais"
	"github.com/paulmach/orb"

	"github.com/riverwatch/riverwatch/ais"
	"github.com/riverwatch/riverwatch/vessels"
	"github.com/riverwatch/riverwatch/zones"
	"github.com/riverwatch/riverwatch/zones/redisstore"
	"github.com/riverwatch/riverwatch/zones/redisstore/redistest"
)

// Figures of the zones benchmarks: 10,000 zones and 10,000 vessels moving
// among them, in a 2° × 1.5° box of Jilin.
const (
	benchZones   = 10_000
	benchVessels = 10_000
	benchReports = 200 // per vessel, 10 s apart: 2,000,000 sentences
)

var benchBox = [4]float64{125.5, 43.2, 127.5, 44.7} // W S E N

// benchZoneSet is 10,000 zones of every shape: quay and bridge circles,
// small restricted and anchorage polygons, speed-limit circles, buffered
// crossing lines; fixed seed.
//
// The storm set asks for entry and exit alerts on every quay and crossing
// and makes a fifth of all zones restricted. The calm set has the same
// shapes in the same places, but, as a deployment configures them, asks for
// entry alerts on one quay and crossing in twenty and keeps one restricted
// zone in twenty (the others are anchorages).
func benchZoneSet(calm bool) []zones.Zone {
	rng := rand.New(rand.NewSource(7))
	out := make([]zones.Zone, 0, benchZones)
	for i := range benchZones {
		lon := benchBox[0] + rng.Float64()*(benchBox[2]-benchBox[0])
		lat := benchBox[1] + rng.Float64()*(benchBox[3]-benchBox[1])
		id := fmt.Sprintf("z%05d", i)
		notify, restricted := true, zones.KindRestricted
		if calm {
			notify = i%100 < 5 // one quay (i%100 == 0) and one crossing (3) in twenty
			if i%100 != 2 {
				restricted = zones.KindAnchorage
			}
		}
		switch i % 5 {
		case 0:
			out = append(out, zones.Zone{ID: id, Kind: zones.KindQuay, Geom: orb.Point{lon, lat}, RadiusM: 300, Notify: notify})
		case 1:
			out = append(out, zones.Zone{ID: id, Kind: zones.KindSpeedLimit, Geom: orb.Point{lon, lat}, RadiusM: 600, SpeedLimitKn: 6})
		case 2:
			d := 0.004
			out = append(out, zones.Zone{ID: id, Kind: restricted, Geom: orb.Polygon{{{lon, lat}, {lon + d, lat}, {lon + d, lat + d}, {lon, lat + d}, {lon, lat}}}})
		case 3:
			out = append(out, zones.Zone{ID: id, Kind: zones.KindFerryCrossing, Geom: orb.LineString{{lon, lat}, {lon + 0.003, lat + 0.004}}, BufferM: 100, Notify: notify, CapacityPersons: 60})
		default:
			out = append(out, zones.Zone{ID: id, Kind: zones.KindBridge, Geom: orb.Point{lon, lat}, RadiusM: 300, SpeedLimitKn: 5})
		}
	}
	return out
}

// benchFleet is one traffic of the benchmarks, generated once: 2,000,000
// sentences in one buffer, so that the garbage collector, which a
// deployment does not make walk two million retained lines, does not
// either.
type benchFleet struct {
	once sync.Once
	buf  []byte
	ends []int32 // where each sentence ends in buf
}

// Len is the number of sentences.
func (f *benchFleet) Len() int { return len(f.ends) }

// Line is sentence i.
func (f *benchFleet) Line(i int) []byte {
	start := int32(0)
	if i > 0 {
		start = f.ends[i-1]
	}
	return f.buf[start:f.ends[i]:f.ends[i]]
}

var stormFleet, calmFleet benchFleet

// benchTrafficVersion names the traffic benchTraffic generates in the
// file it keeps it in between runs: change it with the generator.
const benchTrafficVersion = "v1"

// load reads the traffic a run before saved at path, if any: generating it
// takes seconds natively and most of an hour under valgrind.
func (f *benchFleet) load(path string) bool {
	data, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	f.buf, f.ends = make([]byte, 0, len(data)), make([]int32, 0, benchVessels*benchReports)
	for line := range bytes.Lines(data) {
		f.buf = append(f.buf, bytes.TrimSuffix(line, []byte("\n"))...)
		f.ends = append(f.ends, int32(len(f.buf)))
	}
	return len(f.ends) == benchVessels*benchReports
}

// save writes the traffic to path for the next run, atomically; a failure
// only costs the next run the time to generate it again.
func (f *benchFleet) save(path string) {
	out := make([]byte, 0, len(f.buf)+len(f.ends))
	for i := range f.Len() {
		out = append(append(out, f.Line(i)...), '\n')
	}
	tmp := fmt.Sprintf("%s.%d", path, os.Getpid())
	if err := os.WriteFile(tmp, out, 0o600); err == nil {
		_ = os.Rename(tmp, path)
	}
	_ = os.Remove(tmp)
}

// benchTraffic is 10,000 class A vessels on straight courses, each
// reporting every 10 s, as NMEA sentences in time order (vessel by vessel
// within each 10 s round). The storm fleet sails at 4–12 kn, so that most
// vessels break the 5 and 6 kn limits of the bridges and speed zones; in
// the calm fleet 98% keep to 2.5–4.8 kn and 2% race at 8–12 kn. Both start
// from the same places on the same courses.
func benchTraffic(tb testing.TB, calm bool) *benchFleet {
	f := &stormFleet
	if calm {
		f = &calmFleet
	}
	f.once.Do(func() {
		cache := filepath.Join(os.TempDir(), fmt.Sprintf("riverwatch-bench-%s-calm%v.nmea", benchTrafficVersion, calm))
		if f.load(cache) {
			return
		}
		defer f.save(cache)
		rng := rand.New(rand.NewSource(11))
		type ship struct{ lat, lon, sog, cog float64 }
		ships := make([]ship, benchVessels)
		for i := range ships {
			ships[i] = ship{benchBox[1] + rng.Float64()*(benchBox[3]-benchBox[1]), benchBox[0] + rng.Float64()*(benchBox[2]-benchBox[0]),
				4 + 8*rng.Float64(), 360 * rng.Float64()}
			if calm {
				if u := (ships[i].sog - 4) / 8; i%50 == 0 {
					ships[i].sog = 8 + 4*u
				} else {
					ships[i].sog = 2.5 + 2.3*u
				}
			}
		}
		f.buf = make([]byte, 0, benchVessels*benchReports*48)
		f.ends = make([]int32, 0, benchVessels*benchReports)
		for r := range benchReports {
			for i := range ships {
				s := &ships[i]
				d := s.sog * 1852 / 3600 * 10
				s.lat += d * math.Cos(s.cog*math.Pi/180) / 111_320
				s.lon += d * math.Sin(s.cog*math.Pi/180) / (111_320 * math.Cos(s.lat*math.Pi/180))
				p := goais.PositionReport{Header: goais.Header{MessageID: 1, UserID: uint32(413_000_000 + i)}, Valid: true,
					Sog: goais.Field10(s.sog), Longitude: goais.FieldLatLonFine(s.lon), Latitude: goais.FieldLatLonFine(s.lat),
					Cog: goais.Field10(s.cog), TrueHeading: uint16(s.cog), Timestamp: uint8(r % 60)}
				lines, err := ais.EncodeSentences(p, "AI", 'A', 0)
				if err != nil {
					panic(err)
				}
				f.buf = append(f.buf, lines[0]...)
				f.ends = append(f.ends, int32(len(f.buf)))
			}
		}
	})
	return f
}

// benchZonesPath runs the whole path, sentence to alert, over store: the
// pipeline, the tracker, the broker, the Watch's engine and sink, and the
// Watch's writer, whose last writes are waited for before the clock stops.
// It reports the alert events (opened, updated, resolved) per thousand
// sentences, to show how stormy the scenario is.
//
// The lines go in as a busy source reads them, batchLines at a time
// (Pipeline.FeedBatch: a TCP feed's buffer holds some 80 sentences, and a
// UDP source reads the datagrams waiting together), or one by one (Feed,
// as a quiet source's lines come) when batchLines is 1.
func benchZonesPath(b *testing.B, store zones.StateStore, calm bool, batchLines int) {
	lines := benchTraffic(b, calm)
	clock := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	quiet := slog.New(slog.DiscardHandler)
	w, err := zones.NewWatch(zones.WatchConfig{Base: benchZoneSet(calm), Store: store, Now: now, Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := w.Open(ctx); err != nil {
		b.Fatal(err)
	}
	var events atomic.Int64
	w.Subscribe(func(e zones.Event) {
		if e.Alert != nil {
			events.Add(1)
		}
	})
	done := make(chan struct{})
	go func() { _ = w.Run(ctx); close(done) }()

	broker := vessels.NewBroker()
	broker.SubscribeRef(w.HandleRef)
	broker.SubscribePrefetch(w)
	history := vessels.NewMemoryHistory(vessels.HistoryConfig{MaxPoints: 720, MaxAge: time.Hour, Now: now})
	tracker := vessels.NewTracker(vessels.TrackerConfig{Now: now, Logger: quiet}, vessels.NewMemoryStore(), history, broker)
	newPipeline := func() *ais.Pipeline {
		p := ais.NewPipeline(ais.PipelineConfig{DedupWindow: 2 * time.Second, Now: now, OnMessage: tracker.Handle, OnBatch: tracker.HandleBatch})
		p.AddSource("bench", "tcp", "bench")
		return p
	}
	p := newPipeline()
	// 10,000 vessels every 10 s: one sentence a millisecond.
	const perLine = time.Millisecond
	batch := make([]ais.Line, 0, max(batchLines, 1))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU()
	for i := 0; i < b.N; i++ {
		if i > 0 && i%lines.Len() == 0 {
			p.FeedBatch(batch)
			batch = batch[:0]
			b.StopTimer() // a second pass would jump every vessel back: start a new fleet state
			tracker = vessels.NewTracker(vessels.TrackerConfig{Now: now, Logger: quiet}, vessels.NewMemoryStore(), history, broker)
			p = newPipeline()
			b.StartTimer()
		}
		clock = clock.Add(perLine)
		l := ais.Line{Source: "bench", Data: lines.Line(i % lines.Len()), Received: clock}
		if batchLines <= 1 {
			p.Feed(l)
			continue
		}
		if batch = append(batch, l); len(batch) == batchLines {
			p.FeedBatch(batch)
			batch = batch[:0]
		}
	}
	p.FeedBatch(batch)
	cancel() // the writer flushes what is pending and stops
	<-done
	b.StopTimer()
	reportRates(b, processCPU()-cpu0)
	b.ReportMetric(float64(events.Load())*1000/float64(b.N), "alert-events/ksent")
	as, _ := w.Alerts(context.Background(), zones.AlertFilter{})
	b.ReportMetric(float64(len(as)), "alerts")
	if len(as) == 0 && b.N >= 100_000 {
		b.Fatal("no alerts raised")
	}
}

// BenchmarkWholePathZones measures sentence to alert with 10,000 zones and
// 10,000 vessels moving, on the embedded (memory) state store, in the
// storm scenario (some 65 alert events per thousand sentences). Run with
// -cpu 1 for the one-core figure.
func BenchmarkWholePathZones(b *testing.B) {
	benchZonesPath(b, zones.NewMemoryStore(zones.MemoryConfig{}), false, ais.MaxBatch)
}

// BenchmarkWholePathZonesRedis is the same with the state in a real
// redis-server (writes batched by the Watch's writer).
func BenchmarkWholePathZonesRedis(b *testing.B) {
	benchZonesPath(b, benchRedis(b), false, ais.MaxBatch)
}

// BenchmarkWholePathZonesCalm is the calm scenario: the same zones and
// fleet, configured and sailing as in a deployment (see benchZoneSet and
// benchTraffic).
func BenchmarkWholePathZonesCalm(b *testing.B) {
	benchZonesPath(b, zones.NewMemoryStore(zones.MemoryConfig{}), true, ais.MaxBatch)
}

// BenchmarkWholePathZonesCalmByLine is the calm scenario fed line by line.
func BenchmarkWholePathZonesCalmByLine(b *testing.B) {
	benchZonesPath(b, zones.NewMemoryStore(zones.MemoryConfig{}), true, 1)
}

// BenchmarkWholePathZonesCalmRedis is the calm scenario on Redis.
func BenchmarkWholePathZonesCalmRedis(b *testing.B) {
	benchZonesPath(b, benchRedis(b), true, ais.MaxBatch)
}

func benchRedis(b *testing.B) zones.StateStore {
	addr := redistest.Start(b)
	st, err := redisstore.New(context.Background(), redisstore.Config{Addrs: []string{addr}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	return st
}

// BenchmarkWholePathFleet is the storm fleet's traffic through the
// pipeline, the tracker and its history with nobody subscribed to the
// broker but a no-op: what the zones add is measured against it.
func BenchmarkWholePathFleet(b *testing.B) {
	lines := benchTraffic(b, false)
	clock := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	quiet := slog.New(slog.DiscardHandler)
	broker := vessels.NewBroker()
	broker.Subscribe(func(vessels.Event) {})
	history := vessels.NewMemoryHistory(vessels.HistoryConfig{MaxPoints: 720, MaxAge: time.Hour, Now: now})
	tracker := vessels.NewTracker(vessels.TrackerConfig{Now: now, Logger: quiet}, vessels.NewMemoryStore(), history, broker)
	p := ais.NewPipeline(ais.PipelineConfig{DedupWindow: 2 * time.Second, Now: now, OnMessage: tracker.Handle})
	p.AddSource("bench", "udp", "bench")
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU()
	for i := 0; i < b.N; i++ {
		if i > 0 && i%lines.Len() == 0 {
			b.StopTimer()
			tracker = vessels.NewTracker(vessels.TrackerConfig{Now: now, Logger: quiet}, vessels.NewMemoryStore(), history, broker)
			p = ais.NewPipeline(ais.PipelineConfig{DedupWindow: 2 * time.Second, Now: now, OnMessage: tracker.Handle})
			p.AddSource("bench", "udp", "bench")
			b.StartTimer()
		}
		clock = clock.Add(time.Millisecond)
		p.Feed(ais.Line{Source: "bench", Data: lines.Line(i % lines.Len()), Received: clock})
	}
	b.StopTimer()
	reportRates(b, processCPU()-cpu0)
}

// reportRates reports sentences per wall second and per CPU second of
// the whole process (cpu; the Redis server's own is not counted). With
// -cpu 1 the process runs Go code on one core at a time, so on a machine
// other work shares the second is the steadier one-core figure. The CPU
// time includes the untimed restarts of a second pass.
func reportRates(b *testing.B, cpu time.Duration) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sentences/s")
	if cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu.Seconds(), "sentences/cpu-s")
	}
}
