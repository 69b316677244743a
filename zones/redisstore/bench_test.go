package redisstore

import (
	"fmt"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/zones"
	"github.com/riverwatch/riverwatch/zones/redisstore/redistest"
)

// BenchmarkRedis measures the hot writes against a real local redis-server:
// an occupancy batch of 100 changes (one pipeline), OpenAlert (one script),
// UpdateAlert (a GET and a compare-and-set script), uncontended and with
// every goroutine on one alert, and Publish (one XADD).
func BenchmarkRedis(b *testing.B) {
	addr := redistest.Start(b)
	s := newStore(b, Config{Addrs: []string{addr}})
	defer s.Close()
	ctx := b.Context()
	at := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

	b.Run("ApplyOccupancy100", func(b *testing.B) {
		batch := make([]zones.Occupancy, 100)
		n := 0
		for b.Loop() {
			for i := range batch {
				batch[i] = zones.Occupancy{ZoneID: fmt.Sprintf("zone-%d", i%20), MMSI: uint32(211000000 + i),
					In: n%2 == 0, At: at}
			}
			if err := s.ApplyOccupancy(ctx, batch); err != nil {
				b.Fatal(err)
			}
			n++
		}
	})
	n := 0 // across runs of the sub-benchmark (-count), which share the server
	b.Run("OpenAlert", func(b *testing.B) {
		for b.Loop() {
			id := fmt.Sprintf("open-%d", n)
			a := benchAlert(id, "speeding:"+id, at)
			if _, created, err := s.OpenAlert(ctx, a); err != nil || !created {
				b.Fatal(created, err)
			}
			n++
		}
	})
	update := func(a *zones.Alert) error {
		a.Values.Set("sog_kn", a.Values.Value("sog_kn")+1)
		a.UpdatedAt = a.UpdatedAt.Add(time.Second)
		return nil
	}
	b.Run("UpdateAlert", func(b *testing.B) {
		if _, _, err := s.OpenAlert(ctx, benchAlert("upd", "speeding:upd", at)); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := s.UpdateAlert(ctx, "upd", update); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("UpdateAlertContended", func(b *testing.B) {
		if _, _, err := s.OpenAlert(ctx, benchAlert("hot", "speeding:hot", at)); err != nil {
			b.Fatal(err)
		}
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := s.UpdateAlert(ctx, "hot", update); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("Publish", func(b *testing.B) {
		a := benchAlert("pub", "speeding:pub", at)
		for b.Loop() {
			if err := s.Publish(ctx, zones.Event{Type: zones.EventAlertUpdated, Alert: &a, At: at}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRestore10000 measures what a process writes back after a Redis
// without persistence came back empty: 10,000 resolved alerts, the most a
// Watch keeps. Each op restores all of them into an empty store.
func BenchmarkRestore10000(b *testing.B) {
	addr := redistest.Start(b)
	s := newStore(b, Config{Addrs: []string{addr}})
	defer s.Close()
	ctx := b.Context()
	at := time.Now().Add(-time.Hour)
	batch := make([]zones.Alert, 10000)
	for i := range batch {
		id := fmt.Sprintf("restore-%d", i)
		a := benchAlert(id, "speeding:"+id, at)
		a.State, a.ResolvedAt, a.UpdatedAt = zones.StateResolved, at.Add(time.Minute), at.Add(time.Minute)
		batch[i] = a
	}
	for b.Loop() {
		b.StopTimer()
		if err := s.client.FlushDB(ctx).Err(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		n, err := s.RestoreAlerts(ctx, batch)
		if err != nil || n != len(batch) {
			b.Fatalf("restored %d of %d: %v", n, len(batch), err)
		}
	}
}

func benchAlert(id, key string, at time.Time) zones.Alert {
	return zones.Alert{
		ID: id, Key: key, Kind: zones.AlertSpeeding, Severity: zones.SeverityWarning, MMSI: 211000001,
		ZoneID: "songhua-1", Lat: 43.81, Lon: 126.51, MessageZH: "船舶超速", MessageEN: "speeding",
		Values: zones.FiguresOf("sog_kn", 9.5, "limit_kn", 6.0), State: zones.StateOpen, OpenedAt: at, UpdatedAt: at,
	}
}
