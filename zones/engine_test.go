package zones_test

import (
	"errors"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/riverwatch/riverwatch/vessels"
	"github.com/riverwatch/riverwatch/zones"
)

// recorder is a Sink that keeps what the engine concluded.
type recorder struct {
	mu     sync.Mutex
	alerts []recorded
	occ    []zones.Occupancy
}

type recorded struct {
	typ zones.EventType
	a   zones.Alert
}

func (r *recorder) AlertChanged(t zones.EventType, a zones.Alert) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.alerts = append(r.alerts, recorded{t, a})
}

func (r *recorder) OccupancyChanged(o zones.Occupancy) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.occ = append(r.occ, o)
}

// opened counts the alerts of kind opened for mmsi.
func (r *recorder) opened(kind zones.AlertKind, mmsi uint32) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, x := range r.alerts {
		if x.typ == zones.EventAlertOpened && x.a.Kind == kind && (x.a.MMSI == mmsi || x.a.OtherMMSI == mmsi) {
			n++
		}
	}
	return n
}

// active reports whether an alert of kind for mmsi is open after all events.
func (r *recorder) active(kind zones.AlertKind, mmsi uint32) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	open := map[string]bool{}
	for _, x := range r.alerts {
		if x.a.Kind != kind || (x.a.MMSI != mmsi && x.a.OtherMMSI != mmsi) {
			continue
		}
		open[x.a.ID] = x.typ != zones.EventAlertResolved
	}
	for _, o := range open {
		if o {
			return true
		}
	}
	return false
}

// kinds lists the kinds opened, for failure messages.
func (r *recorder) kinds() map[zones.AlertKind]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[zones.AlertKind]int{}
	for _, x := range r.alerts {
		if x.typ == zones.EventAlertOpened {
			out[x.a.Kind]++
		}
	}
	return out
}

var t0 = time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)

// base point on a straight east-flowing test river at 44N.
const lat0, lon0 = 44.0, 126.0

// east returns the longitude metres east of lon0 at lat0.
func east(m float64) float64 { return lon0 + m/(111_320*math.Cos(lat0*math.Pi/180)) }

// north returns the latitude metres north of lat0.
func north(m float64) float64 { return lat0 + m/111_320 }

func circle(id string, kind zones.Kind, eastM, northM, r float64) zones.Zone {
	return zones.Zone{ID: id, Kind: kind, Name: id, NameZH: id, Geom: orb.Point{east(eastM), north(northM)}, RadiusM: r}
}

func mustEngine(t *testing.T, zs ...zones.Zone) (*zones.Engine, *recorder) {
	t.Helper()
	ix, err := zones.NewIndex(zs)
	if err != nil {
		t.Fatal(err)
	}
	r := &recorder{}
	return zones.NewEngine(zones.EngineConfig{Now: func() time.Time { return t0 }}, ix, r), r
}

// report is one accepted position of a vessel.
type report struct {
	mmsi         uint32
	eastM, north float64
	sog, cog     float64
	at           time.Duration // after t0
	shipType     int
	nav          int
	length       float64
}

func (p report) event() vessels.Event {
	lat, lon, sog, cog := north(p.north), east(p.eastM), p.sog, p.cog
	at := t0.Add(p.at)
	nav := p.nav
	if nav == 0 && p.sog < 0.5 {
		nav = 15
	}
	v := vessels.Vessel{MMSI: p.mmsi, Class: "A", ShipType: p.shipType, NavStatus: nav, Lat: &lat, Lon: &lon,
		SOG: &sog, COG: &cog, LastSeen: at, PositionAt: at, Length: p.length, Name: "TEST"}
	return vessels.Event{Type: vessels.EventUpdate, Vessel: v, At: at}
}

func feed(e *zones.Engine, rs ...report) {
	for _, r := range rs {
		e.Handle(r.event())
	}
}

// track is a vessel at constant speed and course (east = 90°) reporting
// every interval from start.
func track(mmsi uint32, fromE, fromN, sog, cog float64, start, every time.Duration, n int) []report {
	var out []report
	v := sog * 1852 / 3600
	c := cog * math.Pi / 180
	for i := range n {
		t := time.Duration(i) * every
		d := v * t.Seconds()
		out = append(out, report{mmsi: mmsi, eastM: fromE + d*math.Sin(c), north: fromN + d*math.Cos(c), sog: sog, cog: cog, at: start + t, shipType: 70})
	}
	return out
}

