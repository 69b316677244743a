package vessels

import (
	"encoding/binary"
	"testing"
	"time"
)

func TestRingGrowsAndWraps(t *testing.T) {
	const limit = 100
	var r ring
	t0 := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	var caps []int
	for i := range 250 {
		next, c := 0, r.capacity()
		if c > 0 {
			next = r.off(int(r.n))
		}
		r.push(packPoint(TrackPoint{Time: t0.Add(time.Duration(i) * time.Second), Lat: 43, Lon: 126, SOG: -1, COG: -1, Heading: -1}), limit, 0)
		if r.capacity() == c && binary.LittleEndian.Uint32(r.buf[next:]) != uint32(t0.Unix())+uint32(i) {
			t.Fatalf("point %d not written where off(n) said, %d", i, next)
		}
		if c := r.capacity(); len(caps) == 0 || caps[len(caps)-1] != c {
			caps = append(caps, c)
		}
		if r.capacity() > limit {
			t.Fatalf("after %d points capacity %d > limit %d", i+1, r.capacity(), limit)
		}
		if want := min(i+1, limit); int(r.n) != want {
			t.Fatalf("after %d points n = %d, want %d", i+1, r.n, want)
		}
		if first := uint32(t0.Unix()) + uint32(max(0, i+1-limit)); r.timeAt(0) != first {
			t.Fatalf("after %d points oldest = %d, want %d", i+1, r.timeAt(0), first)
		}
	}
	if caps[0] > 8 || caps[len(caps)-1] != limit {
		t.Fatalf("capacities %v: want a small start and the limit at the end", caps)
	}
}

func TestPackPoint(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	for _, c := range []struct{ in, want TrackPoint }{
		{TrackPoint{t0, 43.85, 126.55, 7.3, 81.2, 80}, TrackPoint{t0, 43.85, 126.55, 7.3, 81.2, 80}},
		{TrackPoint{t0, -90, -180, -1, -1, -1}, TrackPoint{t0, -90, -180, -1, -1, -1}},
		{TrackPoint{t0, 90, 180, 102.2, 359.9, 359}, TrackPoint{t0, 90, 180, 102.2, 359.9, 359}},
		{TrackPoint{t0.Add(999 * time.Millisecond), 0, 0, 6600, 360, 360}, TrackPoint{t0, 0, 0, -1, -1, -1}},
		{TrackPoint{t0, 1, 1, -0.3, -5, -7}, TrackPoint{t0, 1, 1, -1, -1, -1}},
	} {
		got := packPoint(c.in).point()
		d := func(a, b float64) bool { return a-b > 1e-6 || b-a > 1e-6 }
		if !got.Time.Equal(c.want.Time) || d(got.Lat, c.want.Lat) || d(got.Lon, c.want.Lon) ||
			d(got.SOG, c.want.SOG) || d(got.COG, c.want.COG) || got.Heading != c.want.Heading {
			t.Errorf("pack %+v: got %+v, want %+v", c.in, got, c.want)
		}
	}
}

// An hour of class A reports every 10 s (361 points counting both ends)
// must sit in little more than 361 slots: the memory budget of 100,000
// vessels under 1 GiB rests on it. Told the span it holds (as
// MemoryHistory tells it), the ring gets there in a few steps, sized by the
// vessel's reporting rate, not a dozen and more.
func TestRingHourFitsTightly(t *testing.T) {
	for _, tc := range []struct {
		span      uint32
		maxGrowth int
	}{{0, 20}, {3600 + dropSlack, 6}} {
		var r ring
		growths := 0
		for i := range 361 {
			c := r.capacity()
			r.push(packed{t: uint32(i * 10)}, DefaultHistoryPoints, tc.span)
			if r.capacity() != c {
				growths++
			}
		}
		if c := r.capacity(); c > 384 || cap(r.buf) > 384*pointSize+pointSize {
			t.Fatalf("span %d: 361 points take %d slots (%d bytes), want at most 384", tc.span, c, cap(r.buf))
		}
		if growths > tc.maxGrowth {
			t.Fatalf("span %d: the buffer grew %d times for 361 points, want at most %d", tc.span, growths, tc.maxGrowth)
		}
		// A minute past the hour, before the minute's drop: still room.
		for i := 361; i < 367; i++ {
			r.push(packed{t: uint32(i * 10)}, DefaultHistoryPoints, tc.span)
		}
		if tc.span > 0 && (r.capacity() > 384 || r.n != 367) {
			t.Fatalf("span %d: 367 points in %d slots, n %d", tc.span, r.capacity(), r.n)
		}
	}
}

// A vessel that reports rarely is not given an hour of fast reports' room,
// and one that reports in a burst at first is not given more than the limit.
func TestRingGrowthByRate(t *testing.T) {
	var slow ring
	for i := range 40 {
		slow.push(packed{t: uint32(i * 180)}, DefaultHistoryPoints, 3600+dropSlack)
	}
	if c := slow.capacity(); c > 64 {
		t.Fatalf("40 reports 3 min apart take %d slots", c)
	}
	var burst ring
	for i := range 400 {
		burst.push(packed{t: uint32(i)}, DefaultHistoryPoints, 3600+dropSlack)
	}
	if c := burst.capacity(); c > DefaultHistoryPoints {
		t.Fatalf("capacity %d beyond the limit %d", c, DefaultHistoryPoints)
	}
}
