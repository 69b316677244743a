package vessels_test

import (
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/ais"
	"github.com/riverwatch/riverwatch/vessels"
	"github.com/riverwatch/riverwatch/vessels/vesselstest"
)

type jumpStep struct {
	sec      int
	lat, lon float64
	wantLat  float64 // latitude of the record after the step
	wantJump bool    // position_jump flag after the step
}

var jumpCases = []struct {
	name  string
	cfg   vessels.TrackerConfig
	typ   int
	steps []jumpStep
}{
	{"one bad fix", vessels.TrackerConfig{}, 1, []jumpStep{
		{0, jilinLat, jilinLon, jilinLat, false},
		{10, 43.95, jilinLon, jilinLat, true},
		{20, 43.8505, jilinLon, 43.8505, false},
	}},
	{"relocation confirmed by consistent reports", vessels.TrackerConfig{}, 1, []jumpStep{
		{0, jilinLat, jilinLon, jilinLat, false},
		{10, 44.2, jilinLon, jilinLat, true},
		{20, 44.2005, jilinLon, jilinLat, true},
		{30, 44.2010, jilinLon, 44.2010, false},
		{40, 44.2015, jilinLon, 44.2015, false},
	}},
	{"inconsistent jumps are never taken", vessels.TrackerConfig{}, 1, []jumpStep{
		{0, jilinLat, jilinLon, jilinLat, false},
		{10, 44.2, jilinLon, jilinLat, true},
		{20, 43.5, jilinLon, jilinLat, true},
		{30, 44.2, jilinLon, jilinLat, true},
		{40, 43.5, jilinLon, jilinLat, true},
		{50, 44.2, jilinLon, jilinLat, true},
	}},
	{"far after a long gap", vessels.TrackerConfig{}, 1, []jumpStep{
		{0, jilinLat, jilinLon, jilinLat, false},
		{1800, 44.2, jilinLon, 44.2, false}, // 39 km in 30 min
	}},
	{"GPS noise within the slack", vessels.TrackerConfig{}, 1, []jumpStep{
		{0, jilinLat, jilinLon, jilinLat, false},
		{1, jilinLat + 0.004, jilinLon, jilinLat + 0.004, false},
	}},
	{"just under 60 kn", vessels.TrackerConfig{}, 1, []jumpStep{
		{0, jilinLat, jilinLon, jilinLat, false},
		{100, jilinLat + 0.03, jilinLon, jilinLat + 0.03, false},
	}},
	{"just over 60 kn", vessels.TrackerConfig{}, 1, []jumpStep{
		{0, jilinLat, jilinLon, jilinLat, false},
		{100, jilinLat + 0.034, jilinLon, jilinLat, true},
	}},
	{"lower speed limit", vessels.TrackerConfig{MaxSpeedKnots: 20}, 1, []jumpStep{
		{0, jilinLat, jilinLon, jilinLat, false},
		{100, jilinLat + 0.03, jilinLon, jilinLat, true},
	}},
	{"confirm after one", vessels.TrackerConfig{JumpConfirm: 1}, 1, []jumpStep{
		{0, jilinLat, jilinLon, jilinLat, false},
		{10, 44.2, jilinLon, 44.2, false},
	}},
	{"class B too", vessels.TrackerConfig{}, 18, []jumpStep{
		{0, jilinLat, jilinLon, jilinLat, false},
		{30, 45.0, jilinLon, jilinLat, true},
	}},
}

func TestTrackerJumps(t *testing.T) {
	for _, c := range jumpCases {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t, c.cfg)
			var accepted []float64
			for i, s := range c.steps {
				m := pos(mmsiA, s.sec, s.lat, s.lon, 8)
				if c.typ == 18 {
					m = vesselstest.ClassBReport(mmsiB, at(s.sec), s.lat, s.lon, 8)
				}
				r.feed(m)
				v := r.vessel(t, m.MMSI)
				if *v.Lat != s.wantLat || hasFlag(v, vessels.FlagPositionJump) != s.wantJump {
					t.Fatalf("step %d: lat %v jump %v, want %v %v", i, *v.Lat, hasFlag(v, vessels.FlagPositionJump), s.wantLat, s.wantJump)
				}
				if s.lat == s.wantLat && !s.wantJump {
					accepted = append(accepted, s.lat)
				}
				pts, err := r.tr.Track(t.Context(), m.MMSI, time.Time{}, time.Time{}, 0)
				if err != nil {
					t.Fatal(err)
				}
				var got []float64
				for _, p := range pts {
					got = append(got, math.Round(p.Lat*1e6)/1e6)
				}
				if !slices.Equal(got, accepted) {
					t.Fatalf("step %d: history %v, want the accepted positions %v", i, got, accepted)
				}
			}
		})
	}
}

