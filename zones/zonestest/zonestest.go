// Package zonestest holds the conformance suite every zones.StateStore
// passes: the in-memory default runs it in zones/memory_test.go, the Redis
// store against a real single node and a real three-master cluster.
package zonestest

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/riverwatch/riverwatch/vessels/vesselstest"
	"github.com/riverwatch/riverwatch/zones"
)

// Epoch is where the suite's clocks start. It lies far ahead of the wall
// clock, so that a backend's own expiry (Redis PEXPIREAT at the absolute
// time a ban or an alert may be forgotten) never fires during the suite and
// only the store's Now decides what is kept: the suite moves that clock
// forward by days and years without sleeping.
var Epoch = time.Date(2100, time.January, 1, 0, 0, 0, 0, time.UTC)

// NewStore returns an empty store whose clock is now. The suite closes it.
type NewStore func(t *testing.T, now func() time.Time) zones.StateStore

// TestStateStore runs the conformance suite of zones.StateStore. newStore
// returns an empty store for each subtest, reading the suite's clock; the
// suite closes it at the end of the subtest.
//
// Beyond the contract's words the suite holds a store to the rules that
// zones' helpers write down: PutZone takes only valid zones; a ban needs an
// id and an Until (zones.CheckBan); an alert needs an id and a key, a new
// one open or acknowledged, an update keeps id and key (zones.CheckNewAlert,
// CheckAlertUpdate); an id already kept for another alert is ErrConflict;
// a resolved alert without ResolvedAt gets Now; an occupancy change needs a
// zone and an MMSI; an event needs a type. Values handed out share nothing
// with the store; lists are empty, never nil, when there is nothing (so
// that they encode as [] in JSON). After Close every call is ErrUnavailable.
func TestStateStore(t *testing.T, newStore NewStore) {
	t.Helper()
	h := harness{newStore: newStore}
	t.Run("Zones", h.testZones)
	t.Run("Bans", h.testBans)
	t.Run("BanExpiry", h.testBanExpiry)
	t.Run("Occupancy", h.testOccupancy)
	t.Run("OpenAlert", h.testOpenAlert)
	t.Run("OpenAlertConcurrent", h.testOpenAlertConcurrent)
	t.Run("UpdateAlert", h.testUpdateAlert)
	t.Run("UpdateAlertConcurrent", h.testUpdateAlertConcurrent)
	t.Run("ResolveFreesKey", h.testResolveFreesKey)
	t.Run("AlertRetention", h.testAlertRetention)
	t.Run("RestoreAlerts", h.testRestoreAlerts)
	t.Run("RestoreMany", h.testRestoreMany)
	t.Run("AlertsFilter", h.testAlertsFilter)
	t.Run("StreamOrder", h.testStreamOrder)
	t.Run("StreamResume", h.testStreamResume)
	t.Run("StreamHead", h.testStreamHead)
	t.Run("StreamFanOut", h.testStreamFanOut)
	t.Run("SubscribeEnds", h.testSubscribeEnds)
	t.Run("ContextEnded", h.testContextEnded)
	t.Run("Close", h.testClose)
}

type harness struct {
	newStore NewStore
}

// open returns a fresh store on a clock at Epoch, closed when t ends.
func (h harness) open(t *testing.T) (zones.StateStore, *vesselstest.Clock) {
	t.Helper()
	clock := vesselstest.NewClock(Epoch)
	s := h.newStore(t, clock.Now)
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	if err := s.Ping(t.Context()); err != nil {
		t.Fatalf("Ping of a new store: %v", err)
	}
	return s, clock
}

func polygonZone(id string, at time.Time) zones.Zone {
	return zones.Zone{
		ID: id, Name: "Zone " + id, NameZH: "区域" + id, Kind: zones.KindRestricted, River: "Songhua",
		Geom:         orb.Polygon{{{126.50, 43.80}, {126.52, 43.80}, {126.52, 43.82}, {126.50, 43.82}, {126.50, 43.80}}},
		SpeedLimitKn: 6, Notify: true, Source: "api", UpdatedAt: at,
	}
}

