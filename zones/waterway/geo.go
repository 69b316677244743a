package waterway

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/planar"
)

// Distance is the great-circle (haversine) distance between two [lon, lat]
// positions, in metres.
func Distance(a, b [2]float64) float64 {
	return geo.DistanceHaversine(orb.Point(a), orb.Point(b))
}

// Length is the length of the line along the ground, in metres.
func (l Line) Length() float64 {
	var d float64
	for i := 1; i < len(l.Coords); i++ {
		d += Distance(l.Coords[i-1], l.Coords[i])
	}
	return d
}

// DistanceTo is the shortest distance from p to the line, in metres.
func (l Line) DistanceTo(p [2]float64) float64 { return DistanceToPath(l.Coords, p) }

// DistanceToPath is the shortest distance in metres from p to the polyline
// path. Each segment is measured in a local equirectangular projection
// centred on p, which is accurate to well under 1% for segments of a few
// tens of kilometres at Jilin's latitudes.
func DistanceToPath(path [][2]float64, p [2]float64) float64 {
	if len(path) == 0 {
		return math.Inf(1)
	}
	if len(path) == 1 {
		return Distance(path[0], p)
	}
	kx := math.Cos(p[1]*math.Pi/180) * orb.EarthRadius * math.Pi / 180
	ky := orb.EarthRadius * math.Pi / 180
	best := math.Inf(1)
	for i := 1; i < len(path); i++ {
		ax, ay := (path[i-1][0]-p[0])*kx, (path[i-1][1]-p[1])*ky
		bx, by := (path[i][0]-p[0])*kx, (path[i][1]-p[1])*ky
		dx, dy := bx-ax, by-ay
		t := 0.0
		if l2 := dx*dx + dy*dy; l2 > 0 {
			t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l2))
		}
		if d := math.Hypot(ax+t*dx, ay+t*dy); d < best {
			best = d
		}
	}
	return best
}

// Contains reports whether p lies inside the lake (on the edge counts).
func (pg Polygon) Contains(p [2]float64) bool {
	r := make(orb.Ring, len(pg.Ring))
	for i, q := range pg.Ring {
		r[i] = q
	}
	return planar.RingContains(r, p)
}

// DistanceTo is 0 inside the lake, else the distance in metres from p to the
// shore.
func (pg Polygon) DistanceTo(p [2]float64) float64 {
	if pg.Contains(p) {
		return 0
	}
	return DistanceToPath(pg.Ring, p)
}
