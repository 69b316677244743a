package simulate

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

// testHotspots are places on borderRoutes: on river-a a dam's no-entry
// circle, a quay's speed limit, a bridge and a ferry crossing; both
// borders; a ferry crossing on river-b; the crossings with capacities.
func testHotspots(tb testing.TB) []Hotspot {
	tb.Helper()
	routes := borderRoutes()
	a, err := newRoute(&routes[0])
	if err != nil {
		tb.Fatal(err)
	}
	at := func(f float64) [2]float64 { p, _ := a.at(f*a.total, 1); return p }
	line := func(id string) [][2]float64 {
		for _, r := range routes {
			if r.ID == id {
				return r.Line
			}
		}
		tb.Fatalf("no route %s", id)
		return nil
	}
	return []Hotspot{
		{Kind: HotspotRestricted, ID: "dam", Point: at(0.35), RadiusM: 500},
		{Kind: HotspotSpeedLimit, ID: "speed-quay", Point: at(0.6), RadiusM: 1500, SpeedLimitKn: 6},
		{Kind: HotspotBridge, ID: "bridge", Point: at(0.85), RadiusM: 300},
		{Kind: HotspotBorder, ID: "border-right", Line: line("border-right"), ChinaSide: 1},
		{Kind: HotspotBorder, ID: "border-left", Line: line("border-left"), ChinaSide: -1},
		{Kind: HotspotCrossing, ID: "ferry-f", Line: line("ferry-f"), Capacity: 40},
		{Kind: HotspotCrossing, ID: "ferry-e", Line: line("ferry-e"), Capacity: 60, Route: "ferry-e"},
	}
}

// MustNewIncidents builds a simulator with incidents on borderRoutes and
// testHotspots.
func MustNewIncidents(tb testing.TB, seed int64) *Simulator {
	tb.Helper()
	s, err := New(Config{Vessels: 60, Routes: borderRoutes(), Hotspots: testHotspots(tb), Incidents: true, Seed: seed,
		Now: func() time.Time { return t0 }})
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	return s
}

