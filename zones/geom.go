package zones

import (
	"math"

	"github.com/paulmach/orb"
)

// Distances in this package are measured in a local equirectangular
// projection: metres east and north of a point, with the longitude scale of
// that point's latitude, on orb's sphere (orb.EarthRadius). At zone scales
// (up to a few tens of kilometres) in Jilin, 40–47N, this is within a small
// fraction of a percent of the great-circle distance, and it makes a
// distance to a segment a few multiplications. Longitudes are not wrapped at
// the antimeridian.

// mPerDegLat is the metres per degree of latitude.
const mPerDegLat = orb.EarthRadius * math.Pi / 180

// itemSlackLat is how many degrees of latitude beyond its own bound an
// indexed bound's longitude padding stays valid for (see padBound): queries
// measure at their own latitude, which may lie that far off.
const itemSlackLat = 1.0

// proj is a local equirectangular projection around an origin.
type proj struct {
	o  orb.Point
	kx float64 // metres per degree of longitude
}

// projAt projects around o with the longitude scale of latitude lat.
func projAt(o orb.Point, lat float64) proj {
	return proj{o: o, kx: mPerDegLat * math.Cos(lat*math.Pi/180)}
}

// xy is p in metres east and north of the origin.
func (pr *proj) xy(p orb.Point) (float64, float64) {
	return (p[0] - pr.o[0]) * pr.kx, (p[1] - pr.o[1]) * mPerDegLat
}

// segDist2 is the squared distance in metres from the origin to segment ab.
func (pr *proj) segDist2(a, b orb.Point) float64 {
	ax, ay := pr.xy(a)
	bx, by := pr.xy(b)
	d2, _ := pointSegDist2(0, 0, ax, ay, bx, by)
	return d2
}

// pointSegDist2 is the squared distance from (px, py) to the segment from
// (ax, ay) to (bx, by), and where along it (0…1) the nearest point lies.
func pointSegDist2(px, py, ax, ay, bx, by float64) (float64, float64) {
	dx, dy := bx-ax, by-ay
	t := 0.0
	if l2 := dx*dx + dy*dy; l2 > 0 {
		t = ((px-ax)*dx + (py-ay)*dy) / l2
		t = math.Max(0, math.Min(1, t))
	}
	ex, ey := ax+t*dx-px, ay+t*dy-py
	return ex*ex + ey*ey, t
}

// segSegWithin reports whether segments ab and cd come within r metres of
// each other, measured in pr (touching or crossing counts, at any r).
func (pr *proj) segSegWithin(a, b, c, d orb.Point, r float64) bool {
	if segmentsIntersect(a, b, c, d) {
		return true
	}
	if r <= 0 {
		return false
	}
	ax, ay := pr.xy(a)
	bx, by := pr.xy(b)
	cx, cy := pr.xy(c)
	dx, dy := pr.xy(d)
	r2 := r * r
	d1, _ := pointSegDist2(ax, ay, cx, cy, dx, dy)
	d2, _ := pointSegDist2(bx, by, cx, cy, dx, dy)
	d3, _ := pointSegDist2(cx, cy, ax, ay, bx, by)
	d4, _ := pointSegDist2(dx, dy, ax, ay, bx, by)
	return d1 <= r2 || d2 <= r2 || d3 <= r2 || d4 <= r2
}

// padBound grows b by m metres on every side. The longitude padding uses
// the scale at b's most poleward padded latitude plus slackLat degrees, so
// the result holds every point within m metres of b as measured (see proj)
// at any latitude up to slackLat degrees beyond b's padded latitudes.
func padBound(b orb.Bound, m, slackLat float64) orb.Bound {
	if m <= 0 {
		return b
	}
	dy := m / mPerDegLat * (1 + 1e-9)
	lat := math.Max(math.Abs(b.Min[1]-dy), math.Abs(b.Max[1]+dy)) + slackLat
	dx := 360.0
	if lat < 89 {
		dx = math.Min(dx, dy/math.Cos(lat*math.Pi/180))
	}
	b.Min[0] -= dx
	b.Max[0] += dx
	b.Min[1] -= dy
	b.Max[1] += dy
	return b
}

// segBound is the bound of segment ab.
func segBound(a, b orb.Point) orb.Bound {
	return orb.Bound{
		Min: orb.Point{math.Min(a[0], b[0]), math.Min(a[1], b[1])},
		Max: orb.Point{math.Max(a[0], b[0]), math.Max(a[1], b[1])},
	}
}

// crossedQuery is the bound to search for zones the segment ab may come
// near, and the projection its distances are measured in (at the
// segment's middle latitude).
func crossedQuery(a, b orb.Point) (orb.Bound, proj) {
	q := segBound(a, b)
	if math.Abs(a[1]-b[1])/2 > itemSlackLat {
		// Measured this far from an item's latitude its padding may fall
		// short; cover the widest buffer there can be.
		q = padBound(q, MaxBufferM, 0)
	}
	return q, projAt(a, (a[1]+b[1])/2)
}

// nearQuery is the bound holding everything an indexed item can have
// within d metres of p.
func nearQuery(p orb.Point, d float64) orb.Bound {
	q := padBound(orb.Bound{Min: p, Max: p}, d, 0)
	if d/mPerDegLat > itemSlackLat {
		q = padBound(q, MaxBufferM, 0)
	}
	return q
}

// lineSide is which side of the polyline ls p lies on, judged at the
// nearest point of ls: -1 left, +1 right (looking along the line), 0 on it.
// Where the nearest point is a vertex between two segments, p lies on the
// outer side of the corner: right of a left turn, left of a right turn.
func lineSide(ls orb.LineString, p orb.Point) int {
	pr := projAt(p, p[1])
	best, bi, bt := math.Inf(1), -1, 0.0
	for i := 0; i+1 < len(ls); i++ {
		if ls[i] == ls[i+1] {
			continue
		}
		ax, ay := pr.xy(ls[i])
		bx, by := pr.xy(ls[i+1])
		if d2, t := pointSegDist2(0, 0, ax, ay, bx, by); d2 < best {
			best, bi, bt = d2, i, t
		}
	}
	if bi < 0 || best == 0 {
		return 0
	}
	v := -1 // the vertex p is nearest to, when it is an inner one
	switch {
	case bt == 0:
		v = bi
	case bt == 1:
		v = bi + 1
	}
	if v >= 0 {
		u, w := v-1, v+1
		for u >= 0 && ls[u] == ls[v] {
			u--
		}
		for w < len(ls) && ls[w] == ls[v] {
			w++
		}
		if u >= 0 && w < len(ls) {
			switch turn := cross(ls[u], ls[v], ls[w]); {
			case turn > 0:
				return 1
			case turn < 0:
				return -1
			}
		}
	}
	// Scaling longitudes by cos(lat) keeps the sign of a cross product, so
	// it can be taken in degrees.
	switch c := cross(ls[bi], ls[bi+1], p); {
	case c > 0:
		return -1
	case c < 0:
		return 1
	}
	return 0
}
