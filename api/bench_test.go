package api

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
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

func BenchmarkListVessels(b *testing.B) {
	fx := newFixture(b, nil, benchFleet(10000)...)
	r := fx.do(b, "GET", "/api/v1/vessels", nil)
	if r.status != 200 {
		b.Fatalf("%d %s", r.status, r.body)
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
