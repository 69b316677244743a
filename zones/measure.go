package zones

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// The functions here answer for one zone by walking its whole geometry, as
// the Index answers for all of them through its pieces: they define what
// the Index finds.

// Contains reports whether p ([lon, lat]) lies in z: in a polygon's
// interior or on its boundary (holes and their boundaries excluded), within
// BufferM of a line, within RadiusM of a point. A line without a buffer
// contains nothing: it is crossed, not entered.
func Contains(z *Zone, p orb.Point) bool {
	pr := projAt(p, p[1])
	switch g := z.Geom.(type) {
	case orb.Point:
		return pr.segDist2(g, g) <= z.RadiusM*z.RadiusM
	case orb.LineString:
		return z.BufferM > 0 && lineDist2(g, &pr, 0, len(g)-1) <= z.BufferM*z.BufferM
	case orb.Polygon:
		return planar.PolygonContains(g, p)
	case orb.MultiPolygon:
		return planar.MultiPolygonContains(g, p)
	}
	return false
}

// Crosses reports whether the segment a→b passes through or touches z: it
// comes within RadiusM of a point or BufferM of a line, meets a line
// without a buffer, or has an end in or meets the edge of a polygon.
// Distances are measured at the segment's middle latitude.
func Crosses(z *Zone, a, b orb.Point) bool {
	_, pr := crossedQuery(a, b)
	switch g := z.Geom.(type) {
	case orb.Point:
		cx, cy := pr.xy(g)
		bx, by := pr.xy(b)
		d2, _ := pointSegDist2(cx, cy, 0, 0, bx, by)
		return d2 <= z.RadiusM*z.RadiusM
	case orb.LineString:
		return lineCrosses(g, 0, len(g)-1, a, b, &pr, z.BufferM)
	case orb.Polygon:
		return polygonCrosses(g, a, b)
	case orb.MultiPolygon:
		for _, p := range g {
			if polygonCrosses(p, a, b) {
				return true
			}
		}
	}
	return false
}

func polygonCrosses(p orb.Polygon, a, b orb.Point) bool {
	if planar.PolygonContains(p, a) || planar.PolygonContains(p, b) {
		return true
	}
	for _, r := range p {
		if lineCrosses(orb.LineString(r), 0, len(r)-1, a, b, nil, 0) {
			return true
		}
	}
	return false
}

// DistanceM is the distance in metres from p to z's shape: to a polygon's
// boundary, to a line less its BufferM, to a point less its RadiusM; 0
// inside. It is +Inf for a zone without a supported geometry.
func DistanceM(z *Zone, p orb.Point) float64 {
	pr := projAt(p, p[1])
	switch g := z.Geom.(type) {
	case orb.Point:
		return math.Max(0, math.Sqrt(pr.segDist2(g, g))-z.RadiusM)
	case orb.LineString:
		return math.Max(0, math.Sqrt(lineDist2(g, &pr, 0, len(g)-1))-z.BufferM)
	case orb.Polygon:
		return polygonDistance(g, p, &pr)
	case orb.MultiPolygon:
		d := math.Inf(1)
		for _, pg := range g {
			d = math.Min(d, polygonDistance(pg, p, &pr))
		}
		return d
	}
	return math.Inf(1)
}

func polygonDistance(pg orb.Polygon, p orb.Point, pr *proj) float64 {
	if planar.PolygonContains(pg, p) {
		return 0
	}
	d2 := math.Inf(1)
	for _, r := range pg {
		d2 = math.Min(d2, lineDist2(orb.LineString(r), pr, 0, len(r)-1))
	}
	return math.Sqrt(d2)
}

// Side tells which side of a line zone's line p lies on: -1 left, +1 right
// (looking along the line, so on a river centerline drawn downstream +1 is
// the right bank), 0 on it or when z is not a line. It is judged at the
// line's point nearest p.
func Side(z *Zone, p orb.Point) int {
	ls, ok := z.Geom.(orb.LineString)
	if !ok {
		return 0
	}
	return lineSide(ls, p)
}