func lineZone(id string, at time.Time) zones.Zone {
	return zones.Zone{
		ID: id, Name: "Crossing " + id, NameZH: "渡口" + id, Kind: zones.KindFerryCrossing,
		Geom:    orb.LineString{{124.39, 40.12}, {124.40, 40.13}},
		BufferM: 150, CapacityPersons: 60, Source: "api", UpdatedAt: at,
	}
}

func testBan(id string, from, until time.Time) zones.Ban {
	return zones.Ban{
		ID: id, ZoneIDs: []string{"songhua-1", "songhua-2"}, Kind: zones.BanRestrict, Reason: zones.ReasonFog,
		Note: "能见度低", From: from, Until: until, AppliesTo: []int{60, 69}, AllowedTypes: []int{51, 55},
		MaxSpeedKn: 4, CreatedBy: "officer-1", CreatedAt: from,
	}
}

func testAlert(id, key string, mmsi uint32, at time.Time) zones.Alert {
	return zones.Alert{
		ID: id, Key: key, Kind: zones.AlertSpeeding, Severity: zones.SeverityWarning, MMSI: mmsi,
		ZoneID: "songhua-1", Lat: 43.81, Lon: 126.51, MessageZH: "超速", MessageEN: "speeding",
		Values: zones.FiguresOf("sog_kn", 9.5, "limit_kn", 6.0), State: zones.StateOpen, OpenedAt: at, UpdatedAt: at,
	}
}

// sameJSON fails t unless got and want encode to the same JSON: every
// exported field with a JSON name, times to the nanosecond in UTC.
func sameJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, err := json.Marshal(got)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	w, err := json.Marshal(want)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if string(g) != string(w) {
		t.Fatalf("%s:\n got  %s\n want %s", what, g, w)
	}
}

func sameZones(t *testing.T, what string, got, want []zones.Zone) {
	t.Helper()
	g, err := zones.MarshalZones(got)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	w, err := zones.MarshalZones(want)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if string(g) != string(w) {
		t.Fatalf("%s:\n got  %s\n want %s", what, g, w)
	}
}

func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: err = %v, want %v", what, err, target)
	}
}

func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func (h harness) testZones(t *testing.T) {
	s, _ := h.open(t)
	ctx := t.Context()
	zs, err := s.Zones(ctx)
	if err != nil || zs == nil || len(zs) != 0 {
		t.Fatalf("Zones of a new store = %v, %v; want an empty list", zs, err)
	}
	b, a := polygonZone("zone-b", Epoch), lineZone("zone-a", Epoch)
	must(t, "PutZone b", s.PutZone(ctx, b))
	must(t, "PutZone a", s.PutZone(ctx, a))
	zs, err = s.Zones(ctx)
	must(t, "Zones", err)
	sameZones(t, "Zones after two puts (id order)", zs, []zones.Zone{a, b})

	a2 := polygonZone("zone-a", Epoch.Add(time.Hour))
	a2.Name = "Replaced"
	must(t, "PutZone replace", s.PutZone(ctx, a2))
	zs, err = s.Zones(ctx)
	must(t, "Zones", err)
	sameZones(t, "Zones after a replace", zs, []zones.Zone{a2, b})

	must(t, "DeleteZone", s.DeleteZone(ctx, "zone-b"))
	wantErr(t, "DeleteZone again", s.DeleteZone(ctx, "zone-b"), zones.ErrNotFound)
	wantErr(t, "DeleteZone of an unknown zone", s.DeleteZone(ctx, "never"), zones.ErrNotFound)
	zs, err = s.Zones(ctx)
	must(t, "Zones", err)
	sameZones(t, "Zones after a delete", zs, []zones.Zone{a2})

	bad := polygonZone("no-geometry", Epoch)
	bad.Geom = nil
	wantErr(t, "PutZone without geometry", s.PutZone(ctx, bad), zones.ErrInvalid)
	bad = polygonZone("bad id with spaces", Epoch)
	wantErr(t, "PutZone with a bad id", s.PutZone(ctx, bad), zones.ErrInvalid)

	// The caller's zone and the store's are separate.
	zs[0].Geom.(orb.Polygon)[0][0][0] = 0
	zs, err = s.Zones(ctx)
	must(t, "Zones", err)
	sameZones(t, "Zones after editing a returned zone", zs, []zones.Zone{a2})
}

