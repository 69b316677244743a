package zones_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/vessels/vesselstest"
	"github.com/riverwatch/riverwatch/zones"
)

// startWatch runs a Watch over store until the test ends.
func startWatch(t *testing.T, store zones.StateStore, origin string, base ...zones.Zone) *zones.Watch {
	t.Helper()
	return startWatchAt(t, nil, store, origin, base...)
}

// startWatchAt is startWatch on the clock now (the wall clock when nil).
func startWatchAt(t *testing.T, now func() time.Time, store zones.StateStore, origin string, base ...zones.Zone) *zones.Watch {
	t.Helper()
	w, err := zones.NewWatch(zones.WatchConfig{Base: base, Store: store, StoreName: "test", Origin: origin, Now: now, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := w.Open(ctx); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = w.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return w
}

// eventually polls cond for up to 5 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func openAlerts(t *testing.T, w *zones.Watch) []zones.Alert {
	t.Helper()
	as, err := w.Alerts(context.Background(), zones.AlertFilter{State: zones.StateOpen})
	if err != nil {
		t.Fatal(err)
	}
	return as
}

func TestWatchSharesAlertsBetweenProcesses(t *testing.T) {
	store := zones.NewMemoryStore(zones.MemoryConfig{})
	dam := circle("dam", zones.KindRestricted, 0, 0, 300)
	a := startWatch(t, store, "proc-a", dam)
	b := startWatch(t, store, "proc-b", dam)

	a.Handle(report{mmsi: 81, sog: 3, cog: 90, at: 0, shipType: 70}.event())
	eventually(t, "the alert in both processes", func() bool { return len(openAlerts(t, a)) == 1 && len(openAlerts(t, b)) == 1 })
	if x, y := openAlerts(t, a)[0], openAlerts(t, b)[0]; x.ID != y.ID || x.Kind != zones.AlertRestrictedEntry {
		t.Fatalf("alerts differ: %+v / %+v", x, y)
	}
	eventually(t, "occupancy in the store", func() bool {
		ms, _ := b.ZoneVessels(context.Background(), "dam")
		return len(ms) == 1 && ms[0] == 81
	})

	// The same vessel heard by the other process too: still one alert.
	b.Handle(report{mmsi: 81, eastM: 10, sog: 3, cog: 90, at: 10 * time.Second, shipType: 70}.event())
	time.Sleep(200 * time.Millisecond)
	all, _ := store.Alerts(context.Background(), zones.AlertFilter{})
	if len(all) != 1 {
		t.Fatalf("store holds %d alerts for one episode heard by two processes", len(all))
	}

	// An officer acknowledges in b; a sees it.
	id := all[0].ID
	if _, err := b.Ack(context.Background(), id, "officer-li"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the acknowledgement in a", func() bool {
		x, err := a.Alert(context.Background(), id)
		return err == nil && x.State == zones.StateAcknowledged && x.AckedBy == "officer-li"
	})
	if x, err := a.Ack(context.Background(), id, "officer-wang"); err != nil || x.AckedBy != "officer-li" {
		t.Errorf("a second acknowledgement: %+v %v, want the first one kept", x, err)
	}
	if _, err := b.Resolve(context.Background(), id, "officer-li"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Resolve(context.Background(), id, "officer-li"); !errors.Is(err, zones.ErrConflict) {
		t.Errorf("resolving twice: %v, want ErrConflict", err)
	}

	// A restart of a: nothing raised twice, and the resolved alert listed
	// as in the processes that saw it.
	c := startWatch(t, store, "proc-c", dam)
	if got, err := c.Alerts(context.Background(), zones.AlertFilter{State: zones.StateResolved}); err != nil || len(got) != 1 || got[0].ID != id || got[0].ResolvedBy != "officer-li" {
		t.Errorf("resolved alerts in a process started later: %+v %v, want %s resolved by officer-li", got, err, id)
	}
	c.Handle(report{mmsi: 82, eastM: 5, sog: 3, cog: 90, at: 0, shipType: 70}.event())
	eventually(t, "the second vessel's alert", func() bool { return len(openAlerts(t, a)) == 1 })
	c2 := startWatch(t, store, "proc-c2", dam)
	eventually(t, "the restarted process to read it back", func() bool { return len(openAlerts(t, c2)) == 1 })
	c2.Handle(report{mmsi: 82, eastM: 15, sog: 3, cog: 90, at: 10 * time.Second, shipType: 70}.event())
	time.Sleep(200 * time.Millisecond)
	if as, _ := store.Alerts(context.Background(), zones.AlertFilter{MMSI: 82}); len(as) != 1 {
		t.Errorf("after a restart the store holds %d alerts for vessel 82, want 1", len(as))
	}
}

func TestWatchBansAndZones(t *testing.T) {
	store := zones.NewMemoryStore(zones.MemoryConfig{})
	reach := circle("reach", zones.KindRiverSection, 0, 0, 2000)
	w := startWatch(t, store, "p", reach)
	ctx := context.Background()
	now := time.Now()
	if _, err := w.SetBan(ctx, zones.Ban{ZoneIDs: []string{"nowhere"}, Kind: zones.BanProhibit, Reason: zones.ReasonIce, From: now, Until: now.Add(time.Hour)}, "o"); !errors.Is(err, zones.ErrInvalid) {
		t.Errorf("unknown zone: %v", err)
	}
	if _, err := w.SetBan(ctx, zones.Ban{ZoneIDs: []string{"reach"}, Kind: zones.BanProhibit, Reason: zones.ReasonIce, From: now, Until: now.Add(-time.Hour)}, "o"); !errors.Is(err, zones.ErrInvalid) {
		t.Errorf("ending before it starts: %v", err)
	}
	b, err := w.SetBan(ctx, zones.Ban{ZoneIDs: []string{"reach"}, Kind: zones.BanProhibit, Reason: zones.ReasonWind, From: now.Add(-time.Minute), Until: now.Add(time.Hour)}, "officer-wang")
	if err != nil {
		t.Fatal(err)
	}
	if b.ID == "" || b.CreatedBy != "officer-wang" {
		t.Errorf("ban: %+v", b)
	}
	eventually(t, "the ban in the store", func() bool { _, err := store.Ban(ctx, b.ID); return err == nil })
	lifted, err := w.LiftBan(ctx, b.ID, "officer-zhao")
	if err != nil || lifted.LiftedBy != "officer-zhao" || lifted.LiftedAt.IsZero() {
		t.Fatalf("lift: %+v %v", lifted, err)
	}
	if _, err := w.LiftBan(ctx, b.ID, "x"); !errors.Is(err, zones.ErrConflict) {
		t.Errorf("lifting twice: %v", err)
	}

	if _, err := w.PutZone(ctx, circle("reach", zones.KindQuay, 0, 0, 100), "o"); !errors.Is(err, zones.ErrConflict) {
		t.Errorf("replacing a built-in zone: %v", err)
	}
	if _, err := w.PutZone(ctx, zones.Zone{ID: "bad", Kind: "volcano"}, "o"); !errors.Is(err, zones.ErrInvalid) {
		t.Errorf("bad zone: %v", err)
	}
	if _, err := w.PutZone(ctx, circle("new-quay", zones.KindQuay, 500, 0, 100), "o"); err != nil {
		t.Fatal(err)
	}
	if len(w.Zones()) != 2 {
		t.Errorf("zones: %d, want 2", len(w.Zones()))
	}
	// A second process reads the API zone from the store.
	other := startWatch(t, store, "q", reach)
	eventually(t, "the API zone in the other process", func() bool { _, err := other.Zone("new-quay"); return err == nil })
	if _, err := w.SetBan(ctx, zones.Ban{ZoneIDs: []string{"new-quay"}, Kind: zones.BanProhibit, Reason: zones.ReasonFog, From: now.Add(-2 * time.Hour), Until: now.Add(-time.Hour)}, "o"); !errors.Is(err, zones.ErrInvalid) {
		t.Errorf("a ban already over: %v, want ErrInvalid", err)
	}
	qb, err := w.SetBan(ctx, zones.Ban{ZoneIDs: []string{"new-quay"}, Kind: zones.BanProhibit, Reason: zones.ReasonFog, From: now, Until: now.Add(time.Hour)}, "o")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.DeleteZone(ctx, "new-quay", "o"); !errors.Is(err, zones.ErrConflict) {
		t.Errorf("deleting a zone under a ban: %v, want ErrConflict", err)
	}
	if _, err := w.LiftBan(ctx, qb.ID, "o"); err != nil {
		t.Fatal(err)
	}
	if err := w.DeleteZone(ctx, "new-quay", "o"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the deletion in the other process", func() bool { _, err := other.Zone("new-quay"); return errors.Is(err, zones.ErrNotFound) })
}

// flaky is a store that can be switched off: every call fails with
// ErrUnavailable while it is.
type flaky struct {
	zones.StateStore
	off   atomic.Bool
	calls atomic.Int64
}

func (f *flaky) check() error {
	if f.off.Load() {
		f.calls.Add(1)
		return zones.ErrUnavailable
	}
	return nil
}

func (f *flaky) OpenAlert(ctx context.Context, a zones.Alert) (zones.Alert, bool, error) {
	if err := f.check(); err != nil {
		return zones.Alert{}, false, err
	}
	return f.StateStore.OpenAlert(ctx, a)
}

func (f *flaky) UpdateAlert(ctx context.Context, id string, fn func(*zones.Alert) error) (zones.Alert, error) {
	if err := f.check(); err != nil {
		return zones.Alert{}, err
	}
	return f.StateStore.UpdateAlert(ctx, id, fn)
}

func (f *flaky) RestoreAlerts(ctx context.Context, as []zones.Alert) (int, error) {
	if err := f.check(); err != nil {
		return 0, err
	}
	return f.StateStore.RestoreAlerts(ctx, as)
}

func (f *flaky) ApplyOccupancy(ctx context.Context, o []zones.Occupancy) error {
	if err := f.check(); err != nil {
		return err
	}
	return f.StateStore.ApplyOccupancy(ctx, o)
}

func (f *flaky) Publish(ctx context.Context, e zones.Event) error {
	if err := f.check(); err != nil {
		return err
	}
	return f.StateStore.Publish(ctx, e)
}

func TestWatchStoreOutage(t *testing.T) {
	mem := zones.NewMemoryStore(zones.MemoryConfig{})
	store := &flaky{StateStore: mem}
	w := startWatch(t, store, "p", circle("dam", zones.KindRestricted, 0, 0, 300))
	store.off.Store(true)

	w.Handle(report{mmsi: 91, sog: 3, cog: 90, at: 0, shipType: 70}.event())
	if n := len(openAlerts(t, w)); n != 1 {
		t.Fatalf("alerts while the store is down: %d, want 1 at once", n)
	}
	eventually(t, "health to show the outage", func() bool { return !w.Health().StoreOK })
	if w.Health().Pending == 0 {
		t.Error("no pending changes while the store is down")
	}
	if all, _ := mem.Alerts(context.Background(), zones.AlertFilter{}); len(all) != 0 {
		t.Fatal("written while down?")
	}
	store.off.Store(false)
	eventually(t, "the alert written back", func() bool {
		all, _ := mem.Alerts(context.Background(), zones.AlertFilter{})
		return len(all) == 1 && w.Health().StoreOK && w.Health().Pending == 0
	})
	if ms, _ := mem.ZoneVessels(context.Background(), "dam"); len(ms) != 1 {
		t.Errorf("occupancy written back: %v", ms)
	}
}

// outagePair is two processes on one memory store, each through its own
// flaky link, on one clock, both cut off from the store.
func outagePair(t *testing.T) (mem *zones.MemoryStore, clock *vesselstest.Clock, sa, sb *flaky, a, b *zones.Watch) {
	clock = vesselstest.NewClock(t0)
	mem = zones.NewMemoryStore(zones.MemoryConfig{Now: clock.Now})
	sa, sb = &flaky{StateStore: mem}, &flaky{StateStore: mem}
	dam := circle("dam", zones.KindRestricted, 0, 0, 300)
	a = startWatchAt(t, clock.Now, sa, "proc-a", dam)
	b = startWatchAt(t, clock.Now, sb, "proc-b", dam)
	sa.off.Store(true)
	sb.off.Store(true)
	return mem, clock, sa, sb, a, b
}

// TestWatchOutageMergesEpisodes: two processes that lost the store both
// open an alert for one vessel's episode; when the store returns, the one
// that writes back second adopts the other's alert, so that both list one
// alert, the store holds one, and later reports update that one.
func TestWatchOutageMergesEpisodes(t *testing.T) {
	mem, clock, sa, sb, a, b := outagePair(t)
	a.Handle(report{mmsi: 93, sog: 3, cog: 90, at: 0, shipType: 70}.event())
	b.Handle(report{mmsi: 93, eastM: 5, sog: 3, cog: 90, at: time.Second, shipType: 70}.event())
	ida, idb := openAlerts(t, a), openAlerts(t, b)
	if len(ida) != 1 || len(idb) != 1 || ida[0].ID == idb[0].ID {
		t.Fatalf("while the store is down: %v / %v; want one alert each, two ids", ida, idb)
	}
	eventually(t, "both to see the outage", func() bool { return !a.Health().StoreOK && !b.Health().StoreOK })

	sa.off.Store(false)
	eventually(t, "a's alert written back", func() bool {
		all, _ := mem.Alerts(context.Background(), zones.AlertFilter{})
		return len(all) == 1 && all[0].ID == ida[0].ID && a.Health().StoreOK
	})
	sb.off.Store(false)
	eventually(t, "b to adopt a's alert", func() bool {
		got := openAlerts(t, b)
		return b.Health().StoreOK && len(got) == 1 && got[0].ID == ida[0].ID
	})
	if all, _ := mem.Alerts(context.Background(), zones.AlertFilter{}); len(all) != 1 {
		t.Fatalf("the store holds %d alerts for one episode after the write-back: %v", len(all), all)
	}
	if _, err := b.Alert(context.Background(), idb[0].ID); !errors.Is(err, zones.ErrNotFound) {
		t.Errorf("b still lists its own alert %s: %v", idb[0].ID, err)
	}

	// b goes on with the adopted alert: the vessel leaves, b resolves it
	// (a's clock is too early to have lost the vessel).
	clock.Set(t0.Add(10 * time.Second))
	b.Handle(report{mmsi: 93, eastM: 600, sog: 3, cog: 90, at: 5 * time.Minute, shipType: 70}.event())
	eventually(t, "b's resolution in the store", func() bool {
		x, err := mem.Alert(context.Background(), ida[0].ID)
		return err == nil && x.State == zones.StateResolved
	})
	if all, _ := mem.Alerts(context.Background(), zones.AlertFilter{}); len(all) != 1 {
		t.Errorf("the store holds %d alerts after b's next report", len(all))
	}
}

// TestWatchOutageResolvedEpisodeOnce: an episode that both processes saw
// begin and end while the store was down is one alert in the store after
// both write back, not one from each.
func TestWatchOutageResolvedEpisodeOnce(t *testing.T) {
	mem, clock, sa, sb, a, b := outagePair(t)
	for _, w := range []*zones.Watch{a, b} {
		w.Handle(report{mmsi: 94, sog: 3, cog: 90, at: 0, shipType: 70}.event())
		w.Handle(report{mmsi: 94, eastM: 600, sog: 3, cog: 90, at: 5 * time.Minute, shipType: 70}.event())
	}
	clock.Set(t0.Add(5 * time.Minute))
	for _, w := range []*zones.Watch{a, b} {
		as, _ := w.Alerts(context.Background(), zones.AlertFilter{State: zones.StateResolved})
		if len(as) != 1 {
			t.Fatalf("resolved alerts while the store is down: %v, want one", as)
		}
	}
	eventually(t, "both to see the outage", func() bool { return !a.Health().StoreOK && !b.Health().StoreOK })
	sa.off.Store(false)
	eventually(t, "a back", func() bool { return a.Health().StoreOK })
	sb.off.Store(false)
	eventually(t, "b back", func() bool { return b.Health().StoreOK })
	all, _ := mem.Alerts(context.Background(), zones.AlertFilter{})
	if len(all) != 1 {
		t.Fatalf("the store holds %d alerts for one episode: %v", len(all), all)
	}
	for name, w := range map[string]*zones.Watch{"a": a, "b": b} {
		eventually(t, name+" to list the stored one", func() bool {
			as, _ := w.Alerts(context.Background(), zones.AlertFilter{})
			return len(as) == 1 && as[0].ID == all[0].ID
		})
	}
}

// testLogger logs to the test's output.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
