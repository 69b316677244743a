package zones

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
)

// Shapes are zones compiled for the Index: a circle, a buffered line cut
// into pieces of a few segments each, or areas (the polygons of a Polygon
// or MultiPolygon) whose long rings carry their own index of edge pieces.
// Every query costs the pieces near the position, never a whole long line
// or ring.

const (
	// pieceSegments is how many segments one indexed piece of a line or
	// ring holds: few enough that a hit costs little, enough that a 500 km
	// river of 400 vertices is 50 entries.
	pieceSegments = 8
	// bigRing is the number of edges above which a ring gets its own
	// index of edge pieces instead of being scanned whole.
	bigRing = 4 * pieceSegments
)

type shapeKind uint8

const (
	shapeCircle shapeKind = iota
	shapeLine
	shapeArea
)

type shape struct {
	zone *Zone
	kind shapeKind

	center orb.Point // circle
	radius float64

	line   orb.LineString // line
	buffer float64

	areas []area // area: one per polygon
}

// area is one polygon: rings[0] the exterior, the others holes.
type area struct {
	bound orb.Bound
	rings []ring
}

type ring struct {
	pts   orb.Ring
	bound orb.Bound
	// pieces indexes the ring's edges in runs of pieceSegments by the
	// first edge of the run; nil for a ring of at most bigRing edges.
	pieces *rtree.RTreeG[int32]
}

// piece is one entry of the Index: a circle, a run of a line's segments
// [lo, hi), or one area.
type piece struct {
	shape  *shape
	lo, hi int32 // segments of a line; the area's number for an area
}

// compileShape compiles a validated zone.
func compileShape(z *Zone) *shape {
	s := &shape{zone: z}
	switch g := z.Geom.(type) {
	case orb.Point:
		s.kind, s.center, s.radius = shapeCircle, g, z.RadiusM
	case orb.LineString:
		s.kind, s.line, s.buffer = shapeLine, g, z.BufferM
	case orb.Polygon:
		s.kind, s.areas = shapeArea, []area{compileArea(g)}
	case orb.MultiPolygon:
		s.kind = shapeArea
		for _, p := range g {
			s.areas = append(s.areas, compileArea(p))
		}
	}
	return s
}

func compileArea(p orb.Polygon) area {
	a := area{bound: p[0].Bound(), rings: make([]ring, len(p))}
	for i, r := range p {
		a.rings[i] = ring{pts: r, bound: r.Bound()}
		edges := len(r) - 1
		if edges <= bigRing {
			continue
		}
		a.rings[i].pieces = &rtree.RTreeG[int32]{}
		for lo := 0; lo < edges; lo += pieceSegments {
			hi := min(lo+pieceSegments, edges)
			b := orb.MultiPoint(r[lo : hi+1]).Bound()
			a.rings[i].pieces.Insert(b.Min, b.Max, int32(lo))
		}
	}
	return a
}

// pieces cuts the shape into index entries, each with its bound.
func (s *shape) pieces(fn func(b orb.Bound, p piece)) {
	switch s.kind {
	case shapeCircle:
		fn(padBound(orb.Bound{Min: s.center, Max: s.center}, s.radius, itemSlackLat), piece{shape: s})
	case shapeLine:
		segs := len(s.line) - 1
		for lo := 0; lo < segs; lo += pieceSegments {
			hi := min(lo+pieceSegments, segs)
			b := orb.MultiPoint(s.line[lo : hi+1]).Bound()
			fn(padBound(b, s.buffer, itemSlackLat), piece{shape: s, lo: int32(lo), hi: int32(hi)})
		}
	case shapeArea:
		for i := range s.areas {
			fn(s.areas[i].bound, piece{shape: s, lo: int32(i)})
		}
	}
}

// contains reports whether p (projected by pr, origin p) lies in the piece.
func (pc *piece) contains(p orb.Point, pr *proj) bool {
	s := pc.shape
	switch s.kind {
	case shapeCircle:
		return pr.segDist2(s.center, s.center) <= s.radius*s.radius
	case shapeLine:
		return s.buffer > 0 && lineDist2(s.line, pr, int(pc.lo), int(pc.hi)) <= s.buffer*s.buffer
	default:
		return s.areas[pc.lo].contains(p)
	}
}

// distance is the piece's distance in metres from p (projected by pr,
// origin p), 0 inside; q bounds what lies within the distance of interest,
// and an area with no edge in q reports +Inf unless p is inside.
func (pc *piece) distance(p orb.Point, pr *proj, q orb.Bound) float64 {
	s := pc.shape
	switch s.kind {
	case shapeCircle:
		return math.Max(0, math.Sqrt(pr.segDist2(s.center, s.center))-s.radius)
	case shapeLine:
		return math.Max(0, math.Sqrt(lineDist2(s.line, pr, int(pc.lo), int(pc.hi)))-s.buffer)
	default:
		a := &s.areas[pc.lo]
		if a.contains(p) {
			return 0
		}
		return math.Sqrt(a.edgeDist2(pr, q))
	}
}

// crosses reports whether segment ab (q its search bound, pr its
// projection with origin a) passes through or touches the piece.
func (pc *piece) crosses(a, b orb.Point, q orb.Bound, pr *proj) bool {
	s := pc.shape
	switch s.kind {
	case shapeCircle:
		cx, cy := pr.xy(s.center)
		bx, by := pr.xy(b)
		d2, _ := pointSegDist2(cx, cy, 0, 0, bx, by)
		return d2 <= s.radius*s.radius
	case shapeLine:
		return lineCrosses(s.line, int(pc.lo), int(pc.hi), a, b, pr, s.buffer)
	default:
		return s.areas[pc.lo].crosses(a, b, q)
	}
}

