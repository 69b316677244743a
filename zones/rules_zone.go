package zones

import (
	"math"
	"slices"
	"time"

	"github.com/paulmach/orb"
)

// position runs the rules of one new accepted position: zone occupancy
// (enter, exit, cross) and every rule that depends on where the vessel is,
// then the rules between vessels.
func (e *Engine) position(s *vstate, prev fix, now time.Time) {
	p := s.point()
	ix := e.index
	hyst := e.cfg.HysteresisM
	// Inside: what contains p, and what it was in and is still within the
	// hysteresis of. Borders, which have no inside, from their own index.
	// A vessel outside every zone that stays in its free box is outside
	// them still, and its step from the last report crosses none.
	free := len(s.inside) == 0 && s.free.holds(ix, p)
	if free {
		e.containing = e.containing[:0]
	} else {
		e.containing = ix.appendContaining(e.containing[:0], &s.nearZones, p)
	}
	old := s.inside
	next := e.next[:0]
	for _, z := range e.containing {
		next = append(next, z.ID)
	}
	for _, id := range old {
		if slices.Contains(next, id) {
			continue
		}
		if z, ok := ix.Zone(id); ok && DistanceM(z, p) <= hyst {
			next = append(next, id)
			e.containing = append(e.containing, z)
		}
	}
	var borders []Near
	if e.borders.Len() > 0 {
		e.near = e.borders.AppendNear(e.near[:0], p, math.Max(hyst, e.cfg.BorderLoiterM))
		borders = e.near
	}

	// Zones the segment from the last report crosses although neither end
	// is in them: a sparse reporter jumped over them (tile38's cross).
	e.crossed = e.crossed[:0]
	if prev.valid() && s.at > prev.at && prev.at.until(s.at) <= e.cfg.MaxCrossGap {
		a := prev.point()
		if e.borders.Len() > 0 {
			e.crossed = e.borders.AppendCrossed(e.crossed, a, p)
		}
		// A step shorter than twice the hysteresis cannot jump over a zone
		// worth telling: it can only clip a corner within position noise.
		// (Squared, with the metres per degree setMotion keeps: no cosine
		// or square root on every report.)
		dx, dy := (s.lon-prev.lon)*s.kx, (s.lat-prev.lat)*mPerDegLat
		if !(free && s.free.holds(ix, a)) && dx*dx+dy*dy > 4*hyst*hyst {
			e.crossed = ix.appendCrossed(e.crossed, &s.nearZones, a, p)
		}
	}
	for _, z := range e.crossed {
		switch {
		case z.Kind == KindBorder:
			e.borderSide(s, z, &prev, now)
		case !slices.Contains(old, z.ID) && !slices.Contains(next, z.ID):
			e.crossedThrough(s, z, now)
		}
	}

	for _, id := range old {
		if !slices.Contains(next, id) {
			e.leave(s, id, now)
			e.exited(s, id, now)
		}
	}
	for i, id := range next {
		if !slices.Contains(old, id) {
			e.enter(s, id, now)
			e.entered(s, e.containing[i], now)
		}
	}
	if len(next) > 0 || len(old) > 0 { // outside every zone and staying so: nothing to copy
		s.inside = append(s.inside[:0], next...)
		s.insideZ = append(s.insideZ[:0], e.containing...)
	}
	s.zgen = e.zgen
	e.next = next[:0]
	if !free {
		if len(next) == 0 {
			s.free.find(&s.nearZones, orb.Bound{Min: p, Max: p})
		} else {
			s.free.ix = nil
		}
	}

	for _, z := range s.insideZ {
		e.inZone(s, z, now)
	}
	e.borderNear(s, borders, now)
	e.bridgeAhead(s, now)
	e.grounding(s, now)
	e.anchorDrag(s, now)
	e.pairs(s, now)
}

// entered is a vessel coming into z.
func (e *Engine) entered(s *vstate, z *Zone, now time.Time) {
	if z.Notify {
		// An entry is a moment: its alert resolves itself after
		// ExitAlertFor, so a ferry working its own crossing all day does
		// not keep one open.
		e.clearKind(s, AlertZoneExit, z.ID, now)
		e.expire(e.raiseB(breachOf(AlertZoneEntry, SeverityInfo, s, z), now), now.Add(e.cfg.ExitAlertFor))
	}
}

// exited is a vessel leaving zone id: the episodes of being inside it end.
func (e *Engine) exited(s *vstate, id string, now time.Time) {
	for _, k := range [...]AlertKind{AlertZoneEntry, AlertRestrictedEntry, AlertBanViolation, AlertSpeeding} {
		e.clearKind(s, k, id, now)
	}
	s.speeding = slices.DeleteFunc(s.speeding, func(c zoneCount) bool { return c.id == id })
	if z, ok := e.zone(id); ok && z.Notify {
		e.expire(e.raiseB(breachOf(AlertZoneExit, SeverityInfo, s, z), now), now.Add(e.cfg.ExitAlertFor))
	}
}