func (h harness) testBans(t *testing.T) {
	s, _ := h.open(t)
	ctx := t.Context()
	_, err := s.Ban(ctx, "never")
	wantErr(t, "Ban of an unknown id", err, zones.ErrNotFound)
	bs, err := s.Bans(ctx)
	if err != nil || bs == nil || len(bs) != 0 {
		t.Fatalf("Bans of a new store = %v, %v; want an empty list", bs, err)
	}
	b2 := testBan("ban-2", Epoch, Epoch.Add(6*time.Hour))
	b1 := testBan("ban-1", Epoch.Add(-time.Hour), Epoch.Add(time.Hour))
	b1.Kind, b1.MaxSpeedKn, b1.AppliesTo = zones.BanProhibit, 0, nil
	must(t, "PutBan 2", s.PutBan(ctx, b2))
	must(t, "PutBan 1", s.PutBan(ctx, b1))
	got, err := s.Ban(ctx, "ban-2")
	must(t, "Ban", err)
	sameJSON(t, "Ban", got, b2)
	bs, err = s.Bans(ctx)
	must(t, "Bans", err)
	sameJSON(t, "Bans (id order)", bs, []zones.Ban{b1, b2})

	b2.Note, b2.ZoneIDs = "replaced", []string{"yalu-3"}
	must(t, "PutBan replace", s.PutBan(ctx, b2))
	got.ZoneIDs[0] = "edited" // a returned ban is the caller's
	got, err = s.Ban(ctx, "ban-2")
	must(t, "Ban", err)
	sameJSON(t, "Ban after a replace", got, b2)

	b2.ZoneIDs[0] = "edited" // so is a stored one's source
	bs, err = s.Bans(ctx)
	must(t, "Bans", err)
	b2.ZoneIDs[0] = "yalu-3"
	sameJSON(t, "Bans after editing the caller's copy", bs, []zones.Ban{b1, b2})

	wantErr(t, "PutBan without id", s.PutBan(ctx, testBan("", Epoch, Epoch.Add(time.Hour))), zones.ErrInvalid)
	wantErr(t, "PutBan without until", s.PutBan(ctx, testBan("ban-x", Epoch, time.Time{})), zones.ErrInvalid)
}

