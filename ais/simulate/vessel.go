package simulate

import (
	"math"
	"math/rand/v2"
	"time"
)

// Navigational status values sent in class A reports.
const (
	navUnderWay = 0
	navMoored   = 5
	navFishing  = 7
)

const knot = 1852.0 / 3600 // m/s

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

	// Current leg: from t0 until `until`. Moving legs run along the route
	// from s0 in direction dir (river, ferry) or straight from a to b (lake).
	moving    bool
	t0, until time.Time
	s0, speed float64 // metres along the route, m/s
	dir       int
	lo, hi    float64 // the stretch of the river this vessel works
	a, b      [2]float64

	// State at the last advance.
	pos        [2]float64
	sog, cog   float64
	heading    int
	nav        int
	changed    bool // nav status changed since the last position report
	lastCourse float64

	nextPos, nextStatic, nextInland time.Time
	staticB                         bool // class B: part B is next
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
		v.passengers = rng.IntN(120)
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
		v.a, v.b = v.pos, v.pos
	default:
		v.lo, v.hi = 0, r.total
		if span := between(rng, p.minRange, p.maxRange); r.kind == KindRiver && span > 0 && span < r.total {
			v.lo = rng.Float64() * (r.total - span)
			v.hi = v.lo + span
		}
		v.dir = 1
		if rng.IntN(2) == 0 {
			v.dir = -1
		}
		v.s0 = between(rng, v.lo, v.hi)
		v.pos, v.cog = r.at(v.s0, v.dir)
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
			v.pos, v.cog = r.at(v.s0, v.dir)
		}
		v.lastCourse = v.cog
		v.wait(start, betweenDur(v.rng, 0, p.maxWait))
	} else {
		v.startLeg(start)
	}
	v.nextPos = start.Add(time.Duration(rng.Int64N(int64(5 * time.Second))))
	v.nextStatic = start.Add(time.Duration(rng.Int64N(int64(5 * time.Second))))
	v.nextInland = start.Add(20*time.Second + time.Duration(rng.Int64N(int64(40*time.Second))))
	v.changed = false
	return v
}

// wait starts a leg at rest: moored at a river end or ferry bank, fishing or
// moored in a lake.
func (v *vessel) wait(t time.Time, d time.Duration) {
	v.moving = false
	v.t0, v.until = t, t.Add(d)
	v.sog = 0
	v.setNav(navMoored)
	if v.kind == fishing {
		v.setNav(navFishing)
	}
}

// startLeg starts moving from the current position: along the river to the
// end of the vessel's stretch, across to the other bank, or to a new spot in
// the lake.
func (v *vessel) startLeg(t time.Time) {
	p := profiles[v.kind]
	v.moving = true
	v.t0 = t
	v.speed = between(v.rng, p.minKn, p.maxKn) * knot
	v.setNav(navUnderWay)
	var dist float64
	if v.route.kind == KindLake {
		v.a = v.pos
		v.b = v.pos
		for range 20 {
			c, ok := v.route.randomInside(v.rng)
			if ok && v.route.segmentInside(v.pos, c) {
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
	}
	v.until = t.Add(time.Duration(dist / v.speed * float64(time.Second)))
	if !v.until.After(t) {
		v.until = t.Add(time.Second)
	}
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
		if v.moving && v.route.kind != KindLake {
			v.s0, v.dir = v.lim(), -v.dir
		}
		if v.moving {
			// Arrived: wait at the end, then head back.
			v.wait(end, betweenDur(v.rng, profiles[v.kind].minWait, profiles[v.kind].maxWait))
		} else {
			v.startLeg(end)
		}
		// A change of state is reported at once (class A ITDMA, type 3).
		if v.changed {
			v.nextPos = maxTime(t, minTime(v.nextPos, end.Add(time.Second)))
		}
	}
	v.settle(t)
}

// settle computes position, speed and course at t within the current leg
// (t0 <= t <= until). At the end of a river leg it flips direction.
func (v *vessel) settle(t time.Time) {
	el := t.Sub(v.t0).Seconds()
	if !v.moving {
		v.sog = 0
		v.heading = int(math.Round(v.lastCourse)) % 360
		v.cog = v.lastCourse
		return
	}
	if v.route.kind == KindLake {
		f := 1.0
		if d := distance(v.a, v.b); d > 0 {
			f = math.Min(1, el*v.speed/d)
		}
		v.pos = [2]float64{v.a[0] + f*(v.b[0]-v.a[0]), v.a[1] + f*(v.b[1]-v.a[1])}
		v.cog = v.lastCourse
	} else {
		s := v.s0 + float64(v.dir)*math.Min(el*v.speed, math.Abs(v.lim()-v.s0))
		v.pos, v.cog = v.route.at(s, v.dir)
		v.lastCourse = v.cog
	}
	v.sog = v.speed / knot
	v.heading = int(math.Round(v.cog+v.rng.NormFloat64()*2+360)) % 360
}

func (v *vessel) lim() float64 {
	if v.dir > 0 {
		return v.hi
	}
	return v.lo
}

// interval is the position reporting interval of ITU-R M.1371 for the
// vessel's class and state: class A 10 s under way (6 s above 14 kn), 3 min
// at anchor or moored; class B "CS" 30 s above 2 kn, else 3 min.
func (v *vessel) interval() time.Duration {
	switch {
	case v.classB && v.sog > 2:
		return 30 * time.Second
	case v.classB:
		return 3 * time.Minute
	case !v.moving || v.sog < 0.5:
		return 3 * time.Minute
	case v.sog > 14:
		return 6 * time.Second
	}
	return 10 * time.Second
}

// report kinds.
const (
	duePosition = iota
	dueStatic
	dueInland
)

// nextDue is the earliest report the vessel owes.
func (v *vessel) nextDue() (time.Time, int) {
	t, what := v.nextPos, duePosition
	if v.nextStatic.Before(t) {
		t, what = v.nextStatic, dueStatic
	}
	if v.inland && v.nextInland.Before(t) {
		t, what = v.nextInland, dueInland
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
