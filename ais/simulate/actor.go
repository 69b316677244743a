package simulate

import (
	"math"
	"time"
)

// actor is a vessel an incident adds for a while: a script of legs it
// sails, reporting as any class A vessel does (or, for an AIS-SART, in
// bursts), then it moors or anchors and falls silent. Its identity and
// state live in a vessel so that it reports through the same code.
type actor struct {
	v       *vessel
	legs    []leg
	cur     int       // the leg it is on
	legAt   time.Time // when that leg began
	end     time.Time // the end of its last leg
	sart    bool
	inBurst int // SART: reports of the present burst sent
	done    bool
}

// A leg runs along a river lane (route set: from s0 to s1 along the line,
// offset o0 to o1 metres right of it) or straight from a to b, at kn; or,
// at kn 0, holds still at a with course cog for dur.
type leg struct {
	rt             *route
	s0, s1, o0, o1 float64
	a, b           [2]float64
	kn             float64
	cog            float64
	nav            int
	dur            time.Duration
}

// along is a leg on a river lane.
func along(r *route, s0, s1, o0, o1, kn float64, nav int) leg {
	l := math.Hypot(s1-s0, o1-o0)
	return leg{rt: r, s0: s0, s1: s1, o0: o0, o1: o1, kn: kn, nav: nav, dur: legDur(l, kn)}
}

// straight is a leg from a to b.
func straight(a, b [2]float64, kn float64, nav int) leg {
	return leg{a: a, b: b, kn: kn, nav: nav, cog: bearing(a, b), dur: legDur(distance(a, b), kn)}
}

// hold is a leg at rest at p, heading cog.
func hold(p [2]float64, cog float64, d time.Duration, nav int) leg {
	return leg{a: p, b: p, cog: cog, nav: nav, dur: d}
}

func legDur(metres, kn float64) time.Duration {
	return max(time.Second, time.Duration(metres/(kn*knot)*float64(time.Second)))
}

// at is the position and course f of the way through the leg.
func (l *leg) at(f float64) ([2]float64, float64) {
	if l.rt != nil {
		dir := 1
		if l.s1 < l.s0 {
			dir = -1
		}
		p, c := l.rt.laneAt(l.s0+f*(l.s1-l.s0), l.o0+f*(l.o1-l.o0), dir)
		if d := l.o1 - l.o0; d != 0 {
			c = math.Mod(c+float64(dir)*math.Atan2(d, math.Abs(l.s1-l.s0))*180/math.Pi+360, 360)
		}
		return p, c
	}
	if l.kn == 0 {
		return l.a, l.cog
	}
	return [2]float64{l.a[0] + f*(l.b[0]-l.a[0]), l.a[1] + f*(l.b[1]-l.a[1])}, l.cog
}

// end is where the leg ends.
func (l *leg) end() ([2]float64, float64) { return l.at(1) }

// easeIn slows the last 100 m before a final stop to 3 kn, as the fleet
// does (approachM), so that only a grounding incident stops dead.
func easeIn(legs []leg) []leg {
	n := len(legs)
	if n < 2 || legs[n-1].kn != 0 || legs[n-2].kn <= approachKn+1 {
		return legs
	}
	l := legs[n-2]
	length := l.dur.Seconds() * l.kn * knot
	if length < 200 {
		return legs
	}
	f := 1 - 100/length
	fast, slow := l, l
	if l.rt != nil {
		sm, om := l.s0+f*(l.s1-l.s0), l.o0+f*(l.o1-l.o0)
		fast = along(l.rt, l.s0, sm, l.o0, om, l.kn, l.nav)
		slow = along(l.rt, sm, l.s1, om, l.o1, 3, l.nav)
	} else {
		m := [2]float64{l.a[0] + f*(l.b[0]-l.a[0]), l.a[1] + f*(l.b[1]-l.a[1])}
		fast, slow = straight(l.a, m, l.kn, l.nav), straight(m, l.b, 3, l.nav)
		fast.cog, slow.cog = l.cog, l.cog
	}
	return append(legs[:n-2:n-2], fast, slow, legs[n-1])
}

// newActor sets v sailing legs from t.
func newActor(v *vessel, t time.Time, legs []leg) *actor {
	legs = easeIn(legs)
	a := &actor{v: v, legs: legs, legAt: t}
	a.end = t
	for _, l := range legs {
		a.end = a.end.Add(l.dur)
	}
	a.v.nav = legs[0].nav
	a.settle(t)
	a.v.nextStatic = t
	a.v.nextPos = t.Add(time.Second)
	return a
}

// settle puts the actor where its script has it at t (legAt <= t).
func (a *actor) settle(t time.Time) {
	l := &a.legs[a.cur]
	f := 1.0
	if l.dur > 0 {
		f = math.Min(1, float64(t.Sub(a.legAt))/float64(l.dur))
	}
	v := a.v
	v.pos, v.cog = l.at(f)
	v.sog = l.kn
	if a.sart {
		v.heading = 511
	} else {
		v.heading = int(math.Round(v.cog+v.rng.NormFloat64()*2+360)) % 360
	}
}

// nextDue is the earliest thing the actor owes: a report or the end of
// its leg.
func (a *actor) nextDue() (time.Time, int) {
	v := a.v
	t, what := v.nextPos, duePosition
	if !a.sart && v.nextStatic.Before(t) {
		t, what = v.nextStatic, dueStatic
	}
	if le := a.legAt.Add(a.legs[a.cur].dur); le.Before(t) {
		t, what = le, dueLegEnd
	}
	return t, what
}

// advance moves the actor to t, into the next leg when one ends; a change
// of status or of more than 2 kn is reported at once. After the last leg
// it is done.
func (a *actor) advance(t time.Time) {
	v := a.v
	for {
		l := &a.legs[a.cur]
		le := a.legAt.Add(l.dur)
		if t.Before(le) {
			break
		}
		if a.cur == len(a.legs)-1 {
			a.settle(le)
			a.done = true
			return
		}
		a.cur++
		a.legAt = le
		n := &a.legs[a.cur]
		if n.nav != v.nav || math.Abs(n.kn-l.kn) > 2 {
			if n.nav != v.nav && !a.sart {
				v.changed = true
			}
			v.nav = n.nav
			if !a.sart {
				v.nextPos = minTime(v.nextPos, le.Add(time.Second))
			}
		}
	}
	a.settle(t)
}

// tick emits every report the actor owes up to now.
func (s *Simulator) tickActor(a *actor, now time.Time, emit func([]byte)) {
	for !a.done {
		due, what := a.nextDue()
		if due.After(now) {
			return
		}
		a.advance(due)
		if a.done {
			if !a.sart { // its last word: where it stopped, as it stopped
				s.emit(a.v.positionPacket(due), nil, emit)
				s.stats.Positions++
			}
			return
		}
		switch {
		case what == duePosition && a.sart:
			// An AIS-SART sends a burst of eight reports a minute; a
			// second apart, so that no two are the same payload.
			s.emit(a.v.positionPacket(due), nil, emit)
			s.stats.Positions++
			if a.inBurst++; a.inBurst < sartBurst {
				a.v.nextPos = due.Add(time.Second)
			} else {
				a.inBurst = 0
				a.v.nextPos = due.Add(time.Minute - (sartBurst-1)*time.Second)
			}
		case what == dueLegEnd:
		default:
			s.send(a.v, what, due, emit)
		}
	}
}

const sartBurst = 8
