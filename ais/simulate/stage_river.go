package simulate

import (
	"math"
	"time"
)

// Incidents at the hotspots on rivers: a dam's no-entry circle, a quay's
// speed limit, a bridge, a ferry crossing, the border. Distances along a
// river are measured from the hotspot in the direction the vessel sails:
// negative before it, positive past it.

// laneOff is a lane m metres off a river's centerline for a vessel going
// dir: our half of a border river, starboard elsewhere.
func laneOff(r *route, dir int, m float64) float64 {
	if r.border {
		return float64(r.chinaSide) * m
	}
	return float64(dir) * m
}

// pickDir chooses the way to sail past the point c metres along r, from
// `from` to `to` metres relative to it: a way with room on the river and,
// of the two, the one that comes near fewer other hotspots (the first
// tried is drawn, so incidents at one place vary).
func (s *Simulator) pickDir(sc *scheduler, r *route, c, from, to, laneM float64, own *hotspot) (int, bool) {
	first := 1
	if sc.rng.IntN(2) == 0 {
		first = -1
	}
	best, bestN := 0, math.MaxInt
	for _, d := range []int{first, -first} {
		a, b := c+float64(d)*from, c+float64(d)*to
		if math.Min(a, b) < 0 || math.Max(a, b) > r.total {
			continue
		}
		if n := s.clashes(riverPath(r, a, b, laneOff(r, d, laneM)), own); n < bestN {
			best, bestN = d, n
		}
	}
	return best, best != 0
}

// run is a river voyage built leg by leg: each leg goes from where the last
// ended, `to` metres relative to the hotspot, to offset off.
type run struct {
	r    *route
	c    float64 // the hotspot, metres along r
	d    float64 // +1 or -1
	at   float64 // relative position now
	off  float64
	legs []leg
}

func (rn *run) to(rel, off, kn float64, nav int) *run {
	rn.legs = append(rn.legs, along(rn.r, rn.c+rn.d*rn.at, rn.c+rn.d*rel, rn.off, off, kn, nav))
	rn.at, rn.off = rel, off
	return rn
}

// moor ends the voyage: moored (or anchored, nav) where it is, for long
// enough that the stop is reported.
func (rn *run) moor(nav int) []leg {
	p, c := rn.legs[len(rn.legs)-1].end()
	return append(rn.legs, hold(p, c, 10*time.Second, nav))
}

func stageRestricted(s *Simulator, sc *scheduler, t time.Time) (Incident, bool) {
	var in Incident
	ok := sc.tryPlaces(IncidentRestrictedEntry, len(s.hotspots), func(i int) bool {
		h := s.hotspots[i]
		if h.Kind != HotspotRestricted || h.river == nil {
			return false
		}
		// In to 300 m inside the edge (less in a small circle), back out.
		R := h.RadiusM
		deep := -(R - math.Min(300, 0.7*R))
		dir, ok := s.pickDir(sc, h.river, h.along, -(R + 200), deep, 20, h)
		if !ok {
			return false
		}
		off := laneOff(h.river, dir, 20)
		rn := &run{r: h.river, c: h.along, d: float64(dir), at: -(R + 200), off: off}
		legs := rn.to(deep, off, 7, navUnderWay).to(-(R + 100), off, 7, navUnderWay).moor(navMoored)
		v := s.addActor(sc, kindIndex(IncidentRestrictedEntry), i, 0, fishing, 30, 14, h.river.name)
		a := sc.launch(v, t, legs)
		in = Incident{Place: h.ID, MMSI: []uint32{v.mmsi}, End: a.end}
		return true
	})
	return in, ok
}

