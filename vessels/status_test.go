package vessels_test

import (
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/vessels"
)

func fptr(x float64) *float64 { return &x }

// moving is a record with a position of the given class, status and speed.
func moving(class string, nav int, sog *float64) vessels.Vessel {
	t0 := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	return vessels.Vessel{Class: class, NavStatus: nav, SOG: sog, Lat: fptr(43.8), Lon: fptr(126.5),
		LastSeen: t0, PositionAt: t0}
}

func TestExpectedInterval(t *testing.T) {
	static := vessels.Vessel{Class: "A", LastSeen: time.Now()}
	longRange := moving("A", 0, fptr(10))
	longRange.LongRange = true
	for _, c := range []struct {
		name string
		v    vessels.Vessel
		want time.Duration
	}{
		{"A anchored slow", moving("A", 1, fptr(0.5)), 3 * time.Minute},
		{"A moored slow", moving("A", 5, fptr(2.9)), 3 * time.Minute},
		{"A moored but moving", moving("A", 5, fptr(3)), 10 * time.Second},
		{"A under way 0 kn", moving("A", 0, fptr(0)), 10 * time.Second},
		{"A 14 kn", moving("A", 0, fptr(14)), 10 * time.Second},
		{"A 14.1 kn", moving("A", 0, fptr(14.1)), 6 * time.Second},
		{"A 23 kn", moving("A", 0, fptr(23)), 6 * time.Second},
		{"A 30 kn", moving("A", 0, fptr(30)), 2 * time.Second},
		{"A speed unknown", moving("A", 0, nil), 10 * time.Second},
		{"A anchored speed unknown", moving("A", 1, nil), 3 * time.Minute},
		{"B slow", moving("B", 15, fptr(1.9)), 3 * time.Minute},
		{"B speed unknown", moving("B", 15, nil), 3 * time.Minute},
		{"B 2 kn", moving("B", 15, fptr(2)), 30 * time.Second},
		{"B 14 kn", moving("B", 15, fptr(14)), 30 * time.Second},
		{"B 20 kn", moving("B", 15, fptr(20)), 15 * time.Second},
		{"B 25 kn", moving("B", 15, fptr(25)), 5 * time.Second},
		{"base", moving("base", 15, nil), 10 * time.Second},
		{"sar", moving("sar", 15, fptr(120)), 10 * time.Second},
		{"aton", moving("aton", 15, nil), 3 * time.Minute},
		{"unknown class with position", moving("", 15, nil), 3 * time.Minute},
		{"long range", longRange, 3 * time.Minute},
		{"static only", static, 6 * time.Minute},
	} {
		if got := vessels.ExpectedInterval(c.v); got != c.want {
			t.Errorf("%s: ExpectedInterval = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestJudge(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	staticOnly := vessels.Vessel{Class: "A", LastSeen: t0}
	// Heard a minute ago, but its position is from 20 minutes ago.
	oldPos := moving("A", 0, fptr(8))
	oldPos.LastSeen = t0.Add(19 * time.Minute)
	for _, c := range []struct {
		name            string
		v               vessels.Vessel
		after           time.Duration
		factor          float64
		lostAfter       time.Duration
		wantStale, lost bool
	}{
		{"A fast: min 60 s holds", moving("A", 0, fptr(30)), 59 * time.Second, 3, 30 * time.Minute, false, false},
		{"A fast: stale after 60 s", moving("A", 0, fptr(30)), 61 * time.Second, 3, 30 * time.Minute, true, false},
		{"A moored: 9 min holds", moving("A", 5, fptr(0)), 9 * time.Minute, 3, 30 * time.Minute, false, false},
		{"A moored: stale after 9 min", moving("A", 5, fptr(0)), 9*time.Minute + time.Second, 3, 30 * time.Minute, true, false},
		{"factor 10", moving("A", 5, fptr(0)), 20 * time.Minute, 10, time.Hour, false, false},
		{"factor 0 means 3", moving("A", 5, fptr(0)), 10 * time.Minute, 0, time.Hour, true, false},
		{"static only: 18 min holds", staticOnly, 18 * time.Minute, 3, 30 * time.Minute, false, false},
		{"static only: stale", staticOnly, 19 * time.Minute, 3, 30 * time.Minute, true, false},
		{"lost", moving("A", 5, fptr(0)), 31 * time.Minute, 3, 30 * time.Minute, true, true},
		{"lost disabled", moving("A", 5, fptr(0)), 31 * time.Hour, 3, 0, true, false},
		{"position old, heard lately", oldPos, 20 * time.Minute, 3, 30 * time.Minute, true, false},
		{"clock behind", moving("A", 0, fptr(30)), -time.Hour, 3, 30 * time.Minute, false, false},
	} {
		v := c.v
		vessels.Judge(&v, t0.Add(c.after), c.factor, c.lostAfter)
		if v.Stale != c.wantStale || v.Lost != c.lost {
			t.Errorf("%s: Stale, Lost = %v, %v; want %v, %v", c.name, v.Stale, v.Lost, c.wantStale, c.lost)
		}
	}
}
