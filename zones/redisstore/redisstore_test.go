package redisstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/riverwatch/riverwatch/zones"
	"github.com/riverwatch/riverwatch/zones/redisstore/redistest"
	"github.com/riverwatch/riverwatch/zones/zonestest"
)

// storeN numbers the stores of a test binary, so that each has a prefix of
// its own on a shared server.
var storeN atomic.Int64

// newStore returns a store on cfg's Redis with a fresh prefix.
func newStore(tb testing.TB, cfg Config) *Store {
	tb.Helper()
	if cfg.Prefix == "" {
		cfg.Prefix = fmt.Sprintf("rwtest%d", storeN.Add(1))
	}
	cfg.Logger = slog.New(slog.DiscardHandler)
	s, err := New(context.Background(), cfg)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	return s
}

func TestStateStoreSingle(t *testing.T) {
	addr := redistest.Start(t)
	zonestest.TestStateStore(t, func(t *testing.T, now func() time.Time) zones.StateStore {
		return newStore(t, Config{Addrs: []string{addr}, Now: now})
	})
}

func TestStateStoreCluster(t *testing.T) {
	addrs := redistest.StartCluster(t)
	zonestest.TestStateStore(t, func(t *testing.T, now func() time.Time) zones.StateStore {
		return newStore(t, Config{Addrs: addrs, Now: now})
	})
}

// TestClusterSpreadsKeys checks that on a cluster the occupancy sets land
// on more than one node (they are sharded), while every alert key shares
// one slot.
func TestClusterSpreadsKeys(t *testing.T) {
	addrs := redistest.StartCluster(t)
	s := newStore(t, Config{URL: "redis+cluster://" + addrs[0]})
	defer s.Close()
	ctx := t.Context()
	var changes []zones.Occupancy
	for i := range 50 {
		changes = append(changes, zones.Occupancy{ZoneID: fmt.Sprintf("z%d", i), MMSI: uint32(211000000 + i), In: true})
	}
	if err := s.ApplyOccupancy(ctx, changes); err != nil {
		t.Fatal(err)
	}
	nodes := 0
	for _, addr := range addrs {
		c := redis.NewClient(&redis.Options{Addr: addr})
		n, err := c.DBSize(ctx).Result()
		c.Close()
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			nodes++
		}
	}
	if nodes < 2 {
		t.Errorf("100 occupancy keys on %d node(s), want them spread", nodes)
	}
	slot := func(key string) int64 {
		n, err := s.client.ClusterKeySlot(ctx, key).Result()
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	want := slot(s.open)
	for _, k := range []string{s.updated, s.expiry, s.stream, s.alertPrefix + "any-id"} {
		if got := slot(k); got != want {
			t.Errorf("slot of %s = %d, want %d (that of %s)", k, got, want, s.open)
		}
	}
	if slot(s.banIDs) != slot(s.banPrefix+"b") {
		t.Errorf("a ban's key and the ban index are in different slots")
	}
}

