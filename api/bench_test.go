package api

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/vessels"
)

// benchFleet is n vessels scattered over Jilin, from a fixed seed.
func benchFleet(n int) []vessels.Vessel {
	rng := rand.New(rand.NewPCG(1, 2))
	out := make([]vessels.Vessel, n)
	for i := range out {
		out[i] = testVessel(412000000+uint32(i), fmt.Sprintf("JILIN %05d", i),
			40.8+rng.Float64()*5.5, 121.6+rng.Float64()*9.4)
	}
	return out
}

// realisticFleet is n vessels as the tracker keeps them, from a fixed seed:
// mostly class A and B with static data, some inland with persons on
// board, some never positioned or without IMO, ship type or status, names
// with quotes, ampersands and Chinese, and a few stale ones.
func realisticFleet(n int) []vessels.Vessel {
	rng := rand.New(rand.NewPCG(3, 4))
	stations := []string{"jilin-1", "dandong-2", "songyuan-1"}
	dests := []string{"", "JILIN", "DANDONG", "HARBIN", "SONGYUAN", "<UNKNOWN>", "吉林港"}
	out := make([]vessels.Vessel, n)
	for i := range out {
		v := vessels.Vessel{
			MMSI:      412000000 + uint32(i)*7,
			Class:     "A",
			Name:      fmt.Sprintf("JI HANG %d", i),
			CallSign:  fmt.Sprintf("BQ%04d", i%10000),
			NavStatus: rng.IntN(3) * 5 % 10, // 0, 5, 0
			ShipType:  []int{70, 79, 30, 52, 60, 37, 0}[rng.IntN(7)],
			Station:   stations[rng.IntN(len(stations))],
			LastSeen:  testNow.Add(-time.Duration(rng.Int64N(int64(20 * time.Minute)))),
		}
		switch r := rng.IntN(100); {
		case r < 25:
			v.Class, v.NavStatus = "B", 15
		case r < 27:
			v.Class, v.NavStatus, v.ShipType = "aton", 15, 0
		case r < 28:
			v.Class, v.NavStatus, v.ShipType, v.Name = "base", 15, 0, ""
		}
		switch rng.IntN(10) {
		case 0:
			v.Name = fmt.Sprintf("吉林货%d", i)
		case 1:
			v.Name = fmt.Sprintf(`"A&B" <%d>`, i)
		}
		if rng.IntN(2) == 0 {
			v.IMO = 9000000 + uint32(rng.IntN(999999))
		}
		if rng.IntN(10) < 7 {
			v.Destination = dests[rng.IntN(len(dests))]
			v.ETA = fmt.Sprintf("%02d-%02d %02d:%02d", 1+rng.IntN(12), 1+rng.IntN(28), rng.IntN(24), rng.IntN(60))
			v.Length = float64(20+rng.IntN(180)) + 0.5*float64(rng.IntN(2))
			v.Beam = float64(5 + rng.IntN(25))
			v.Draught = float64(rng.IntN(60)) / 10
			v.StaticAt = v.LastSeen.Add(-time.Duration(rng.Int64N(int64(5 * time.Minute))))
			v.StaticStation = v.Station
		}
		if rng.IntN(20) != 0 { // positioned, at AIS resolution
			lat := float64(24480000+rng.IntN(3300000)) / 600000
			lon := float64(72960000+rng.IntN(5640000)) / 600000
			v.Lat, v.Lon = &lat, &lon
			sog := float64(rng.IntN(150)) / 10
			v.SOG = &sog
			if rng.IntN(10) != 0 {
				cog := float64(rng.IntN(3600)) / 10
				v.COG = &cog
			}
			if rng.IntN(3) != 0 {
				hdg := rng.IntN(360)
				v.Heading = &hdg
			}
			v.Accuracy = rng.IntN(2) == 0
			v.PositionAt = v.LastSeen
			v.PositionStation = v.Station
			v.LongRange = rng.IntN(100) == 0
		}
		if rng.IntN(5) == 0 {
			v.Inland = &vessels.Inland{
				ENI: fmt.Sprintf("0%07d", rng.IntN(10000000)), Length: 85.5, Beam: 11.4, ERIType: 8010,
				HazardousCones: rng.IntN(6), Draught: 2.5, Loaded: []string{"loaded", "unloaded", ""}[rng.IntN(3)],
			}
			v.InlandAt = v.LastSeen
			if rng.IntN(4) == 0 {
				crew, pax := 1+rng.IntN(8), rng.IntN(200)
				v.Persons = &vessels.Persons{Crew: &crew, Passengers: &pax}
			}
		}
		if rng.IntN(50) == 0 {
			v.Flags = []string{"position_jump"}
		}
		out[i] = v
	}
	return out
}

