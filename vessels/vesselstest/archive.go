package vesselstest

import (
	"errors"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/vessels"
)

// TestArchive runs the conformance suite of vessels.Archive: the History
// suite first, then reports with their tags, thinned tracks, snapshots,
// static changes, alert records and zone entries. newArchive returns an
// empty archive for each subtest; the suite closes it.
//
// As in TestHistory, every time is a whole second within the last 30
// minutes, so a memory archive with the default bounds keeps it all.
func TestArchive(t *testing.T, newArchive func(t *testing.T) vessels.Archive) {
	t.Helper()
	TestHistory(t, func(t *testing.T) vessels.History { return newArchive(t) })
	base := time.Now().Add(-30 * time.Minute).Truncate(time.Second).UTC()
	open := func(t *testing.T) vessels.Archive {
		t.Helper()
		a := newArchive(t)
		t.Cleanup(func() {
			if err := a.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
		return a
	}
	t.Run("ReportsAndSnapshot", func(t *testing.T) {
		a := open(t)
		pa := Points(base, 30, 10*time.Second)
		pb := Points(base.Add(5*time.Second), 3, time.Minute)
		for i, p := range pa {
			must(t, a.AppendReport(t.Context(), vessels.Report{MMSI: 211000601, Class: "A", Station: "jilin", NavStatus: i % 3, TrackPoint: p}))
		}
		for _, p := range pb {
			p.Lat += 1
			must(t, a.AppendReport(t.Context(), vessels.Report{MMSI: 211000602, Class: "B", NavStatus: -1, TrackPoint: p}))
		}
		if _, err := a.AppendStatic(t.Context(), vessels.StaticRecord{Time: base, MMSI: 211000601, Name: "SONGHUA 1", ShipType: 70, Persons: -1}); err != nil {
			t.Fatal(err)
		}
		if err := SamePoints(mustTrack(t, a, 211000601, time.Time{}, time.Time{}, 0), pa); err != nil {
			t.Errorf("track of reports: %v", err)
		}
		at := base.Add(95 * time.Second) // a: point 9 at 90 s; b: point 1 at 65 s
		snap, err := a.Snapshot(t.Context(), at, 10*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if len(snap) != 2 {
			t.Fatalf("snapshot at %v = %+v, want 2 vessels", at, snap)
		}
		if s := snap[0]; s.MMSI != 211000601 || s.Class != "A" || s.Station != "jilin" || s.Name != "SONGHUA 1" || s.ShipType != 70 ||
			SamePoints([]vessels.TrackPoint{s.TrackPoint}, pa[9:10]) != nil {
			t.Errorf("snapshot of a = %+v, want point %+v, class A, station jilin, SONGHUA 1, type 70", s, pa[9])
		}
		if s := snap[1]; s.MMSI != 211000602 || s.Class != "B" || !s.Time.Equal(pb[1].Time) || s.Name != "" {
			t.Errorf("snapshot of b = %+v, want its point at %v, class B, no name", s, pb[1].Time)
		}
		if snap, err := a.Snapshot(t.Context(), at, 20*time.Second); err != nil || len(snap) != 1 || snap[0].MMSI != 211000601 {
			t.Errorf("snapshot with a 20 s lookback = %+v, %v; want only a", snap, err)
		}
		if snap, err := a.Snapshot(t.Context(), base.Add(-time.Second), time.Hour); err != nil || len(snap) != 0 {
			t.Errorf("snapshot before every point = %+v, %v; want none", snap, err)
		}
		if _, err := a.Snapshot(t.Context(), at, 0); !errors.Is(err, vessels.ErrInvalid) {
			t.Errorf("snapshot without lookback: %v, want ErrInvalid", err)
		}
	})
	t.Run("Thinned", func(t *testing.T) {
		a := open(t)
		all := Points(base, 300, 5*time.Second) // 25 minutes
		appendAll(t, a, 211000603, all)
		since, until := all[0].Time, all[len(all)-1].Time
		n, err := a.CountTrack(t.Context(), 211000603, since, until)
		if err != nil || n != len(all) {
			t.Fatalf("CountTrack = %d, %v; want %d", n, err, len(all))
		}
		if n, err := a.CountTrack(t.Context(), 211000603, all[10].Time, all[19].Time); err != nil || n != 10 {
			t.Errorf("CountTrack of 10 = %d, %v", n, err)
		}
		full, err := a.TrackThinned(t.Context(), 211000603, since, until, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if err := SamePoints(full, all); err != nil {
			t.Errorf("under the maximum: %v", err)
		}
		thin, err := a.TrackThinned(t.Context(), 211000603, since, until, 30)
		if err != nil {
			t.Fatal(err)
		}
		if len(thin) < 25 || len(thin) > 32 {
			t.Errorf("thinned to 30: %d points", len(thin))
		}
		if want := vessels.ThinTrack(all, since, until, 30); SamePoints(thin, want) != nil {
			t.Errorf("thinned track differs from ThinTrack: %v", SamePoints(thin, want))
		}
		if _, err := a.TrackThinned(t.Context(), 211000603, time.Time{}, until, 10); !errors.Is(err, vessels.ErrInvalid) {
			t.Errorf("thinned without since: %v, want ErrInvalid", err)
		}
	})
	t.Run("Changes", func(t *testing.T) {
		a := open(t)
		s := vessels.StaticRecord{Time: base, MMSI: 211000604, Class: "A", Name: `SONG "HUA", 2`, CallSign: "BX2", ShipType: 60,
			Length: 40, Beam: 8, Draught: 2.5, Destination: "JILIN", Persons: 12}
		steps := []struct {
			edit  func(*vessels.StaticRecord)
			wrote bool
		}{
			{func(*vessels.StaticRecord) {}, true},
			{func(s *vessels.StaticRecord) { s.Time = s.Time.Add(time.Minute) }, false},
			{func(s *vessels.StaticRecord) { s.Time, s.Destination = s.Time.Add(time.Minute), "SONGYUAN" }, true},
			{func(s *vessels.StaticRecord) { s.Time, s.Persons, s.Draught = s.Time.Add(time.Minute), -1, 0 }, true},
		}
		var want []vessels.StaticRecord
		for i, st := range steps {
			st.edit(&s)
			wrote, err := a.AppendStatic(t.Context(), s)
			if err != nil || wrote != st.wrote {
				t.Fatalf("static %d: wrote %v, %v; want %v", i, wrote, err, st.wrote)
			}
			if wrote {
				want = append(want, s)
			}
		}
		got, err := a.Changes(t.Context(), 211000604, time.Time{}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if !sameStatics(got, want) {
			t.Errorf("changes = %+v\nwant %+v", got, want)
		}
		if got, err := a.Changes(t.Context(), 211000604, base.Add(time.Minute), base.Add(2*time.Minute)); err != nil || !sameStatics(got, want[1:2]) {
			t.Errorf("changes in a range = %+v, %v; want %+v", got, err, want[1:2])
		}
		if got, err := a.Changes(t.Context(), 211000699, time.Time{}, time.Time{}); err != nil || len(got) != 0 {
			t.Errorf("changes of an unknown vessel = %+v, %v", got, err)
		}
	})
	t.Run("Alerts", func(t *testing.T) {
		a := open(t)
		recs := []vessels.AlertRecord{
			{Time: base, ID: "a1", Kind: "speeding", Zone: "quay-1", Severity: "warning", State: "open", MMSI: 211000605, Lat: 43.8, Lon: 126.5, Message: "快 / fast"},
			{Time: base.Add(time.Minute), ID: "a2", Kind: "collision_risk", Severity: "alarm", State: "open", MMSI: 211000606, OtherMMSI: 211000605, Lat: 43.81, Lon: 126.51},
			{Time: base.Add(2 * time.Minute), ID: "a1", Kind: "speeding", Zone: "quay-1", Severity: "warning", State: "acked", MMSI: 211000605, Lat: 43.8, Lon: 126.5},
			{Time: base.Add(3 * time.Minute), ID: "a3", Kind: "speeding", Zone: "quay-2", Severity: "warning", State: "resolved", MMSI: 211000607, Lat: 43.9, Lon: 126.6},
		}
		for _, r := range recs {
			must(t, a.AppendAlert(t.Context(), r))
		}
		for _, c := range []struct {
			name string
			q    vessels.AlertQuery
			want []int // indexes into recs, newest first
		}{
			{"all", vessels.AlertQuery{}, []int{3, 2, 1, 0}},
			{"kind", vessels.AlertQuery{Kind: "speeding"}, []int{3, 2, 0}},
			{"zone", vessels.AlertQuery{Zone: "quay-1"}, []int{2, 0}},
			{"mmsi as other", vessels.AlertQuery{MMSI: 211000605}, []int{2, 1, 0}},
			{"range", vessels.AlertQuery{Since: base.Add(time.Minute), Until: base.Add(2 * time.Minute)}, []int{2, 1}},
			{"limit keeps newest", vessels.AlertQuery{Limit: 2}, []int{3, 2}},
			{"none", vessels.AlertQuery{Kind: "distress"}, nil},
		} {
			got, err := a.Alerts(t.Context(), c.q)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			var want []vessels.AlertRecord
			for _, i := range c.want {
				want = append(want, recs[i])
			}
			if !sameAlerts(got, want) {
				t.Errorf("%s: alerts = %+v\nwant %+v", c.name, got, want)
			}
		}
	})
	t.Run("ZoneEntries", func(t *testing.T) {
		a := open(t)
		es := []vessels.ZoneEntry{
			{Time: base, Zone: "ferry-1", Kind: "ferry_crossing", MMSI: 211000608},
			{Time: base, Zone: "ferry-1", Kind: "ferry_crossing", MMSI: 211000609}, // same second, another vessel
			{Time: base.Add(time.Minute), Zone: "quay-1", Kind: "quay", MMSI: 211000608},
			{Time: base.Add(2 * time.Minute), Zone: "ferry-1", Kind: "ferry_crossing", MMSI: 211000608},
		}
		for _, e := range es {
			must(t, a.AppendZoneEntry(t.Context(), e))
		}
		got, err := a.ZoneEntries(t.Context(), base, base.Add(time.Hour), "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if !sameEntries(got, es) {
			t.Errorf("entries = %+v\nwant %+v", got, es)
		}
		if got, err := a.ZoneEntries(t.Context(), base, base.Add(time.Hour), "ferry-1", 0); err != nil || !sameEntries(got, []vessels.ZoneEntry{es[0], es[1], es[3]}) {
			t.Errorf("entries of ferry-1 = %+v, %v", got, err)
		}
		if got, err := a.ZoneEntries(t.Context(), base.Add(time.Second), base.Add(time.Minute), "", 0); err != nil || !sameEntries(got, es[2:3]) {
			t.Errorf("entries in a range = %+v, %v", got, err)
		}
		if _, err := a.ZoneEntries(t.Context(), time.Time{}, base, "", 0); !errors.Is(err, vessels.ErrInvalid) {
			t.Errorf("entries without since: %v, want ErrInvalid", err)
		}
	})
	t.Run("Health", func(t *testing.T) {
		a := open(t)
		if h := a.Health(); !h.OK || h.Backend == "" || h.Dropped != 0 {
			t.Errorf("health of a fresh archive = %+v", h)
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func sameStatics(got, want []vessels.StaticRecord) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		g, w := got[i], want[i]
		if !g.Time.Equal(w.Time) {
			return false
		}
		g.Time = w.Time
		if g != w {
			return false
		}
	}
	return true
}

func sameAlerts(got, want []vessels.AlertRecord) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		g, w := got[i], want[i]
		if !g.Time.Equal(w.Time) || !near(g.Lat, w.Lat) || !near(g.Lon, w.Lon) {
			return false
		}
		g.Time, g.Lat, g.Lon = w.Time, w.Lat, w.Lon
		if g != w {
			return false
		}
	}
	return true
}

func sameEntries(got, want []vessels.ZoneEntry) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		g, w := got[i], want[i]
		if !g.Time.Equal(w.Time) || g.Zone != w.Zone || g.Kind != w.Kind || g.MMSI != w.MMSI {
			return false
		}
	}
	return true
}
