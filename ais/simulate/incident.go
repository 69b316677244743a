package simulate

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// Incident kinds. Each is staged so that the rule of the same name raises
// its alert under the rules' default thresholds (a border crossing raises
// border_approach on the way too).
const (
	IncidentRestrictedEntry = "restricted_entry"  // a boat sails into a dam's no-entry circle and out again
	IncidentSpeeding        = "speeding"          // 12–14 kn through a quay's speed-limit circle
	IncidentBorderCrossing  = "border_crossing"   // over the mid-river boundary to the other half, back after a minute
	IncidentBorderLoitering = "border_loitering"  // drifting at 1 kn within 100 m of the boundary for 6 min
	IncidentCollisionRisk   = "collision_risk"    // two vessels head-on on a lake, breaking off 600 m apart
	IncidentAISGap          = "ais_gap"           // a vessel under way silent for 130–170 s
	IncidentGrounding       = "grounding_suspect" // 9 kn to 0.3 kn at once, stopped 130 s, then refloated
	IncidentAnchorDrag      = "anchor_drag"       // at anchor, dragging 220 m in 200 s
	IncidentOvercrowding    = "overcrowding"      // a ferry reports more persons on board than its crossing's capacity
	IncidentDistress        = "distress"          // an AIS-SART on a river for 4 minutes
	IncidentPositionJump    = "position_jump"     // one report 18–22 km off track
	IncidentFerryConflict   = "ferry_conflict"    // a cargo ship through a ferry crossing while the ferry crosses
	IncidentBridgeApproach  = "bridge_approach"   // 10–12 kn straight at a bridge, slowing only at its zone
)

// IncidentKinds lists the kinds in the order the scheduler runs them: the
// slowest to raise their alert first, so a round shows every alert soon.
var IncidentKinds = []string{
	IncidentBorderLoitering, IncidentDistress, IncidentSpeeding, IncidentAnchorDrag,
	IncidentBorderCrossing, IncidentCollisionRisk, IncidentAISGap, IncidentRestrictedEntry,
	IncidentGrounding, IncidentFerryConflict, IncidentOvercrowding, IncidentPositionJump,
	IncidentBridgeApproach,
}

// Incident pacing and identities.
const (
	// IncidentEveryMin and IncidentEveryMax bound the time from one
	// incident's start to the next (simulated time).
	IncidentEveryMin = 20 * time.Second
	IncidentEveryMax = 40 * time.Second
	// MaxIncidents is how many run at once; the next waits for one to end.
	MaxIncidents = 5
	// IncidentMMSIBase is the first of the MMSIs of the vessels incidents
	// add, 413000000–413099999: a block the fleet never draws from. Each
	// kind, place and role has its own, so a vessel always reappears where
	// it was last seen.
	IncidentMMSIBase = 413_000_000
	// SARTMMSIBase is the first MMSI of the simulated AIS-SARTs (970, our
	// manufacturer code 01, then a serial).
	SARTMMSIBase = 970_010_000
)

// Incident is one staged incident.
type Incident struct {
	Kind  string   // one of IncidentKinds
	Place string   // the hotspot or route where it happens
	MMSI  []uint32 // the vessels taking part, the one breaking the rule first
	Start time.Time
	End   time.Time // its vessels are back to their usual ways (or silent)
}

// maxIncidentLog bounds the incidents Incidents returns.
const maxIncidentLog = 512

// scheduler starts incidents in rotation (incident.go), keeps the vessels
// they add and the changes they make to fleet vessels at set times.
type scheduler struct {
	rng     *rand.Rand
	next    time.Time // the next start
	turn    int       // index in IncidentKinds of the next kind
	places  map[string]int
	running []Incident
	log     []Incident
	actors  []*actor
	actions []action // by time
	taken   map[*vessel]time.Time

	// Places prepared at New: border stretches, river spots, lake spots.
	borderSpots []spot
	riverSpots  []spot
	lakeSpots   []lakeSpot
	anchorSpots []anchorSpot
}

// action is a change to a fleet vessel due at a set time.
type action struct {
	at time.Time
	do func(t time.Time)
}

func newScheduler(s *Simulator) *scheduler {
	sc := &scheduler{
		rng:    rand.New(rand.NewPCG(uint64(s.cfg.Seed), 0x696e636964656e74)), // "incident"
		places: map[string]int{},
		taken:  map[*vessel]time.Time{},
	}
	sc.next = s.start.Add(sc.gap())
	sc.prepare(s)
	return sc
}

func (sc *scheduler) gap() time.Duration {
	return IncidentEveryMin + time.Duration(sc.rng.Int64N(int64((IncidentEveryMax-IncidentEveryMin)/time.Second)+1))*time.Second
}

// nextEvent is the time of the next start or change.
func (sc *scheduler) nextEvent() time.Time {
	if len(sc.actions) > 0 && sc.actions[0].at.Before(sc.next) {
		return sc.actions[0].at
	}
	return sc.next
}

// run starts the incidents and makes the changes due by now, in time
// order.
func (sc *scheduler) run(s *Simulator, now time.Time) {
	for {
		startDue := !sc.next.After(now)
		actDue := len(sc.actions) > 0 && !sc.actions[0].at.After(now)
		switch {
		case actDue && (!startDue || sc.actions[0].at.Before(sc.next)):
			a := sc.actions[0]
			sc.actions = sc.actions[1:]
			a.do(a.at)
		case startDue:
			t := sc.next
			sc.running = slices.DeleteFunc(sc.running, func(in Incident) bool { return !in.End.After(t) })
			if len(sc.running) >= MaxIncidents {
				first := sc.running[0].End
				for _, in := range sc.running {
					first = minTime(first, in.End)
				}
				sc.next = first
				continue
			}
			sc.startNext(s, t)
			sc.next = t.Add(sc.gap())
		default:
			return
		}
	}
}