func TestRestrictedEntryOnceAndExit(t *testing.T) {
	e, r := mustEngine(t, circle("dam", zones.KindRestricted, 1000, 0, 200))
	feed(e, track(1, 0, 0, 6, 90, 0, 10*time.Second, 60)...) // 6 kn east through the zone and beyond
	if n := r.opened(zones.AlertRestrictedEntry, 1); n != 1 {
		t.Fatalf("restricted_entry opened %d times, want 1 (%v)", n, r.kinds())
	}
	if r.active(zones.AlertRestrictedEntry, 1) {
		t.Error("restricted_entry still open after leaving the zone")
	}
	var in, out int
	for _, o := range r.occ {
		if o.ZoneID == "dam" && o.In {
			in++
		} else if o.ZoneID == "dam" {
			out++
		}
	}
	if in != 1 || out != 1 {
		t.Errorf("occupancy changes: %d in, %d out, want 1 and 1", in, out)
	}
}

func TestExemptTypesMayEnterRestricted(t *testing.T) {
	e, r := mustEngine(t, circle("dam", zones.KindRestricted, 1000, 0, 200))
	rs := track(2, 0, 0, 6, 90, 0, 10*time.Second, 30)
	for i := range rs {
		rs[i].shipType = 51 // search and rescue
	}
	feed(e, rs...)
	if n := r.opened(zones.AlertRestrictedEntry, 2); n != 0 {
		t.Errorf("a rescue vessel raised %d restricted_entry", n)
	}
}

func TestSparseReportCrossesNarrowZone(t *testing.T) {
	// A 100 m wide crossing; reports 400 m apart jump over it.
	ferry := zones.Zone{ID: "ferry", Kind: zones.KindRestricted, Geom: orb.LineString{{east(1000), north(-300)}, {east(1000), north(300)}}, BufferM: 50}
	e, r := mustEngine(t, ferry)
	feed(e, report{mmsi: 3, eastM: 800, sog: 20, cog: 90, at: 0, shipType: 70}, report{mmsi: 3, eastM: 1200, sog: 20, cog: 90, at: 40 * time.Second, shipType: 70})
	if n := r.opened(zones.AlertRestrictedEntry, 3); n != 1 {
		t.Errorf("crossing through: %d restricted_entry, want 1", n)
	}
	// The same jump after a long silence infers nothing.
	e2, r2 := mustEngine(t, ferry)
	feed(e2, report{mmsi: 4, eastM: 800, sog: 20, cog: 90, at: 0, shipType: 70}, report{mmsi: 4, eastM: 1200, sog: 20, cog: 90, at: 10 * time.Minute, shipType: 70})
	if n := r2.opened(zones.AlertRestrictedEntry, 4); n != 0 {
		t.Errorf("across a 10 min gap: %d restricted_entry, want 0", n)
	}
}

func TestSpeedingHeldForReports(t *testing.T) {
	e, r := mustEngine(t, zones.Zone{ID: "slow", Kind: zones.KindSpeedLimit, Geom: orb.Point{east(0), north(0)}, RadiusM: 3000, SpeedLimitKn: 6})
	feed(e, report{mmsi: 5, sog: 9, cog: 90, at: 0}, report{mmsi: 5, eastM: 40, sog: 9, cog: 90, at: 10 * time.Second})
	if n := r.opened(zones.AlertSpeeding, 5); n != 0 {
		t.Fatalf("speeding after 2 reports: %d, want 0 until 3", n)
	}
	feed(e, track(5, 80, 0, 9, 90, 20*time.Second, 10*time.Second, 10)...)
	if n := r.opened(zones.AlertSpeeding, 5); n != 1 {
		t.Fatalf("speeding opened %d times, want 1", n)
	}
	feed(e, track(5, 600, 0, 5, 90, 2*time.Minute, 10*time.Second, 3)...)
	if r.active(zones.AlertSpeeding, 5) {
		t.Error("speeding still open after three reports under the limit")
	}
	// A vessel within the limit is left alone.
	feed(e, track(6, 0, 100, 5.5, 90, 0, 10*time.Second, 20)...)
	if n := r.opened(zones.AlertSpeeding, 6); n != 0 {
		t.Errorf("innocent vessel raised %d speeding", n)
	}
}