func (h harness) testBanExpiry(t *testing.T) {
	s, clock := h.open(t)
	ctx := t.Context()
	until := Epoch.Add(time.Hour)
	ended := testBan("ended", Epoch.Add(-time.Hour), until)
	lifted := testBan("lifted", Epoch, Epoch.Add(30*24*time.Hour))
	lifted.LiftedBy, lifted.LiftedAt = "officer-2", Epoch.Add(2*time.Hour)
	yearly := testBan("yearly", Epoch.Add(-24*time.Hour), Epoch.Add(150*24*time.Hour))
	yearly.Yearly, yearly.Reason = true, zones.ReasonIce
	for _, b := range []zones.Ban{ended, lifted, yearly} {
		must(t, "PutBan "+b.ID, s.PutBan(ctx, b))
	}
	kept := func(when string, ids ...string) {
		t.Helper()
		bs, err := s.Bans(ctx)
		must(t, "Bans "+when, err)
		var got []string
		for _, b := range bs {
			got = append(got, b.ID)
		}
		sameJSON(t, "bans kept "+when, got, ids)
		for _, id := range []string{"ended", "lifted", "yearly"} {
			_, err := s.Ban(ctx, id)
			want := slices.Contains(ids, id)
			if want && err != nil || !want && !errors.Is(err, zones.ErrNotFound) {
				t.Fatalf("Ban(%q) %s: err = %v, want kept %v", id, when, err, want)
			}
		}
	}
	kept("at first", "ended", "lifted", "yearly")
	clock.Set(until.Add(zones.BanRetention - time.Second))
	kept("a second before the end of retention", "ended", "lifted", "yearly")
	clock.Set(until.Add(zones.BanRetention))
	kept("once BanRetention after until", "lifted", "yearly")
	clock.Set(lifted.LiftedAt.Add(zones.BanRetention - time.Nanosecond))
	kept("just before the retention of a lifted ban ends", "lifted", "yearly")
	clock.Set(lifted.LiftedAt.Add(zones.BanRetention))
	kept("once BanRetention after lifted_at, long before until", "yearly")
	clock.Set(Epoch.AddDate(3, 0, 0))
	kept("three years on", "yearly")

	yearly.LiftedBy, yearly.LiftedAt = "officer-3", clock.Now()
	must(t, "PutBan lifting the yearly ban", s.PutBan(ctx, yearly))
	clock.Add(zones.BanRetention - time.Second)
	kept("within retention of the yearly ban's lifting", "yearly")
	clock.Add(time.Second)
	kept("after retention of the yearly ban's lifting")

	// A ban put after its retention is over is at once not kept.
	must(t, "PutBan of a long-ended ban", s.PutBan(ctx, testBan("old", Epoch, Epoch.Add(time.Hour))))
	_, err := s.Ban(ctx, "old")
	wantErr(t, "Ban of a long-ended ban", err, zones.ErrNotFound)
	kept("after putting a long-ended ban")
}

func (h harness) testOccupancy(t *testing.T) {
	s, _ := h.open(t)
	ctx := t.Context()
	check := func(when string, zone string, mmsis []uint32, mmsi uint32, zoneIDs []string) {
		t.Helper()
		vs, err := s.ZoneVessels(ctx, zone)
		must(t, "ZoneVessels "+when, err)
		if mmsis == nil {
			mmsis = []uint32{}
		}
		sameJSON(t, "ZoneVessels("+zone+") "+when, vs, mmsis)
		zs, err := s.VesselZones(ctx, mmsi)
		must(t, "VesselZones "+when, err)
		if zoneIDs == nil {
			zoneIDs = []string{}
		}
		sameJSON(t, "VesselZones "+when, zs, zoneIDs)
	}
	check("of a new store", "z1", nil, 100, nil)
	at := Epoch
	in := func(zone string, mmsi uint32) zones.Occupancy {
		at = at.Add(time.Second)
		return zones.Occupancy{ZoneID: zone, MMSI: mmsi, In: true, At: at}
	}
	out := func(zone string, mmsi uint32) zones.Occupancy {
		o := in(zone, mmsi)
		o.In = false
		return o
	}
	entries := []zones.Occupancy{in("z1", 300), in("z1", 100), in("z1", 200), in("z2", 100), in("z0", 100)}
	must(t, "ApplyOccupancy", s.ApplyOccupancy(ctx, entries))
	check("after entries", "z1", []uint32{100, 200, 300}, 100, []string{"z0", "z1", "z2"})
	must(t, "ApplyOccupancy again", s.ApplyOccupancy(ctx, entries))
	check("after the same entries again", "z1", []uint32{100, 200, 300}, 100, []string{"z0", "z1", "z2"})
	must(t, "ApplyOccupancy exits", s.ApplyOccupancy(ctx, []zones.Occupancy{out("z1", 200), out("z1", 200), out("z9", 200)}))
	check("after an exit", "z1", []uint32{100, 300}, 200, nil)
	must(t, "ApplyOccupancy in order", s.ApplyOccupancy(ctx, []zones.Occupancy{
		in("z2", 300), out("z2", 300), out("z1", 100), in("z1", 100), out("z0", 100),
	}))
	check("after in-then-out and out-then-in", "z2", []uint32{100}, 100, []string{"z1", "z2"})
	check("after in-then-out and out-then-in", "z1", []uint32{100, 300}, 300, []string{"z1"})
	must(t, "ApplyOccupancy of nothing", s.ApplyOccupancy(ctx, nil))
	err := s.ApplyOccupancy(ctx, []zones.Occupancy{in("z1", 500), {ZoneID: "", MMSI: 600, In: true}})
	wantErr(t, "ApplyOccupancy with a change without zone", err, zones.ErrInvalid)
	check("after a rejected batch", "z1", []uint32{100, 300}, 500, nil)
	check("of an unknown zone and vessel", "nowhere", nil, 999, nil)
}

