package vessels_test

import (
	"context"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/ais"
	"github.com/riverwatch/riverwatch/vessels"
	"github.com/riverwatch/riverwatch/vessels/vesselstest"
)

func TestMemoryArchive(t *testing.T) {
	vesselstest.TestArchive(t, func(*testing.T) vessels.Archive {
		return vessels.NewMemoryArchive(vessels.HistoryConfig{})
	})
}

func TestThinTrack(t *testing.T) {
	base := time.Unix(1_700_000_000, 0).UTC()
	pts := vesselstest.Points(base, 100, time.Second)
	if got := vessels.ThinTrack(pts, base, pts[99].Time, 200); len(got) != 100 {
		t.Errorf("under the maximum: %d points, want all 100", len(got))
	}
	got := vessels.ThinTrack(pts, base, pts[99].Time, 10)
	if len(got) < 9 || len(got) > 11 {
		t.Fatalf("thinned to 10: %d points", len(got))
	}
	if !got[len(got)-1].Time.Equal(pts[99].Time) {
		t.Errorf("last point %v, want the track's last %v", got[len(got)-1].Time, pts[99].Time)
	}
	for i := 1; i < len(got); i++ {
		if !got[i].Time.After(got[i-1].Time) {
			t.Errorf("out of order at %d", i)
		}
	}
}

// reportRecorder is a History that keeps report tags, recording them.
type reportRecorder struct {
	*vessels.MemoryHistory
	reports []vessels.Report
}

func (r *reportRecorder) AppendReport(ctx context.Context, rep vessels.Report) error {
	r.reports = append(r.reports, rep)
	return r.Append(ctx, rep.MMSI, rep.TrackPoint)
}

// TestTrackerAppendsReports: a History that keeps report tags gets each
// accepted position with the vessel's class, the station that heard it
// and its navigational status.
func TestTrackerAppendsReports(t *testing.T) {
	h := &reportRecorder{MemoryHistory: vessels.NewMemoryHistory(vessels.HistoryConfig{Now: func() time.Time { return at(60) }})}
	tr := vessels.NewTracker(vessels.TrackerConfig{Now: func() time.Time { return at(60) }}, nil, h, nil)
	tr.Handle(with(pos(mmsiA, 0, jilinLat, jilinLon, 5), func(m *ais.Message) {
		m.Station = "jilin-1"
		m.Position.NavStatus = 5
	}))
	if len(h.reports) != 1 {
		t.Fatalf("%d reports, want 1", len(h.reports))
	}
	r := h.reports[0]
	if r.MMSI != mmsiA || r.Class != "A" || r.Station != "jilin-1" || r.NavStatus != 5 || !r.Time.Equal(at(0)) || r.Lat != jilinLat {
		t.Errorf("report %+v, want class A, station jilin-1, status 5 at %v", r, at(0))
	}
}

// TestMemoryArchivePrune: static records of a vessel without a track go
// once older than MaxAge; those of a vessel with one stay.
func TestMemoryArchivePrune(t *testing.T) {
	now := at(0)
	a := vessels.NewMemoryArchive(vessels.HistoryConfig{Now: func() time.Time { return now }, MaxAge: time.Hour})
	ctx := t.Context()
	if err := a.AppendReport(ctx, vessels.Report{MMSI: mmsiA, Class: "A", TrackPoint: vessels.TrackPoint{Time: now, Lat: jilinLat, Lon: jilinLon}}); err != nil {
		t.Fatal(err)
	}
	for _, m := range []uint32{mmsiA, mmsiB} {
		if _, err := a.AppendStatic(ctx, vessels.StaticRecord{Time: now, MMSI: m, Name: "X", Persons: -1}); err != nil {
			t.Fatal(err)
		}
	}
	now = now.Add(30 * time.Minute)
	a.Prune()
	if got, _ := a.Changes(ctx, mmsiB, time.Time{}, time.Time{}); len(got) != 1 {
		t.Errorf("static records of a silent vessel within MaxAge: %d, want 1", len(got))
	}
	now = now.Add(31 * time.Minute) // the track point is older than an hour too
	a.Prune()
	for _, m := range []uint32{mmsiA, mmsiB} {
		if got, _ := a.Changes(ctx, m, time.Time{}, time.Time{}); len(got) != 0 {
			t.Errorf("static records of %d past MaxAge without a track: %d, want none", m, len(got))
		}
	}
}