func TestEntryHysteresisAtEdge(t *testing.T) {
	z := circle("quay", zones.KindQuay, 0, 0, 300)
	z.Notify = true
	e, r := mustEngine(t, z)
	// Jitter around the edge: 295, 305, 298, 310 m from the centre.
	for i, d := range []float64{290, 305, 298, 310, 296, 312} {
		feed(e, report{mmsi: 7, eastM: d, sog: 1, cog: 90, at: time.Duration(i) * 10 * time.Second, shipType: 60})
	}
	if n := r.opened(zones.AlertZoneEntry, 7); n != 1 {
		t.Errorf("zone_entry opened %d times at a jittering edge, want 1", n)
	}
	if n := r.opened(zones.AlertZoneExit, 7); n != 0 {
		t.Errorf("zone_exit opened %d times within the hysteresis, want 0", n)
	}
	feed(e, report{mmsi: 7, eastM: 400, sog: 1, cog: 90, at: 2 * time.Minute, shipType: 60})
	if n := r.opened(zones.AlertZoneExit, 7); n != 1 {
		t.Errorf("zone_exit after leaving: %d, want 1", n)
	}
	e.Sweep(t0.Add(2*time.Minute + zones.DefaultExitAlertFor))
	if r.active(zones.AlertZoneExit, 7) {
		t.Error("zone_exit did not resolve itself")
	}
}

func TestBanViolation(t *testing.T) {
	sec := zones.Zone{ID: "reach", Kind: zones.KindRiverSection, Geom: orb.LineString{{east(-5000), north(0)}, {east(5000), north(0)}}, BufferM: 300}
	e, r := mustEngine(t, sec)
	e.SetBans([]zones.Ban{{ID: "b1", ZoneIDs: []string{"reach"}, Kind: zones.BanProhibit, Reason: zones.ReasonFog,
		From: t0, Until: t0.Add(time.Hour), AllowedTypes: []int{51, 55}}})
	feed(e, track(8, 0, 0, 5, 90, 0, 10*time.Second, 10)...)
	if n := r.opened(zones.AlertBanViolation, 8); n != 1 {
		t.Fatalf("ban_violation opened %d, want 1", n)
	}
	// Law enforcement and a moored vessel are let be.
	rs := track(9, 0, 50, 5, 90, 0, 10*time.Second, 10)
	for i := range rs {
		rs[i].shipType = 55
	}
	feed(e, rs...)
	feed(e, report{mmsi: 10, eastM: 100, north: -100, sog: 0, nav: 5, at: time.Minute, shipType: 70})
	if r.opened(zones.AlertBanViolation, 9)+r.opened(zones.AlertBanViolation, 10) != 0 {
		t.Error("allowed type or moored vessel raised ban_violation")
	}
	// The ban ends: the alert resolves and no new one comes.
	e.Sweep(t0.Add(time.Hour + time.Second))
	if r.active(zones.AlertBanViolation, 8) {
		t.Error("ban_violation still open after the ban ended")
	}
	feed(e, track(8, 500, 0, 5, 90, time.Hour+time.Minute, 10*time.Second, 10)...)
	if n := r.opened(zones.AlertBanViolation, 8); n != 1 {
		t.Errorf("ban_violation after the ban ended: %d opened in all, want still 1", n)
	}
}

func TestBorderRules(t *testing.T) {
	border := zones.Zone{ID: "border", Kind: zones.KindBorder, Geom: orb.LineString{{east(-5000), north(0)}, {east(5000), north(0)}}}
	e, r := mustEngine(t, border)
	// Heading north across the line from 200 m south.
	feed(e, track(11, 0, -200, 4, 0, 0, 10*time.Second, 12)...)
	if n := r.opened(zones.AlertBorderApproach, 11); n != 1 {
		t.Errorf("border_approach opened %d, want 1", n)
	}
	if n := r.opened(zones.AlertBorderCrossing, 11); n != 1 {
		t.Errorf("border_crossing opened %d, want 1 (%v)", n, r.kinds())
	}
	// Back across: the crossing resolves.
	feed(e, track(11, 0, 50, 4, 180, 2*time.Minute, 10*time.Second, 12)...)
	if r.active(zones.AlertBorderCrossing, 11) {
		t.Error("border_crossing still open after crossing back")
	}
	// A vessel sailing along its own half, 120 m off the line, raises nothing.
	feed(e, track(12, -3000, -120, 8, 90, 0, 10*time.Second, 60)...)
	if k := r.opened(zones.AlertBorderApproach, 12) + r.opened(zones.AlertBorderCrossing, 12); k != 0 {
		t.Errorf("vessel in its own half raised %d border alerts", k)
	}
	// Loitering: 100 m off the line at 1 kn for 15 minutes.
	feed(e, track(13, 0, -100, 1, 90, 0, 30*time.Second, 31)...)
	if n := r.opened(zones.AlertBorderLoitering, 13); n != 1 {
		t.Errorf("border_loitering opened %d, want 1", n)
	}
}

