package simulate

import (
	"errors"
	"math"
	"math/rand/v2"
)

const earthRadius = 6371008.8 // metres, mean

// route is a Route prepared for movement: cumulative along-line distances
// for rivers and ferries, the ring and its box for lakes.
type route struct {
	id, kind, name string
	cargo          bool
	ports          []string
	border         bool
	chinaSide      int
	pts            [][2]float64
	cum            []float64 // metres from pts[0]
	total          float64
	miter          [][2]float64 // rivers: per vertex, the shift (east, north) of a lane 1 m to the right
	// Where the fleet may not go (restricted hotspots, barrier.go): on a
	// river, stretches [from, to] metres along it; in a lake, circles.
	barriers       [][2]float64
	keepOut        []circle
	minLon, minLat float64
	maxLon, maxLat float64
}

func newRoute(r *Route) (*route, error) {
	rt := &route{id: r.ID, kind: r.Kind, name: r.Name, cargo: r.Cargo, ports: r.Ports, pts: r.Line,
		border: r.Border, chinaSide: r.ChinaSide}
	if r.Border && (r.Kind != KindRiver || (r.ChinaSide != 1 && r.ChinaSide != -1)) {
		return nil, errors.New("a border needs a river with ChinaSide +1 or -1")
	}
	switch r.Kind {
	case KindRiver, KindFerry:
		if len(r.Line) < 2 {
			return nil, errors.New("needs 2 or more points")
		}
	case KindLake:
		if len(r.Line) < 4 || r.Line[0] != r.Line[len(r.Line)-1] {
			return nil, errors.New("a lake needs a closed outline of 4 or more points")
		}
	default:
		return nil, errors.New("unknown kind " + r.Kind)
	}
	rt.cum = make([]float64, len(r.Line))
	rt.minLon, rt.minLat, rt.maxLon, rt.maxLat = 180, 90, -180, -90
	for i, p := range r.Line {
		if p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
			return nil, errors.New("position out of range")
		}
		if i > 0 {
			rt.cum[i] = rt.cum[i-1] + distance(r.Line[i-1], p)
		}
		rt.minLon, rt.maxLon = math.Min(rt.minLon, p[0]), math.Max(rt.maxLon, p[0])
		rt.minLat, rt.maxLat = math.Min(rt.minLat, p[1]), math.Max(rt.maxLat, p[1])
	}
	rt.total = rt.cum[len(rt.cum)-1]
	if rt.total < 50 {
		return nil, errors.New("shorter than 50 m")
	}
	if r.Kind == KindRiver {
		rt.miter = miters(r.Line)
	}
	return rt, nil
}

// at returns the position s metres along the line and the course (degrees
// true) of travel there in direction dir (+1 downstream, -1 up).
func (r *route) at(s float64, dir int) ([2]float64, float64) {
	lo, t := r.locate(s)
	a, b := r.pts[lo-1], r.pts[lo]
	p := [2]float64{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}
	if dir < 0 {
		a, b = b, a
	}
	return p, bearing(a, b)
}

// locate finds the segment holding the point s metres along the line: it
// runs from pts[lo-1] to pts[lo], the point t of the way along it.
func (r *route) locate(s float64) (lo int, t float64) {
	s = math.Max(0, math.Min(r.total, s))
	lo, hi := 1, len(r.cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if r.cum[mid] < s {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if seg := r.cum[lo] - r.cum[lo-1]; seg > 0 {
		t = (s - r.cum[lo-1]) / seg
	}
	return lo, t
}

// contains reports whether p is inside the lake outline (ray casting).
func (r *route) contains(p [2]float64) bool {
	if p[0] < r.minLon || p[0] > r.maxLon || p[1] < r.minLat || p[1] > r.maxLat {
		return false
	}
	in := false
	for i, j := 0, len(r.pts)-1; i < len(r.pts); j, i = i, i+1 {
		a, b := r.pts[i], r.pts[j]
		if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < (b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}

// randomInside draws a point inside the lake, at least 100 m from its shore
// being likely but not guaranteed; ok is false if 200 draws all missed.
func (r *route) randomInside(rng *rand.Rand) ([2]float64, bool) {
	for range 200 {
		p := [2]float64{r.minLon + rng.Float64()*(r.maxLon-r.minLon), r.minLat + rng.Float64()*(r.maxLat-r.minLat)}
		if r.contains(p) {
			return p, true
		}
	}
	return [2]float64{}, false
}

// segmentInside reports whether the straight run a→b stays in the lake,
// checked every ~100 m.
func (r *route) segmentInside(a, b [2]float64) bool {
	n := int(distance(a, b)/100) + 1
	for i := 0; i <= n; i++ {
		t := float64(i) / float64(n)
		if !r.contains([2]float64{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}) {
			return false
		}
	}
	return true
}

// distance is the haversine distance in metres.
func distance(a, b [2]float64) float64 {
	la1, la2 := a[1]*math.Pi/180, b[1]*math.Pi/180
	dla, dlo := la2-la1, (b[0]-a[0])*math.Pi/180
	h := math.Sin(dla/2)*math.Sin(dla/2) + math.Cos(la1)*math.Cos(la2)*math.Sin(dlo/2)*math.Sin(dlo/2)
	return 2 * earthRadius * math.Asin(math.Min(1, math.Sqrt(h)))
}

// bearing is the initial course from a to b, degrees true in [0, 360).
func bearing(a, b [2]float64) float64 {
	la1, la2 := a[1]*math.Pi/180, b[1]*math.Pi/180
	dlo := (b[0] - a[0]) * math.Pi / 180
	y := math.Sin(dlo) * math.Cos(la2)
	x := math.Cos(la1)*math.Sin(la2) - math.Sin(la1)*math.Cos(la2)*math.Cos(dlo)
	return math.Mod(math.Atan2(y, x)*180/math.Pi+360, 360)
}

// destination is the point dist metres from p on initial course brg
// (degrees true), on the sphere.
func destination(p [2]float64, brg, dist float64) [2]float64 {
	la1, lo1 := p[1]*math.Pi/180, p[0]*math.Pi/180
	th, d := brg*math.Pi/180, dist/earthRadius
	la2 := math.Asin(math.Sin(la1)*math.Cos(d) + math.Cos(la1)*math.Sin(d)*math.Cos(th))
	lo2 := lo1 + math.Atan2(math.Sin(th)*math.Sin(d)*math.Cos(la1), math.Cos(d)-math.Sin(la1)*math.Sin(la2))
	return [2]float64{lo2 * 180 / math.Pi, la2 * 180 / math.Pi}
}
