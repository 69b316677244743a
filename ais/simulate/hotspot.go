package simulate

import (
	"errors"
	"math"
)

// Hotspot kinds: the places incidents are staged at.
const (
	HotspotRestricted = "restricted"     // a no-entry circle (a dam): Point, RadiusM
	HotspotSpeedLimit = "speed_limit"    // a speed-limit circle (round a quay): Point, RadiusM, SpeedLimitKn
	HotspotBridge     = "bridge"         // the water round a bridge: Point, RadiusM
	HotspotAnchorage  = "anchorage"      // where vessels anchor: Point, RadiusM
	HotspotBorder     = "border"         // a boundary mid-river: Line, ChinaSide
	HotspotCrossing   = "ferry_crossing" // a ferry's crossing: Line bank to bank, Capacity, Route
)

// Hotspot is a place where incidents are staged, as plain values: the
// caller's zones (package ais knows nothing of them). Circles (restricted,
// speed_limit, bridge, anchorage) are Point and RadiusM; a border is the
// boundary Line with our half on ChinaSide; a ferry crossing is its Line
// from bank to bank, its licensed Capacity in persons (0: unknown) and the
// Route (by ID) its ferry works.
type Hotspot struct {
	Kind         string
	ID           string
	Point        [2]float64 // [lon, lat]
	RadiusM      float64
	Line         [][2]float64
	SpeedLimitKn float64
	Capacity     int
	ChinaSide    int // border: +1 our half is right of Line's direction, −1 left
	Route        string
}

func (h *Hotspot) circle() bool {
	switch h.Kind {
	case HotspotRestricted, HotspotSpeedLimit, HotspotBridge, HotspotAnchorage:
		return true
	}
	return false
}

func (h *Hotspot) check() error {
	switch {
	case h.circle():
		if h.RadiusM <= 0 || h.RadiusM > 20e3 || !validPoint(h.Point) {
			return errors.New("a circle needs a position and a radius of up to 20 km")
		}
	case h.Kind == HotspotBorder || h.Kind == HotspotCrossing:
		if len(h.Line) < 2 {
			return errors.New("a line needs 2 or more points")
		}
		for _, p := range h.Line {
			if !validPoint(p) {
				return errors.New("position out of range")
			}
		}
		if h.Kind == HotspotBorder && h.ChinaSide != 1 && h.ChinaSide != -1 {
			return errors.New("a border needs ChinaSide +1 or -1")
		}
	default:
		return errors.New("unknown kind " + h.Kind)
	}
	return nil
}

func validPoint(p [2]float64) bool { return p[0] >= -180 && p[0] <= 180 && p[1] >= -90 && p[1] <= 90 }

// hotspot is a Hotspot prepared for staging: its line as a route, and the
// river it lies on.
type hotspot struct {
	Hotspot
	line  *route  // border, crossing
	river *route  // the river it lies on (circles, crossings), nil if none within reach
	along float64 // where on that river: metres along its line
	lake  *route  // the lake holding it, if any
}

// newHotspot prepares h on the routes: the nearest river within reach of a
// circle's centre (its radius plus 500 m) or of a crossing's middle.
func newHotspot(h Hotspot, routes []*route) (*hotspot, error) {
	if err := h.check(); err != nil {
		return nil, err
	}
	hs := &hotspot{Hotspot: h}
	if h.Kind == HotspotBorder || h.Kind == HotspotCrossing {
		r, err := newRoute(&Route{ID: h.ID, Kind: KindRiver, Line: h.Line, Border: h.Kind == HotspotBorder, ChinaSide: h.ChinaSide})
		if err != nil {
			return nil, err
		}
		hs.line = r
	}
	at, reach := h.Point, h.RadiusM+500
	if h.Kind == HotspotCrossing {
		at, _ = hs.line.at(hs.line.total/2, 1)
		reach = hs.line.total/2 + 300
	}
	if h.Kind != HotspotBorder {
		best := math.Inf(1)
		for _, r := range routes {
			switch r.kind {
			case KindRiver:
				if along, side := r.project(at); math.Abs(side) < reach && math.Abs(side) < best {
					hs.river, hs.along, best = r, along, math.Abs(side)
				}
			case KindLake:
				if hs.lake == nil && r.contains(at) {
					hs.lake = r
				}
			}
		}
	}
	return hs, nil
}

// inside reports whether p is in the circle.
func (h *hotspot) inside(p [2]float64, marginM float64) bool {
	return h.circle() && distance(h.Point, p) <= h.RadiusM+marginM
}

// near reports whether p lies within d metres of the hotspot: of its
// circle's edge, or of its line.
func (h *hotspot) near(p [2]float64, d float64) bool {
	if h.circle() {
		return h.inside(p, d)
	}
	_, side := h.line.project(p)
	return math.Abs(side) <= d
}

// clashes counts the points of a path that come near the hotspots other
// than own: inside a circle or 150 m round it, within 200 m of a crossing.
// An incident picks the way that clashes least, so that it raises the
// alert it is staged for and few others.
func (s *Simulator) clashes(path [][2]float64, own *hotspot) int {
	n := 0
	for _, h := range s.hotspots {
		if h == own || h.Kind == HotspotBorder {
			continue
		}
		margin := 150.0
		if h.Kind == HotspotCrossing {
			margin = 200
		}
		for _, p := range path {
			if h.near(p, margin) {
				n++
			}
		}
	}
	return n
}

// riverPath samples a river lane from along a to b, offset off, every
// 100 m.
func riverPath(r *route, a, b, off float64) [][2]float64 {
	n := int(math.Abs(b-a)/100) + 1
	out := make([][2]float64, 0, n+1)
	for i := 0; i <= n; i++ {
		p, _ := r.laneAt(a+(b-a)*float64(i)/float64(n), off, 1)
		out = append(out, p)
	}
	return out
}
