package vessels_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/vessels"
	"github.com/riverwatch/riverwatch/vessels/vesselstest"
)

func TestMemoryStore(t *testing.T) {
	vesselstest.TestStore(t, func(t *testing.T) vessels.Store { return vessels.NewMemoryStore() })
}

func TestMemoryHistory(t *testing.T) {
	vesselstest.TestHistory(t, func(t *testing.T) vessels.History {
		return vessels.NewMemoryHistory(vessels.HistoryConfig{})
	})
}

var t0 = time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)

func TestMemoryHistoryBounds(t *testing.T) {
	for _, c := range []struct {
		name      string
		cfg       vessels.HistoryConfig
		n         int
		step      time.Duration
		nowAfter  time.Duration // clock when reading, after the last point
		wantFirst int           // index of the oldest point kept
	}{
		{"defaults keep an hour of 10 s reports", vessels.HistoryConfig{}, 361, 10 * time.Second, 0, 0},
		{"count bound", vessels.HistoryConfig{MaxPoints: 50}, 200, time.Second, 0, 150},
		{"default count bound", vessels.HistoryConfig{MaxAge: 24 * time.Hour}, 1000, time.Second, 0, 1000 - vessels.DefaultHistoryPoints},
		{"age bound on append", vessels.HistoryConfig{MaxAge: time.Minute}, 200, time.Second, 0, 139},
		{"age bound on read", vessels.HistoryConfig{MaxAge: time.Minute}, 30, time.Second, 50 * time.Second, 19},
		{"all too old", vessels.HistoryConfig{MaxAge: time.Minute}, 30, time.Second, time.Hour, 30},
	} {
		t.Run(c.name, func(t *testing.T) {
			clock := vesselstest.NewClock(t0)
			c.cfg.Now = clock.Now
			h := vessels.NewMemoryHistory(c.cfg)
			pts := vesselstest.Points(t0, c.n, c.step)
			for _, p := range pts {
				clock.Set(p.Time)
				if err := h.Append(t.Context(), 412000001, p); err != nil {
					t.Fatal(err)
				}
			}
			clock.Add(c.nowAfter)
			got, err := h.Track(t.Context(), 412000001, time.Time{}, time.Time{}, 0)
			if err != nil {
				t.Fatal(err)
			}
			if err := vesselstest.SamePoints(got, pts[c.wantFirst:]); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestMemoryHistoryPrune(t *testing.T) {
	clock := vesselstest.NewClock(t0)
	h := vessels.NewMemoryHistory(vessels.HistoryConfig{MaxAge: 10 * time.Minute, Now: clock.Now})
	for i, p := range vesselstest.Points(t0, 600, time.Second) {
		clock.Set(p.Time)
		must(t, h.Append(t.Context(), 412000001, p))
		if i < 10 {
			must(t, h.Append(t.Context(), 412000002, p))
		}
	}
	if n := h.Len(); n != 2 {
		t.Fatalf("Len = %d, want 2", n)
	}
	clock.Add(10*time.Minute - 100*time.Second)
	if n := h.Prune(); n != 1 {
		t.Fatalf("Prune forgot %d vessels, want 1 (the silent one)", n)
	}
	if n := h.Len(); n != 1 {
		t.Fatalf("Len after Prune = %d, want 1", n)
	}
	got, err := h.Track(t.Context(), 412000001, time.Time{}, time.Time{}, 0)
	if err != nil || len(got) != 101 { // a point exactly MaxAge old is kept
		t.Fatalf("after Prune: %d points, %v; want the newest 101", len(got), err)
	}
	// After a prune shrinks the ring, appending still works.
	clock.Add(time.Second)
	must(t, h.Append(t.Context(), 412000001, vessels.TrackPoint{Time: clock.Now(), Lat: 44, Lon: 126, SOG: -1, COG: -1, Heading: -1}))
	if got, _ := h.Track(t.Context(), 412000001, time.Time{}, time.Time{}, 1); len(got) != 1 || got[0].Lat != 44 {
		t.Fatalf("newest after shrink = %+v", got)
	}
}

func TestMemoryHistoryInvalid(t *testing.T) {
	clock := vesselstest.NewClock(t0)
	h := vessels.NewMemoryHistory(vessels.HistoryConfig{Now: clock.Now})
	ctx := t.Context()
	good := vessels.TrackPoint{Time: t0, Lat: 43.8, Lon: 126.5, SOG: 3, COG: 10, Heading: 11}
	must(t, h.Append(ctx, 412000001, good))
	for _, c := range []struct {
		name string
		p    vessels.TrackPoint
	}{
		{"lat 91", vessels.TrackPoint{Time: t0, Lat: 91, Lon: 126.5}},
		{"lon 181", vessels.TrackPoint{Time: t0, Lat: 43, Lon: 181}},
		{"NaN", vessels.TrackPoint{Time: t0, Lat: math.NaN(), Lon: 126}},
		{"older than the last", vessels.TrackPoint{Time: t0.Add(-time.Second), Lat: 43, Lon: 126}},
	} {
		if err := h.Append(ctx, 412000001, c.p); !errors.Is(err, vessels.ErrInvalid) {
			t.Errorf("%s: Append err = %v, want ErrInvalid", c.name, err)
		}
	}
	if _, err := h.Track(ctx, 412000001, time.Time{}, time.Time{}, -1); !errors.Is(err, vessels.ErrInvalid) {
		t.Errorf("negative limit: err = %v, want ErrInvalid", err)
	}
	if _, err := h.Track(ctx, 412000001, t0, t0.Add(-time.Second), 0); !errors.Is(err, vessels.ErrInvalid) {
		t.Errorf("until before since: err = %v, want ErrInvalid", err)
	}
	// Same second is not "older"; sub-second times are kept to the second.
	must(t, h.Append(ctx, 412000001, vessels.TrackPoint{Time: t0.Add(700 * time.Millisecond), Lat: 43.81, Lon: 126.5, SOG: -1, COG: -1, Heading: -1}))
	got, err := h.Track(ctx, 412000001, t0.Add(500*time.Millisecond), time.Time{}, 0)
	if err != nil || len(got) != 0 {
		t.Errorf("since 0.5 s after the last whole second: %d points, %v; want none", len(got), err)
	}
	got, err = h.Track(ctx, 412000001, time.Time{}, t0.Add(500*time.Millisecond), 0)
	if err != nil || len(got) != 2 || !got[1].Time.Equal(t0) {
		t.Errorf("until 0.5 s: %+v, %v; want both points at %v", got, err, t0)
	}
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// TestMemoryHistoryThinning: a vessel reporting every 2 s keeps points at
// least MinInterval apart (and always its newest), so an hour fits the
// default 720 points.
func TestMemoryHistoryThinning(t *testing.T) {
	end := t0.Add(time.Hour)
	h := vessels.NewMemoryHistory(vessels.HistoryConfig{MinInterval: 5 * time.Second, Now: func() time.Time { return end }})
	for s := 0; s <= 3600; s += 2 {
		p := vessels.TrackPoint{Time: t0.Add(time.Duration(s) * time.Second), Lat: 43 + float64(s)*1e-5, Lon: 126, SOG: 20, COG: 90, Heading: 90}
		if err := h.Append(t.Context(), 412000001, p); err != nil {
			t.Fatal(err)
		}
	}
	pts, err := h.Track(t.Context(), 412000001, time.Time{}, time.Time{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) > 720 || len(pts) < 600 {
		t.Fatalf("%d points for an hour at 2 s, want 600..720", len(pts))
	}
	if first, last := pts[0].Time, pts[len(pts)-1].Time; !last.Equal(end) || last.Sub(first) < 59*time.Minute {
		t.Errorf("track spans %v..%v, want the whole hour ending at the newest report", first, last)
	}
	for i := 1; i < len(pts)-1; i++ {
		if gap := pts[i].Time.Sub(pts[i-1].Time); gap < 5*time.Second {
			t.Fatalf("points %d and %d only %v apart", i-1, i, gap)
		}
	}
}
