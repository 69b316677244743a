package zones

import (
	"math"
	"time"
)

// instant is a time as Unix nanoseconds, 0 for none. The engine keeps a
// handful of times for every vessel and reads them on every report: as
// instants they take 8 bytes each where a time.Time takes 24, and the
// state a report touches is a cache line or two shorter.
type instant int64

// instantOf is t as an instant; the zero time is 0. Times beyond what Unix
// nanoseconds hold (years before 1678 or after 2262, which no report
// carries) are clamped to the nearest.
func instantOf(t time.Time) instant {
	if t.IsZero() {
		return 0
	}
	const limit = math.MaxInt64/int64(time.Second) - 1
	s := t.Unix()
	switch {
	case s > limit:
		return math.MaxInt64
	case s < -limit:
		return math.MinInt64 + 1
	}
	return instant(s*int64(time.Second) + int64(t.Nanosecond()))
}

func (i instant) isZero() bool { return i == 0 }

// until is the time from i to j.
func (i instant) until(j instant) time.Duration { return time.Duration(j - i) }

// time is i as a time.Time in UTC (the zero time for 0).
func (i instant) time() time.Time {
	if i == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(i)).UTC()
}

// milli is i in Unix milliseconds.
func (i instant) milli() int64 {
	m := int64(i) / int64(time.Millisecond)
	if int64(i)%int64(time.Millisecond) < 0 {
		m-- // floored, as time.Time.UnixMilli
	}
	return m
}