// contains reports whether p lies in the polygon: in the exterior ring
// (its boundary counts) and in no hole (a hole's boundary is outside).
func (a *area) contains(p orb.Point) bool {
	if !a.rings[0].contains(p) {
		return false
	}
	for i := 1; i < len(a.rings); i++ {
		if a.rings[i].contains(p) {
			return false
		}
	}
	return true
}

// contains reports whether p lies in the ring or on its boundary (the
// boundary counts, as in planar.RingContains). It casts a ray from p to the nearer of the
// bound's east and west sides and counts the edges the ray crosses; a big
// ring looks only at the pieces the ray meets.
func (r *ring) contains(p orb.Point) bool {
	if !r.bound.Contains(p) {
		return false
	}
	east := r.bound.Max[0]-p[0] <= p[0]-r.bound.Min[0]
	edges := len(r.pts) - 1
	if r.pieces == nil {
		in, on := rayCross(r.pts, 0, edges, p, east)
		return in || on
	}
	lo, hi := p, orb.Point{r.bound.Max[0], p[1]}
	if !east {
		lo, hi = orb.Point{r.bound.Min[0], p[1]}, p
	}
	in, on := false, false
	r.pieces.Search(lo, hi, func(_, _ [2]float64, first int32) bool {
		odd, at := rayCross(r.pts, int(first), min(int(first)+pieceSegments, edges), p, east)
		in, on = in != odd, at
		return !on
	})
	return in || on
}

// rayCross casts a ray from p east (or west) and tells whether it crosses
// an odd number of the edges [lo, hi) of r, or whether p lies on one of
// them. An edge is crossed when it has one end above p's latitude and the
// other at or below it, so that a ray through a vertex counts once.
func rayCross(r orb.Ring, lo, hi int, p orb.Point, east bool) (odd, on bool) {
	for i := lo; i < hi; i++ {
		a, b := r[i], r[i+1]
		if (a[1] > p[1]) == (b[1] > p[1]) {
			if (a[1] == p[1] || b[1] == p[1]) && cross(a, b, p) == 0 && onSegment(a, b, p) {
				return odd, true
			}
			continue
		}
		// The edge spans p's latitude: p on its line is p on the edge. Else
		// the edge passes east of p if p is left of it going up, or right
		// of it going down.
		c := cross(a, b, p)
		if c == 0 {
			return odd, true
		}
		if ((c > 0) == (b[1] > a[1])) == east {
			odd = !odd
		}
	}
	return odd, false
}

// edgeDist2 is the squared distance in metres from pr's origin to the
// nearest edge of any ring that lies in q; +Inf if none does.
func (a *area) edgeDist2(pr *proj, q orb.Bound) float64 {
	best := math.Inf(1)
	for i := range a.rings {
		r := &a.rings[i]
		if !r.bound.Intersects(q) {
			continue
		}
		if r.pieces == nil {
			best = math.Min(best, lineDist2(orb.LineString(r.pts), pr, 0, len(r.pts)-1))
			continue
		}
		edges := len(r.pts) - 1
		r.pieces.Search(q.Min, q.Max, func(_, _ [2]float64, lo int32) bool {
			best = math.Min(best, lineDist2(orb.LineString(r.pts), pr, int(lo), min(int(lo)+pieceSegments, edges)))
			return true
		})
	}
	return best
}

// crosses reports whether segment ab (q its search bound) has an end in
// the polygon or meets one of its edges.
func (a *area) crosses(p, b orb.Point, q orb.Bound) bool {
	if a.contains(p) || a.contains(b) {
		return true
	}
	hit := false
	for i := range a.rings {
		r := &a.rings[i]
		if !r.bound.Intersects(q) {
			continue
		}
		if r.pieces == nil {
			if lineCrosses(orb.LineString(r.pts), 0, len(r.pts)-1, p, b, nil, 0) {
				return true
			}
			continue
		}
		edges := len(r.pts) - 1
		r.pieces.Search(q.Min, q.Max, func(_, _ [2]float64, lo int32) bool {
			hit = lineCrosses(orb.LineString(r.pts), int(lo), min(int(lo)+pieceSegments, edges), p, b, nil, 0)
			return !hit
		})
		if hit {
			return true
		}
	}
	return false
}

// lineDist2 is the squared distance in metres from pr's origin to the
// segments [lo, hi) of ls.
func lineDist2(ls orb.LineString, pr *proj, lo, hi int) float64 {
	best := math.Inf(1)
	ax, ay := pr.xy(ls[lo])
	for i := lo + 1; i <= hi; i++ {
		bx, by := pr.xy(ls[i])
		d2, _ := pointSegDist2(0, 0, ax, ay, bx, by)
		best = math.Min(best, d2)
		ax, ay = bx, by
	}
	return best
}

// lineCrosses reports whether segment ab comes within r metres (measured
// in pr; touching when r is 0, and pr may then be nil) of the segments
// [lo, hi) of ls.
func lineCrosses(ls orb.LineString, lo, hi int, a, b orb.Point, pr *proj, r float64) bool {
	for i := lo; i < hi; i++ {
		if r > 0 {
			if pr.segSegWithin(a, b, ls[i], ls[i+1], r) {
				return true
			}
		} else if segmentsIntersect(a, b, ls[i], ls[i+1]) {
			return true
		}
	}
	return false
}
