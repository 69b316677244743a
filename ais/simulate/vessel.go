package simulate

import (
	"math"
	"math/rand/v2"
	"time"
)

// Navigational status values sent in class A reports.
const (
	navUnderWay = 0
	navAnchored = 1
	navMoored   = 5
	navFishing  = 7
)

// legKind is what a vessel is doing on its current leg.
type legKind uint8

const (
	// legUnderWay: running along the river, across to the other bank or to
	// a new spot in the lake at service speed (status 0).
	legUnderWay legKind = iota
	// legStopped: moored at a river quay or ferry bank (status 5) or at
	// anchor in a lake (status 1), 0 kn.
	legStopped
	// legFishing: a fishing boat at work (status 7), drifting at well under
	// 2 kn in a lake or holding station on a river.
	legFishing
)

// Drift speeds of a fishing boat at work, knots: ITU-R M.1371 treats it as
// a vessel under way (class A every 10 s), whatever its speed.
const minDriftKn, maxDriftKn = 0.2, 1.5

const knot = 1852.0 / 3600 // m/s

// maxPassengers is the most passengers a ferry or passenger boat carries.
const maxPassengers = 119

// vessel is one simulated ship: identity, the leg of its voyage it is on,
// its state at the last report and when its next reports are due.
type vessel struct {
	mmsi                 uint32
	name, callSign, dest string
	shipType             int
	kind                 kind
	classB               bool
	toBow, toStern       int
	toPort, toStarboard  int
	draught              float64
	inland               bool // sends DAC 200 FI 10 (cargo) or FI 55 (passenger)
	crew, passengers     int
	route                *route
	rng                  *rand.Rand

	// Current leg: from t0 until `until`. Legs under way run along the
	// route from s0 in direction dir (river, ferry); in a lake any leg with a
	// speed runs straight from a to b.
	leg       legKind
	t0, until time.Time
	s0, speed float64 // metres along the route, m/s
	dir       int
	lo, hi    float64 // the stretch of the river this vessel works
	a, b      [2]float64
	// River lanes (lane.go): the vessel's distance off the centerline
	// under way and, on a border river, moored; its offset now (metres
	// right of the line), at the start of the leg, and the leg's length.
	laneM, berthM     float64
	off, off0, legLen float64
	slowM             float64 // the last metres of the leg, at approach speed

	// State at the last advance.
	pos        [2]float64
	sog, cog   float64
	heading    int
	nav        int
	changed    bool // nav status changed since the last position report
	lastCourse float64

	nextPos, nextStatic, nextInland time.Time
	staticB                         bool      // class B: part B is next
	at                              time.Time // last advance

	// An incident (incident.go) may take the vessel over for a while:
	// silent from muteFrom to muteUntil; its next position report jumpM
	// metres off on bearing jumpBrg; podPersons on board reported instead
	// of the usual (when > 0), with a report sent when podOnce is set.
	muteFrom, muteUntil time.Time
	jumpM, jumpBrg      float64
	podPersons          int
	podOnce             bool
}

func newVessel(rng *rand.Rand, k kind, r *route, seed uint64, start time.Time) *vessel {
	p := profiles[k]
	v := &vessel{kind: k, route: r, rng: rand.New(rand.NewPCG(seed, uint64(k)+1))}
	v.shipType = p.shipTypes[rng.IntN(len(p.shipTypes))]
	v.classB = rng.Float64() < p.classB
	length, beam := between(rng, p.minLen, p.maxLen), between(rng, p.minBeam, p.maxBeam)
	v.toBow = int(length * between(rng, 0.6, 0.8))
	v.toStern = int(length) - v.toBow
	v.toPort = int(beam / 2)
	v.toStarboard = int(beam) - v.toPort
	v.draught = math.Round(between(rng, 0.15, 0.3)*beam*10) / 10
	v.inland = !v.classB && (k == cargo || k == tanker || k == passenger || k == ferry) && rng.IntN(2) == 0
	v.crew = 2 + rng.IntN(6)
	if k == passenger || k == ferry {
		v.passengers = rng.IntN(maxPassengers + 1)
	}
	ports := r.ports
	if len(ports) == 0 {
		ports = genericPorts
	}
	v.dest = ports[rng.IntN(len(ports))]

	// Where on its route it starts.
	switch r.kind {
	case KindLake:
		v.pos, _ = r.randomInside(v.rng)
		for i := 0; i < 20 && r.blocked(v.pos, v.pos); i++ {
			v.pos, _ = r.randomInside(v.rng)
		}
		v.a, v.b = v.pos, v.pos
	default:
		v.lo, v.hi = 0, r.total
		if span := between(rng, p.minRange, p.maxRange); r.kind == KindRiver && span > 0 && span < r.total {
			v.lo = rng.Float64() * (r.total - span)
			v.hi = v.lo + span
		}
		v.lo, v.hi = r.clear(v.lo, v.hi)
		v.dir = 1
		if rng.IntN(2) == 0 {
			v.dir = -1
		}
		v.s0 = between(rng, v.lo, v.hi)
		if r.kind == KindRiver {
			// Its own stream, so that lanes change no other draw.
			lr := rand.New(rand.NewPCG(seed, 0x6c616e65)) // "lane"
			v.laneM = between(lr, laneMinM, laneMaxM)
			if r.border {
				v.laneM = between(lr, laneBorderMinM, laneBorderMaxM)
				v.berthM = between(lr, berthBorderMinM, berthBorderMaxM)
			}
			v.off = v.laneTarget()
		}
		v.pos, v.cog = r.laneAt(v.s0, v.off, v.dir)
	}
	// Half the fleet starts under way, the rest (and every ferry) at a
	// berth; either way the first leg ends within its usual length.
	v.t0 = start
	if k == ferry || rng.IntN(2) == 0 {
		if r.kind != KindLake {
			v.s0 = v.lo // at the berth its first leg leaves from
			if v.dir < 0 {
				v.s0 = v.hi
			}
			if r.kind == KindRiver {
				v.dir = -v.dir // moored as if it had arrived here
				v.off = v.berthOffset()
				v.dir = -v.dir
			}
			v.pos, v.cog = r.laneAt(v.s0, v.off, v.dir)
		}
		v.lastCourse = v.cog
		v.stop(start, betweenDur(v.rng, 0, p.maxWait))
	} else {
		v.startLeg(start)
	}
	v.nextPos = start.Add(time.Duration(rng.Int64N(int64(5 * time.Second))))
	v.nextStatic = start.Add(time.Duration(rng.Int64N(int64(5 * time.Second))))
	v.nextInland = start.Add(20*time.Second + time.Duration(rng.Int64N(int64(40*time.Second))))
	v.changed = false
	return v
}