func TestCollisionRiskHeadOn(t *testing.T) {
	e, r := mustEngine(t)
	// Head-on on one line, 2 km apart, 8 kn each: CPA 0 in about 4 min.
	a := track(21, 0, 0, 8, 90, 0, 10*time.Second, 3)
	b := track(22, 2000, 0, 8, 270, 0, 10*time.Second, 3)
	for i := range a {
		feed(e, a[i], b[i])
	}
	if n := r.opened(zones.AlertCollisionRisk, 21); n != 1 {
		t.Fatalf("collision_risk opened %d, want 1", n)
	}
	// Two vessels passing on parallel lanes 150 m apart are no risk; nor is
	// one moored beside the fairway.
	c := track(23, 0, 1000, 8, 90, 0, 10*time.Second, 10)
	d := track(24, 1500, 1150, 8, 270, 0, 10*time.Second, 10)
	for i := range c {
		feed(e, c[i], d[i])
	}
	feed(e, report{mmsi: 25, eastM: 600, north: 1030, nav: 5, at: 30 * time.Second})
	for _, m := range []uint32{23, 24, 25} {
		if n := r.opened(zones.AlertCollisionRisk, m); n != 0 {
			t.Errorf("vessel %d: %d collision_risk, want 0", m, n)
		}
	}
}

// TestCollisionRiskFromHalfScans: two vessels on steady courses, out of
// range at first, come to risk with no change of course, so only the
// periodic half scans can find it, and only the one of the two vessels
// south-west of the other looks the other's way. Either way round, the
// risk opens within a scan period and a report of arising (TCPA 5 min,
// at 2,470 m), and stays one alert until they meet.
func TestCollisionRiskFromHalfScans(t *testing.T) {
	for _, sw := range []uint32{61, 62} {
		e, r := mustEngine(t)
		ne := 61 + 62 - sw
		// 4 km apart on a north-east line, 8 kn each: closing 8.2 m/s.
		a := track(sw, 0, 0, 8, 45, 0, 10*time.Second, 50)
		b := track(ne, 2828, 2828, 8, 225, 5*time.Second, 10*time.Second, 50)
		onset := 186 * time.Second // (4,000 m − 2,470 m) / 8.2 m/s
		for i := range a {
			if sw == 62 { // the north-east vessel reports first
				feed(e, b[i], a[i])
			} else {
				feed(e, a[i], b[i])
			}
			if at := a[i].at; at < onset-10*time.Second && r.opened(zones.AlertCollisionRisk, sw) != 0 {
				t.Fatalf("south-west vessel %d: collision_risk at %v, before the risk arose (%v)", sw, at, onset)
			} else if at > onset+zones.DefaultPairEvery+10*time.Second && !r.active(zones.AlertCollisionRisk, sw) {
				t.Fatalf("south-west vessel %d: no collision_risk open at %v, the risk arose at %v", sw, at, onset)
			}
		}
		if n := r.opened(zones.AlertCollisionRisk, sw); n != 1 {
			t.Errorf("south-west vessel %d: collision_risk opened %d times, want 1", sw, n)
		}
	}
}

