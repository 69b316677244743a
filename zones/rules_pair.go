package zones

import (
	"math"
	"time"
)

const knToMS = 1852.0 / 3600

// pairs runs the rules between vessels for s: collision_risk with the
// vessels under way around it (found through the vessel grid, never by
// comparing every pair) and ferry_conflict on the crossings it is in. Every
// pair episode of s is judged again, so one whose partner went out of
// range clears.
func (e *Engine) pairs(s *vstate, now time.Time) {
	e.seq++
	if f := e.crossingFerry(s); f != s.ferry {
		s.ferry = f
		e.grid.refresh(s)
	}
	active := s.underWay && s.moving
	scan, half := false, false
	if active {
		scan, half = e.rescan(s)
	}
	if scan {
		s.pairAt, s.pairSOG, s.pairCOG = s.at, s.sog, s.cog
		horizon := max(e.cfg.CollisionTCPA, DefaultFerryConflictFor).Seconds()
		e.nbrs = e.grid.appendCandidates(e.nbrs[:0], s, e.cfg.CollisionRangeM, horizon, 1.3*maxDomainReach, e.cfg.FerryConflictM, half)
		for _, o := range e.nbrs {
			e.collision(s, o, now)
			if s.ferry || o.ferry {
				e.ferryClosing(s, o, now)
			}
		}
	}
	if active && (!scan || half) {
		// Between scans, and for the half of the neighbours a half scan
		// leaves to them, the vessels it has a collision or closing alert
		// with are judged again, so that the alert follows and clears
		// promptly, and holds: two reports unjudged would end it.
		e.partners(s, now)
	}
	for _, z := range e.insideZones(s) {
		if z.Kind != KindFerryCrossing {
			continue
		}
		for m := range e.members[z.ID] {
			o := e.vs.get(m)
			if o == nil || o == s {
				continue
			}
			// On a long crossing (a lake's) only a vessel near the ferry
			// is in its way.
			if flatDistanceM(s.lat, s.lon, o.lat, o.lon) > ferryConflictNearM {
				continue
			}
			switch {
			case s.ferry:
				e.ferryConflict(s, o, z, now)
			case o.ferry:
				e.ferryConflict(o, s, z, now)
			}
		}
	}
	if len(s.eps) == 0 {
		return
	}
	e.episodesOfKinds(s, AlertCollisionRisk, AlertFerryConflict, func(ep *episode) {
		a := &ep.alert
		if ep.judged == e.seq {
			ep.misses = 0
			return
		}
		// The partner must be one this process hears, and the pair must
		// have been judged clear twice running: an adopted episode is not
		// cleared before its partner reports, and a pair at the edge of
		// the domain does not flap.
		other := a.OtherMMSI
		if other == s.mmsi {
			other = a.MMSI
		}
		if o := e.vs.get(other); o == nil || !o.fix.valid() {
			return
		}
		if ep.misses++; ep.misses >= 2 || !active {
			e.end(ep, now)
		}
	})
}

// rescan reports whether the pair rules should look at s's neighbours on
// this report, and whether half of them do: every DefaultPairEvery half
// (see vesselGrid.appendCandidates: the other half look at s), and all of
// them at once on a change of course (10°) or speed (2 kn), so that a risk
// opens within a report of appearing from a change.
func (e *Engine) rescan(s *vstate) (scan, half bool) {
	if s.pairAt.isZero() || math.Abs(s.sog-s.pairSOG) > 2 {
		return true, false
	}
	// Courses are in [0, 360) (NaN when not known: no change seen). A
	// remainder by 360 would cost more than the rest of the test.
	d := math.Abs(s.cog - s.pairCOG)
	if d > 180 {
		d = 360 - d
	}
	if d > 10 {
		return true, false
	}
	return s.pairAt.until(s.at) >= DefaultPairEvery, true
}

