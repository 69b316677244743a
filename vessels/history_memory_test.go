package vessels_test

import (
	"testing"
	"time"

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
