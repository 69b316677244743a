package main

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/ais"
	"github.com/riverwatch/riverwatch/ais/simulate"
	"github.com/riverwatch/riverwatch/vessels"
	"github.com/riverwatch/riverwatch/zones"
	"github.com/riverwatch/riverwatch/zones/waterway"
)

func mustWaterway(tb testing.TB) *waterway.Map {
	tb.Helper()
	m, err := waterway.Load()
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// simSide is how far p lies from a line, in metres, positive to the right
// of its direction (flat; the side judged on the nearest segment).
func simSide(line [][2]float64, p [2]float64) float64 {
	kx := 111_320 * math.Cos(p[1]*math.Pi/180)
	best, side := math.Inf(1), 0.0
	for i := 1; i < len(line); i++ {
		ax, ay := (line[i-1][0]-p[0])*kx, (line[i-1][1]-p[1])*111_320
		bx, by := (line[i][0]-p[0])*kx, (line[i][1]-p[1])*111_320
		dx, dy := bx-ax, by-ay
		u := math.Max(0, math.Min(1, -(ax*dx+ay*dy)/(dx*dx+dy*dy)))
		if d := math.Hypot(ax+u*dx, ay+u*dy); d < best {
			// p relative to the segment: right of it when the cross
			// product of the direction and (p - a) is negative.
			best, side = d, math.Copysign(d, dx*ay-dy*ax)
		}
	}
	return side
}

// TestSimBorderSides checks our half of each border river against towns
// well inside either country: the lanes keep the simulated boats on the
// side of the Chinese towns.
func TestSimBorderSides(t *testing.T) {
	towns := map[string][]struct {
		name  string
		at    [2]float64
		china bool
	}{
		"river-yalu": {{"Baishan", [2]float64{126.42, 41.94}, true}, {"Ji'an", [2]float64{126.19, 41.13}, true},
			{"Kanggye", [2]float64{126.59, 40.97}, false}, {"Hyesan", [2]float64{128.18, 41.39}, false}, {"Manpo", [2]float64{126.29, 41.15}, false}},
		"river-tumen": {{"Yanji", [2]float64{129.51, 42.90}, true}, {"Hunchun", [2]float64{130.37, 42.87}, true}, {"Longjing", [2]float64{129.42, 42.77}, true},
			{"Hoeryong", [2]float64{129.75, 42.44}, false}, {"Onsong", [2]float64{129.99, 42.95}, false}},
	}
	seen := 0
	for _, r := range simRoutes(mustWaterway(t)) {
		ts, ok := towns[r.ID]
		if !ok {
			if r.Border {
				t.Errorf("%s is a border river without towns to check it by", r.ID)
			}
			continue
		}
		seen++
		if !r.Border || (r.ChinaSide != 1 && r.ChinaSide != -1) {
			t.Fatalf("%s: Border %v ChinaSide %d", r.ID, r.Border, r.ChinaSide)
		}
		for _, town := range ts {
			ours := simSide(r.Line, town.at) * float64(r.ChinaSide)
			if (ours > 0) != town.china {
				t.Errorf("%s: %s is %.1f km on our side of the line (negative: across), China %v", r.ID, town.name, ours/1000, town.china)
			}
		}
	}
	if seen != 2 {
		t.Errorf("%d border rivers, want the Yalu and the Tumen", seen)
	}
}

// TestSimHotspots checks the hotspots made from the default zones: every
// kind the incidents need, crossings tied to their ferry routes with a
// capacity, borders with our side, and the simulator takes them all.
func TestSimHotspots(t *testing.T) {
	water := mustWaterway(t)
	routes := simRoutes(water)
	hs := simHotspots(zones.DefaultZones(water), routes)
	kinds := map[string]int{}
	for _, h := range hs {
		kinds[h.Kind]++
		switch h.Kind {
		case simulate.HotspotCrossing:
			if h.Route == "" || h.Capacity <= 0 {
				t.Errorf("%s: route %q capacity %d", h.ID, h.Route, h.Capacity)
			}
		case simulate.HotspotBorder:
			want := map[string]int{"border-yalu": 1, "border-tumen": -1}[h.ID]
			if h.ChinaSide != want {
				t.Errorf("%s: ChinaSide %d, want %d", h.ID, h.ChinaSide, want)
			}
		}
	}
	t.Logf("hotspots by kind: %v", kinds)
	want := map[string]int{simulate.HotspotRestricted: 3, simulate.HotspotBorder: 2, simulate.HotspotCrossing: 5}
	for _, k := range []string{simulate.HotspotRestricted, simulate.HotspotSpeedLimit, simulate.HotspotBridge,
		simulate.HotspotAnchorage, simulate.HotspotBorder, simulate.HotspotCrossing} {
		if kinds[k] == 0 || (want[k] > 0 && kinds[k] != want[k]) {
			t.Errorf("%d %s hotspots", kinds[k], k)
		}
	}
	if _, err := simulate.New(simulate.Config{Routes: routes, Hotspots: hs, Incidents: true, Seed: 1}); err != nil {
		t.Fatal(err)
	}
}

// alertLog is a zones.Sink that keeps the alerts opened.
type alertLog struct {
	mu     sync.Mutex
	opened []zones.Alert
}

func (l *alertLog) AlertChanged(typ zones.EventType, a zones.Alert) {
	if typ == zones.EventAlertOpened {
		l.mu.Lock()
		l.opened = append(l.opened, a)
		l.mu.Unlock()
	}
}

func (l *alertLog) OccupancyChanged(zones.Occupancy) {}

// TestSimIncidentAlerts runs the simulator with incidents over the real
// path — pipeline, tracker, the rules engine on the default zones — for
// 20 simulated minutes and checks that every kind of incident opens its
// alert, on a vessel the incident involves, as do border_approach,
// zone_entry and zone_exit. long_unsupervised needs 72 hours of silence and
// ban_violation a ban: neither is simulated.
func TestSimIncidentAlerts(t *testing.T) {
	water := mustWaterway(t)
	routes := simRoutes(water)
	zs := zones.DefaultZones(water)
	ix, err := zones.NewIndex(zs)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)
	clock := start
	now := func() time.Time { return clock }
	quiet := slog.New(slog.DiscardHandler)
	sim, err := simulate.New(simulate.Config{Vessels: 100, Seed: 1, Routes: routes, Hotspots: simHotspots(zs, routes),
		Incidents: true, Now: now, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	log := &alertLog{}
	engine := zones.NewEngine(zones.EngineConfig{Now: now, Logger: quiet}, ix, log)
	broker := vessels.NewBroker()
	broker.Subscribe(engine.Handle)
	history := vessels.NewMemoryHistory(vessels.HistoryConfig{MaxPoints: 100, MaxAge: time.Hour, Now: now})
	tracker := vessels.NewTracker(vessels.TrackerConfig{Now: now, Logger: quiet}, vessels.NewMemoryStore(), history, broker)
	p := ais.NewPipeline(ais.PipelineConfig{DedupWindow: ais.DefaultDedupWindow, Now: now, OnMessage: tracker.Handle, Logger: quiet})
	p.AddSource(simSourceName, "simulator", "test")
	ctx := context.Background()
	const span = 20 * time.Minute
	for ; !clock.After(start.Add(span)); clock = clock.Add(time.Second) {
		sim.Tick(clock, func(line []byte) {
			p.Feed(ais.Line{Source: simSourceName, Data: line, Received: clock})
		})
		if err := tracker.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
		engine.Sweep(clock)
	}

	incidents := sim.Incidents()
	involved := map[uint32][]simulate.Incident{}
	for _, in := range incidents {
		for _, m := range in.MMSI {
			involved[m] = append(involved[m], in)
		}
	}
	byIncident, natural := map[string]int{}, map[string]int{}
	firstAt := map[string]time.Duration{}
	for _, a := range log.opened {
		staged := slices.ContainsFunc(involved[a.MMSI], func(in simulate.Incident) bool {
			return !a.OpenedAt.Before(in.Start) && !a.OpenedAt.After(in.End.Add(time.Minute))
		})
		if staged {
			byIncident[string(a.Kind)]++
			if _, ok := firstAt[string(a.Kind)]; !ok {
				firstAt[string(a.Kind)] = a.OpenedAt.Sub(start)
			}
		} else {
			natural[string(a.Kind)]++
		}
	}
	var sched strings.Builder
	for _, in := range incidents {
		fmt.Fprintf(&sched, "\n  %8v %-17s %-22s %v", in.Start.Sub(start).Round(time.Second), in.Kind, in.Place, in.MMSI)
	}
	kinds := make([]string, 0, len(firstAt))
	for k := range firstAt {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool { return firstAt[kinds[i]] < firstAt[kinds[j]] })
	var first strings.Builder
	for _, k := range kinds {
		fmt.Fprintf(&first, "\n  %8v %s", firstAt[k].Round(time.Second), k)
	}
	t.Logf("incidents in %v:%s\nfirst alert of each kind raised by an incident:%s\nalerts opened by incidents %v\nalerts opened by the rest of the traffic %v",
		span, sched.String(), first.String(), byIncident, natural)

	want := append(slices.Clone(simulate.IncidentKinds), string(zones.AlertBorderApproach))
	for _, k := range want {
		if byIncident[k] == 0 {
			t.Errorf("no %s alert opened by an incident", k)
		}
	}
	for _, k := range []zones.AlertKind{zones.AlertZoneEntry, zones.AlertZoneExit} {
		if byIncident[string(k)]+natural[string(k)] == 0 {
			t.Errorf("no %s alert", k)
		}
	}
	// The rules the lanes are for stay quiet on their own.
	for _, k := range []zones.AlertKind{zones.AlertBorderCrossing, zones.AlertBorderApproach, zones.AlertBorderLoitering,
		zones.AlertDistress, zones.AlertPositionJump, zones.AlertAISGap, zones.AlertGroundingSuspect, zones.AlertAnchorDrag, zones.AlertOvercrowding} {
		if n := natural[string(k)]; n > 0 {
			t.Errorf("%d %s alerts without an incident", n, k)
		}
	}
}
