package vessels

import "time"

// Reporting intervals of ITU-R M.1371-5 Annex 1, Tables 1 and 2.
const (
	intervalStatic    = 6 * time.Minute // static and voyage data
	intervalSlow      = 3 * time.Minute // anchored/moored class A, class B below 2 kn, AtoN, long range
	intervalBase      = 10 * time.Second
	intervalSARAir    = 10 * time.Second
	intervalLongRange = 3 * time.Minute // type 27
)

// MinStaleAfter is the shortest silence after which a vessel is judged
// stale, whatever its expected interval: a few lost packets of a fast boat
// must not make it flicker.
const MinStaleAfter = 60 * time.Second

// ExpectedInterval is how often v should report, per ITU-R M.1371 by class,
// navigational status and speed over ground:
//
//	class A  anchored or moored and < 3 kn: 3 min; <= 14 kn: 10 s; <= 23 kn: 6 s; faster: 2 s
//	class B  < 2 kn: 3 min; <= 14 kn: 30 s; <= 23 kn: 15 s; faster: 5 s
//	base station 10 s, SAR aircraft 10 s, aid to navigation 3 min
//	a position from a type 27 long-range report: 3 min
//	no position yet (static data only): 6 min
//
// An unknown speed counts as slow for class B (its 3 min floor) and as
// 0-14 kn for class A.
func ExpectedInterval(v Vessel) time.Duration { return expectedInterval(&v) }

// expectedInterval is ExpectedInterval without copying the record: Judge
// runs it for every vessel of a listing.
func expectedInterval(v *Vessel) time.Duration {
	if v.Lat == nil || v.PositionAt.IsZero() {
		return intervalStatic
	}
	if v.LongRange {
		return intervalLongRange
	}
	sog := -1.0
	if v.SOG != nil {
		sog = *v.SOG
	}
	switch v.Class {
	case "A":
		switch {
		case (v.NavStatus == 1 || v.NavStatus == 5) && sog < 3:
			return intervalSlow
		case sog <= 14:
			return 10 * time.Second
		case sog <= 23:
			return 6 * time.Second
		}
		return 2 * time.Second
	case "B":
		switch {
		case sog < 2:
			return intervalSlow
		case sog <= 14:
			return 30 * time.Second
		case sog <= 23:
			return 15 * time.Second
		}
		return 5 * time.Second
	case "base":
		return intervalBase
	case "sar":
		return intervalSARAir
	case "aton":
		return intervalSlow
	}
	// A position of unknown class (say, a binary message then a type 27)
	// gets the most tolerant mobile interval.
	return intervalSlow
}

// StaleAfter is the silence after which v is stale: its expected interval
// times factor, but never less than MinStaleAfter. A factor <= 0 means 3.
func StaleAfter(v Vessel, factor float64) time.Duration { return staleAfter(&v, factor) }

func staleAfter(v *Vessel, factor float64) time.Duration {
	if factor <= 0 {
		factor = 3
	}
	return max(time.Duration(float64(expectedInterval(v))*factor), MinStaleAfter)
}

// Judge sets v.Stale and v.Lost as of now. Silence for staleness is counted
// from the last accepted position (from the last message of any kind for a
// vessel without one): a boat that keeps sending static data but no
// position is stale all the same. Silence for Lost is counted from the last
// message of any kind; lostAfter <= 0 disables it. A lost vessel is also
// stale.
func Judge(v *Vessel, now time.Time, factor float64, lostAfter time.Duration) {
	ref := v.LastSeen
	if v.Lat != nil && !v.PositionAt.IsZero() {
		ref = v.PositionAt
	}
	v.Lost = lostAfter > 0 && Elapsed(v.LastSeen, now) > lostAfter
	v.Stale = v.Lost || Elapsed(ref, now) > staleAfter(v, factor)
}

// maxElapsedSec is how far apart, in seconds, two times may be for Elapsed
// to take its short way: well inside a Duration's 292 years.
const maxElapsedSec = 200 * 365 * 24 * 3600

// Elapsed is to.Sub(from), the short way for times less than 200 years
// apart, as the times of live traffic are. Time.Sub checks its result for
// overflow by adding it back and comparing, which costs more than all the
// rest of the arithmetic the tracker and the zone rules do on a report, and
// they take several differences of times on every one.
func Elapsed(from, to time.Time) time.Duration {
	s := to.Unix() - from.Unix()
	if s > maxElapsedSec || s < -maxElapsedSec {
		return to.Sub(from)
	}
	return time.Duration(s)*time.Second + time.Duration(to.Nanosecond()-from.Nanosecond())
}