func TestNewRejectsHotspots(t *testing.T) {
	tests := []struct {
		name string
		h    Hotspot
	}{
		{"unknown kind", Hotspot{Kind: "quay", ID: "q", Point: [2]float64{125, 45}, RadiusM: 300}},
		{"circle without radius", Hotspot{Kind: HotspotBridge, ID: "b", Point: [2]float64{125, 45}}},
		{"border without side", Hotspot{Kind: HotspotBorder, ID: "x", Line: [][2]float64{{125, 45}, {125.1, 45}}}},
		{"one-point crossing", Hotspot{Kind: HotspotCrossing, ID: "f", Line: [][2]float64{{125, 45}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(Config{Routes: testRoutes(), Hotspots: []Hotspot{tt.h}}); err == nil {
				t.Error("New accepted it")
			}
		})
	}
}

// TestIncidentSchedule checks the scheduler: the same seed gives the same
// incidents at the same times, every kind starts within the first 15
// simulated minutes, starts are 20–40 s apart or wait for a free slot, no
// more than MaxIncidents run at once and no kind overlaps itself.
func TestIncidentSchedule(t *testing.T) {
	run := func(seed int64, d time.Duration) []Incident {
		s := MustNewIncidents(t, seed)
		for tm := t0; !tm.After(t0.Add(d)); tm = tm.Add(time.Second) {
			s.Tick(tm, func([]byte) {})
		}
		return s.Incidents()
	}
	a, b := run(3, time.Hour), run(3, time.Hour)
	if !slices.EqualFunc(a, b, func(x, y Incident) bool { return fmt.Sprint(x) == fmt.Sprint(y) }) {
		t.Fatal("the same seed gave different schedules")
	}
	if c := run(4, time.Hour); slices.EqualFunc(a, c, func(x, y Incident) bool { return x.Start.Equal(y.Start) }) {
		t.Error("another seed gave the same start times")
	}
	// One long Tick stages the same as ticks of a second.
	s := MustNewIncidents(t, 3)
	s.Tick(t0, func([]byte) {})
	s.Tick(t0.Add(time.Hour), func([]byte) {})
	if got := s.Incidents(); !slices.EqualFunc(a, got, func(x, y Incident) bool { return fmt.Sprint(x) == fmt.Sprint(y) }) {
		t.Errorf("one tick of an hour staged %d incidents, 1 s ticks %d (or others)", len(got), len(a))
	}

	first := map[string]time.Duration{}
	var tbl strings.Builder
	for i, in := range a {
		if _, ok := first[in.Kind]; !ok {
			first[in.Kind] = in.Start.Sub(t0)
		}
		fmt.Fprintf(&tbl, "\n%5v–%5v %-17s %-14s %v", in.Start.Sub(t0), in.End.Sub(t0), in.Kind, in.Place, in.MMSI)
		if i > 0 && in.Start.Sub(a[i-1].Start) < IncidentEveryMin {
			t.Errorf("%s started %v after the one before", in.Kind, in.Start.Sub(a[i-1].Start))
		}
		running := 0
		for _, o := range a {
			if !o.Start.After(in.Start) && o.End.After(in.Start) {
				running++
				if o.Kind == in.Kind && o.Start != in.Start {
					t.Errorf("%s at %v overlaps the one at %v", in.Kind, in.Start.Sub(t0), o.Start.Sub(t0))
				}
			}
		}
		if running > MaxIncidents {
			t.Errorf("%d incidents running at %v", running, in.Start.Sub(t0))
		}
	}
	t.Logf("first hour, seed 3: %d incidents%s", len(a), tbl.String())
	for _, k := range IncidentKinds {
		if at, ok := first[k]; !ok || at > 15*time.Minute {
			t.Errorf("%s first at %v, want within 15 min", k, at)
		}
	}
}

// TestIncidents runs 25 simulated minutes with incidents and checks that
// each one sent what its rule needs, and that the vessels incidents add
// report at the intervals of ITU-R M.1371 (an AIS-SART in its bursts).
func TestIncidents(t *testing.T) {
	s := MustNewIncidents(t, 3)
	reports := collect(t, s, 25*time.Minute)
	incidents := s.Incidents()
	hot := map[string]*hotspot{}
	for _, h := range s.hotspots {
		hot[h.ID] = h
	}
	pos := map[uint32][]report{}
	persons := map[uint32][]report{}
	for _, r := range reports {
		switch {
		case r.msg.Position != nil:
			pos[r.msg.MMSI] = append(pos[r.msg.MMSI], r)
		case r.msg.Persons != nil:
			persons[r.msg.MMSI] = append(persons[r.msg.MMSI], r)
		}
	}
	during := func(in Incident, mmsi uint32) []report {
		var out []report
		for _, r := range pos[mmsi] {
			if !r.at.Before(in.Start.Add(-30*time.Second)) && !r.at.After(in.End.Add(time.Second)) {
				out = append(out, r)
			}
		}
		return out
	}
	checked := map[string]int{}
	for _, in := range incidents {
		if in.End.After(t0.Add(25 * time.Minute)) {
			continue
		}
		name := fmt.Sprintf("%s at %s from %v", in.Kind, in.Place, in.Start.Sub(t0))
		rs := during(in, in.MMSI[0])
		if len(rs) == 0 {
			t.Errorf("%s: no position report from %d", name, in.MMSI[0])
			continue
		}
		if err := checkIncident(in, rs, hot[in.Place], func(m uint32) []report { return during(in, m) }, persons[in.MMSI[0]]); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		checked[in.Kind]++
		if in.MMSI[0] >= IncidentMMSIBase && in.MMSI[0] < IncidentMMSIBase+100_000 {
			for _, m := range in.MMSI {
				if m >= IncidentMMSIBase && m < IncidentMMSIBase+100_000 {
					checkActorIntervals(t, name, during(in, m))
				}
			}
		}
	}
	t.Logf("incidents checked by kind: %v", checked)
	for _, k := range IncidentKinds {
		if checked[k] == 0 {
			t.Errorf("no %s incident checked", k)
		}
	}
}

func checkActorIntervals(t *testing.T, name string, rs []report) {
	t.Helper()
	for i := 1; i < len(rs); i++ {
		p := rs[i-1].msg.Position
		if want := ituInterval(false, p.NavStatus, p.SOG); rs[i].at.Sub(rs[i-1].at) > want+time.Second {
			t.Errorf("%s: %d silent %v after a report at %.1f kn, status %d", name, rs[i].msg.MMSI, rs[i].at.Sub(rs[i-1].at), p.SOG, p.NavStatus)
		}
	}
}

func lonLat(r report) [2]float64 { return [2]float64{r.msg.Position.Lon, r.msg.Position.Lat} }

// checkIncident checks what an incident's main vessel (rs, its position
// reports during the incident) sent against what the rule needs.
func checkIncident(in Incident, rs []report, h *hotspot, of func(uint32) []report, persons []report) error {
	switch in.Kind {
	case IncidentRestrictedEntry:
		for _, r := range rs {
			if h.inside(lonLat(r), 0) {
				return nil
			}
		}
		return fmt.Errorf("never inside the %.0f m circle", h.RadiusM)
	case IncidentSpeeding:
		run, best := 0, 0
		for _, r := range rs {
			if h.inside(lonLat(r), 0) && r.msg.Position.SOG > 12 && r.msg.Position.SOG > h.SpeedLimitKn+0.5 {
				run++
				best = max(best, run)
			} else {
				run = 0
			}
		}
		if best < 3 {
			return fmt.Errorf("%d consecutive reports above 12 kn in the circle, want 3 or more", best)
		}
	case IncidentBridgeApproach:
		for _, r := range rs {
			p := r.msg.Position
			d := distance(h.Point, lonLat(r))
			off := math.Abs(math.Remainder(bearing(lonLat(r), h.Point)-p.COG, 360))
			if p.SOG >= 10 && p.SOG <= 12 && d > h.RadiusM && d < h.RadiusM+800 && off < 30 {
				return nil
			}
		}
		return fmt.Errorf("never at 10–12 kn within 800 m heading for the zone")
	case IncidentBorderCrossing, IncidentBorderLoitering:
		var ours []float64
		for _, r := range rs {
			_, off := h.line.project(lonLat(r))
			ours = append(ours, off*float64(h.ChinaSide))
		}
		if in.Kind == IncidentBorderCrossing {
			across := time.Duration(0)
			for i := 1; i < len(rs); i++ {
				if ours[i-1] < 0 {
					across += rs[i].at.Sub(rs[i-1].at)
				}
			}
			if slices.Min(ours) > -50 || ours[0] < 50 || ours[len(ours)-1] < 150 || across < 50*time.Second {
				return fmt.Errorf("sides %.0f m → min %.0f m → %.0f m, %v across: want ours, 50+ m across for a minute, back at our bank", ours[0], slices.Min(ours), ours[len(ours)-1], across)
			}
			return nil
		}
		var since time.Time
		longest := time.Duration(0)
		for i, r := range rs {
			if r.msg.Position.SOG < 2 && ours[i] > 50 && ours[i] <= 150 {
				if since.IsZero() {
					since = r.at
				}
				longest = max(longest, r.at.Sub(since))
			} else {
				since = time.Time{}
			}
		}
		if longest < 5*time.Minute+30*time.Second {
			return fmt.Errorf("slow within 150 m of the border (on our side) for %v, want over 5 min", longest)
		}
	case IncidentCollisionRisk:
		b := of(in.MMSI[1])
		if len(in.MMSI) != 2 || len(b) == 0 {
			return fmt.Errorf("want two vessels, reporting")
		}
		tcpa, cpa := cpaOf(rs[0], b[0])
		closest := math.Inf(1)
		for _, r := range rs {
			for _, o := range b {
				if d := r.at.Sub(o.at); d >= 0 && d < 10*time.Second {
					closest = math.Min(closest, distance(lonLat(r), lonLat(o)))
				}
			}
		}
		if tcpa > 300 || cpa > 50 || closest < 400 {
			return fmt.Errorf("first reports: CPA %.0f m in %.0f s; closest %.0f m: want a CPA under 50 m within 5 min, broken off beyond 400 m", cpa, tcpa, closest)
		}
	case IncidentAISGap:
		for i := 1; i < len(rs); i++ {
			a, b := rs[i-1].msg.Position, rs[i].msg.Position
			if gap := rs[i].at.Sub(rs[i-1].at); gap >= 2*time.Minute && gap <= 3*time.Minute &&
				a.SOG > 0.5 && b.SOG > 0.5 && a.NavStatus == navUnderWay && b.NavStatus == navUnderWay {
				return nil
			}
		}
		return fmt.Errorf("no 2–3 min gap between reports under way")
	case IncidentGrounding:
		for i, r := range rs {
			if r.msg.Position.SOG <= 7 {
				continue
			}
			j := i + 1
			if j >= len(rs) || rs[j].msg.Position.SOG >= 1 || rs[j].at.Sub(r.at) > 20*time.Second {
				continue
			}
			k := j
			for k+1 < len(rs) && rs[k+1].msg.Position.SOG < 1 {
				k++
			}
			if stopped := rs[k].at.Sub(rs[j].at); stopped >= 115*time.Second && k+1 < len(rs) && rs[k+1].msg.Position.SOG >= 2 {
				return nil
			}
		}
		return fmt.Errorf("no drop from above 7 kn to under 1 kn within 20 s, stopped 2 min, then under way")
	case IncidentAnchorDrag:
		var at [2]float64
		farthest := 0.0
		anchored := false
		for _, r := range rs {
			if r.msg.Position.NavStatus != navAnchored {
				anchored = false
				continue
			}
			if !anchored {
				at, anchored = lonLat(r), true
			}
			farthest = math.Max(farthest, distance(at, lonLat(r)))
		}
		if farthest < 150 {
			return fmt.Errorf("at anchor, moved %.0f m at most, want 150+", farthest)
		}
	case IncidentOvercrowding:
		var over, after bool
		for _, r := range persons {
			n := r.msg.Persons.Crew + r.msg.Persons.Passengers + r.msg.Persons.Personnel
			switch {
			case r.at.Before(in.Start) || r.at.After(in.End):
			case n > h.Capacity:
				over = true
			case over:
				after = true
			}
		}
		if !over || !after {
			return fmt.Errorf("persons over capacity %d sent %v, back under it %v", h.Capacity, over, after)
		}
	case IncidentDistress:
		if in.MMSI[0]/1_000_000 != 970 {
			return fmt.Errorf("MMSI %d is not an AIS-SART's", in.MMSI[0])
		}
		for _, r := range rs {
			if r.msg.Type != 1 || r.msg.Position.NavStatus != navSART || r.msg.Position.SOG >= 0.5 {
				return fmt.Errorf("type %d status %d at %.1f kn, want type 1, status 14, drifting", r.msg.Type, r.msg.Position.NavStatus, r.msg.Position.SOG)
			}
		}
		if len(rs) < 4*sartBurst || rs[len(rs)-1].at.Sub(rs[0].at) < 4*time.Minute {
			return fmt.Errorf("%d reports over %v, want bursts of 8 for 4 min", len(rs), rs[len(rs)-1].at.Sub(rs[0].at))
		}
	case IncidentPositionJump:
		all := of(in.MMSI[0])
		for i := 1; i+1 < len(all); i++ {
			if distance(lonLat(all[i-1]), lonLat(all[i])) > 15e3 && distance(lonLat(all[i]), lonLat(all[i+1])) > 15e3 &&
				distance(lonLat(all[i-1]), lonLat(all[i+1])) < 500 {
				return nil
			}
		}
		return fmt.Errorf("no single report 15+ km off the track")
	case IncidentFerryConflict:
		f := of(in.MMSI[1])
		for _, r := range rs {
			if _, off := h.line.project(lonLat(r)); math.Abs(off) > 150 {
				continue
			}
			for i := len(f) - 1; i >= 0; i-- {
				if !f[i].at.After(r.at) {
					if f[i].msg.Position.SOG > 0.5 {
						return nil
					}
					break
				}
			}
		}
		return fmt.Errorf("never within 150 m of the crossing while the ferry was under way")
	default:
		return fmt.Errorf("unknown kind")
	}
	return nil
}

// cpaOf is the time (s) to and the distance (m) at the closest point of
// approach of two vessels from one report each (flat, dead-reckoned).
func cpaOf(a, b report) (tcpa, cpa float64) {
	kx := math.Cos(a.msg.Position.Lat*math.Pi/180) * mPerDegLat
	vel := func(r report) (float64, float64) {
		c := r.msg.Position.COG * math.Pi / 180
		v := r.msg.Position.SOG * knot
		return v * math.Sin(c), v * math.Cos(c)
	}
	avx, avy := vel(a)
	bvx, bvy := vel(b)
	dt := a.at.Sub(b.at).Seconds()
	rx := (b.msg.Position.Lon-a.msg.Position.Lon)*kx + bvx*dt
	ry := (b.msg.Position.Lat-a.msg.Position.Lat)*mPerDegLat + bvy*dt
	vx, vy := bvx-avx, bvy-avy
	if v2 := vx*vx + vy*vy; v2 > 0 {
		tcpa = math.Max(0, -(rx*vx+ry*vy)/v2)
	}
	return tcpa, math.Hypot(rx+vx*tcpa, ry+vy*tcpa)
}