// stop starts a leg at rest for d: a fishing boat fishes (status 7,
// drifting slowly in a lake, holding station on a river); any other vessel
// moors at its river quay or ferry bank (status 5) or anchors in its lake
// (status 1). What it reports decides its interval, as the tracker judges
// it: moored or anchored class A every 3 min, fishing class A every 10 s.
func (v *vessel) stop(t time.Time, d time.Duration) {
	v.t0, v.until = t, t.Add(d)
	v.sog, v.speed = 0, 0
	v.a, v.b = v.pos, v.pos
	switch {
	case v.kind == fishing:
		v.leg = legFishing
		v.setNav(navFishing)
		if v.route.kind == KindLake {
			v.drift(d)
		}
	case v.route.kind == KindLake:
		v.leg = legStopped
		v.setNav(navAnchored)
	default:
		v.leg = legStopped
		v.setNav(navMoored)
	}
}

// drift sets a fishing boat drifting in its lake for d: slowly, in a random
// direction that keeps it inside; it holds station if none does.
func (v *vessel) drift(d time.Duration) {
	speed := between(v.rng, minDriftKn, maxDriftKn) * knot
	dist := speed * d.Seconds()
	for range 8 {
		brg := v.rng.Float64() * 360
		b := destination(v.pos, brg, dist)
		if v.route.segmentInside(v.pos, b) && !v.route.blocked(v.pos, b) {
			v.b, v.speed, v.lastCourse = b, speed, brg
			v.legLen, v.slowM = dist, 0
			return
		}
	}
}

// startLeg starts moving from the current position: along the river to the
// end of the vessel's stretch, across to the other bank, or to a new spot in
// the lake.
func (v *vessel) startLeg(t time.Time) {
	p := profiles[v.kind]
	v.leg = legUnderWay
	v.t0 = t
	v.speed = between(v.rng, p.minKn, p.maxKn) * knot
	v.setNav(navUnderWay)
	var dist float64
	if v.route.kind == KindLake {
		v.a = v.pos
		v.b = v.pos
		for range 20 {
			c, ok := v.route.randomInside(v.rng)
			if ok && v.route.segmentInside(v.pos, c) && !v.route.blocked(v.pos, c) {
				v.b = c
				break
			}
		}
		dist = distance(v.a, v.b)
		if dist > 0 {
			v.lastCourse = bearing(v.a, v.b)
		}
	} else {
		end := v.hi
		if v.dir < 0 {
			end = v.lo
		}
		dist = math.Abs(end - v.s0)
		v.off0 = v.off
	}
	v.legLen, v.slowM = dist, math.Min(approachM, dist/3)
	secs := (dist-v.slowM)/v.speed + v.slowM/math.Min(v.speed, approachKn*knot)
	v.until = t.Add(time.Duration(secs * float64(time.Second)))
	if !v.until.After(t) {
		v.until = t.Add(time.Second)
	}
}

// A vessel slows to approachKn (if faster) for the last approachM of a leg
// before it moors or anchors: it does not stop dead from service speed,
// which is what a grounding looks like.
const (
	approachM  = 100.0
	approachKn = 4.0
)

