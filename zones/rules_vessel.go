package zones

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/riverwatch/riverwatch/vessels"
)

// vesselRules runs the rules of a vessel's own report, whatever its
// position: distress, position jumps, overcrowding.
func (e *Engine) vesselRules(s *vstate, v *vessels.Vessel, now time.Time) {
	// An active AIS-SART, MOB or EPIRB sends navigational status 14; in test
	// mode it sends 15. Distress stays open until an officer resolves it:
	// a beacon falling silent is no all-clear.
	if s.navStatus == 14 || (isSART(s.mmsi) && s.navStatus != 15) {
		e.raiseB(breachOf(AlertDistress, SeverityCritical, s, nil).with("source", distressSource(s)), now)
	}

	if slices.Contains(v.Flags, "position_jump") {
		e.raiseB(breachOf(AlertPositionJump, SeverityWarning, s, nil), now)
	} else {
		e.clearKind(s, AlertPositionJump, "", now)
	}

	persons := int(s.persons)
	if s.manualPersons >= 0 {
		persons = int(s.manualPersons)
	}
	var over *Zone
	if persons >= 0 {
		for _, z := range e.insideZones(s) {
			if z.CapacityPersons > 0 && persons > z.CapacityPersons {
				over = z
				break
			}
		}
	}
	if over != nil {
		e.raiseB(breachOf(AlertOvercrowding, SeverityAlarm, s, over).with("persons", float64(persons)).
			with("capacity", float64(over.CapacityPersons)), now)
	}
	e.episodesOfKind(s, AlertOvercrowding, func(ep *episode) {
		if over == nil || ep.alert.ZoneID != over.ID {
			e.end(ep, now)
		}
	})
}

// distressSource codes what sent a distress: 970 AIS-SART 1, 972 MOB 2,
// 974 EPIRB-AIS 3, navigational status 14 from a vessel 4.
func distressSource(s *vstate) float64 {
	switch s.mmsi / 1_000_000 {
	case 970:
		return 1
	case 972:
		return 2
	case 974:
		return 3
	}
	return 4
}

// has reports whether s has an episode of kind open.
func (e *Engine) has(s *vstate, kind AlertKind) bool {
	for _, r := range s.eps {
		if r.id.kind == kind && r.ep.alert.MMSI == s.mmsi {
			return true
		}
	}
	return false
}

// grounding raises grounding_suspect when the speed falls from above
// GroundFromKn to under GroundToKn within DefaultGroundWithin and stays
// there DefaultGroundStay; it clears once the vessel makes way again.
func (e *Engine) grounding(s *vstate, now time.Time) {
	if math.IsNaN(s.sog) {
		return
	}
	switch {
	case s.sog > DefaultGroundFromKn:
		s.lastFast, s.dropAt = s.at, 0
	case s.sog < DefaultGroundToKn:
		if s.dropAt.isZero() && !s.lastFast.isZero() && s.lastFast.until(s.at) <= DefaultGroundWithin {
			s.dropAt = s.at
		}
		if !s.dropAt.isZero() && s.dropAt.until(s.at) >= DefaultGroundStay {
			e.raiseB(breachOf(AlertGroundingSuspect, SeverityAlarm, s, nil).with("sog_kn", s.sog), now)
		}
	case s.sog >= 2:
		s.dropAt, s.lastFast = 0, 0
		e.clearKind(s, AlertGroundingSuspect, "", now)
	}
}

// anchorDrag raises anchor_drag when a vessel at anchor or moored moves more
// than AnchorDragM from where it settled; a change of status settles it
// anew.
func (e *Engine) anchorDrag(s *vstate, now time.Time) {
	if s.navStatus != 1 && s.navStatus != 5 {
		s.anchorNav = -1
		e.clearKind(s, AlertAnchorDrag, "", now)
		return
	}
	if s.anchorNav != s.navStatus || !s.anchor.valid() {
		s.anchorNav, s.anchor = s.navStatus, s.fix
		return
	}
	d := flatDistanceM(s.anchor.lat, s.anchor.lon, s.lat, s.lon)
	switch {
	case d > e.cfg.AnchorDragM:
		e.raiseB(breachOf(AlertAnchorDrag, SeverityAlarm, s, nil).with("distance_m", math.Round(d)), now)
	case d < 0.7*e.cfg.AnchorDragM:
		e.clearKind(s, AlertAnchorDrag, "", now)
	}
}