func TestTrackerLongRange(t *testing.T) {
	r := newRig(t, vessels.TrackerConfig{})
	r.feed(pos(mmsiA, 0, jilinLat, jilinLon, 8))
	r.feed(longRange(mmsiA, 60, jilinLat+0.01, jilinLon))
	if v := r.vessel(t, mmsiA); *v.Lat != jilinLat || v.LongRange || !v.LastSeen.Equal(at(60)) {
		t.Fatalf("type 27 within 5 min replaced a precise position: lat %v long range %v", *v.Lat, v.LongRange)
	}
	r.feed(longRange(mmsiA, 301, jilinLat+0.01, jilinLon))
	v := r.vessel(t, mmsiA)
	if *v.Lat != jilinLat+0.01 || !v.LongRange || !v.PositionAt.Equal(at(301)) || v.Heading != nil {
		t.Fatalf("type 27 after 5 min not taken: lat %v long range %v", *v.Lat, v.LongRange)
	}
	if got := vessels.ExpectedInterval(v); got != 3*time.Minute {
		t.Errorf("expected interval of a long-range position = %v", got)
	}
	r.feed(longRange(mmsiA, 320, jilinLat+0.011, jilinLon)) // coarse over coarse is fine
	r.feed(pos(mmsiA, 330, jilinLat+0.0112, jilinLon, 8))
	if v := r.vessel(t, mmsiA); *v.Lat != jilinLat+0.0112 || v.LongRange {
		t.Fatalf("precise position after type 27: lat %v long range %v", *v.Lat, v.LongRange)
	}
	st := r.tr.Stats()
	if st.LongRangeHeld != 1 || st.Positions != 4 || st.Messages != 5 {
		t.Errorf("stats %+v", st)
	}
}

func TestTrackerStaleLostEvents(t *testing.T) {
	r := newRig(t, vessels.TrackerConfig{})
	ctx := t.Context()
	const mmsiC = 412000003
	moored := with(vesselstest.ClassBReport(mmsiB, at(0), 43.9, 126.6, 0), func(m *ais.Message) {})
	r.feed(pos(mmsiA, 0, jilinLat, jilinLon, 10), moored, vesselstest.StaticReport(mmsiC, at(0), "C", "", ""))
	events := r.rec.Events()
	if len(events) != 3 {
		t.Fatalf("%d events for 3 messages", len(events))
	}
	for _, e := range events {
		if e.Type != vessels.EventUpdate || e.Vessel.Stale || !e.At.Equal(at(0)) {
			t.Errorf("event %s %d stale %v at %v", e.Type, e.Vessel.MMSI, e.Vessel.Stale, e.At)
		}
	}
	sweep := func(sec int, want ...string) {
		t.Helper()
		r.clock.Set(at(sec))
		if err := r.tr.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
		if got := r.rec.Types(); !slices.Equal(got, want) {
			t.Fatalf("sweep at %d s published %v, want %v", sec, got, want)
		}
	}
	sweep(30)
	sweep(61, "stale:412345678")
	sweep(62) // once per turning stale
	if vs, _ := r.tr.Vessels(ctx, vessels.Filter{Stale: new(true)}); len(vs) != 1 || vs[0].MMSI != mmsiA {
		t.Fatalf("stale vessels: %v", vs)
	}
	r.feed(pos(mmsiA, 70, jilinLat+0.001, jilinLon, 10))
	if e := r.rec.Events(); len(e) != 1 || e[0].Vessel.Stale {
		t.Fatalf("fresh report: %v", e)
	}
	sweep(100)
	sweep(131, "stale:412345678") // stale again after being heard
	sweep(9*60+1, "stale:413000001")
	sweep(18*60+1, "stale:412000003")
	r.clock.Set(at(31 * 60))
	if v := r.vessel(t, mmsiB); !v.Lost || !v.Stale {
		t.Errorf("B before the sweep: lost %v stale %v", v.Lost, v.Stale)
	}
	if vs, _ := r.tr.Vessels(ctx, vessels.Filter{}); len(vs) != 1 {
		t.Errorf("listing shows %d vessels, want only the one not lost", len(vs))
	}
	sweep(31*60, "lost:412000003", "lost:413000001")
	if n := r.tr.Count(); n != 1 {
		t.Fatalf("Count = %d after two were lost", n)
	}
	if _, err := r.tr.Vessel(ctx, mmsiB); !errors.Is(err, vessels.ErrNotFound) {
		t.Errorf("lost vessel: err = %v", err)
	}
	if pts, err := r.tr.Track(ctx, mmsiB, time.Time{}, time.Time{}, 0); err != nil || len(pts) != 1 {
		t.Errorf("track of a lost vessel: %d points, %v", len(pts), err)
	}
	if _, err := r.tr.Track(ctx, mmsiC, time.Time{}, time.Time{}, 0); !errors.Is(err, vessels.ErrNotFound) {
		t.Errorf("track of a lost vessel without positions: err = %v", err)
	}
	sweep(70+30*60+1, "lost:412345678")
	sweep(2 * 3600)
	if n := r.hist.Len(); n != 0 {
		t.Errorf("history keeps %d vessels an hour after they were lost", n)
	}
	st := r.tr.Stats()
	if st.Stale != 4 || st.Lost != 3 {
		t.Errorf("stats %+v", st)
	}
}