// crossedThrough is a vessel whose last two reports lie either side of z:
// it was inside in between. Entry alerts are raised as for an entry and
// resolve themselves after ExitAlertFor.
func (e *Engine) crossedThrough(s *vstate, z *Zone, now time.Time) {
	var b breach
	switch {
	case z.Kind == KindRestricted && !slices.Contains(ExemptTypes, int(s.shipType)):
		b = breachOf(AlertRestrictedEntry, SeverityAlarm, s, z)
	case z.Notify:
		b = breachOf(AlertZoneEntry, SeverityInfo, s, z)
	default:
		return
	}
	if e.find(s, b.kind, 0, z.ID) == nil {
		e.expire(e.raiseB(b.with("crossed", 1), now), now.Add(e.cfg.ExitAlertFor))
	}
}

// expire makes episode ep (may be nil) resolve itself at t unless it is
// raised again.
func (e *Engine) expire(ep *episode, t time.Time) {
	if ep != nil {
		ep.expires = t
	}
}

// inZone runs the rules of being inside z.
func (e *Engine) inZone(s *vstate, z *Zone, now time.Time) {
	if z.Kind == KindRestricted && !slices.Contains(ExemptTypes, int(s.shipType)) {
		if ep := e.raiseB(breachOf(AlertRestrictedEntry, SeverityAlarm, s, z), now); ep != nil {
			ep.expires = time.Time{} // inside now: no longer only crossed
		}
	}
	if z.SpeedLimitKn > 0 {
		e.speeding(s, z, now)
	}
	e.banned(s, z, now)
}

// speeding raises after SpeedingReports consecutive reports above the
// zone's limit (plus a margin) and clears after as many at or below it.
func (e *Engine) speeding(s *vstate, z *Zone, now time.Time) {
	if math.IsNaN(s.sog) {
		return
	}
	i := slices.IndexFunc(s.speeding, func(c zoneCount) bool { return c.id == z.ID })
	if i < 0 {
		i = len(s.speeding)
		s.speeding = append(s.speeding, zoneCount{id: z.ID})
	}
	n := s.speeding[i].n
	switch {
	case s.sog > z.SpeedLimitKn+e.cfg.SpeedingMarginKn:
		n = max(n, 0) + 1
		if n >= e.cfg.SpeedingReports {
			sev := SeverityWarning
			if s.sog > 1.5*z.SpeedLimitKn {
				sev = SeverityAlarm
			}
			e.raiseB(breachOf(AlertSpeeding, sev, s, z).with("sog_kn", s.sog).with("limit_kn", z.SpeedLimitKn), now)
		}
	case s.sog <= z.SpeedLimitKn:
		n = min(n, 0) - 1
		if n <= -e.cfg.SpeedingReports {
			e.clearKind(s, AlertSpeeding, z.ID, now)
		}
	}
	s.speeding[i].n = n
}

// banned raises ban_violation for a vessel under way in z while a ban that
// binds its type is in force (too fast, for a restricting ban).
func (e *Engine) banned(s *vstate, z *Zone, now time.Time) {
	b := e.violated(s, z.ID, now)
	if b == nil {
		e.clearKind(s, AlertBanViolation, z.ID, now)
		return
	}
	br := breachOf(AlertBanViolation, SeverityAlarm, s, z).with("sog_kn", s.sog)
	if b.Kind == BanRestrict {
		br.sev = SeverityWarning
		br = br.with("limit_kn", b.SpeedLimitKn())
	}
	br.banID = b.ID
	e.raiseB(br, now)
}

// violated returns the first ban on zone id that s breaks now, or nil.
func (e *Engine) violated(s *vstate, id string, now time.Time) *Ban {
	for _, b := range e.bans[id] {
		if !b.ActiveAt(now) || !b.Binds(int(s.shipType)) || !s.underWay {
			continue
		}
		if b.Kind == BanProhibit || s.sog > b.SpeedLimitKn()+e.cfg.SpeedingMarginKn {
			return b
		}
	}
	return nil
}

