package simulate

import (
	"math"
	"slices"
)

// The fleet keeps out of the restricted hotspots: a dam is a barrier no
// river vessel passes (each works a stretch on one side of it) and a
// circle lake vessels steer round. Only incidents go in.

// keepClearM is how far beyond a restricted circle the fleet stays.
const keepClearM = 300.0

// circle is a centre and a radius in metres.
type circle struct {
	c [2]float64
	r float64
}

// addBarriers marks the restricted hotspots on the routes they touch.
func addBarriers(routes []*route, hs []*hotspot) {
	for _, h := range hs {
		if h.Kind != HotspotRestricted {
			continue
		}
		reach := h.RadiusM + keepClearM
		for _, r := range routes {
			switch r.kind {
			case KindRiver:
				if along, side := r.project(h.Point); math.Abs(side) < reach {
					half := math.Sqrt(reach*reach - side*side)
					r.barriers = append(r.barriers, [2]float64{along - half, along + half})
				}
			case KindLake:
				if h.Point[0] > r.minLon-0.1 && h.Point[0] < r.maxLon+0.1 && h.Point[1] > r.minLat-0.1 && h.Point[1] < r.maxLat+0.1 {
					r.keepOut = append(r.keepOut, circle{h.Point, reach})
				}
			}
		}
	}
	for _, r := range routes {
		slices.SortFunc(r.barriers, func(a, b [2]float64) int { return int(math.Copysign(1, a[0]-b[0])) })
	}
}

// clear narrows the stretch [lo, hi] of a river to the part between
// barriers it overlaps most; when that leaves under 2 km (or under the
// stretch, if shorter), the longest stretch free of barriers instead.
func (r *route) clear(lo, hi float64) (float64, float64) {
	if len(r.barriers) == 0 {
		return lo, hi
	}
	var free [][2]float64
	at := 0.0
	for _, b := range r.barriers {
		if b[0] > at {
			free = append(free, [2]float64{at, b[0]})
		}
		at = math.Max(at, b[1])
	}
	if at < r.total {
		free = append(free, [2]float64{at, r.total})
	}
	if len(free) == 0 {
		return lo, hi
	}
	best, bestLen, longest := [2]float64{}, -1.0, free[0]
	for _, f := range free {
		if f[1]-f[0] > longest[1]-longest[0] {
			longest = f
		}
		if l := math.Min(hi, f[1]) - math.Max(lo, f[0]); l > bestLen {
			best, bestLen = [2]float64{math.Max(lo, f[0]), math.Min(hi, f[1])}, l
		}
	}
	if bestLen < math.Min(2e3, hi-lo) {
		return longest[0], longest[1]
	}
	return best[0], best[1]
}

// blocked reports whether the straight run a→b in a lake passes through a
// circle it must keep out of (checked every ~100 m).
func (r *route) blocked(a, b [2]float64) bool {
	if len(r.keepOut) == 0 {
		return false
	}
	n := int(distance(a, b)/100) + 1
	for i := 0; i <= n; i++ {
		t := float64(i) / float64(n)
		p := [2]float64{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}
		for _, c := range r.keepOut {
			if distance(c.c, p) < c.r {
				return true
			}
		}
	}
	return false
}