func TestTrackerTrackAndErrors(t *testing.T) {
	r := newRig(t, vessels.TrackerConfig{})
	ctx := t.Context()
	if _, err := r.tr.Track(ctx, mmsiA, time.Time{}, time.Time{}, 0); !errors.Is(err, vessels.ErrNotFound) {
		t.Fatalf("unknown vessel: err = %v", err)
	}
	if _, err := r.tr.Vessel(ctx, mmsiA); !errors.Is(err, vessels.ErrNotFound) {
		t.Fatalf("unknown vessel: err = %v", err)
	}
	r.feed(vesselstest.StaticReport(mmsiA, at(0), "A", "", ""))
	if pts, err := r.tr.Track(ctx, mmsiA, time.Time{}, time.Time{}, 0); err != nil || len(pts) != 0 {
		t.Fatalf("known vessel without positions: %v, %v", pts, err)
	}
	for i := range 10 {
		r.feed(pos(mmsiA, 10*i, jilinLat+float64(i)*0.0001, jilinLon, 5))
	}
	pts, err := r.tr.Track(ctx, mmsiA, at(20), at(60), 3)
	if err != nil || len(pts) != 3 || !pts[0].Time.Equal(at(40)) || pts[0].SOG != 5 || pts[0].Heading != 45 {
		t.Fatalf("Track = %+v, %v", pts, err)
	}
	if _, err := r.tr.Track(ctx, mmsiA, time.Time{}, time.Time{}, -1); !errors.Is(err, vessels.ErrInvalid) {
		t.Fatalf("negative limit: err = %v", err)
	}
	r.tr.Handle(nil) // ignored
}

