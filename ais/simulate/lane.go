package simulate

import "math"

// Lanes: river vessels do not sail on the centerline. On a border river the
// boundary is the centerline, so a boat on it would touch or cross the
// border all day; there vessels keep to our half, and moor at our bank
// beyond the reach of a loitering watch. Elsewhere they keep to starboard
// of their direction of travel, and cross to the other side of the river
// over the first stretch of a leg when they turn back.
const (
	laneMinM, laneMaxM               = 30.0, 100.0  // other rivers: starboard of the direction of travel
	laneBorderMinM, laneBorderMaxM   = 60.0, 150.0  // border rivers: our half, either way
	berthBorderMinM, berthBorderMaxM = 200.0, 240.0 // border rivers: moored at our bank
	laneBlendM                       = 400.0        // a lane change takes this far along the river
	maxMiter                         = 4.0          // a lane's corner at a hairpin is cut at 4 lane widths
)

const mPerDegLat = earthRadius * math.Pi / 180

// miters returns, for each vertex of a line, the shift in metres (east,
// north) that puts a point 1 m to the right of the line: the miter of the
// two segments' normals at an inner vertex, so that a lane built from
// these shifts runs parallel to every segment, at the same distance.
func miters(line [][2]float64) [][2]float64 {
	n := len(line)
	normals := make([][2]float64, n-1) // unit right-hand normal of each segment
	var last [2]float64
	for i := range n - 1 {
		kx := math.Cos((line[i][1]+line[i+1][1])/2*math.Pi/180) * mPerDegLat
		dx, dy := (line[i+1][0]-line[i][0])*kx, (line[i+1][1]-line[i][1])*mPerDegLat
		if l := math.Hypot(dx, dy); l > 1e-6 {
			last = [2]float64{dy / l, -dx / l}
		}
		normals[i] = last // a zero-length segment takes the one before
	}
	for i := n - 2; i >= 0; i-- { // leading zero-length segments take the one after
		if normals[i] == ([2]float64{}) && i < n-2 {
			normals[i] = normals[i+1]
		}
	}
	out := make([][2]float64, n)
	out[0], out[n-1] = normals[0], normals[n-2]
	for i := 1; i < n-1; i++ {
		a, b := normals[i-1], normals[i]
		m := [2]float64{a[0] + b[0], a[1] + b[1]}
		l := math.Hypot(m[0], m[1])
		if l < 1e-9 { // the line doubles back on itself
			out[i] = b
			continue
		}
		m = [2]float64{m[0] / l, m[1] / l}
		f := math.Min(maxMiter, 1/math.Max(1e-9, m[0]*b[0]+m[1]*b[1]))
		out[i] = [2]float64{m[0] * f, m[1] * f}
	}
	return out
}

// laneAt is the point s metres along a river and off metres to the right of
// its centerline (negative: to the left), and the course of the river
// there in direction dir.
func (r *route) laneAt(s, off float64, dir int) ([2]float64, float64) {
	p, course := r.at(s, dir)
	if off == 0 || r.miter == nil {
		return p, course
	}
	lo, t := r.locate(s)
	a, b := r.miter[lo-1], r.miter[lo]
	east, north := off*(a[0]+t*(b[0]-a[0])), off*(a[1]+t*(b[1]-a[1]))
	return shift(p, east, north), course
}

// shift moves p by east and north metres (flat: fine over a few hundred).
func shift(p [2]float64, east, north float64) [2]float64 {
	return [2]float64{p[0] + east/(mPerDegLat*math.Cos(p[1]*math.Pi/180)), p[1] + north/mPerDegLat}
}

// project finds the point of the line nearest p: how far along the line it
// is, and how far p lies from it, positive to the right of the line's
// direction. Distances are flat, in metres, accurate to well under 1% at
// river scales. Where the nearest point is a vertex, the side is judged
// against the bisector of the two segments there.
func (r *route) project(p [2]float64) (along, side float64) {
	kx := math.Cos(p[1]*math.Pi/180) * mPerDegLat
	best := math.Inf(1)
	var bestI int
	var bestU float64
	for i := 1; i < len(r.pts); i++ {
		ax, ay := (r.pts[i-1][0]-p[0])*kx, (r.pts[i-1][1]-p[1])*mPerDegLat
		bx, by := (r.pts[i][0]-p[0])*kx, (r.pts[i][1]-p[1])*mPerDegLat
		dx, dy := bx-ax, by-ay
		u := 0.0
		if l2 := dx*dx + dy*dy; l2 > 0 {
			u = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l2))
		}
		if d := math.Hypot(ax+u*dx, ay+u*dy); d < best {
			best, bestI, bestU = d, i, u
		}
	}
	along = r.cum[bestI-1] + bestU*(r.cum[bestI]-r.cum[bestI-1])
	// Which side: against the lane direction there (the miter at a vertex).
	var n [2]float64
	if r.miter != nil {
		a, b := r.miter[bestI-1], r.miter[bestI]
		n = [2]float64{a[0] + bestU*(b[0]-a[0]), a[1] + bestU*(b[1]-a[1])}
	} else {
		dx := (r.pts[bestI][0] - r.pts[bestI-1][0]) * kx
		dy := (r.pts[bestI][1] - r.pts[bestI-1][1]) * mPerDegLat
		n = [2]float64{dy, -dx}
	}
	q, _ := r.at(along, 1)
	ex, ny := (p[0]-q[0])*kx, (p[1]-q[1])*mPerDegLat
	if ex*n[0]+ny*n[1] < 0 {
		best = -best
	}
	return along, best
}

// laneTarget is where across the river the vessel sails on its present
// leg: metres right of the centerline.
func (v *vessel) laneTarget() float64 {
	if v.route.border {
		return float64(v.route.chinaSide) * v.laneM
	}
	return float64(v.dir) * v.laneM // starboard
}

// berthOffset is where across the river the vessel moors at the end of its
// present leg.
func (v *vessel) berthOffset() float64 {
	if v.route.border {
		return float64(v.route.chinaSide) * v.berthM
	}
	return v.laneTarget()
}

// laneOffset is the vessel's offset x metres into its present leg: from
// where it left (off0) into its lane, and at the end into its berth, each
// change eased over laneBlendM.
func (v *vessel) laneOffset(x float64) float64 {
	lane := v.laneTarget()
	blend := math.Min(laneBlendM, v.legLen/2)
	if blend <= 0 {
		return lane
	}
	out := lane
	if x < blend {
		out += (v.off0 - lane) * smooth(1-x/blend)
	}
	if rem := v.legLen - x; rem < blend {
		out += (v.berthOffset() - lane) * smooth(1-rem/blend)
	}
	return out
}

// smooth eases u in [0, 1] in and out (smoothstep).
func smooth(u float64) float64 {
	u = math.Max(0, math.Min(1, u))
	return u * u * (3 - 2*u)
}
