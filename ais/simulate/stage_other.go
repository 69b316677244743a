package simulate

import (
	"math/rand/v2"
	"time"
)

// Incidents on lakes and at fixed river spots, and those that take a fleet
// vessel over for a while.

func stageCollision(s *Simulator, sc *scheduler, t time.Time) (Incident, bool) {
	var in Incident
	ok := sc.tryPlaces(IncidentCollisionRisk, len(sc.lakeSpots), func(i int) bool {
		// Head-on at 8 kn each, 1800 m apart (3.6 min to meet); both turn
		// to starboard 600 m apart and anchor.
		ls := sc.lakeSpots[i]
		in = Incident{Place: ls.name}
		for role, track := range ls.runs() {
			brg := ls.brg + 180*float64(role)
			k, typ, length := cargo, 70, 35.0
			if role == 1 {
				k, typ, length = tug, 52, 22
			}
			v := s.addActor(sc, kindIndex(IncidentCollisionRisk), i, role, k, typ, length, "")
			a := sc.launch(v, t, []leg{
				straight(track[0], track[1], 8, navUnderWay),
				straight(track[1], track[2], 8, navUnderWay),
				hold(track[2], brg+90, 10*time.Second, navAnchored),
			})
			in.MMSI, in.End = append(in.MMSI, v.mmsi), maxTime(in.End, a.end)
		}
		return true
	})
	return in, ok
}

func stageGrounding(s *Simulator, sc *scheduler, t time.Time) (Incident, bool) {
	var in Incident
	ok := sc.tryPlaces(IncidentGrounding, len(sc.riverSpots), func(i int) bool {
		// 9 kn for 250 m, then at once 0.3 kn for 130 s (aground, working
		// the engine), then refloated at 4 kn and moored.
		sp := sc.riverSpots[i]
		dir := borderDir(sc, sp, 500)
		off := laneOff(sp.r, dir, 70)
		stuck := 0.3 * knot * 130
		rn := &run{r: sp.r, c: sp.s, d: float64(dir), off: off}
		legs := rn.to(250, off, 9, navUnderWay).to(250+stuck, off, 0.3, navUnderWay).
			to(400+stuck, off, 4, navUnderWay).moor(navMoored)
		v := s.addActor(sc, kindIndex(IncidentGrounding), i, 0, cargo, 70, 60, "")
		a := sc.launch(v, t, legs)
		in = Incident{Place: sp.name, MMSI: []uint32{v.mmsi}, End: a.end}
		return true
	})
	return in, ok
}

func stageDistress(s *Simulator, sc *scheduler, t time.Time) (Incident, bool) {
	var in Incident
	ok := sc.tryPlaces(IncidentDistress, len(sc.riverSpots), func(i int) bool {
		// An AIS-SART in the water, drifting downstream at 0.4 kn (not
		// under way by any rule) for a little over 4 minutes: five bursts.
		sp := sc.riverSpots[i]
		dir := borderDir(sc, sp, 100)
		off := laneOff(sp.r, dir, 40)
		const lasts = 250 * time.Second
		drift := 0.4 * knot * lasts.Seconds()
		mmsi := uint32(SARTMMSIBase + i)
		v := &vessel{mmsi: mmsi, kind: passenger, rng: rand.New(rand.NewPCG(uint64(s.cfg.Seed), uint64(mmsi)))}
		a := sc.launch(v, t, []leg{along(sp.r, sp.s, sp.s+float64(dir)*drift, off, off, 0.4, navSART)})
		a.sart = true
		in = Incident{Place: sp.name, MMSI: []uint32{mmsi}, End: a.end}
		return true
	})
	return in, ok
}

// navSART is the navigational status an active AIS-SART sends.
const navSART = 14