// trackerFixture is a server over a real Tracker and MemoryStore holding vs.
func trackerFixture(tb testing.TB, vs []vessels.Vessel) *fixture {
	tb.Helper()
	store := vessels.NewMemoryStore()
	ctx := context.Background()
	// Records arrive in no MMSI order: the store's memory is not in it either.
	rng := rand.New(rand.NewPCG(5, 6))
	for _, i := range rng.Perm(len(vs)) {
		v := vs[i]
		if _, err := store.Update(ctx, v.MMSI, func(p *vessels.Vessel) error { *p = v; return nil }); err != nil {
			tb.Fatal(err)
		}
	}
	tracker := vessels.NewTracker(vessels.TrackerConfig{Now: func() time.Time { return testNow }, Logger: discardLogger()},
		store, nil, vessels.NopPublisher{})
	return newFixture(tb, func(_ *Config, d *Deps) { d.Vessels = tracker })
}

// BenchmarkListVessels is the whole GET /api/v1/vessels through the fiber
// app over a real Tracker: listing, filtering, sorting and encoding.
func BenchmarkListVessels(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			fx := trackerFixture(b, realisticFleet(n))
			r := fx.do(b, "GET", "/api/v1/vessels", nil)
			if r.status != 200 || !strings.HasPrefix(r.body, fmt.Sprintf(`{"count":%d,`, n)) {
				b.Fatalf("%d %.200s", r.status, r.body)
			}
			b.SetBytes(int64(len(r.body)))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				resp, err := fx.srv.App().Test(newRequest("GET", "/api/v1/vessels"), -1)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
}

// BenchmarkLiveFanout publishes b.N updates over 1000 vessels to 100
// WebSocket clients on loopback and waits until every client has the last
// one. events/s is the publishing rate the fan-out sustained end to end;
// frames/s what the clients received after coalescing.
func BenchmarkLiveFanout(b *testing.B) {
	const clients, fleetSize = 100, 1000
	fx := newFixture(b, func(c *Config, _ *Deps) { c.MaxLiveClients = clients })
	base := fx.run(b)

	fleet := benchFleet(fleetSize)
	events := make([]vessels.Event, fleetSize)
	for i, v := range fleet {
		events[i] = update(v)
	}
	marker := []byte(`{"type":"update","vessel":{"mmsi":999000001,`)
	var frames atomic.Int64
	arrived := make(chan struct{}, clients)
	for range clients {
		conn, _ := mustDialLive(b, base, "")
		go func() {
			head := make([]byte, len(marker))
			for {
				_, r, err := conn.NextReader()
				if err != nil {
					return
				}
				// Only the head tells the marker; the rest is skipped.
				n, _ := io.ReadFull(r, head)
				if _, err := io.Copy(io.Discard, r); err != nil {
					return
				}
				frames.Add(1)
				if bytes.Equal(head[:n], marker) {
					arrived <- struct{}{}
				}
			}
		}()
	}
	waitFor(b, "clients registered", func() bool { return fx.srv.live.count() == clients })

	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		fx.broker.Publish(events[i%fleetSize])
	}
	fx.broker.Publish(update(testVessel(999000001, "MARKER", 43.9, 126.5)))
	for range clients {
		<-arrived
	}
	elapsed := time.Since(start).Seconds()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed, "events/s")
	b.ReportMetric(float64(frames.Load())/elapsed, "frames/s")
	if n := fx.srv.live.dropped.Load(); n != 0 {
		b.Errorf("%d clients dropped", n)
	}
}