// TestCollisionRiskWhileOneIsSilent: the same two vessels, but the one
// south-west of the other, whose half scans judge the pair, falls silent a
// minute before the risk arises (AIS reports are lost at range). Once it
// is overdue the other's half scans judge the pair from its last fix,
// dead reckoned, and the risk opens within a scan period of the silence
// turning overdue.
func TestCollisionRiskWhileOneIsSilent(t *testing.T) {
	e, r := mustEngine(t)
	a := track(61, 0, 0, 8, 45, 0, 10*time.Second, 13) // silent from 2 min 10 s
	b := track(62, 2828, 2828, 8, 225, 5*time.Second, 10*time.Second, 40)
	const onset = 186 * time.Second
	overdue := a[len(a)-1].at + zones.DefaultPairEvery
	for i := range b {
		if i < len(a) {
			feed(e, a[i])
		}
		feed(e, b[i])
		e.Sweep(t0.Add(b[i].at))
		if at := b[i].at; at > max(onset, overdue)+zones.DefaultPairEvery+10*time.Second && !r.active(zones.AlertCollisionRisk, 62) {
			t.Fatalf("no collision_risk open at %v: the risk arose at %v, the silent vessel was overdue at %v", at, onset, overdue)
		}
	}
	if n := r.opened(zones.AlertCollisionRisk, 62); n != 1 {
		t.Errorf("collision_risk opened %d times, want 1", n)
	}
}

func TestAISGap(t *testing.T) {
	e, r := mustEngine(t)
	feed(e, report{mmsi: 31, sog: 8, cog: 90, at: 0, shipType: 70})
	e.Sweep(t0.Add(55 * time.Second)) // class A 8 kn: 10 s interval, 6 of them allowed
	if r.opened(zones.AlertAISGap, 31) != 0 {
		t.Fatal("ais_gap before 6 intervals")
	}
	e.Sweep(t0.Add(61 * time.Second))
	if r.opened(zones.AlertAISGap, 31) != 1 {
		t.Fatal("no ais_gap after 6 intervals of silence")
	}
	e.Sweep(t0.Add(90 * time.Second))
	if r.opened(zones.AlertAISGap, 31) != 1 {
		t.Fatal("ais_gap raised twice")
	}
	feed(e, report{mmsi: 31, eastM: 300, sog: 8, cog: 90, at: 95 * time.Second})
	if r.active(zones.AlertAISGap, 31) {
		t.Error("ais_gap still open after the vessel was heard again")
	}
	// Moored vessels report every 3 min and are not dark when silent.
	feed(e, report{mmsi: 32, nav: 5, at: 0})
	e.Sweep(t0.Add(20 * time.Minute))
	if r.opened(zones.AlertAISGap, 32) != 0 {
		t.Error("moored vessel raised ais_gap")
	}
	e.Sweep(t0.Add(zones.DefaultLongUnsupervised + time.Hour))
	if r.opened(zones.AlertLongUnsupervised, 32) != 1 {
		t.Error("no long_unsupervised after days unseen")
	}
}

func TestGroundingAndAnchorDrag(t *testing.T) {
	e, r := mustEngine(t)
	feed(e, report{mmsi: 41, sog: 9, cog: 90, at: 0}, report{mmsi: 41, eastM: 40, sog: 0.3, cog: 90, at: 20 * time.Second},
		report{mmsi: 41, eastM: 41, sog: 0.2, cog: 90, at: 50 * time.Second}, report{mmsi: 41, eastM: 41, sog: 0.1, cog: 90, at: 90 * time.Second})
	if r.opened(zones.AlertGroundingSuspect, 41) != 1 {
		t.Errorf("grounding_suspect: %v", r.kinds())
	}
	// Slowing down gradually to a quay is no grounding.
	var slow []report
	for i, s := range []float64{9, 7, 5, 3, 2, 1, 0.5, 0.2, 0.1} {
		slow = append(slow, report{mmsi: 42, eastM: float64(i) * 30, sog: s, cog: 90, at: time.Duration(i) * 30 * time.Second})
	}
	feed(e, slow...)
	if r.opened(zones.AlertGroundingSuspect, 42) != 0 {
		t.Error("gradual stop raised grounding_suspect")
	}
	// At anchor, drifting 150 m.
	feed(e, report{mmsi: 43, nav: 1, at: 0}, report{mmsi: 43, eastM: 20, nav: 1, sog: 0.3, at: 3 * time.Minute},
		report{mmsi: 43, eastM: 150, nav: 1, sog: 0.8, at: 6 * time.Minute})
	if r.opened(zones.AlertAnchorDrag, 43) != 1 {
		t.Errorf("anchor_drag: %v", r.kinds())
	}
}

