package vesselstest

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/vessels"
)

// Tolerances of a history round trip: AIS resolution of a position (1/10000
// minute is 1.7e-6 degree), 0.1 kn and 0.1 degree.
const (
	tolDeg    = 2e-6
	tolSOGCOG = 0.051
)

// TestHistory runs the conformance suite of vessels.History. newHistory
// returns an empty history for each subtest; the suite closes it at the end
// of the subtest.
//
// The points used are at whole seconds within the last 30 minutes of the
// wall clock, at most 100 per vessel and in time order, so a backend bounded
// to an hour and 720 points per vessel keeps them all. Values come back
// within AIS resolution (1/10000 minute, 0.1 kn, 0.1 degree); -1 ("not
// available") comes back as -1. Backend-specific bounds (how many points,
// how old) are for the backend's own tests.
func TestHistory(t *testing.T, newHistory func(t *testing.T) vessels.History) {
	t.Helper()
	base := time.Now().Add(-30 * time.Minute).Truncate(time.Second).UTC()
	open := func(t *testing.T) vessels.History {
		t.Helper()
		h := newHistory(t)
		t.Cleanup(func() {
			if err := h.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
		return h
	}
	t.Run("UnknownIsEmpty", func(t *testing.T) {
		h := open(t)
		pts, err := h.Track(t.Context(), 211000101, time.Time{}, time.Time{}, 0)
		if err != nil || len(pts) != 0 {
			t.Fatalf("Track of an unknown vessel = %d points, %v; want none, nil", len(pts), err)
		}
	})
	t.Run("RoundTrip", func(t *testing.T) {
		h := open(t)
		want := Points(base, 20, 10*time.Second)
		want[3].SOG, want[4].COG, want[5].Heading = -1, -1, -1
		want[6].SOG, want[6].COG, want[6].Heading = 0, 0, 0
		want[7].SOG, want[7].COG, want[7].Heading = 102.2, 359.9, 359
		appendAll(t, h, 211000102, want)
		pts := mustTrack(t, h, 211000102, time.Time{}, time.Time{}, 0)
		if err := SamePoints(pts, want); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("Range", func(t *testing.T) {
		h := open(t)
		all := Points(base, 30, 10*time.Second)
		appendAll(t, h, 211000103, all)
		for _, c := range []struct {
			name         string
			since, until time.Time
			want         []vessels.TrackPoint
		}{
			{"open", time.Time{}, time.Time{}, all},
			{"since inclusive", all[10].Time, time.Time{}, all[10:]},
			{"until inclusive", time.Time{}, all[10].Time, all[:11]},
			{"both", all[5].Time, all[8].Time, all[5:9]},
			{"between points", all[5].Time.Add(time.Second), all[8].Time.Add(-time.Second), all[6:8]},
			{"one point", all[5].Time, all[5].Time, all[5:6]},
			{"before all", base.Add(-time.Hour), base.Add(-time.Minute), nil},
			{"after all", all[29].Time.Add(time.Second), time.Time{}, nil},
		} {
			pts := mustTrack(t, h, 211000103, c.since, c.until, 0)
			if err := SamePoints(pts, c.want); err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
		}
	})
	t.Run("LimitKeepsNewest", func(t *testing.T) {
		h := open(t)
		all := Points(base, 30, 10*time.Second)
		appendAll(t, h, 211000104, all)
		if err := SamePoints(mustTrack(t, h, 211000104, time.Time{}, time.Time{}, 5), all[25:]); err != nil {
			t.Errorf("limit 5: %v", err)
		}
		if err := SamePoints(mustTrack(t, h, 211000104, time.Time{}, all[9].Time, 3), all[7:10]); err != nil {
			t.Errorf("until and limit 3: %v", err)
		}
		if err := SamePoints(mustTrack(t, h, 211000104, time.Time{}, time.Time{}, 100), all); err != nil {
			t.Errorf("limit above count: %v", err)
		}
	})
	t.Run("PerVessel", func(t *testing.T) {
		h := open(t)
		a, b := Points(base, 10, 10*time.Second), Points(base.Add(time.Second), 7, 20*time.Second)
		for i := range b {
			b[i].Lat += 1
		}
		for i := range max(len(a), len(b)) { // interleaved, as they arrive
			if i < len(a) {
				appendAll(t, h, 211000105, a[i:i+1])
			}
			if i < len(b) {
				appendAll(t, h, 211000106, b[i:i+1])
			}
		}
		if err := SamePoints(mustTrack(t, h, 211000105, time.Time{}, time.Time{}, 0), a); err != nil {
			t.Errorf("vessel a: %v", err)
		}
		if err := SamePoints(mustTrack(t, h, 211000106, time.Time{}, time.Time{}, 0), b); err != nil {
			t.Errorf("vessel b: %v", err)
		}
	})
	t.Run("Concurrent", func(t *testing.T) {
		h := open(t)
		const workers, each = 8, 40
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				mmsi := uint32(211000200 + w)
				for i, p := range Points(base, each, 5*time.Second) {
					if err := h.Append(t.Context(), mmsi, p); err != nil {
						t.Errorf("Append: %v", err)
						return
					}
					if i%8 == 0 {
						if _, err := h.Track(t.Context(), uint32(211000200+(w+1)%workers), time.Time{}, time.Time{}, 10); err != nil {
							t.Errorf("Track: %v", err)
							return
						}
					}
				}
			})
		}
		wg.Wait()
		for w := range workers {
			pts := mustTrack(t, h, uint32(211000200+w), time.Time{}, time.Time{}, 0)
			if err := SamePoints(pts, Points(base, each, 5*time.Second)); err != nil {
				t.Errorf("worker %d: %v", w, err)
			}
		}
	})
}

// Points returns n points from start, every step, moving north-east along
// the Songhua near Jilin city with changing speed, course and heading.
func Points(start time.Time, n int, step time.Duration) []vessels.TrackPoint {
	out := make([]vessels.TrackPoint, n)
	for i := range out {
		out[i] = vessels.TrackPoint{
			Time:    start.Add(time.Duration(i) * step),
			Lat:     43.85 + float64(i)*0.0003,
			Lon:     126.55 + float64(i)*0.0004,
			SOG:     float64(i%120) / 10,
			COG:     float64(i*7%3600) / 10,
			Heading: i * 3 % 360,
		}
	}
	return out
}

// SamePoints reports how got differs from want beyond AIS resolution.
func SamePoints(got, want []vessels.TrackPoint) error {
	if len(got) != len(want) {
		return fmt.Errorf("got %d points, want %d", len(got), len(want))
	}
	var errs []error
	for i := range got {
		g, w := got[i], want[i]
		if !g.Time.Equal(w.Time) || math.Abs(g.Lat-w.Lat) > tolDeg || math.Abs(g.Lon-w.Lon) > tolDeg ||
			!near(g.SOG, w.SOG) || !near(g.COG, w.COG) || g.Heading != w.Heading {
			errs = append(errs, fmt.Errorf("point %d = %+v, want %+v", i, g, w))
		}
	}
	return errors.Join(errs...)
}

func near(g, w float64) bool {
	if w < 0 {
		return g == -1
	}
	return math.Abs(g-w) <= tolSOGCOG
}

func appendAll(t *testing.T, h vessels.History, mmsi uint32, pts []vessels.TrackPoint) {
	t.Helper()
	for _, p := range pts {
		if err := h.Append(t.Context(), mmsi, p); err != nil {
			t.Fatalf("Append %d %v: %v", mmsi, p.Time, err)
		}
	}
}

func mustTrack(t *testing.T, h vessels.History, mmsi uint32, since, until time.Time, limit int) []vessels.TrackPoint {
	t.Helper()
	pts, err := h.Track(t.Context(), mmsi, since, until, limit)
	if err != nil {
		t.Fatalf("Track %d: %v", mmsi, err)
	}
	return pts
}
