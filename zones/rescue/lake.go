package rescue

import (
	"math"

	"github.com/paulmach/orb"

	"github.com/riverwatch/riverwatch/zones/waterway"
)

// buildLake gathers the nodes on the lake's shore and inside it, and links
// every two that see each other straight across the water: a boat crosses
// a lake in a straight line, around a headland where it must.
func (g *graph) buildLake(l waterway.Polygon, shore line) lake {
	lk := lake{id: l.ID, ring: make(orb.Ring, len(l.Ring)), box: [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}}
	for i, p := range l.Ring {
		lk.ring[i] = p
		lk.box[0], lk.box[1] = math.Min(lk.box[0], p[0]), math.Min(lk.box[1], p[1])
		lk.box[2], lk.box[3] = math.Max(lk.box[2], p[0]), math.Max(lk.box[3], p[1])
	}
	onShore := map[int32]bool{}
	for _, n := range shore.nodes {
		if !onShore[n] {
			onShore[n] = true
			lk.nodes = append(lk.nodes, n)
		}
	}
	for n, p := range g.pts {
		if !onShore[int32(n)] && lk.contains(p) {
			lk.nodes = append(lk.nodes, int32(n))
		}
	}
	for i, a := range lk.nodes {
		for _, b := range lk.nodes[i+1:] {
			if lk.sees(g.pts[a], g.pts[b]) {
				g.link(a, b)
			}
		}
	}
	return lk
}

// contains reports whether p is inside the lake or on its shore.
func (lk *lake) contains(p [2]float64) bool {
	if p[0] < lk.box[0] || p[0] > lk.box[2] || p[1] < lk.box[1] || p[1] > lk.box[3] {
		return false
	}
	return ringContains(lk.ring, p)
}

// ringContains is the even–odd test of p against the closed ring, with
// the ring's own edges counting as inside (as planar.RingContains, without
// its bound computed anew on every call).
func ringContains(r orb.Ring, p [2]float64) bool {
	in := false
	for i := 1; i < len(r); i++ {
		a, b := r[i-1], r[i]
		if orient(a, b, p) == 0 && p[0] >= min(a[0], b[0]) && p[0] <= max(a[0], b[0]) &&
			p[1] >= min(a[1], b[1]) && p[1] <= max(a[1], b[1]) {
			return true
		}
		if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < a[0]+(p[1]-a[1])*(b[0]-a[0])/(b[1]-a[1]) {
			in = !in
		}
	}
	return in
}

// sees reports whether the straight run from a to b stays on the lake: it
// crosses no shore segment and its sample points lie inside. Both tests are
// affine-invariant, so they work in lon/lat directly.
func (lk *lake) sees(a, b [2]float64) bool {
	for i := 1; i < len(lk.ring); i++ {
		if crosses(a, b, lk.ring[i-1], lk.ring[i]) {
			return false
		}
	}
	for _, t := range [...]float64{0.25, 0.5, 0.75} {
		if !lk.contains([2]float64{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}) {
			return false
		}
	}
	return true
}

// crosses reports whether segments ab and cd cross properly: each one's
// ends lie strictly on opposite sides of the other. Touching at an end
// (a run from one shore vertex to another) is not crossing.
func crosses(a, b, c, d [2]float64) bool {
	d1, d2 := orient(c, d, a), orient(c, d, b)
	d3, d4 := orient(a, b, c), orient(a, b, d)
	return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))
}

func orient(a, b, c [2]float64) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}