func (h harness) testContextEnded(t *testing.T) {
	s, _ := h.open(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	calls := map[string]error{
		"PutZone":        s.PutZone(ctx, polygonZone("z", Epoch)),
		"DeleteZone":     s.DeleteZone(ctx, "z"),
		"PutBan":         s.PutBan(ctx, testBan("b", Epoch, Epoch.Add(time.Hour))),
		"ApplyOccupancy": s.ApplyOccupancy(ctx, []zones.Occupancy{{ZoneID: "z", MMSI: 1, In: true}}),
		"Publish":        s.Publish(ctx, zones.Event{Type: zones.EventZonePut, ZoneID: "z", At: Epoch}),
		"Ping":           s.Ping(ctx),
		"Subscribe":      s.Subscribe(ctx, "", func(zones.Event) {}),
	}
	_, calls["Zones"] = s.Zones(ctx)
	_, calls["Ban"] = s.Ban(ctx, "b")
	_, calls["Bans"] = s.Bans(ctx)
	_, calls["ZoneVessels"] = s.ZoneVessels(ctx, "z")
	_, calls["VesselZones"] = s.VesselZones(ctx, 1)
	_, _, calls["OpenAlert"] = s.OpenAlert(ctx, testAlert("a", "k", 1, Epoch))
	_, calls["UpdateAlert"] = s.UpdateAlert(ctx, "a", func(*zones.Alert) error { return nil })
	_, calls["RestoreAlerts"] = s.RestoreAlerts(ctx, []zones.Alert{resolvedAlert("a", "k", Epoch)})
	_, calls["Alert"] = s.Alert(ctx, "a")
	_, calls["Alerts"] = s.Alerts(ctx, zones.AlertFilter{})
	for name, err := range calls {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s with an ended context: err = %v, want context.Canceled", name, err)
		}
	}
	// Nothing was done.
	zs, err := s.Zones(t.Context())
	if err != nil || len(zs) != 0 {
		t.Fatalf("Zones after calls with an ended context = %d, %v; want none", len(zs), err)
	}
}

func (h harness) testClose(t *testing.T) {
	s := h.newStore(t, vesselstest.NewClock(Epoch).Now)
	sub := subscribe(t, s, "")
	ready(t, s, sub)
	must(t, "Close", s.Close())
	if err := sub.wait(t, 10*time.Second); !errors.Is(err, zones.ErrUnavailable) {
		t.Fatalf("Subscribe after Close: err = %v, want ErrUnavailable", err)
	}
	wantErr(t, "Ping after Close", s.Ping(t.Context()), zones.ErrUnavailable)
	_, err := s.Zones(t.Context())
	wantErr(t, "Zones after Close", err, zones.ErrUnavailable)
	wantErr(t, "Publish after Close", s.Publish(t.Context(), zones.Event{Type: zones.EventZonePut, ZoneID: "z"}), zones.ErrUnavailable)
}