func stageSpeeding(s *Simulator, sc *scheduler, t time.Time) (Incident, bool) {
	var in Incident
	ok := sc.tryPlaces(IncidentSpeeding, len(s.hotspots), func(i int) bool {
		h := s.hotspots[i]
		if h.Kind != HotspotSpeedLimit || h.river == nil || h.SpeedLimitKn <= 0 {
			return false
		}
		// 12–14 kn from 150 m outside the circle to 700 m inside it, then
		// down to well under the limit for long enough to clear it.
		R, limit := h.RadiusM, h.SpeedLimitKn
		kn := math.Max(between(sc.rng, 12, 14), limit+5)
		fastEnd := -(R - math.Min(700, R))
		dir, ok := s.pickDir(sc, h.river, h.along, -(R + 150), fastEnd+120, 60, h)
		if !ok {
			return false
		}
		off := laneOff(h.river, dir, 60)
		rn := &run{r: h.river, c: h.along, d: float64(dir), at: -(R + 150), off: off}
		legs := rn.to(fastEnd, off, kn, navUnderWay).to(fastEnd+120, off, math.Min(4.5, 0.7*limit), navUnderWay).moor(navMoored)
		v := s.addActor(sc, kindIndex(IncidentSpeeding), i, 0, cargo, 70, 50, "")
		a := sc.launch(v, t, legs)
		in = Incident{Place: h.ID, MMSI: []uint32{v.mmsi}, End: a.end}
		return true
	})
	return in, ok
}

func stageBridge(s *Simulator, sc *scheduler, t time.Time) (Incident, bool) {
	var in Incident
	ok := sc.tryPlaces(IncidentBridgeApproach, len(s.hotspots), func(i int) bool {
		h := s.hotspots[i]
		if h.Kind != HotspotBridge || h.river == nil {
			return false
		}
		// 10–12 kn at the bridge from 950 m before its zone, slowing to
		// 4 kn only 150 m before it, into the zone and moored to wait.
		R := h.RadiusM
		kn := between(sc.rng, 10, 12)
		inside := -(R - math.Min(50, R/2))
		dir, ok := s.pickDir(sc, h.river, h.along, -(R + 950), inside, 50, h)
		if !ok {
			return false
		}
		off := laneOff(h.river, dir, 50)
		rn := &run{r: h.river, c: h.along, d: float64(dir), at: -(R + 950), off: off}
		legs := rn.to(-(R+150), off, kn, navUnderWay).to(inside, off, 4, navUnderWay).moor(navMoored)
		v := s.addActor(sc, kindIndex(IncidentBridgeApproach), i, 0, cargo, 70, 60, "")
		a := sc.launch(v, t, legs)
		in = Incident{Place: h.ID, MMSI: []uint32{v.mmsi}, End: a.end}
		return true
	})
	return in, ok
}

// ferryOf is the fleet's ferry working crossing h, nil if none.
func (s *Simulator) ferryOf(h *hotspot) *vessel {
	id := h.Route
	if id == "" {
		id = h.ID
	}
	for _, v := range s.vessels {
		if v.kind == ferry && v.route.id == id {
			return v
		}
	}
	return nil
}

func stageFerryConflict(s *Simulator, sc *scheduler, t time.Time) (Incident, bool) {
	var in Incident
	ok := sc.tryPlaces(IncidentFerryConflict, len(s.hotspots), func(i int) bool {
		h := s.hotspots[i]
		if h.Kind != HotspotCrossing || h.river == nil {
			return false
		}
		f := s.ferryOf(h)
		if f == nil || !sc.free(f, t) {
			return false
		}
		if p, _ := h.river.at(h.along, 1); !h.near(p, 100) {
			return false // the river runs past the crossing, not through it
		}
		// The ferry casts off now (or is well into a crossing) and a cargo
		// ship comes down the river through the crossing at 8 kn: into
		// its zone in about 40 s, out of it in about 2 min.
		crossing := f.leg == legUnderWay && f.until.Sub(t) >= 100*time.Second
		if f.leg != legStopped && !crossing {
			return false
		}
		dir, ok := s.pickDir(sc, h.river, h.along, -300, 500, 50, h)
		if !ok {
			return false
		}
		if !crossing {
			f.until = maxTime(t, f.at)
		}
		off := laneOff(h.river, dir, 50)
		rn := &run{r: h.river, c: h.along, d: float64(dir), at: -300, off: off}
		legs := rn.to(500, off, 8, navUnderWay).moor(navMoored)
		v := s.addActor(sc, kindIndex(IncidentFerryConflict), i, 0, cargo, 70, 60, "")
		a := sc.launch(v, t, legs)
		sc.take(f, a.end)
		in = Incident{Place: h.ID, MMSI: []uint32{v.mmsi, f.mmsi}, End: a.end}
		return true
	})
	return in, ok
}

