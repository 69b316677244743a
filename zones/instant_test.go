package zones

import (
	"math"
	"testing"
	"time"
)

// An instant holds a time as time.Time does for every time a report can
// carry: the same differences, the same milliseconds, back to the same
// instant; none for the zero time, and the far past and future clamped
// rather than wrapped.
func TestInstant(t *testing.T) {
	if i := instantOf(time.Time{}); !i.isZero() || !i.time().IsZero() {
		t.Fatalf("zero time: %d, back %v", i, i.time())
	}
	cst := time.FixedZone("CST", 8*3600)
	times := []time.Time{
		time.Date(2026, 12, 3, 8, 0, 0, 0, cst),
		time.Date(2026, 12, 3, 8, 0, 0, 999_999_999, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 500_000_000, time.UTC), // before 1970: milliseconds floored
		time.Date(2200, 1, 1, 0, 0, 0, 1, time.UTC),
	}
	for _, a := range times {
		ia := instantOf(a)
		if !ia.time().Equal(a) || ia.milli() != a.UnixMilli() {
			t.Errorf("%v: back %v, milli %d, want %d", a, ia.time(), ia.milli(), a.UnixMilli())
		}
		for _, b := range times {
			if got, want := ia.until(instantOf(b)), b.Sub(a); got != want {
				t.Errorf("%v to %v: %v, want %v", a, b, got, want)
			}
		}
	}
	if far := instantOf(time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)); far != math.MaxInt64 {
		t.Errorf("year 9999: %d, want the largest instant", far)
	}
	if past := instantOf(time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC)); past != math.MinInt64+1 {
		t.Errorf("year 1: %d, want the smallest instant", past)
	}
}