func TestTrackerVesselsFilter(t *testing.T) {
	r := newRig(t, vessels.TrackerConfig{})
	ctx := t.Context()
	r.feed(
		pos(412000001, 0, jilinLat, jilinLon, 5),
		vesselstest.StaticReport(412000001, at(0), "SONGHUA 7", "BSHA7", ""),
		vesselstest.ClassBReport(413000002, at(0), 45.2, 124.3, 5), // Chagan Lake
		part24(413000002, 0, ais.Static{Part: 'B', ShipType: 37, CallSign: "BCG2"}),
		vesselstest.StaticReport(412000003, at(0), "NEN RIVER", "", ""),
		pos(412000004, -100, 41.1, 124.9, 5), // stale by the time of the query
	)
	r.clock.Set(at(30))
	jilin := &vessels.BBox{West: 126, South: 43, East: 127, North: 44.5}
	for _, c := range []struct {
		name string
		f    vessels.Filter
		want []uint32
	}{
		{"all", vessels.Filter{}, []uint32{412000001, 412000003, 412000004, 413000002}},
		{"bbox", vessels.Filter{BBox: jilin}, []uint32{412000001}},
		{"class", vessels.Filter{Class: "B"}, []uint32{413000002}},
		{"ship type", vessels.Filter{ShipType: []int{36, 37}}, []uint32{413000002}},
		{"fresh", vessels.Filter{Stale: new(false)}, []uint32{412000001, 412000003, 413000002}},
		{"stale", vessels.Filter{Stale: new(true)}, []uint32{412000004}},
		{"name", vessels.Filter{Query: " songhua "}, []uint32{412000001}},
		{"call sign", vessels.Filter{Query: "bcg"}, []uint32{413000002}},
		{"mmsi prefix", vessels.Filter{Query: "4120000"}, []uint32{412000001, 412000003, 412000004}},
		{"limit", vessels.Filter{Limit: 2}, []uint32{412000001, 412000003}},
		{"nothing", vessels.Filter{Class: "A", Query: "NEN", BBox: jilin}, nil},
	} {
		vs, err := r.tr.Vessels(ctx, c.f)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var got []uint32
		for _, v := range vs {
			got = append(got, v.MMSI)
			if v.MMSI == 412000004 != v.Stale {
				t.Errorf("%s: %d stale %v", c.name, v.MMSI, v.Stale)
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
	for _, f := range []vessels.Filter{{Limit: -1}, {BBox: &vessels.BBox{West: 127, South: 43, East: 126, North: 44}}} {
		if _, err := r.tr.Vessels(ctx, f); !errors.Is(err, vessels.ErrInvalid) {
			t.Errorf("filter %+v: err = %v, want ErrInvalid", f, err)
		}
	}
}

// FuzzTrackerHandle feeds two arbitrary position reports and checks that
// nothing "not available" or out of range is ever shown as real.
func FuzzTrackerHandle(f *testing.F) {
	for _, c := range jumpCases {
		if len(c.steps) >= 2 {
			a, b := c.steps[0], c.steps[1]
			f.Add(uint8(c.typ), a.lat, a.lon, b.lat, b.lon, 8.0, 45.0, 45, int64(b.sec-a.sec), true)
		}
	}
	f.Add(uint8(1), 91.0, 181.0, math.NaN(), math.Inf(1), 102.3, 360.0, 511, int64(-5), false)
	f.Add(uint8(27), -90.0, -180.0, 90.0, 180.0, -1.0, -0.1, -1, int64(1e9), true)
	f.Fuzz(func(t *testing.T, typ uint8, lat1, lon1, lat2, lon2, sog, cog float64, heading int, dt int64, valid bool) {
		r := newRig(t, vessels.TrackerConfig{})
		for i, ll := range [][2]float64{{lat1, lon1}, {lat2, lon2}} {
			m := pos(mmsiA, 0, ll[0], ll[1], sog)
			m.Type = int(typ % 28)
			m.Received = t0.Add(time.Duration(i) * time.Duration(dt) * time.Second)
			p := m.Position
			p.PosValid, p.SOGValid, p.COGValid, p.HeadingValid = valid, valid, valid, valid
			p.COG, p.Heading, p.LongRange = cog, heading, m.Type == 27
			r.tr.Handle(m)
		}
		v, err := r.tr.Vessel(t.Context(), mmsiA)
		if err != nil {
			t.Fatal(err)
		}
		if (v.Lat == nil) != (v.Lon == nil) || v.Lat != nil && (!(*v.Lat >= -90 && *v.Lat <= 90) || !(*v.Lon >= -180 && *v.Lon <= 180)) {
			t.Fatalf("shown position %v,%v", val(v.Lat), val(v.Lon))
		}
		if v.SOG != nil && !(*v.SOG >= 0 && *v.SOG < 102.3) || v.COG != nil && !(*v.COG >= 0 && *v.COG < 360) ||
			v.Heading != nil && !(*v.Heading >= 0 && *v.Heading < 360) || v.NavStatus < 0 || v.NavStatus > 15 {
			t.Fatalf("shown sog %v cog %v heading %v nav %d", val(v.SOG), val(v.COG), val(v.Heading), v.NavStatus)
		}
		pts, err := r.tr.Track(t.Context(), mmsiA, time.Time{}, time.Time{}, 0)
		if err != nil || len(pts) > 2 {
			t.Fatalf("track %v, %v", pts, err)
		}
	})
}