// travelled is how far into its leg the vessel is el seconds after the
// leg began, and its speed there.
func (v *vessel) travelled(el float64) (x, speed float64) {
	fast := v.legLen - v.slowM
	if el*v.speed <= fast {
		return el * v.speed, v.speed
	}
	slow := math.Min(v.speed, approachKn*knot)
	return math.Min(v.legLen, fast+(el-fast/v.speed)*slow), slow
}

func (v *vessel) setNav(n int) {
	if n != v.nav {
		v.changed = true
	}
	v.nav = n
}

// advance brings the vessel's state to t, running through every leg that
// ended before it. t never goes backwards for one vessel.
func (v *vessel) advance(t time.Time) {
	for !t.Before(v.until) {
		end := v.until
		v.settle(end)
		if v.leg == legUnderWay && v.route.kind != KindLake {
			v.s0, v.dir = v.lim(), -v.dir
		}
		if v.leg == legUnderWay {
			// Arrived: stop at the end, then head back.
			v.stop(end, betweenDur(v.rng, profiles[v.kind].minWait, profiles[v.kind].maxWait))
		} else {
			v.startLeg(end)
		}
		// A change of state is reported at once (class A ITDMA, type 3):
		// nextDue wakes the vessel at the end of every leg, so a boat
		// leaving its quay does not stay silent for its 3 min moored
		// interval.
		if v.changed {
			v.nextPos = maxTime(t, minTime(v.nextPos, end.Add(time.Second)))
		}
	}
	v.settle(t)
	v.at = t
}

// settle computes position, speed and course at t within the current leg
// (t0 <= t <= until).
func (v *vessel) settle(t time.Time) {
	el := t.Sub(v.t0).Seconds()
	if v.speed == 0 || (v.leg != legUnderWay && v.route.kind != KindLake) {
		v.sog = 0
		v.heading = int(math.Round(v.lastCourse)) % 360
		v.cog = v.lastCourse
		return
	}
	x, speed := v.travelled(el)
	if v.route.kind == KindLake {
		f := 1.0
		if v.legLen > 0 {
			f = math.Min(1, x/v.legLen)
		}
		v.pos = [2]float64{v.a[0] + f*(v.b[0]-v.a[0]), v.a[1] + f*(v.b[1]-v.a[1])}
		v.cog = v.lastCourse
	} else if v.route.kind == KindRiver {
		v.off = v.laneOffset(x)
		v.pos, v.cog = v.route.laneAt(v.s0+float64(v.dir)*x, v.off, v.dir)
		// Changing lanes bends the track: right of the line is starboard
		// going downstream, port going up.
		if d := v.laneOffset(x+10) - v.off; d != 0 {
			v.cog = math.Mod(v.cog+float64(v.dir)*math.Atan2(d, 10)*180/math.Pi+360, 360)
		}
		v.lastCourse = v.cog
	} else {
		v.pos, v.cog = v.route.at(v.s0+float64(v.dir)*x, v.dir)
		v.lastCourse = v.cog
	}
	v.sog = speed / knot
	v.heading = int(math.Round(v.cog+v.rng.NormFloat64()*2+360)) % 360
}

func (v *vessel) lim() float64 {
	if v.dir > 0 {
		return v.hi
	}
	return v.lo
}

// interval is the position reporting interval of ITU-R M.1371 (Annex 1,
// Tables 1 and 2) for what the vessel is about to report: its class, its
// navigational status and its speed over ground as sent (rounded to 0.1
// kn), as the tracker judges staleness (vessels.ExpectedInterval, whose
// class B rows above 14 kn are a class B "SO" unit's; ours are "CS"):
//
//	class A     anchored or moored (status 1, 5) below 3 kn: 3 min;
//	            otherwise, fishing or drifting at 0 kn included: 10 s to
//	            14 kn, 6 s to 23 kn, 2 s above
//	class B CS  below 2 kn: 3 min; otherwise 30 s
func (v *vessel) interval() time.Duration {
	sog := round1(v.sog)
	if v.classB {
		if sog < 2 {
			return 3 * time.Minute
		}
		return 30 * time.Second
	}
	switch {
	case (v.nav == navAnchored || v.nav == navMoored) && sog < 3:
		return 3 * time.Minute
	case sog <= 14:
		return 10 * time.Second
	case sog <= 23:
		return 6 * time.Second
	}
	return 2 * time.Second
}

// Things a vessel owes: reports, and the end of its leg (no report of its
// own, but a change of state is reported a second later).
const (
	duePosition = iota
	dueStatic
	dueInland
	dueLegEnd
)

// nextDue is the earliest thing the vessel owes.
func (v *vessel) nextDue() (time.Time, int) {
	t, what := v.nextPos, duePosition
	if v.nextStatic.Before(t) {
		t, what = v.nextStatic, dueStatic
	}
	if (v.inland || v.podOnce) && v.nextInland.Before(t) {
		t, what = v.nextInland, dueInland
	}
	if v.until.Before(t) {
		t, what = v.until, dueLegEnd
	}
	return t, what
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