func TestDistressAndJumpAndOvercrowding(t *testing.T) {
	ferry := zones.Zone{ID: "crossing", Kind: zones.KindFerryCrossing, Geom: orb.LineString{{east(0), north(-200)}, {east(0), north(200)}}, BufferM: 100, CapacityPersons: 40}
	e, r := mustEngine(t, ferry)
	feed(e, report{mmsi: 970123456, sog: 0, nav: 14, at: 0}, report{mmsi: 970123456, sog: 0, nav: 14, at: time.Minute})
	if r.opened(zones.AlertDistress, 970123456) != 1 {
		t.Error("active AIS-SART raised no distress")
	}
	// Silent (stale, lost) it stays open: no all-clear from a dead battery.
	ev := report{mmsi: 970123456, nav: 14, at: time.Minute}.event()
	ev.Type = vessels.EventStale
	e.Handle(ev)
	if !r.active(zones.AlertDistress, 970123456) {
		t.Error("distress resolved itself when the SART went stale")
	}
	feed(e, report{mmsi: 970654321, sog: 0, nav: 15, at: 0})
	if r.opened(zones.AlertDistress, 970654321) != 0 {
		t.Error("AIS-SART in test mode (status 15) raised distress")
	}
	ev = report{mmsi: 51, sog: 5, cog: 0, at: 0}.event()
	ev.Vessel.Flags = []string{"position_jump"}
	e.Handle(ev)
	if r.opened(zones.AlertPositionJump, 51) != 1 {
		t.Error("position_jump flag raised no alert")
	}
	ev = report{mmsi: 52, sog: 4, cog: 0, at: 0, shipType: 60}.event()
	p := 55
	ev.Vessel.Persons = &vessels.Persons{Passengers: &p}
	e.Handle(ev)
	if r.opened(zones.AlertOvercrowding, 52) != 1 {
		t.Errorf("55 persons on a 40-person crossing: %v", r.kinds())
	}
}

func TestFerryConflict(t *testing.T) {
	crossing := zones.Zone{ID: "crossing", Kind: zones.KindFerryCrossing, Geom: orb.LineString{{east(0), north(-300)}, {east(0), north(300)}}, BufferM: 80}
	e, r := mustEngine(t, crossing)
	ferry := track(61, 0, -250, 5, 0, 0, 10*time.Second, 6)
	for i := range ferry {
		ferry[i].shipType = 60
	}
	feed(e, ferry...)
	feed(e, report{mmsi: 62, eastM: 30, north: 0, sog: 3, cog: 90, at: 55 * time.Second, shipType: 70})
	if r.opened(zones.AlertFerryConflict, 62) != 1 {
		t.Errorf("vessel inside a crossing with the ferry crossing: %v", r.kinds())
	}
}

func TestAdoptedAlertNotRaisedTwice(t *testing.T) {
	e, r := mustEngine(t, circle("dam", zones.KindRestricted, 0, 0, 300))
	feed(e, report{mmsi: 71, sog: 3, cog: 90, at: 0, shipType: 70})
	var first zones.Alert
	for _, x := range r.alerts {
		if x.typ == zones.EventAlertOpened {
			first = x.a
		}
	}
	// A new engine (a restart) that adopts the stored alert updates it.
	e2, r2 := mustEngine(t, circle("dam", zones.KindRestricted, 0, 0, 300))
	e2.Adopt(first)
	feed(e2, report{mmsi: 71, eastM: 20, sog: 3, cog: 90, at: 30 * time.Second, shipType: 70})
	if n := r2.opened(zones.AlertRestrictedEntry, 71); n != 0 {
		t.Errorf("restart raised the adopted alert %d times again", n)
	}
	// Resolved by an officer while still inside: quiet until it leaves.
	res := first
	res.State, res.ResolvedBy, res.ResolvedAt = zones.StateResolved, "officer", t0.Add(time.Minute)
	e2.Adopt(res)
	feed(e2, report{mmsi: 71, eastM: 30, sog: 3, cog: 90, at: 90 * time.Second, shipType: 70})
	if n := r2.opened(zones.AlertRestrictedEntry, 71); n != 0 {
		t.Errorf("resolved by hand, re-raised %d times while still inside", n)
	}
}

func TestEngineMemoryBounded(t *testing.T) {
	ix, _ := zones.NewIndex(nil)
	e := zones.NewEngine(zones.EngineConfig{MaxVessels: 10}, ix, &recorder{})
	for m := uint32(1); m <= 30; m++ {
		ev := report{mmsi: 500 + m, sog: 5, cog: 90, at: time.Duration(m) * time.Second}.event()
		e.Handle(ev)
		ev.Type = vessels.EventLost
		e.Handle(ev)
	}
	e.Sweep(t0.Add(time.Hour))
	if n := e.Len(); n > 10 {
		t.Errorf("engine remembers %d vessels, want at most 10", n)
	}
}