// TestRedisExpires checks that Redis itself forgets what has ended, by the
// wall clock, and that the indexes are swept of it.
func TestRedisExpires(t *testing.T) {
	s := newStore(t, Config{Addrs: []string{redistest.Start(t)}})
	defer s.Close()
	ctx := t.Context()
	long := time.Now().Add(-zones.BanRetention - time.Hour)
	b := zones.Ban{ID: "old", Until: long, Kind: zones.BanProhibit}
	if err := s.PutBan(ctx, b); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.client.Exists(ctx, s.banPrefix+"old").Result(); n != 0 {
		t.Errorf("a ban past retention is still in Redis")
	}
	bs, err := s.Bans(ctx)
	if err != nil || len(bs) != 0 {
		t.Fatalf("Bans = %v, %v; want none", bs, err)
	}
	if n, _ := s.client.ZCard(ctx, s.banIDs).Result(); n != 0 {
		t.Errorf("the ban index still has %d entries", n)
	}
	keep := zones.Ban{ID: "yearly", Until: long, Yearly: true}
	if err := s.PutBan(ctx, keep); err != nil {
		t.Fatal(err)
	}
	if ttl, _ := s.client.PTTL(ctx, s.banPrefix+"yearly").Result(); ttl != -1 {
		t.Errorf("PTTL of a yearly ban = %v, want none (-1)", ttl)
	}

	a := zones.Alert{ID: "a1", Key: "k1", State: zones.StateOpen, UpdatedAt: long}
	if _, _, err := s.OpenAlert(ctx, a); err != nil {
		t.Fatal(err)
	}
	if ttl, _ := s.client.PTTL(ctx, s.alertPrefix+"a1").Result(); ttl != -1 {
		t.Errorf("PTTL of an active alert = %v, want none (-1)", ttl)
	}
	resolvedAt := time.Now().Add(-zones.AlertRetention + time.Hour)
	if _, err := s.UpdateAlert(ctx, "a1", func(a *zones.Alert) error {
		a.State, a.ResolvedAt = zones.StateResolved, resolvedAt
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if ttl, _ := s.client.PTTL(ctx, s.alertPrefix+"a1").Result(); ttl < 59*time.Minute || ttl > time.Hour+time.Second {
		t.Errorf("PTTL of an alert resolved 7 days less an hour ago = %v, want about an hour", ttl)
	}
	// Resolved longer ago than AlertRetention: Redis drops it at once, and
	// Alerts prunes the indexes.
	if _, _, err := s.OpenAlert(ctx, zones.Alert{ID: "a2", Key: "k2", State: zones.StateOpen}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateAlert(ctx, "a2", func(a *zones.Alert) error {
		a.State, a.ResolvedAt = zones.StateResolved, long
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.client.Exists(ctx, s.alertPrefix+"a2").Result(); n != 0 {
		t.Errorf("an alert past retention is still in Redis")
	}
	as, err := s.Alerts(ctx, zones.AlertFilter{})
	if err != nil || len(as) != 1 || as[0].ID != "a1" {
		t.Fatalf("Alerts = %v, %v; want a1 only", as, err)
	}
	if n, _ := s.client.ZCard(ctx, s.updated).Result(); n != 1 {
		t.Errorf("updated index has %d entries after pruning, want 1", n)
	}
}

// TestRestoreWithoutScript checks that RestoreAlerts stores every alert
// when the server has forgotten its script (a restart, a failover, SCRIPT
// FLUSH) between two batches: the rejected ones go again with the source.
func TestRestoreWithoutScript(t *testing.T) {
	s := newStore(t, Config{Addrs: []string{redistest.Start(t)}})
	defer s.Close()
	ctx := t.Context()
	at := time.Now().Add(-time.Hour)
	as := make([]zones.Alert, restoreBatch+100)
	for i := range as {
		id := fmt.Sprintf("r%d", i)
		as[i] = zones.Alert{ID: id, Key: "k" + id, State: zones.StateResolved, UpdatedAt: at, ResolvedAt: at}
	}
	for round := range 2 {
		if err := s.client.ScriptFlush(ctx).Err(); err != nil {
			t.Fatal(err)
		}
		if err := s.client.FlushDB(ctx).Err(); err != nil {
			t.Fatal(err)
		}
		n, err := s.RestoreAlerts(ctx, as)
		if err != nil || n != len(as) {
			t.Fatalf("round %d: RestoreAlerts after SCRIPT FLUSH = %d, %v; want %d, nil", round, n, err, len(as))
		}
		if n, _ := s.client.ZCard(ctx, s.expiry).Result(); n != int64(len(as)) {
			t.Errorf("round %d: expiry index has %d entries, want %d", round, n, len(as))
		}
	}
}

// TestUnavailable checks that a stopped Redis is ErrUnavailable within a
// bounded time, for calls and for a running Subscribe, and that the store
// works again once the server is back on the same port.
func TestUnavailable(t *testing.T) {
	srv := redistest.StartServer(t)
	s := newStore(t, Config{Addrs: []string{srv.Addr}, Timeout: time.Second})
	defer s.Close()
	ctx := t.Context()
	if err := s.PutZone(ctx, zonestestZone("before")); err != nil {
		t.Fatal(err)
	}
	subErr := make(chan error, 1)
	go func() { subErr <- s.Subscribe(ctx, "", func(zones.Event) {}) }()
	time.Sleep(100 * time.Millisecond) // let it block in XREAD

	srv.Stop(t)
	bounded := func(what string, call func() error) {
		t.Helper()
		start := time.Now()
		err := call()
		if !errors.Is(err, zones.ErrUnavailable) {
			t.Errorf("%s with Redis stopped: err = %v, want ErrUnavailable", what, err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s with Redis stopped took %v", what, d)
		}
	}
	bounded("Ping", func() error { return s.Ping(ctx) })
	bounded("Zones", func() error { _, err := s.Zones(ctx); return err })
	bounded("OpenAlert", func() error {
		_, _, err := s.OpenAlert(ctx, zones.Alert{ID: "a", Key: "k", State: zones.StateOpen})
		return err
	})
	bounded("UpdateAlert", func() error {
		_, err := s.UpdateAlert(ctx, "a", func(*zones.Alert) error { return nil })
		return err
	})
	bounded("Publish", func() error { return s.Publish(ctx, zones.Event{Type: zones.EventZonePut}) })
	bounded("ApplyOccupancy", func() error {
		return s.ApplyOccupancy(ctx, []zones.Occupancy{{ZoneID: "z", MMSI: 1, In: true}})
	})
	bounded("New", func() error {
		_, err := New(ctx, Config{Addrs: []string{srv.Addr}, Timeout: time.Second})
		return err
	})
	select {
	case err := <-subErr:
		if !errors.Is(err, zones.ErrUnavailable) {
			t.Errorf("Subscribe when Redis stopped: err = %v, want ErrUnavailable", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("Subscribe did not end when Redis stopped")
	}

	srv.Restart(t)
	deadline := time.Now().Add(10 * time.Second)
	for s.Ping(ctx) != nil {
		if time.Now().After(deadline) {
			t.Fatalf("store did not recover within 10s of the restart: %v", s.Ping(ctx))
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := s.PutZone(ctx, zonestestZone("after")); err != nil {
		t.Fatalf("PutZone after the restart: %v", err)
	}
	zs, err := s.Zones(ctx)
	if err != nil || len(zs) != 1 || zs[0].ID != "after" {
		t.Fatalf("Zones after the restart = %v, %v; want the one put since (no persistence)", zs, err)
	}
}

func zonestestZone(id string) zones.Zone {
	z, err := zones.ParseZone([]byte(`{"type":"Feature","geometry":{"type":"Point","coordinates":[126.5,43.8]},
		"properties":{"id":"` + id + `","kind":"quay","radius_m":50,"name":"Quay"}}`))
	if err != nil {
		panic(err)
	}
	return z
}
