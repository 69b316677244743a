package vessels

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestElapsedIsSub holds Elapsed to Time.Sub: times close together and
// far apart, before 1970, the zero time, and the ends of a Duration.
func TestElapsedIsSub(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	times := []time.Time{{}, base, base.Add(time.Nanosecond), time.Unix(-5, 999_999_999), time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)}
	for range 2000 {
		times = append(times, base.Add(time.Duration(rng.Int64N(int64(250*365*24*time.Hour)))-125*365*24*time.Hour))
		times = append(times, time.Unix(rng.Int64N(1<<40)-1<<39, rng.Int64N(1e9))) // up to 17,000 years from 1970
		times = append(times, base.Add(time.Duration(rng.Int64N(int64(time.Hour)))))
	}
	for i, a := range times {
		for _, b := range times[max(0, i-3) : i+1] {
			if got, want := Elapsed(a, b), b.Sub(a); got != want {
				t.Fatalf("Elapsed(%v, %v) = %v, want %v", a, b, got, want)
			}
			if got, want := Elapsed(b, a), a.Sub(b); got != want {
				t.Fatalf("Elapsed(%v, %v) = %v, want %v", b, a, got, want)
			}
		}
	}
}

// TestHistoryCutoff holds the history's cutoff to its definition,
// now.Add(-MaxAge) in whole seconds, for ages with and without fractions.
func TestHistoryCutoff(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 5000 {
		now := time.Unix(1_700_000_000+rng.Int64N(1e8), rng.Int64N(1e9)).UTC()
		age := time.Duration(rng.Int64N(int64(48 * time.Hour)))
		if rng.IntN(2) == 0 {
			age = age.Truncate(time.Second)
		}
		h := NewMemoryHistory(HistoryConfig{MaxAge: age + 1, Now: func() time.Time { return now }})
		if got, want := h.cutoff(), unixSeconds(now.Add(-(age + 1))); got != want {
			t.Fatalf("cutoff at %v age %v = %d, want %d", now, age+1, got, want)
		}
	}
}
