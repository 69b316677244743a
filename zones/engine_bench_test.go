package zones

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/riverwatch/riverwatch/vessels"
)

// The engine benchmarks feed tracker events straight to an Engine whose
// sink only counts: what the rules cost per position, without the
// pipeline, the tracker and the Watch. The zones and the fleet are those of
// cmd/riverwatch's BenchmarkWholePathZones (10,000 each in a 2° × 1.5° box
// of Jilin, the storm scenario): quay, bridge and speed circles, small
// restricted squares and buffered crossing lines; vessels at 4–12 kn on
// straight courses reporting every 10 s.

type countSink struct{ alerts, occupancy int }

func (c *countSink) AlertChanged(EventType, Alert) { c.alerts++ }
func (c *countSink) OccupancyChanged(Occupancy)    { c.occupancy++ }

func benchFleetZones(rng *rand.Rand) []Zone {
	out := make([]Zone, 0, 10_000)
	for i := range 10_000 {
		lon, lat := between(rng, 125.5, 127.5), between(rng, 43.2, 44.7)
		id := fmt.Sprintf("z%05d", i)
		switch i % 5 {
		case 0:
			out = append(out, Zone{ID: id, Kind: KindQuay, Geom: orb.Point{lon, lat}, RadiusM: 300, Notify: true})
		case 1:
			out = append(out, Zone{ID: id, Kind: KindSpeedLimit, Geom: orb.Point{lon, lat}, RadiusM: 600, SpeedLimitKn: 6})
		case 2:
			const d = 0.004
			out = append(out, Zone{ID: id, Kind: KindRestricted, Geom: orb.Polygon{{{lon, lat}, {lon + d, lat}, {lon + d, lat + d}, {lon, lat + d}, {lon, lat}}}})
		case 3:
			out = append(out, Zone{ID: id, Kind: KindFerryCrossing, Geom: orb.LineString{{lon, lat}, {lon + 0.003, lat + 0.004}}, BufferM: 100, Notify: true, CapacityPersons: 60})
		default:
			out = append(out, Zone{ID: id, Kind: KindBridge, Geom: orb.Point{lon, lat}, RadiusM: 300, SpeedLimitKn: 5})
		}
	}
	return out
}

// reportCPU reports the process's CPU time per op since cpu0 (see
// processCPU): on a shared machine, steadier than ns/op.
func reportCPU(b *testing.B, cpu0 time.Duration, n int) {
	if cpu := processCPU() - cpu0; cpu > 0 && n > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(n), "cpu-ns/op")
	}
}

// BenchmarkEngineFleet is one position report of one of 10,000 vessels
// moving among 10,000 zones, through Engine.Handle. Run with -cpu 1.
func BenchmarkEngineFleet(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 11))
	sink := &countSink{}
	e := NewEngine(EngineConfig{}, nil, sink)
	if err := e.SetZones(benchFleetZones(rng)); err != nil {
		b.Fatal(err)
	}
	type ship struct{ lat, lon, sog, cog, dLat, dLon float64 }
	ships := make([]ship, 10_000)
	for i := range ships {
		s := &ships[i]
		s.lat, s.lon, s.sog, s.cog = between(rng, 43.2, 44.7), between(rng, 125.5, 127.5), between(rng, 4, 12), between(rng, 0, 360)
		d := s.sog * knToMS * 10
		s.dLat = d * math.Cos(s.cog*math.Pi/180) / mPerDegLat
		s.dLon = d * math.Sin(s.cog*math.Pi/180) / (mPerDegLat * math.Cos(s.lat*math.Pi/180))
	}
	clock := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	var ev vessels.Event
	ev.Type = vessels.EventUpdate
	v := &ev.Vessel
	var lat, lon, sog, cog float64
	v.Class, v.NavStatus, v.Lat, v.Lon, v.SOG, v.COG = "A", 0, &lat, &lon, &sog, &cog
	step := func(i int) {
		clock = clock.Add(time.Millisecond) // 10,000 vessels every 10 s
		s := &ships[i%len(ships)]
		s.lat, s.lon = s.lat+s.dLat, s.lon+s.dLon
		lat, lon, sog, cog = s.lat, s.lon, s.sog, s.cog
		v.MMSI, v.LastSeen, v.PositionAt, ev.At = uint32(413_000_000+i%len(ships)), clock, clock, clock
		e.Handle(ev)
	}
	for i := range 3 * len(ships) { // every vessel known, its pairs scanned
		step(i)
	}
	b.ReportAllocs()
	i := 3 * len(ships)
	cpu0 := processCPU()
	for b.Loop() {
		step(i)
		i++
	}
	n := i - 3*len(ships)
	reportCPU(b, cpu0, n)
	b.ReportMetric(float64(sink.alerts)*1000/float64(i), "alert-events/kpos")
	if n >= 100_000 && sink.alerts == 0 {
		b.Fatal("no alerts raised")
	}
}