// at schedules a change at t.
func (sc *scheduler) at(t time.Time, do func(time.Time)) {
	i, _ := slices.BinarySearchFunc(sc.actions, t, func(a action, t time.Time) int {
		if a.at.After(t) {
			return 1
		}
		return -1 // equal times keep the order they were set in
	})
	sc.actions = slices.Insert(sc.actions, i, action{t, do})
}

// startNext starts the next kind in rotation that can be staged now,
// skipping kinds still running and those without a place.
func (sc *scheduler) startNext(s *Simulator, t time.Time) {
	for i := range IncidentKinds {
		k := (sc.turn + i) % len(IncidentKinds)
		kind := IncidentKinds[k]
		if slices.ContainsFunc(sc.running, func(in Incident) bool { return in.Kind == kind }) {
			continue
		}
		in, ok := stagers[kind](s, sc, t)
		if !ok {
			continue
		}
		in.Kind, in.Start = kind, t
		sc.turn = (k + 1) % len(IncidentKinds)
		sc.running = append(sc.running, in)
		if sc.log = append(sc.log, in); len(sc.log) > maxIncidentLog {
			sc.log = slices.Delete(sc.log, 0, len(sc.log)-maxIncidentLog)
		}
		s.log.Info("simulated incident", "kind", kind, "place", in.Place, "mmsi", in.MMSI, "until", in.End.Format(time.TimeOnly))
		return
	}
}

// tryPlaces calls try with each of n places in turn, starting after the
// one the kind used last, until one succeeds.
func (sc *scheduler) tryPlaces(kind string, n int, try func(i int) bool) bool {
	for j := range n {
		i := (sc.places[kind] + j) % n
		if try(i) {
			sc.places[kind] = i + 1
			return true
		}
	}
	return false
}

// take marks a fleet vessel as taken over until t; free reports whether
// it is free at now.
func (sc *scheduler) take(v *vessel, t time.Time) { sc.taken[v] = t }
func (sc *scheduler) free(v *vessel, now time.Time) bool {
	until, ok := sc.taken[v]
	return !ok || !until.After(now)
}

// stagers start each kind of incident at t, or say it cannot be staged
// (no place for it, no vessel free).
var stagers = map[string]func(s *Simulator, sc *scheduler, t time.Time) (Incident, bool){
	IncidentRestrictedEntry: stageRestricted,
	IncidentSpeeding:        stageSpeeding,
	IncidentBridgeApproach:  stageBridge,
	IncidentBorderCrossing:  stageBorderCrossing,
	IncidentBorderLoitering: stageBorderLoitering,
	IncidentFerryConflict:   stageFerryConflict,
	IncidentCollisionRisk:   stageCollision,
	IncidentGrounding:       stageGrounding,
	IncidentAnchorDrag:      stageAnchorDrag,
	IncidentDistress:        stageDistress,
	IncidentAISGap:          stageAISGap,
	IncidentPositionJump:    stagePositionJump,
	IncidentOvercrowding:    stageOvercrowding,
}

// Incidents returns the incidents started so far (the last 512), oldest
// first.
func (s *Simulator) Incidents() []Incident {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sched == nil {
		return nil
	}
	out := slices.Clone(s.sched.log)
	for i := range out {
		out[i].MMSI = slices.Clone(out[i].MMSI)
	}
	return out
}

// addActor builds a vessel for an incident: kind k, ITU type shipType,
// length metres, named after the place; role tells the vessels of one
// incident apart.
func (s *Simulator) addActor(sc *scheduler, kindIdx, place, role int, k kind, shipType int, length float64, prefix string) *vessel {
	mmsi := uint32(IncidentMMSIBase + kindIdx*1000 + (place%250)*4 + role)
	v := &vessel{mmsi: mmsi, kind: k, shipType: shipType, rng: rand.New(rand.NewPCG(uint64(s.cfg.Seed), uint64(mmsi)))}
	v.toBow = int(length * 0.7)
	v.toStern = int(length) - v.toBow
	beam := max(3, length/6)
	v.toPort = int(beam / 2)
	v.toStarboard = int(beam) - v.toPort
	v.draught = float64(int(beam*2.5)) / 10
	if prefix == "" {
		prefix = genericNames[k][int(mmsi)%len(genericNames[k])]
	}
	base := prefix + " " + profiles[k].words[0]
	if len(base) > 16 {
		base = base[:16]
	}
	v.name = fmt.Sprintf("%s %d", strings.TrimRight(base, " "), 100+int(mmsi)%900)
	v.callSign = fmt.Sprintf("BZ%c%c%d", 'A'+mmsi/10%26, 'A'+mmsi/260%26, mmsi%10)
	v.dest = genericPorts[int(mmsi)%len(genericPorts)]
	v.crew = 3
	return v
}

// kindIndex is the position of kind in IncidentKinds, for MMSIs.
func kindIndex(kind string) int { return slices.Index(IncidentKinds, kind) }

// launch adds an actor sailing legs from t.
func (sc *scheduler) launch(v *vessel, t time.Time, legs []leg) *actor {
	a := newActor(v, t, legs)
	sc.actors = append(sc.actors, a)
	return a
}

// tickActors emits what the incidents' vessels owe up to now and drops
// those that are done.
func (s *Simulator) tickActors(now time.Time, emit func([]byte)) {
	sc := s.sched
	for _, a := range sc.actors {
		s.tickActor(a, now, emit)
	}
	sc.actors = slices.DeleteFunc(sc.actors, func(a *actor) bool { return a.done })
}