// borderNear runs border_approach (under way within BorderApproachM of the
// boundary) and border_loitering (slow within BorderLoiterM for
// BorderLoiterFor; moored vessels and those at a quay excepted).
func (e *Engine) borderNear(s *vstate, near []Near, now time.Time) {
	hyst := e.cfg.HysteresisM
	for _, n := range near {
		z := n.Zone
		e.borderSide(s, z, nil, now)
		across := s.homeSide[z.ID] != 0 && Side(z, s.point()) != s.homeSide[z.ID]
		switch {
		case s.underWay && n.DistanceM <= e.cfg.BorderApproachM && !across:
			e.raiseB(breachOf(AlertBorderApproach, SeverityWarning, s, z).with("distance_m", math.Round(n.DistanceM)), now)
		case n.DistanceM > e.cfg.BorderApproachM+hyst || !s.underWay:
			e.clearKind(s, AlertBorderApproach, z.ID, now)
		}
		slow := !math.IsNaN(s.sog) && s.sog < e.cfg.BorderLoiterKn && s.navStatus != 5 && !e.atQuay(s)
		switch {
		case slow && n.DistanceM <= e.cfg.BorderLoiterM:
			if s.loiterSince.isZero() {
				s.loiterSince = s.at
			}
			if s.loiterSince.until(s.at) >= e.cfg.BorderLoiterFor {
				e.raiseB(breachOf(AlertBorderLoitering, SeverityWarning, s, z).with("distance_m", math.Round(n.DistanceM)).
					with("minutes", math.Round(s.loiterSince.until(s.at).Minutes())), now)
			}
		case !slow || n.DistanceM > e.cfg.BorderLoiterM+hyst:
			s.loiterSince = 0
			e.clearKind(s, AlertBorderLoitering, z.ID, now)
		}
	}
	// Borders left behind altogether.
	e.episodesOfKinds(s, AlertBorderApproach, AlertBorderLoitering, func(ep *episode) {
		a := &ep.alert
		if !slices.ContainsFunc(near, func(n Near) bool { return n.Zone.ID == a.ZoneID }) {
			if a.Kind == AlertBorderLoitering {
				s.loiterSince = 0
			}
			e.end(ep, now)
		}
	})
}

// borderSide judges which side of border z the vessel is on, with
// hysteresis: a side counts only more than HysteresisM from the line, so
// a vessel sailing along the boundary with position noise is not crossing
// it back and forth. The first side it is judged on is where it came from;
// border_crossing is open while it is on the other. prev, when the step
// from it crossed the line, gives where it came from for a vessel first
// judged after a sparse jump across.
func (e *Engine) borderSide(s *vstate, z *Zone, prev *fix, now time.Time) {
	p := s.point()
	if DistanceM(z, p) <= e.cfg.HysteresisM {
		return
	}
	side := Side(z, p)
	if side == 0 {
		return
	}
	if s.homeSide == nil {
		s.homeSide = map[string]int{}
	}
	home := s.homeSide[z.ID]
	if home == 0 {
		home = side
		if prev != nil {
			if ps := Side(z, prev.point()); ps != 0 {
				home = ps
			}
		}
		s.homeSide[z.ID] = home
	}
	if side != home {
		e.clearKind(s, AlertBorderApproach, z.ID, now) // superseded
		e.raiseB(breachOf(AlertBorderCrossing, SeverityAlarm, s, z).with("distance_m", math.Round(DistanceM(z, p))), now)
	} else {
		e.clearKind(s, AlertBorderCrossing, z.ID, now)
	}
}

// atQuay reports whether the vessel is inside a quay zone.
func (e *Engine) atQuay(s *vstate) bool {
	for _, z := range e.insideZones(s) {
		if z.Kind == KindQuay {
			return true
		}
	}
	return false
}

// bridgeAhead raises bridge_approach for a vessel faster than
// BridgeApproachKn whose course runs into a bridge zone within
// BridgeApproachM.
func (e *Engine) bridgeAhead(s *vstate, now time.Time) {
	e.ahead = e.ahead[:0]
	if s.underWay && s.sog > e.cfg.BridgeApproachKn && !math.IsNaN(s.cog) && e.bridges.Len() > 0 {
		p := s.point()
		ahead := aheadOf(s, e.cfg.BridgeApproachM)
		if !s.freeAhead.holds(e.bridges, p) || !s.freeAhead.holds(e.bridges, ahead) {
			e.ahead = e.bridges.appendCrossed(e.ahead, &s.nearBridges, p, ahead)
			if len(e.ahead) == 0 {
				s.freeAhead.find(&s.nearBridges, segBound(p, ahead))
			} else {
				s.freeAhead.ix = nil
			}
		}
	}
	for _, z := range e.ahead {
		if z.Kind != KindBridge || slices.Contains(s.inside, z.ID) {
			continue
		}
		e.raiseB(breachOf(AlertBridgeApproach, SeverityWarning, s, z).with("sog_kn", s.sog).
			with("limit_kn", e.cfg.BridgeApproachKn).with("distance_m", math.Round(DistanceM(z, s.point()))), now)
	}
	e.episodesOfKind(s, AlertBridgeApproach, func(ep *episode) {
		a := &ep.alert
		if !slices.ContainsFunc(e.ahead, func(z *Zone) bool { return z.ID == a.ZoneID && !slices.Contains(s.inside, z.ID) }) {
			e.end(ep, now)
		}
	})
}

// aheadOf is where s will be d metres on along its course, from the
// course's sine and cosine and the metres per degree of longitude that
// setMotion keeps: no trigonometry on the path (flat earth: fine over a
// few kilometres).
func aheadOf(s *vstate, d float64) orb.Point {
	return orb.Point{s.lon + d*s.sinC/s.kx, s.lat + d*s.cosC/mPerDegLat}
}
