package simulate

import "math"

// spot is a fixed place on a river or along a border where incidents of
// some kinds are staged; fixed, so that the vessel an incident adds (one
// MMSI per kind and place) always reappears where it was last seen.
type spot struct {
	name string
	r    *route   // the river, or the border line
	h    *hotspot // the border, for a border spot
	s    float64  // metres along r
	role int      // border spots: 0 for crossings, 1 for loitering, kept apart
}

// lakeSpot is where two vessels meet head-on in a lake: the middle c and
// the bearing of the first one's course.
type lakeSpot struct {
	name string
	r    *route
	c    [2]float64
	brg  float64
}

// anchorSpot is where a vessel anchors and the way it drags: along a river
// (r set) or straight on brg.
type anchorSpot struct {
	name  string
	a     [2]float64
	brg   float64
	r     *route
	along float64
}

// Metres of the head-on meeting in a lake: each vessel starts meetStart
// from the middle and turns away meetTurn from it, then runs meetAway.
const meetStart, meetTurn, meetAway = 900.0, 300.0, 300.0

// prepare finds the fixed places: stretches of each border and spots on
// each river clear of the hotspots, a meeting place in each lake, and an
// anchor spot in each anchorage (or lake).
func (sc *scheduler) prepare(s *Simulator) {
	fractions := []float64{0.35, 0.65, 0.5, 0.2, 0.8}
	for _, h := range s.hotspots {
		if h.Kind != HotspotBorder || h.line.total < 6e3 {
			continue
		}
		var found []spot
		for _, f := range fractions {
			at := math.Max(2e3, math.Min(h.line.total-2e3, f*h.line.total))
			if len(found) < 4 && s.clashes(riverPath(h.line, at-1200, at+1200, float64(h.ChinaSide)*100), nil) == 0 {
				found = append(found, spot{name: h.ID, r: h.line, h: h, s: at, role: len(found) % 2})
			}
		}
		if len(found) == 0 { // nowhere clear: the middle, clashes and all
			found = append(found, spot{name: h.ID, r: h.line, h: h, s: h.line.total / 2})
		}
		if len(found) == 1 {
			found = append(found, found[0])
			found[1].role = 1
		}
		sc.borderSpots = append(sc.borderSpots, found...)
	}
	for _, r := range s.routes {
		if r.kind != KindRiver || r.total < 3e3 {
			continue
		}
		n := 0
		for _, f := range fractions {
			at := math.Max(1e3, math.Min(r.total-1e3, f*r.total))
			if n < 2 && s.clashes(riverPath(r, at-800, at+800, 0), nil) == 0 {
				sc.riverSpots = append(sc.riverSpots, spot{name: r.id, r: r, s: at})
				n++
			}
		}
	}
	for _, r := range s.routes {
		if r.kind != KindLake {
			continue
		}
		if ls, ok := sc.meetingPlace(s, r); ok {
			sc.lakeSpots = append(sc.lakeSpots, ls)
		}
	}
	for _, h := range s.hotspots {
		if h.Kind != HotspotAnchorage {
			continue
		}
		as := anchorSpot{name: h.ID, a: h.Point, brg: 90}
		switch {
		case h.river != nil:
			as.r, as.along = h.river, math.Max(60, math.Min(h.along, h.river.total-400))
			as.a, _ = h.river.at(as.along, 1)
		case h.lake != nil:
			if brg, ok := sc.dragWay(h.lake, h.Point); ok {
				as.brg = brg
			}
		}
		sc.anchorSpots = append(sc.anchorSpots, as)
	}
	if len(sc.anchorSpots) == 0 {
		for _, r := range s.routes {
			if r.kind != KindLake {
				continue
			}
			for range 100 {
				p, ok := r.randomInside(sc.rng)
				if !ok {
					break
				}
				if brg, ok := sc.dragWay(r, p); ok && s.clashes([][2]float64{p}, nil) == 0 {
					sc.anchorSpots = append(sc.anchorSpots, anchorSpot{name: r.id, a: p, brg: brg})
					break
				}
			}
		}
	}
}

// meetingPlace finds in lake r a middle and a bearing for which both
// vessels' runs stay in the lake and clear of the hotspots.
func (sc *scheduler) meetingPlace(s *Simulator, r *route) (lakeSpot, bool) {
	for range 300 {
		c, ok := r.randomInside(sc.rng)
		if !ok {
			return lakeSpot{}, false
		}
		ls := lakeSpot{name: r.id, r: r, c: c, brg: sc.rng.Float64() * 360}
		ok = true
		var path [][2]float64
		for _, track := range ls.runs() {
			for i := 1; i < len(track); i++ {
				ok = ok && r.segmentInside(track[i-1], track[i])
			}
			path = append(path, track[:]...)
		}
		if ok && s.clashes(path, nil) == 0 {
			return ls, true
		}
	}
	return lakeSpot{}, false
}

// runs are the two vessels' tracks: start, turning point, end.
func (ls *lakeSpot) runs() [2][3][2]float64 {
	var out [2][3][2]float64
	for i, brg := range []float64{ls.brg, ls.brg + 180} {
		a := destination(ls.c, brg+180, meetStart)
		b := destination(ls.c, brg+180, meetTurn)
		out[i] = [3][2]float64{a, b, destination(b, brg+90, meetAway)}
	}
	return out
}

// dragWay finds a bearing along which a vessel can drag 400 m from p and
// stay in lake r.
func (sc *scheduler) dragWay(r *route, p [2]float64) (float64, bool) {
	for range 16 {
		brg := sc.rng.Float64() * 360
		if r.segmentInside(destination(p, brg+180, 100), destination(p, brg, 400)) {
			return brg, true
		}
	}
	return 0, false
}
