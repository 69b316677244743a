package zones

import (
	"math"
	"slices"
	"time"
)

const knToMS = 1852.0 / 3600

// pairs runs the rules between vessels for s: collision_risk with the
// vessels under way around it (found through the vessel grid, never by
// comparing every pair) and ferry_conflict on the crossings it is in. Every
// pair episode of s is judged again, so one whose partner went out of
// range clears.
func (e *Engine) pairs(s *vstate, now time.Time) {
	judged := e.judged
	clear(judged)
	if s.underWay {
		e.nbrs = e.grid.appendNear(e.nbrs[:0], s, e.cfg.CollisionRangeM)
		for _, m := range e.nbrs {
			o := e.vs[m]
			if o == nil || o == s || !o.underWay || s.at.Sub(o.at) > maxPositionAge || o.at.Sub(s.at) > maxPositionAge {
				continue
			}
			e.collision(s, o, now, judged)
			e.ferryClosing(s, o, now, judged)
		}
	}
	for _, id := range s.inside {
		z, ok := e.index.Zone(id)
		if !ok || z.Kind != KindFerryCrossing {
			continue
		}
		for m := range e.members[id] {
			o := e.vs[m]
			if o == nil || o == s {
				continue
			}
			switch {
			case e.crossingFerry(s):
				e.ferryConflict(s, o, z, now, judged)
			case e.crossingFerry(o):
				e.ferryConflict(o, s, z, now, judged)
			}
		}
	}
	e.episodesOf(s, func(k string, a *Alert) {
		if (a.Kind == AlertCollisionRisk || a.Kind == AlertFerryConflict) && !judged[k] {
			e.clear(k, now)
		}
	})
}

// crossingFerry reports whether s is a passenger vessel under way on a
// ferry crossing.
func (e *Engine) crossingFerry(s *vstate) bool {
	if s.shipType < 60 || s.shipType > 69 || !s.underWay {
		return false
	}
	for _, id := range s.inside {
		if z, ok := e.index.Zone(id); ok && z.Kind == KindFerryCrossing {
			return true
		}
	}
	return false
}

// cpa returns the time to and the other vessel's position relative to s at
// the closest point of approach, in metres east and north, with o dead
// reckoned to s's report time. ok is false without both courses and speeds.
func cpa(s, o *vstate) (tcpa, dx, dy float64, ok bool) {
	if math.IsNaN(s.sog) || math.IsNaN(s.cog) || math.IsNaN(o.sog) || math.IsNaN(o.cog) {
		return 0, 0, 0, false
	}
	kx := 111_320 * math.Cos(s.lat*math.Pi/180)
	dt := s.at.Sub(o.at).Seconds()
	ovx, ovy := velocity(o.sog, o.cog)
	rx := (o.lon-s.lon)*kx + ovx*dt
	ry := (o.lat-s.lat)*111_320 + ovy*dt
	svx, svy := velocity(s.sog, s.cog)
	vx, vy := ovx-svx, ovy-svy
	v2 := vx*vx + vy*vy
	if v2 > 1e-9 {
		tcpa = -(rx*vx + ry*vy) / v2
	}
	if tcpa < 0 {
		tcpa = 0 // already opening: the closest point is now
	}
	return tcpa, rx + vx*tcpa, ry + vy*tcpa, true
}

func velocity(sogKn, cogDeg float64) (vx, vy float64) {
	c := cogDeg * math.Pi / 180
	return sogKn * knToMS * math.Sin(c), sogKn * knToMS * math.Cos(c)
}

// domain is a vessel's ship domain: an ellipse along its course, four
// lengths ahead and astern and 1.6 lengths abeam (after Fujii's domain for
// narrow waters, as the Danish Maritime Authority's AisAbnormal uses),
// never smaller than 150 m by 50 m: a river is a few hundred metres wide,
// so open-sea rules of thumb (2 NM) would alarm all day.
func domain(s *vstate) (semiMajor, semiMinor float64) {
	l := s.length
	if l <= 0 {
		l = 30
	}
	return math.Max(150, 4*l), math.Max(50, 1.6*l)
}

// inDomain reports how far into s's domain the point (dx, dy) metres from
// s lies: < 1 inside.
func inDomain(s *vstate, dx, dy float64) float64 {
	a, b := domain(s)
	c := s.cog * math.Pi / 180
	along := dx*math.Sin(c) + dy*math.Cos(c)
	across := dx*math.Cos(c) - dy*math.Sin(c)
	return math.Sqrt((along/a)*(along/a) + (across/b)*(across/b))
}