// partners judges again the pairs of s's open collision and closing
// episodes that this report has not judged yet.
func (e *Engine) partners(s *vstate, now time.Time) {
	for i := 0; i < len(s.eps); i++ {
		kind := s.eps[i].id.kind
		if kind != AlertCollisionRisk && kind != AlertFerryConflict {
			continue
		}
		ep := s.eps[i].ep
		if ep.judged == e.seq {
			continue
		}
		other := ep.alert.MMSI
		if other == s.mmsi {
			other = ep.alert.OtherMMSI
		}
		o := e.vs.get(other)
		switch {
		case o == nil || !o.underWay || !o.moving:
			// Not judged: the misses below decide.
		case kind == AlertCollisionRisk:
			e.collision(s, o, now) // updates ep, never ends it
		case s.ferry || o.ferry:
			e.ferryClosing(s, o, now)
		}
	}
}

// ferryConflictNearM is how near a crossing ferry another vessel in the
// same crossing must be to be in its way.
const ferryConflictNearM = 1000.0

// crossingFerry reports whether s is a passenger vessel under way on a
// ferry crossing.
func (e *Engine) crossingFerry(s *vstate) bool {
	if s.shipType < 60 || s.shipType > 69 || !s.underWay {
		return false
	}
	for _, z := range e.insideZones(s) {
		if z.Kind == KindFerryCrossing {
			return true
		}
	}
	return false
}

// cpa returns the time to and the other vessel's position relative to s at
// the closest point of approach, in metres east and north, with o dead
// reckoned to s's report time. Both must be moving (known course and
// speed).
func cpa(s, o *vstate) (tcpa, dx, dy float64) {
	dt := o.at.until(s.at).Seconds()
	rx := (o.lon-s.lon)*s.kx + o.vx*dt
	ry := (o.lat-s.lat)*mPerDegLat + o.vy*dt
	vx, vy := o.vx-s.vx, o.vy-s.vy
	if v2 := vx*vx + vy*vy; v2 > 1e-9 {
		tcpa = max(0, -(rx*vx+ry*vy)/v2) // already opening: the closest point is now
	}
	return tcpa, rx + vx*tcpa, ry + vy*tcpa
}

// setMotion keeps what the pair rules need of a new fix: metres per degree
// of longitude, the velocity in m/s east and north, the course's sine and
// cosine.
func (s *vstate) setMotion() {
	// kx is taken again only when the vessel has gone north or south by
	// more than kxStaleDeg: between reports it moves tens of metres, and
	// the cosine costs as much as the rest of this.
	if d := s.lat - s.kxLat; s.kx == 0 || d > kxStaleDeg || d < -kxStaleDeg {
		s.kx, s.kxLat = mPerDegLat*math.Cos(s.lat*math.Pi/180), s.lat
	}
	s.moving = !math.IsNaN(s.sog) && !math.IsNaN(s.cog)
	if !s.moving {
		s.vx, s.vy = 0, 0
		return
	}
	s.sinC, s.cosC = math.Sincos(s.cog * math.Pi / 180)
	v := s.sog * knToMS
	s.vx, s.vy = v*s.sinC, v*s.cosC
}

// kxStaleDeg is how far in latitude kx may lag its vessel: 0.001°, some
// 110 m, changes the cosine in Jilin by 2 parts in 100,000 (5 cm over the
// 3 km the pair rules look).
const kxStaleDeg = 0.001

// domain is a vessel's ship domain: an ellipse along its course, three
// lengths ahead and astern and 0.8 lengths abeam (Fujii and Tanaka's domain
// for narrow channels, 6L by 1.6L; the Danish Maritime Authority's
// AisAbnormal uses ship domains the same way), never smaller than 120 m by
// 30 m. A river is a few hundred metres wide and vessels pass each other at
// 50–150 m, so open-sea rules of thumb (2 NM) would alarm all day.
func domain(s *vstate) (semiMajor, semiMinor float64) {
	l := s.length
	if l <= 0 {
		l = 30
	}
	l = min(l, maxDomainLength)          // AIS lengths are sent, not trusted
	return max(120, 3*l), max(30, 0.8*l) // the built-in: math.Max is not inlined
}