func TestBorderHysteresis(t *testing.T) {
	border := zones.Zone{ID: "border", Kind: zones.KindBorder, Geom: orb.LineString{{east(-5000), north(0)}, {east(5000), north(0)}}}
	e, r := mustEngine(t, border)
	// Along the line with ±15 m of position noise: never a crossing.
	var along []report
	for i := range 40 {
		n := 15.0
		if i%2 == 1 {
			n = -15
		}
		along = append(along, report{mmsi: 14, eastM: -3000 + float64(i)*40, north: n, sog: 8, cog: 90, at: time.Duration(i) * 10 * time.Second})
	}
	// Settled on one side first, then noise across the line.
	feed(e, append([]report{{mmsi: 14, eastM: -3100, north: -60, sog: 8, cog: 90, at: -10 * time.Second}}, along...)...)
	if n := r.opened(zones.AlertBorderCrossing, 14); n != 0 {
		t.Errorf("position noise along the line raised %d border_crossing", n)
	}
	// A sparse jump from 200 m one side to 200 m the other: one crossing.
	feed(e, report{mmsi: 15, eastM: 0, north: -200, sog: 20, cog: 0, at: 0}, report{mmsi: 15, eastM: 0, north: 200, sog: 20, cog: 0, at: 40 * time.Second})
	if n := r.opened(zones.AlertBorderCrossing, 15); n != 1 {
		t.Errorf("a jump across raised %d border_crossing, want 1", n)
	}
}

func TestAdoptedPairWaitsForPartner(t *testing.T) {
	e, r := mustEngine(t)
	a := track(21, 0, 0, 8, 90, 0, 10*time.Second, 2)
	b := track(22, 2000, 0, 8, 270, 0, 10*time.Second, 2)
	feed(e, a[0], b[0], a[1], b[1])
	var pair zones.Alert
	for _, x := range r.alerts {
		if x.a.Kind == zones.AlertCollisionRisk {
			pair = x.a
		}
	}
	if pair.ID == "" {
		t.Fatal("no collision risk to adopt")
	}
	// A restart: the engine adopts the stored pair; the first vessel
	// reports before its partner does.
	e2, r2 := mustEngine(t)
	e2.Adopt(pair)
	feed(e2, track(21, 165, 0, 8, 90, 20*time.Second, 10*time.Second, 1)...)
	feed(e2, track(22, 1835, 0, 8, 270, 21*time.Second, 10*time.Second, 1)...)
	feed(e2, track(21, 206, 0, 8, 90, 30*time.Second, 10*time.Second, 1)...)
	if n := r2.opened(zones.AlertCollisionRisk, 21); n != 0 {
		t.Errorf("after a restart the adopted pair was raised %d times again", n)
	}
	for _, x := range r2.alerts {
		if x.typ == zones.EventAlertResolved {
			t.Errorf("adopted pair resolved before its partner reported: %+v", x.a)
		}
	}
}

func TestAlertMessagesBilingual(t *testing.T) {
	e, r := mustEngine(t, zones.Zone{ID: "slow", Name: "Jilin quay speed limit", NameZH: "吉林码头限速区", Kind: zones.KindSpeedLimit,
		Geom: orb.Point{east(0), north(0)}, RadiusM: 3000, SpeedLimitKn: 6})
	feed(e, track(5, 0, 0, 9, 90, 0, 10*time.Second, 4)...)
	for _, x := range r.alerts {
		if x.a.Kind != zones.AlertSpeeding {
			continue
		}
		zh, en := x.a.MessageZH, x.a.MessageEN
		if !strings.Contains(zh, "超速") || !strings.Contains(zh, "吉林码头限速区") || !strings.Contains(zh, "限速 6.0 节") || strings.Contains(zh, "kn") {
			t.Errorf("Chinese message %q", zh)
		}
		if !strings.Contains(en, "speeding") || !strings.Contains(en, "Jilin quay speed limit") || !strings.Contains(en, "limit 6.0 kn") {
			t.Errorf("English message %q", en)
		}
		return
	}
	t.Fatal("no speeding alert")
}