// collision raises collision_risk for s and o when, on their present
// courses, o passes inside s's domain (or s inside o's) within
// CollisionTCPA; it clears with 30% hysteresis or once they open.
func (e *Engine) collision(s, o *vstate, now time.Time, judged map[string]bool) {
	t, dx, dy, ok := cpa(s, o)
	if !ok {
		return
	}
	k := key(AlertCollisionRisk, s.mmsi, o.mmsi, "")
	depth := math.Min(inDomain(s, dx, dy), inDomain(o, -dx, -dy))
	open := e.open(k)
	switch {
	case t <= e.cfg.CollisionTCPA.Seconds() && depth < 1:
		a := e.alert(AlertCollisionRisk, SeverityAlarm, s, nil, map[string]float64{
			"cpa_m": math.Round(math.Hypot(dx, dy)), "tcpa_s": math.Round(t)})
		a.OtherMMSI, a.Key = o.mmsi, k
		e.raise(a, now)
		judged[k] = true
	case open && t <= e.cfg.CollisionTCPA.Seconds() && depth < 1.3:
		judged[k] = true // hysteresis: still close
	}
}

// ferryClosing raises ferry_conflict when s or o is a crossing ferry and
// the other closes on it to under FerryConflictM within
// DefaultFerryConflictFor.
func (e *Engine) ferryClosing(s, o *vstate, now time.Time, judged map[string]bool) {
	ferry, other := s, o
	if !e.crossingFerry(ferry) {
		ferry, other = o, s
		if !e.crossingFerry(ferry) {
			return
		}
	}
	t, dx, dy, ok := cpa(ferry, other)
	if !ok || t > DefaultFerryConflictFor.Seconds() {
		return
	}
	d := math.Hypot(dx, dy)
	z := e.crossingOf(ferry)
	k := key(AlertFerryConflict, ferry.mmsi, other.mmsi, z.ID)
	switch {
	case d < e.cfg.FerryConflictM:
		e.raiseFerry(ferry, other, z, now, map[string]float64{"cpa_m": math.Round(d), "tcpa_s": math.Round(t)})
		judged[k] = true
	case e.open(k) && d < 1.3*e.cfg.FerryConflictM:
		judged[k] = true
	}
}

// ferryConflict raises ferry_conflict for another vessel inside crossing z
// while ferry crosses it.
func (e *Engine) ferryConflict(ferry, other *vstate, z *Zone, now time.Time, judged map[string]bool) {
	e.raiseFerry(ferry, other, z, now, map[string]float64{"distance_m": math.Round(flatDistanceM(ferry.lat, ferry.lon, other.lat, other.lon))})
	judged[key(AlertFerryConflict, ferry.mmsi, other.mmsi, z.ID)] = true
}

func (e *Engine) raiseFerry(ferry, other *vstate, z *Zone, now time.Time, vals map[string]float64) {
	a := e.alert(AlertFerryConflict, SeverityAlarm, ferry, z, vals)
	a.OtherMMSI = other.mmsi
	a.Key = key(AlertFerryConflict, ferry.mmsi, other.mmsi, z.ID)
	e.raise(a, now)
}

// crossingOf returns the ferry crossing zone s is in.
func (e *Engine) crossingOf(s *vstate) *Zone {
	for _, id := range s.inside {
		if z, ok := e.index.Zone(id); ok && z.Kind == KindFerryCrossing {
			return z
		}
	}
	return nil
}

// ---- vessel grid

// gridLat and gridLon are the vessel grid's cell size in degrees, about
// 2.2 km square in Jilin.
const (
	gridLat = 0.02
	gridLon = 0.03
)

type cellKey struct{ lat, lon int32 }

// vesselGrid is a spatial hash of vessels by position: neighbours within a
// few kilometres are found by looking at the cells around, so the pair rules
// cost the vessels nearby, not the whole fleet.
type vesselGrid struct{ cells map[cellKey][]uint32 }

func newVesselGrid() vesselGrid { return vesselGrid{cells: map[cellKey][]uint32{}} }

func cellOf(lat, lon float64) cellKey {
	return cellKey{int32(math.Floor(lat / gridLat)), int32(math.Floor(lon / gridLon))}
}

func (g *vesselGrid) move(s *vstate) {
	c := cellOf(s.lat, s.lon)
	if s.inGrid && c == s.cell {
		return
	}
	g.remove(s)
	g.cells[c] = append(g.cells[c], s.mmsi)
	s.cell, s.inGrid = c, true
}

func (g *vesselGrid) remove(s *vstate) {
	if !s.inGrid {
		return
	}
	ms := g.cells[s.cell]
	if i := slices.Index(ms, s.mmsi); i >= 0 {
		ms[i] = ms[len(ms)-1]
		ms = ms[:len(ms)-1]
	}
	if len(ms) == 0 {
		delete(g.cells, s.cell)
	} else {
		g.cells[s.cell] = ms
	}
	s.inGrid = false
}

// appendNear appends the vessels in the cells within about d metres of s.
func (g *vesselGrid) appendNear(dst []uint32, s *vstate, d float64) []uint32 {
	nLat := int32(math.Ceil(d / (gridLat * 111_320)))
	nLon := int32(math.Ceil(d / (gridLon * 111_320 * math.Cos(s.lat*math.Pi/180))))
	c := cellOf(s.lat, s.lon)
	for i := c.lat - nLat; i <= c.lat+nLat; i++ {
		for j := c.lon - nLon; j <= c.lon+nLon; j++ {
			dst = append(dst, g.cells[cellKey{i, j}]...)
		}
	}
	return dst
}
