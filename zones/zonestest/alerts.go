package zonestest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/zones"
)

// goroutines is how many goroutines race in the concurrency tests.
const goroutines = 32

func (h harness) testOpenAlert(t *testing.T) {
	s, _ := h.open(t)
	ctx := t.Context()
	a := testAlert("a1", "speeding:211000001:songhua-1", 211000001, Epoch)
	stored, created, err := s.OpenAlert(ctx, a)
	must(t, "OpenAlert", err)
	if !created {
		t.Fatal("OpenAlert of a new episode: created = false")
	}
	sameJSON(t, "OpenAlert stored", stored, a)
	got, err := s.Alert(ctx, "a1")
	must(t, "Alert", err)
	sameJSON(t, "Alert", got, a)

	again := testAlert("a2", a.Key, 211000001, Epoch.Add(time.Minute))
	again.MessageEN = "speeding again"
	stored, created, err = s.OpenAlert(ctx, again)
	must(t, "OpenAlert of the same episode", err)
	if created {
		t.Fatal("OpenAlert of an episode with an active alert: created = true")
	}
	sameJSON(t, "OpenAlert of the same episode returns the existing alert", stored, a)
	_, err = s.Alert(ctx, "a2")
	wantErr(t, "Alert of the id not stored", err, zones.ErrNotFound)
	_, err = s.Alert(ctx, "never")
	wantErr(t, "Alert of an unknown id", err, zones.ErrNotFound)
	all, err := s.Alerts(ctx, zones.AlertFilter{})
	must(t, "Alerts", err)
	sameJSON(t, "Alerts", all, []zones.Alert{a})

	got.Values.Set("sog_kn", 99) // a returned alert is the caller's
	a.Values.Set("limit_kn", 99) // and so is the one put
	got, err = s.Alert(ctx, "a1")
	must(t, "Alert", err)
	a.Values.Set("limit_kn", 6)
	sameJSON(t, "Alert after editing the caller's copies", got, a)

	bad := testAlert("a3", "other", 1, Epoch)
	bad.State = zones.StateResolved
	_, _, err = s.OpenAlert(ctx, bad)
	wantErr(t, "OpenAlert of a resolved alert", err, zones.ErrInvalid)
	_, _, err = s.OpenAlert(ctx, testAlert("a3", "", 1, Epoch))
	wantErr(t, "OpenAlert without key", err, zones.ErrInvalid)
	_, _, err = s.OpenAlert(ctx, testAlert("", "other", 1, Epoch))
	wantErr(t, "OpenAlert without id", err, zones.ErrInvalid)
	_, _, err = s.OpenAlert(ctx, testAlert("a1", "another episode", 1, Epoch))
	wantErr(t, "OpenAlert reusing the id of another episode's alert", err, zones.ErrConflict)

	acked := testAlert("a4", "acked at once", 2, Epoch)
	acked.State, acked.AckedBy, acked.AckedAt = zones.StateAcknowledged, "officer-1", Epoch
	stored, created, err = s.OpenAlert(ctx, acked)
	if err != nil || !created {
		t.Fatalf("OpenAlert of an acknowledged alert = created %v, %v; want created", created, err)
	}
	sameJSON(t, "OpenAlert of an acknowledged alert", stored, acked)
}

func (h harness) testOpenAlertConcurrent(t *testing.T) {
	s, _ := h.open(t)
	ctx := t.Context()
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		winners []string
		ids     = map[string]int{}
	)
	for i := range goroutines {
		wg.Go(func() {
			a := testAlert(fmt.Sprintf("c%02d", i), "collision:1:2", 211000001, Epoch)
			stored, created, err := s.OpenAlert(ctx, a)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Errorf("OpenAlert %d: %v", i, err)
				return
			}
			if created {
				winners = append(winners, a.ID)
			}
			ids[stored.ID]++
		})
	}
	wg.Wait()
	if len(winners) != 1 || len(ids) != 1 || ids[winners[0]] != goroutines {
		t.Fatalf("%d concurrent OpenAlert of one episode: created %v, stored ids %v; want one created, returned to all",
			goroutines, winners, ids)
	}
	open, err := s.Alerts(ctx, zones.AlertFilter{State: zones.StateOpen})
	must(t, "Alerts", err)
	if len(open) != 1 || open[0].ID != winners[0] {
		t.Fatalf("open alerts after concurrent OpenAlert = %d, want only %s", len(open), winners[0])
	}
}