// sweep judges silence and time: ais_gap for a vessel under way silent for
// AISGapFactor of its reporting intervals, long_unsupervised for one unseen
// for LongUnsupervised, self-resolving episodes that are due, and ban
// violations whose ban has ended.
func (e *Engine) sweep(now time.Time) {
	nowI := instantOf(now)
	e.vs.each(func(s *vstate) {
		silent := s.lastSeen.until(nowI)
		if silent > e.cfg.LongUnsupervised+30*24*time.Hour {
			e.episodesOf(s, func(ep *episode) { e.end(ep, now) })
			e.grid.remove(s)
			e.vs.del(s.mmsi)
			return
		}
		// Only a vessel that identified itself (static data) is one the
		// authorities supervise: a forged MMSI heard once is not.
		if silent > e.cfg.LongUnsupervised && s.name != "" && !e.has(s, AlertLongUnsupervised) {
			e.raiseB(breachOf(AlertLongUnsupervised, SeverityWarning, s, nil).with("hours", math.Round(silent.Hours())), now)
		}
		if s.inGrid && !s.slow && s.at.until(nowI) > DefaultPairEvery {
			// Overdue: while it is silent, its neighbours' half scans take
			// its pairs back (see vesselGrid.appendCandidates).
			s.slow = true
			e.grid.refresh(s)
		}
		if s.underWay && s.fix.valid() && !e.has(s, AlertAISGap) {
			if allow := time.Duration(e.cfg.AISGapFactor * float64(e.expected(s))); silent > allow {
				e.raiseB(breachOf(AlertAISGap, SeverityWarning, s, nil).with("gap_s", math.Round(silent.Seconds())).
					with("allowed_s", allow.Seconds()), now)
			}
		}
	})
	e.forget(now)
	for k, ep := range e.episodes {
		a := &ep.alert
		switch {
		case !ep.expires.IsZero() && !now.Before(ep.expires):
			e.clear(k, now)
		case a.Kind == AlertBanViolation && !ep.suppressed:
			// Only a process that hears the vessel judges it: another
			// process's alert, adopted from the store, is left to it.
			if s := e.vs.get(a.MMSI); s != nil && s.fix.valid() && e.violated(s, a.ZoneID, now) == nil {
				e.clear(k, now)
			}
		}
	}
}

// forget keeps the engine's memory bounded: above MaxVessels it drops the
// vessels the tracker has lost, longest silent first (a flood of forged
// MMSIs must not grow it for the month a lost vessel is remembered).
func (e *Engine) forget(now time.Time) {
	over := e.vs.len() - e.cfg.MaxVessels
	if over <= 0 {
		return
	}
	gone := make([]*vstate, 0, over)
	e.vs.each(func(s *vstate) {
		if s.gone {
			gone = append(gone, s)
		}
	})
	slices.SortFunc(gone, func(a, b *vstate) int { return cmp.Compare(a.lastSeen, b.lastSeen) })
	for _, s := range gone[:min(over, len(gone))] {
		e.episodesOf(s, func(ep *episode) { e.end(ep, now) })
		e.grid.remove(s)
		e.vs.del(s.mmsi)
	}
}

// expected is the vessel's nominal reporting interval (ITU-R M.1371).
func (e *Engine) expected(s *vstate) time.Duration {
	lat, lon, sog := s.lat, s.lon, s.sog
	v := vessels.Vessel{Class: s.class, NavStatus: int(s.navStatus), Lat: &lat, Lon: &lon, PositionAt: s.at.time()}
	if !math.IsNaN(sog) {
		v.SOG = &sog
	}
	return vessels.ExpectedInterval(v)
}

// flatDistanceM is the distance in metres between two nearby positions in
// a local equirectangular projection.
func flatDistanceM(lat1, lon1, lat2, lon2 float64) float64 {
	const mPerDeg = 111_320.0
	dy := (lat2 - lat1) * mPerDeg
	dx := (lon2 - lon1) * mPerDeg * math.Cos((lat1+lat2)/2*math.Pi/180)
	return math.Hypot(dx, dy)
}
