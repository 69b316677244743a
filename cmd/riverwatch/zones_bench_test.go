package main

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"math/rand"
	"sync"
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
func benchZoneSet() []zones.Zone {
	rng := rand.New(rand.NewSource(7))
	out := make([]zones.Zone, 0, benchZones)
	for i := range benchZones {
		lon := benchBox[0] + rng.Float64()*(benchBox[2]-benchBox[0])
		lat := benchBox[1] + rng.Float64()*(benchBox[3]-benchBox[1])
		id := fmt.Sprintf("z%05d", i)
		switch i % 5 {
		case 0:
			out = append(out, zones.Zone{ID: id, Kind: zones.KindQuay, Geom: orb.Point{lon, lat}, RadiusM: 300, Notify: true})
		case 1:
			out = append(out, zones.Zone{ID: id, Kind: zones.KindSpeedLimit, Geom: orb.Point{lon, lat}, RadiusM: 600, SpeedLimitKn: 6})
		case 2:
			d := 0.004
			out = append(out, zones.Zone{ID: id, Kind: zones.KindRestricted, Geom: orb.Polygon{{{lon, lat}, {lon + d, lat}, {lon + d, lat + d}, {lon, lat + d}, {lon, lat}}}})
		case 3:
			out = append(out, zones.Zone{ID: id, Kind: zones.KindFerryCrossing, Geom: orb.LineString{{lon, lat}, {lon + 0.003, lat + 0.004}}, BufferM: 100, Notify: true, CapacityPersons: 60})
		default:
			out = append(out, zones.Zone{ID: id, Kind: zones.KindBridge, Geom: orb.Point{lon, lat}, RadiusM: 300, SpeedLimitKn: 5})
		}
	}
	return out
}

var (
	benchLinesOnce sync.Once
	benchLines     [][]byte
)

// benchTraffic is 10,000 class A vessels at 4–12 kn on straight courses,
// each reporting every 10 s, as NMEA sentences in time order (vessel by
// vessel within each 10 s round).
func benchTraffic(tb testing.TB) [][]byte {
	benchLinesOnce.Do(func() {
		rng := rand.New(rand.NewSource(11))
		type ship struct{ lat, lon, sog, cog float64 }
		ships := make([]ship, benchVessels)
		for i := range ships {
			ships[i] = ship{benchBox[1] + rng.Float64()*(benchBox[3]-benchBox[1]), benchBox[0] + rng.Float64()*(benchBox[2]-benchBox[0]),
				4 + 8*rng.Float64(), 360 * rng.Float64()}
		}
		benchLines = make([][]byte, 0, benchVessels*benchReports)
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
				benchLines = append(benchLines, []byte(lines[0]))
			}
		}
	})
	return benchLines
}

// benchZonesPath runs the whole path, sentence to alert, over store.
func benchZonesPath(b *testing.B, store zones.StateStore) {
	lines := benchTraffic(b)
	clock := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	quiet := slog.New(slog.DiscardHandler)
	w, err := zones.NewWatch(zones.WatchConfig{Base: benchZoneSet(), Store: store, Now: now, Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := w.Open(ctx); err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = w.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	broker := vessels.NewBroker()
	broker.Subscribe(w.Handle)
	history := vessels.NewMemoryHistory(vessels.HistoryConfig{MaxPoints: 720, MaxAge: time.Hour, Now: now})
	tracker := vessels.NewTracker(vessels.TrackerConfig{Now: now, Logger: quiet}, vessels.NewMemoryStore(), history, broker)
	p := ais.NewPipeline(ais.PipelineConfig{DedupWindow: 2 * time.Second, Now: now, OnMessage: tracker.Handle})
	p.AddSource("bench", "udp", "bench")
	// 10,000 vessels every 10 s: one sentence a millisecond.
	const perLine = time.Millisecond
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i > 0 && i%len(lines) == 0 {
			b.StopTimer() // a second pass would jump every vessel back: start a new fleet state
			tracker = vessels.NewTracker(vessels.TrackerConfig{Now: now, Logger: quiet}, vessels.NewMemoryStore(), history, broker)
			p = ais.NewPipeline(ais.PipelineConfig{DedupWindow: 2 * time.Second, Now: now, OnMessage: tracker.Handle})
			p.AddSource("bench", "udp", "bench")
			b.StartTimer()
		}
		clock = clock.Add(perLine)
		p.Feed(ais.Line{Source: "bench", Data: lines[i%len(lines)], Received: clock})
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sentences/s")
	as, _ := w.Alerts(context.Background(), zones.AlertFilter{})
	b.ReportMetric(float64(len(as)), "alerts")
	if len(as) == 0 && b.N >= 100_000 {
		b.Fatal("no alerts raised")
	}
}

// BenchmarkWholePathZones measures sentence to alert with 10,000 zones and
// 10,000 vessels moving, on the embedded (memory) state store. Run with
// -cpu 1 for the one-core figure.
func BenchmarkWholePathZones(b *testing.B) {
	benchZonesPath(b, zones.NewMemoryStore(zones.MemoryConfig{}))
}

// BenchmarkWholePathZonesRedis is the same with the state in a real
// redis-server (writes batched by the Watch's writer).
func BenchmarkWholePathZonesRedis(b *testing.B) {
	addr := redistest.Start(b)
	st, err := redisstore.New(context.Background(), redisstore.Config{Addrs: []string{addr}})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	benchZonesPath(b, st)
}