func (h harness) testUpdateAlert(t *testing.T) {
	s, clock := h.open(t)
	ctx := t.Context()
	a := testAlert("u1", "speeding:1", 211000001, Epoch)
	_, _, err := s.OpenAlert(ctx, a)
	must(t, "OpenAlert", err)

	_, err = s.UpdateAlert(ctx, "never", func(*zones.Alert) error {
		t.Error("fn called for an unknown alert")
		return nil
	})
	wantErr(t, "UpdateAlert of an unknown id", err, zones.ErrNotFound)

	ackAt := clock.Add(time.Minute)
	want := a
	want.State, want.AckedBy, want.AckedAt, want.UpdatedAt = zones.StateAcknowledged, "officer-1", ackAt, ackAt
	want.Values.Set("sog_kn", 11)
	got, err := s.UpdateAlert(ctx, "u1", func(x *zones.Alert) error {
		sameJSON(t, "fn's alert", *x, a)
		x.State, x.AckedBy, x.AckedAt, x.UpdatedAt = zones.StateAcknowledged, "officer-1", ackAt, ackAt
		x.Values.Set("sog_kn", 11)
		return nil
	})
	must(t, "UpdateAlert", err)
	sameJSON(t, "UpdateAlert result", got, want)
	got, err = s.Alert(ctx, "u1")
	must(t, "Alert", err)
	sameJSON(t, "Alert after UpdateAlert", got, want)

	errBoom := errors.New("boom")
	_, err = s.UpdateAlert(ctx, "u1", func(x *zones.Alert) error {
		x.MessageEN = "half-edited"
		return fmt.Errorf("aborting: %w", errBoom)
	})
	wantErr(t, "UpdateAlert whose fn fails", err, errBoom)
	_, err = s.UpdateAlert(ctx, "u1", func(x *zones.Alert) error { x.ID = "u2"; return nil })
	wantErr(t, "UpdateAlert changing the id", err, zones.ErrInvalid)
	_, err = s.UpdateAlert(ctx, "u1", func(x *zones.Alert) error { x.Key = "other"; return nil })
	wantErr(t, "UpdateAlert changing the key", err, zones.ErrInvalid)
	_, err = s.UpdateAlert(ctx, "u1", func(x *zones.Alert) error { x.State = "gone"; return nil })
	wantErr(t, "UpdateAlert to an unknown state", err, zones.ErrInvalid)
	got, err = s.Alert(ctx, "u1")
	must(t, "Alert", err)
	sameJSON(t, "Alert after rejected updates", got, want)
}