// borderRun is a voyage along a border stretch: offsets are metres to our
// side of the boundary (negative: the other side).
func borderRun(sp spot, dir int) *run {
	return &run{r: sp.r, c: sp.s, d: float64(dir)}
}

func (rn *run) ours(rel, m, kn float64, nav int) *run {
	return rn.to(rel, float64(rn.r.chinaSide)*m, kn, nav)
}

// borderDir is the way along a border stretch with room for metres.
func borderDir(sc *scheduler, sp spot, metres float64) int {
	d := 1
	if sc.rng.IntN(2) == 0 {
		d = -1
	}
	if sp.s+float64(d)*metres < 0 || sp.s+float64(d)*metres > sp.r.total {
		d = -d
	}
	return d
}

func stageBorderCrossing(s *Simulator, sc *scheduler, t time.Time) (Incident, bool) {
	var in Incident
	ok := sc.tryPlaces(IncidentBorderCrossing, len(sc.borderSpots), func(i int) bool {
		sp := sc.borderSpots[i]
		if sp.role != 0 {
			return false
		}
		// On our half at 100 m, across to 80 m into theirs, a minute there,
		// back, and moored at our bank.
		rn := borderRun(sp, borderDir(sc, sp, 800))
		rn.off = float64(sp.r.chinaSide) * 100
		legs := rn.ours(100, 100, 6, navUnderWay).ours(250, -80, 6, navUnderWay).ours(435, -80, 6, navUnderWay).
			ours(585, 100, 6, navUnderWay).ours(785, 220, 5, navUnderWay).moor(navMoored)
		v := s.addActor(sc, kindIndex(IncidentBorderCrossing), i, 0, fishing, 30, 14, "")
		a := sc.launch(v, t, legs)
		in = Incident{Place: sp.name, MMSI: []uint32{v.mmsi}, End: a.end}
		return true
	})
	return in, ok
}

// loiterFor is how long a loitering boat drifts by the border: longer than
// the loitering rule's 5 minutes.
const loiterFor = 6 * time.Minute

func stageBorderLoitering(s *Simulator, sc *scheduler, t time.Time) (Incident, bool) {
	var in Incident
	ok := sc.tryPlaces(IncidentBorderLoitering, len(sc.borderSpots), func(i int) bool {
		sp := sc.borderSpots[i]
		if sp.role != 1 {
			return false
		}
		// In at 5 kn, 90 m on our side; drifting at 1 kn, fishing, to 70 m
		// from the line; then off to our bank.
		drift := 1 * knot * loiterFor.Seconds()
		rn := borderRun(sp, borderDir(sc, sp, 350+drift))
		rn.off = float64(sp.r.chinaSide) * 90
		legs := rn.ours(150, 90, 5, navUnderWay).ours(150+drift, 70, 1, navFishing).
			ours(350+drift, 220, 6, navUnderWay).moor(navMoored)
		v := s.addActor(sc, kindIndex(IncidentBorderLoitering), i, 0, fishing, 30, 12, "")
		a := sc.launch(v, t, legs)
		in = Incident{Place: sp.name, MMSI: []uint32{v.mmsi}, End: a.end}
		return true
	})
	return in, ok
}