// maxDomainLength caps the length a domain is drawn for: the longest
// vessels on Jilin's rivers are well under 200 m.
const (
	maxDomainLength = 200.0
	maxDomainReach  = 3 * maxDomainLength
)

// domainReach is the semi-major axis of s's domain.
func domainReach(s *vstate) float64 {
	a, _ := domain(s)
	return a
}

// inDomain reports how far into s's domain the point (dx, dy) metres from
// s lies: < 1 inside.
func inDomain(s *vstate, dx, dy float64) float64 {
	a, b := domain(s)
	along := dx*s.sinC + dy*s.cosC
	across := dx*s.cosC - dy*s.sinC
	return math.Sqrt((along/a)*(along/a) + (across/b)*(across/b))
}

// collision raises collision_risk for s and o when, on their present
// courses, o passes inside s's domain (or s inside o's) within
// CollisionTCPA; it clears with 30% hysteresis or once they open.
func (e *Engine) collision(s, o *vstate, now time.Time) {
	t, dx, dy := cpa(s, o)
	if t > e.cfg.CollisionTCPA.Seconds() {
		return
	}
	// No domain reaches further ahead than its semi-major axis, with the
	// hysteresis: a cheap test before the ellipses.
	reach := 1.3 * math.Max(domainReach(s), domainReach(o))
	if dx*dx+dy*dy > reach*reach {
		return
	}
	depth := math.Min(inDomain(s, dx, dy), inDomain(o, -dx, -dy))
	switch {
	case t <= e.cfg.CollisionTCPA.Seconds() && depth < 1:
		e.judge(e.raiseB(breachOf(AlertCollisionRisk, SeverityAlarm, s, nil).withOther(o.mmsi).
			with("cpa_m", math.Round(math.Hypot(dx, dy))).with("tcpa_s", math.Round(t)), now))
	case t <= e.cfg.CollisionTCPA.Seconds() && depth < 1.3:
		e.judge(e.find(s, AlertCollisionRisk, o.mmsi, "")) // hysteresis: still close
	}
}

// judge marks pair episode ep (may be nil) as found at risk by this
// report.
func (e *Engine) judge(ep *episode) {
	if ep != nil {
		ep.judged = e.seq
	}
}

// ferryClosing raises ferry_conflict when s or o is a crossing ferry and
// the other closes on it to under FerryConflictM within
// DefaultFerryConflictFor.
func (e *Engine) ferryClosing(s, o *vstate, now time.Time) {
	ferry, other := s, o
	if !ferry.ferry {
		ferry, other = o, s
	}
	t, dx, dy := cpa(ferry, other)
	if t > DefaultFerryConflictFor.Seconds() {
		return
	}
	d := math.Hypot(dx, dy)
	z := e.crossingOf(ferry)
	if z == nil { // its crossing was removed since it was judged a ferry
		return
	}
	b := breachOf(AlertFerryConflict, SeverityAlarm, ferry, z).withOther(other.mmsi)
	switch {
	case d < e.cfg.FerryConflictM:
		e.judge(e.raiseB(b.with("cpa_m", math.Round(d)).with("tcpa_s", math.Round(t)), now))
	case d < 1.3*e.cfg.FerryConflictM:
		e.judge(e.find(ferry, b.kind, other.mmsi, z.ID))
	}
}

// ferryConflict raises ferry_conflict for another vessel inside crossing z
// while ferry crosses it.
func (e *Engine) ferryConflict(ferry, other *vstate, z *Zone, now time.Time) {
	e.judge(e.raiseB(breachOf(AlertFerryConflict, SeverityAlarm, ferry, z).withOther(other.mmsi).
		with("distance_m", math.Round(flatDistanceM(ferry.lat, ferry.lon, other.lat, other.lon))), now))
}

// crossingOf returns the ferry crossing zone s is in.
func (e *Engine) crossingOf(s *vstate) *Zone {
	for _, z := range e.insideZones(s) {
		if z.Kind == KindFerryCrossing {
			return z
		}
	}
	return nil
}