func (h harness) testUpdateAlertConcurrent(t *testing.T) {
	s, _ := h.open(t)
	ctx := t.Context()
	_, _, err := s.OpenAlert(ctx, testAlert("n1", "overcrowding:1", 211000001, Epoch))
	must(t, "OpenAlert", err)
	var wg sync.WaitGroup
	for i := range goroutines {
		wg.Go(func() {
			_, err := s.UpdateAlert(ctx, "n1", func(a *zones.Alert) error {
				a.Values.Set("n", a.Values.Value("n")+1)
				a.MessageEN += fmt.Sprintf("g%02d,", i)
				a.UpdatedAt = a.UpdatedAt.Add(time.Millisecond)
				return nil
			})
			if err != nil {
				t.Errorf("UpdateAlert %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	a, err := s.Alert(ctx, "n1")
	must(t, "Alert", err)
	if n := a.Values.Value("n"); n != goroutines {
		t.Errorf("after %d concurrent increments n = %v", goroutines, n)
	}
	for i := range goroutines {
		if g := fmt.Sprintf("g%02d,", i); !strings.Contains(a.MessageEN, g) {
			t.Errorf("update %d lost (no %s in %q)", i, g, a.MessageEN)
		}
	}
	if want := Epoch.Add(goroutines * time.Millisecond); !a.UpdatedAt.Equal(want) {
		t.Errorf("UpdatedAt = %v, want %v", a.UpdatedAt, want)
	}
}

func resolve(at time.Time) func(*zones.Alert) error {
	return func(a *zones.Alert) error {
		a.State, a.ResolvedAt, a.UpdatedAt = zones.StateResolved, at, at
		return nil
	}
}

func reopen(at time.Time) func(*zones.Alert) error {
	return func(a *zones.Alert) error {
		a.State, a.ResolvedAt, a.ResolvedBy, a.UpdatedAt = zones.StateOpen, time.Time{}, "", at
		return nil
	}
}

func (h harness) testResolveFreesKey(t *testing.T) {
	s, clock := h.open(t)
	ctx := t.Context()
	const key = "ais_gap:211000001"
	_, _, err := s.OpenAlert(ctx, testAlert("r1", key, 211000001, Epoch))
	must(t, "OpenAlert", err)
	got, err := s.UpdateAlert(ctx, "r1", resolve(clock.Add(time.Minute)))
	must(t, "UpdateAlert resolving", err)
	if got.State != zones.StateResolved {
		t.Fatalf("state after resolving = %q", got.State)
	}
	r2 := testAlert("r2", key, 211000001, clock.Add(time.Minute))
	stored, created, err := s.OpenAlert(ctx, r2)
	if err != nil || !created || stored.ID != "r2" {
		t.Fatalf("OpenAlert after resolving = %s created %v, %v; want r2 created", stored.ID, created, err)
	}
	open, err := s.Alerts(ctx, zones.AlertFilter{State: zones.StateOpen})
	must(t, "Alerts open", err)
	sameJSON(t, "open alerts", open, []zones.Alert{r2})
	if a, err := s.Alert(ctx, "r1"); err != nil || a.State != zones.StateResolved {
		t.Fatalf("resolved alert = %q, %v; want it kept, resolved", a.State, err)
	}

	// Reopening a resolved alert takes its key back, unless a newer episode
	// holds it.
	_, err = s.UpdateAlert(ctx, "r1", reopen(clock.Add(time.Minute)))
	wantErr(t, "reopening while a newer episode is active", err, zones.ErrConflict)
	_, err = s.UpdateAlert(ctx, "r2", resolve(clock.Add(time.Minute)))
	must(t, "UpdateAlert resolving r2", err)
	_, err = s.UpdateAlert(ctx, "r1", reopen(clock.Add(time.Minute)))
	must(t, "reopening r1", err)
	stored, created, err = s.OpenAlert(ctx, testAlert("r3", key, 211000001, clock.Now()))
	if err != nil || created || stored.ID != "r1" {
		t.Fatalf("OpenAlert after reopening = %s created %v, %v; want r1 returned", stored.ID, created, err)
	}
	// Acknowledging keeps the key.
	_, err = s.UpdateAlert(ctx, "r1", func(a *zones.Alert) error { a.State = zones.StateAcknowledged; return nil })
	must(t, "acknowledging", err)
	stored, created, err = s.OpenAlert(ctx, testAlert("r3", key, 211000001, clock.Now()))
	if err != nil || created || stored.ID != "r1" {
		t.Fatalf("OpenAlert after acknowledging = %s created %v, %v; want r1 returned", stored.ID, created, err)
	}
}

func (h harness) testAlertRetention(t *testing.T) {
	s, clock := h.open(t)
	ctx := t.Context()
	for _, id := range []string{"explicit", "defaulted", "active"} {
		_, _, err := s.OpenAlert(ctx, testAlert(id, "key:"+id, 211000001, Epoch))
		must(t, "OpenAlert "+id, err)
	}
	resolvedAt := clock.Add(time.Minute)
	_, err := s.UpdateAlert(ctx, "explicit", resolve(resolvedAt))
	must(t, "resolving", err)
	now := clock.Add(time.Minute)
	got, err := s.UpdateAlert(ctx, "defaulted", func(a *zones.Alert) error {
		a.State, a.UpdatedAt = zones.StateResolved, now
		return nil
	})
	must(t, "resolving without ResolvedAt", err)
	if !got.ResolvedAt.Equal(now) {
		t.Fatalf("ResolvedAt of an alert resolved without one = %v, want Now %v", got.ResolvedAt, now)
	}
	kept := func(when string, ids ...string) {
		t.Helper()
		all, err := s.Alerts(ctx, zones.AlertFilter{})
		must(t, "Alerts "+when, err)
		var listed []string
		for _, a := range all {
			listed = append(listed, a.ID)
		}
		sameJSON(t, "alerts kept "+when, listed, ids)
		for _, id := range []string{"explicit", "defaulted", "active"} {
			_, err := s.Alert(ctx, id)
			if want := slices.Contains(ids, id); want && err != nil || !want && !errors.Is(err, zones.ErrNotFound) {
				t.Fatalf("Alert(%q) %s: err = %v, want kept %v", id, when, err, want)
			}
		}
	}
	kept("at first", "defaulted", "explicit", "active")
	clock.Set(resolvedAt.Add(zones.AlertRetention - time.Nanosecond))
	kept("just before retention ends", "defaulted", "explicit", "active")
	clock.Set(resolvedAt.Add(zones.AlertRetention))
	kept("once AlertRetention after ResolvedAt", "defaulted", "active")
	_, err = s.UpdateAlert(ctx, "explicit", reopen(clock.Now()))
	wantErr(t, "UpdateAlert of an expired alert", err, zones.ErrNotFound)
	clock.Set(now.Add(zones.AlertRetention))
	kept("once AlertRetention after the defaulted ResolvedAt", "active")
	clock.Set(Epoch.AddDate(1, 0, 0))
	kept("a year on: an active alert is kept", "active")

	// An expired alert's id may be used again.
	a := testAlert("explicit", "a new episode", 211000002, clock.Now())
	_, created, err := s.OpenAlert(ctx, a)
	if err != nil || !created {
		t.Fatalf("OpenAlert reusing an expired alert's id = created %v, %v; want created", created, err)
	}
}

func (h harness) testAlertsFilter(t *testing.T) {
	s, _ := h.open(t)
	ctx := t.Context()
	at := func(m int) time.Time { return Epoch.Add(time.Duration(m) * time.Minute) }
	mk := func(id string, kind zones.AlertKind, mmsi, other uint32, zone string, state zones.AlertState, updated int) {
		t.Helper()
		a := testAlert(id, "key:"+id, mmsi, Epoch)
		a.Kind, a.OtherMMSI, a.ZoneID = kind, other, zone
		_, _, err := s.OpenAlert(ctx, a)
		must(t, "OpenAlert "+id, err)
		_, err = s.UpdateAlert(ctx, id, func(a *zones.Alert) error {
			a.State, a.UpdatedAt = state, at(updated)
			if state == zones.StateResolved {
				a.ResolvedAt = at(updated)
			}
			return nil
		})
		must(t, "UpdateAlert "+id, err)
	}
	mk("f1", zones.AlertSpeeding, 100, 0, "z1", zones.StateOpen, 1)
	mk("f2", zones.AlertCollisionRisk, 200, 100, "", zones.StateAcknowledged, 2)
	mk("f3", zones.AlertSpeeding, 300, 0, "z2", zones.StateResolved, 3)
	mk("f4", zones.AlertBanViolation, 100, 0, "z2", zones.StateOpen, 4)
	mk("f5", zones.AlertZoneEntry, 400, 0, "z1", zones.StateResolved, 5)
	cases := []struct {
		name string
		f    zones.AlertFilter
		want []string
	}{
		{"All", zones.AlertFilter{}, []string{"f5", "f4", "f3", "f2", "f1"}},
		{"OpenMatchesAcknowledged", zones.AlertFilter{State: zones.StateOpen}, []string{"f4", "f2", "f1"}},
		{"Acknowledged", zones.AlertFilter{State: zones.StateAcknowledged}, []string{"f2"}},
		{"Resolved", zones.AlertFilter{State: zones.StateResolved}, []string{"f5", "f3"}},
		{"Kind", zones.AlertFilter{Kind: zones.AlertSpeeding}, []string{"f3", "f1"}},
		{"MMSIIncludesOther", zones.AlertFilter{MMSI: 100}, []string{"f4", "f2", "f1"}},
		{"Zone", zones.AlertFilter{ZoneID: "z2"}, []string{"f4", "f3"}},
		{"SinceInclusive", zones.AlertFilter{Since: at(3)}, []string{"f5", "f4", "f3"}},
		{"SinceBetween", zones.AlertFilter{Since: at(3).Add(time.Nanosecond)}, []string{"f5", "f4"}},
		{"Limit", zones.AlertFilter{Limit: 2}, []string{"f5", "f4"}},
		{"OpenLimit", zones.AlertFilter{State: zones.StateOpen, Limit: 1}, []string{"f4"}},
		{"Combined", zones.AlertFilter{MMSI: 100, ZoneID: "z1", State: zones.StateOpen}, []string{"f1"}},
		{"SinceAndKind", zones.AlertFilter{Kind: zones.AlertSpeeding, Since: at(2)}, []string{"f3"}},
		{"NoMatch", zones.AlertFilter{Kind: zones.AlertDistress}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			as, err := s.Alerts(ctx, c.f)
			must(t, "Alerts", err)
			if as == nil {
				t.Fatal("Alerts returned nil, want an empty list")
			}
			var got []string
			for _, a := range as {
				if !c.f.Match(&a) {
					t.Errorf("alert %s does not pass the filter", a.ID)
				}
				got = append(got, a.ID)
			}
			sameJSON(t, fmt.Sprintf("Alerts(%+v)", c.f), got, c.want)
		})
	}
}

// resolvedAlert is a test alert opened and resolved at at.
func resolvedAlert(id, key string, at time.Time) zones.Alert {
	a := testAlert(id, key, 211000003, at)
	a.State, a.ResolvedAt = zones.StateResolved, at
	return a
}

// restore is RestoreAlerts of some alerts.
func restore(ctx context.Context, s zones.StateStore, as ...zones.Alert) (int, error) {
	return s.RestoreAlerts(ctx, as)
}

// testRestoreAlerts: a resolved alert the store has lost is stored again
// with its retention; one it keeps, an active one or one past retention
// is not.
func (h harness) testRestoreAlerts(t *testing.T) {
	s, clock := h.open(t)
	ctx := t.Context()
	_, _, err := s.OpenAlert(ctx, testAlert("kept", "key:kept", 211000001, Epoch))
	must(t, "OpenAlert", err)
	kept, err := s.UpdateAlert(ctx, "kept", resolve(clock.Add(time.Minute)))
	must(t, "resolving", err)
	other := resolvedAlert("kept", "key:kept", clock.Now())
	other.MessageEN = "another version"
	n, err := restore(ctx, s, other)
	if err != nil || n != 0 {
		t.Fatalf("RestoreAlerts of a kept id = %v, %v; want 0, nil", n, err)
	}
	got, err := s.Alert(ctx, "kept")
	must(t, "Alert kept", err)
	sameJSON(t, "the kept alert after RestoreAlerts", got, kept)

	// One alert a store does not take, and nothing of the batch is stored.
	fine := resolvedAlert("fine", "key:fine", clock.Now())
	_, err = restore(ctx, s, fine, testAlert("active", "key:active", 211000002, clock.Now()))
	wantErr(t, "RestoreAlerts with an active alert", err, zones.ErrInvalid)
	noTime := resolvedAlert("no-time", "key:no-time", clock.Now())
	noTime.ResolvedAt = time.Time{}
	_, err = restore(ctx, s, fine, noTime)
	wantErr(t, "RestoreAlerts without ResolvedAt", err, zones.ErrInvalid)
	_, err = restore(ctx, s, fine, resolvedAlert("", "key:none", clock.Now()))
	wantErr(t, "RestoreAlerts without an id", err, zones.ErrInvalid)
	_, err = s.Alert(ctx, "fine")
	wantErr(t, "Alert of a batch refused", err, zones.ErrNotFound)
	if n, err := restore(ctx, s); err != nil || n != 0 {
		t.Fatalf("RestoreAlerts of none = %v, %v; want 0, nil", n, err)
	}

	// A batch of one lost, one kept and one past retention stores the lost one.
	lost := resolvedAlert("lost", "key:lost", clock.Now())
	past := resolvedAlert("past", "key:past", clock.Now().Add(-zones.AlertRetention))
	n, err = restore(ctx, s, lost, other, past)
	if err != nil || n != 1 {
		t.Fatalf("RestoreAlerts of a lost, a kept and a past alert = %v, %v; want 1, nil", n, err)
	}
	got, err = s.Alert(ctx, "lost")
	must(t, "Alert restored", err)
	sameJSON(t, "the restored alert", got, lost)
	_, err = s.Alert(ctx, "past")
	wantErr(t, "Alert past retention", err, zones.ErrNotFound)
	resolved, err := s.Alerts(ctx, zones.AlertFilter{State: zones.StateResolved})
	must(t, "Alerts resolved", err)
	sameJSON(t, "resolved alerts", resolved, []zones.Alert{lost, kept})
	open, err := s.Alerts(ctx, zones.AlertFilter{State: zones.StateOpen})
	must(t, "Alerts open", err)
	sameJSON(t, "open alerts after restoring", open, []zones.Alert{})
	// Its episode's key stays free.
	if _, created, err := s.OpenAlert(ctx, testAlert("next", "key:lost", 211000003, clock.Now())); err != nil || !created {
		t.Fatalf("OpenAlert on a restored alert's key = %v, %v; want created", created, err)
	}

	// A restored alert expires as any other, and its id is free again.
	clock.Set(lost.ResolvedAt.Add(zones.AlertRetention))
	_, err = s.Alert(ctx, "lost")
	wantErr(t, "Alert of a restored alert past retention", err, zones.ErrNotFound)
	again := resolvedAlert("lost", "key:again", clock.Now())
	if n, err := restore(ctx, s, again); err != nil || n != 1 {
		t.Fatalf("RestoreAlerts on an expired id = %v, %v; want 1, nil", n, err)
	}
}

// testRestoreMany: a write-back of more alerts than a store sends at once
// (a Watch keeps up to 10,000) stores every one, in the order of their
// updates, and counts each once.
func (h harness) testRestoreMany(t *testing.T) {
	s, clock := h.open(t)
	ctx := t.Context()
	const many = 1234
	as := make([]zones.Alert, many)
	for i := range as {
		id := fmt.Sprintf("many-%04d", i)
		as[i] = resolvedAlert(id, "key:"+id, clock.Now().Add(time.Duration(i)*time.Second))
	}
	// One in the middle is kept already, with another text.
	kept := as[700]
	kept.MessageEN = "kept before"
	if n, err := restore(ctx, s, kept); err != nil || n != 1 {
		t.Fatalf("RestoreAlerts of one = %v, %v; want 1, nil", n, err)
	}
	n, err := s.RestoreAlerts(ctx, as)
	if err != nil || n != many-1 {
		t.Fatalf("RestoreAlerts of %d = %v, %v; want %d, nil", many, n, err, many-1)
	}
	got, err := s.Alerts(ctx, zones.AlertFilter{State: zones.StateResolved})
	must(t, "Alerts resolved", err)
	if len(got) != many {
		t.Fatalf("Alerts after restoring %d = %d alerts", many, len(got))
	}
	for i, a := range got {
		want := as[many-1-i]
		if a.ID == kept.ID {
			want = kept
		}
		sameJSON(t, "restored alert "+want.ID, a, want)
	}
	// Again: all are kept now.
	if n, err := s.RestoreAlerts(ctx, as); err != nil || n != 0 {
		t.Fatalf("RestoreAlerts of %d kept ones = %v, %v; want 0, nil", many, n, err)
	}
}