func stageAnchorDrag(s *Simulator, sc *scheduler, t time.Time) (Incident, bool) {
	var in Incident
	ok := sc.tryPlaces(IncidentAnchorDrag, len(sc.anchorSpots), func(i int) bool {
		// In at 2 kn, anchored; the anchor drags at 2.2 kn for 200 s
		// (220 m, reported every 3 min as at anchor); the crew weigh it and
		// anchor again.
		as := sc.anchorSpots[i]
		const dragFor = 200 * time.Second
		drag := 2.2 * knot * dragFor.Seconds()
		var legs []leg
		if as.r != nil {
			off := laneOff(as.r, 1, 60)
			p, c := as.r.laneAt(as.along, off, 1)
			rn := &run{r: as.r, c: as.along, d: 1, at: -60, off: off}
			rn.to(0, off, 2, navUnderWay)
			rn.legs = append(rn.legs, hold(p, c, 20*time.Second, navAnchored))
			legs = rn.to(drag, off, 2.2, navAnchored).to(drag+40, off, 3, navUnderWay).moor(navAnchored)
		} else {
			a, b := as.a, as.brg
			d := destination(a, b, drag)
			e := destination(d, b, 40)
			legs = []leg{
				straight(destination(a, b+180, 60), a, 2, navUnderWay),
				hold(a, b, 20*time.Second, navAnchored),
				straight(a, d, 2.2, navAnchored),
				straight(d, e, 3, navUnderWay),
				hold(e, b, 10*time.Second, navAnchored),
			}
		}
		v := s.addActor(sc, kindIndex(IncidentAnchorDrag), i, 0, tanker, 80, 55, "")
		a := sc.launch(v, t, legs)
		in = Incident{Place: as.name, MMSI: []uint32{v.mmsi}, End: a.end}
		return true
	})
	return in, ok
}

// underWayFor picks a free class A fleet vessel under way at up to 14 kn
// with at least d of its leg left, taking turns through the fleet.
func (s *Simulator) underWayFor(sc *scheduler, kind string, t time.Time, d time.Duration) *vessel {
	var pick *vessel
	sc.tryPlaces(kind, len(s.vessels), func(i int) bool {
		v := s.vessels[i]
		if v.classB || v.leg != legUnderWay || v.speed/knot > 13.5 || v.until.Sub(t) < d || !sc.free(v, t) {
			return false
		}
		pick = v
		return true
	})
	return pick
}

func stageAISGap(s *Simulator, sc *scheduler, t time.Time) (Incident, bool) {
	// Silent for 130–170 s while under way: more than six 10 s intervals,
	// and the report before and after the gap both under way.
	v := s.underWayFor(sc, IncidentAISGap, t, 4*time.Minute)
	if v == nil {
		return Incident{}, false
	}
	gap := betweenDur(sc.rng, 130*time.Second, 170*time.Second)
	v.muteFrom, v.muteUntil = t, t.Add(gap)
	end := t.Add(gap + 15*time.Second)
	sc.take(v, end)
	return Incident{Place: v.route.id, MMSI: []uint32{v.mmsi}, End: end}, true
}

func stagePositionJump(s *Simulator, sc *scheduler, t time.Time) (Incident, bool) {
	// Its next position report 18–22 km off track, then back on it.
	v := s.underWayFor(sc, IncidentPositionJump, t, time.Minute)
	if v == nil {
		return Incident{}, false
	}
	v.jumpM, v.jumpBrg = between(sc.rng, 18e3, 22e3), sc.rng.Float64()*360
	end := t.Add(25 * time.Second)
	sc.take(v, end)
	return Incident{Place: v.route.id, MMSI: []uint32{v.mmsi}, End: end}, true
}

// crowdFor is how long a ferry reports too many on board.
const crowdFor = 3 * time.Minute

func stageOvercrowding(s *Simulator, sc *scheduler, t time.Time) (Incident, bool) {
	var in Incident
	ok := sc.tryPlaces(IncidentOvercrowding, len(s.hotspots), func(i int) bool {
		h := s.hotspots[i]
		if h.Kind != HotspotCrossing || h.Capacity <= 0 {
			return false
		}
		f := s.ferryOf(h)
		if f == nil || !sc.free(f, t) {
			return false
		}
		// A persons-on-board report (Inland AIS FI 55) 10–40 over the
		// crossing's capacity now, and the usual count 3 minutes later.
		f.podPersons, f.podOnce = h.Capacity+10+sc.rng.IntN(31), true
		f.nextInland = maxTime(t, f.at)
		back := t.Add(crowdFor)
		sc.at(back, func(at time.Time) {
			f.podPersons, f.podOnce = 0, true
			f.nextInland = maxTime(at, f.at)
		})
		sc.take(f, back.Add(5*time.Second))
		in = Incident{Place: h.ID, MMSI: []uint32{f.mmsi}, End: back.Add(5 * time.Second)}
		return true
	})
	return in, ok
}