func TestEngineSetZonesDuplicateAcrossKinds(t *testing.T) {
	e, _ := mustEngine(t, circle("a", zones.KindQuay, 0, 0, 100))
	line := zones.Zone{ID: "a", Kind: zones.KindBorder, Geom: orb.LineString{{east(-100), north(0)}, {east(100), north(0)}}}
	if err := e.SetZones([]zones.Zone{circle("a", zones.KindQuay, 0, 0, 100), line}); !errors.Is(err, zones.ErrInvalid) {
		t.Errorf("a quay and a border with one id: %v, want ErrInvalid", err)
	}
}

// TestZonesChangedUnderVessel checks that the rules read the zones a vessel
// is in from the new zone set, even before its next position: a crossing's
// capacity lowered while a ferry is in it raises overcrowding on the
// ferry's next report of its persons.
func TestZonesChangedUnderVessel(t *testing.T) {
	crossing := zones.Zone{ID: "crossing", Kind: zones.KindFerryCrossing, Geom: orb.LineString{{east(0), north(-200)}, {east(0), north(200)}}, BufferM: 100, CapacityPersons: 60}
	e, r := mustEngine(t, crossing)
	ev := report{mmsi: 52, sog: 4, cog: 0, at: 0, shipType: 60}.event()
	p := 55
	ev.Vessel.Persons = &vessels.Persons{Passengers: &p}
	e.Handle(ev)
	if n := r.opened(zones.AlertOvercrowding, 52); n != 0 {
		t.Fatalf("55 persons on a 60-person crossing: %d overcrowding alerts", n)
	}
	crossing.CapacityPersons = 40
	if err := e.SetZones([]zones.Zone{crossing}); err != nil {
		t.Fatal(err)
	}
	ev.At = ev.At.Add(time.Second) // static data only: the same position
	e.Handle(ev)
	if n := r.opened(zones.AlertOvercrowding, 52); n != 1 {
		t.Errorf("55 persons once the crossing's capacity is 40: %d overcrowding alerts (%v)", n, r.kinds())
	}
}

// Prefetch is a hint: an engine asked for every vessel before each report,
// and all the while from another goroutine, raises what one never asked
// raises.
func TestPrefetchChangesNothing(t *testing.T) {
	zs := []zones.Zone{circle("dam", zones.KindRestricted, 1000, 0, 200), circle("quay", zones.KindSpeedLimit, 3000, 0, 600)}
	zs[1].SpeedLimitKn = 4
	reports := append(track(1, 0, 0, 6, 90, 0, 10*time.Second, 80), track(2, 4000, 0, 6, 270, 0, 10*time.Second, 80)...)
	slices.SortStableFunc(reports, func(a, b report) int { return int(a.at - b.at) })
	plain, want := mustEngine(t, zs...)
	feed(plain, reports...)
	asked, got := mustEngine(t, zs...)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
				asked.Prefetch(&vessels.PrefetchAhead{uint32(i % 3), uint32(i % 2), uint32(i % 4)})
			}
		}
	}()
	for _, r := range reports {
		asked.Prefetch(&vessels.PrefetchAhead{r.mmsi, r.mmsi, r.mmsi})
		asked.Handle(r.event())
	}
	close(stop)
	<-done
	if w, g := want.kinds(), got.kinds(); len(w) == 0 || !maps.Equal(w, g) {
		t.Fatalf("with Prefetch %v, without %v", g, w)
	}
}

// TestFerryClosingOneEpisode holds a vessel closing on a crossing ferry
// from outside the crossing, both reporting every 10 s: one ferry_conflict
// for the whole approach, not one per neighbour scan.
func TestFerryClosingOneEpisode(t *testing.T) {
	crossing := zones.Zone{ID: "crossing", Kind: zones.KindFerryCrossing, Geom: orb.LineString{{east(0), north(-1000)}, {east(0), north(1000)}}, BufferM: 80}
	e, r := mustEngine(t, crossing)
	ferry := track(61, 0, -600, 5, 0, 0, 10*time.Second, 14)
	other := track(62, 300, -300, 3, 270, 5*time.Second, 10*time.Second, 14) // CPA ~100 m at ~137 s
	for i := range ferry {
		ferry[i].shipType = 60
		feed(e, ferry[i], other[i])
	}
	if n := r.opened(zones.AlertFerryConflict, 62); n != 1 {
		t.Errorf("a vessel closing on a crossing ferry for two minutes opened %d ferry_conflict alerts, want 1: %v", n, r.kinds())
	}
}
