package zones

import (
	"math"
	"time"

	"github.com/paulmach/orb"

	"github.com/riverwatch/riverwatch/vessels"
)

// What the engine remembers of each vessel between its reports.

// fix is one accepted position.
type fix struct {
	lat, lon float64
	at       instant
	sog, cog float64 // NaN when not available
}

func (f fix) point() orb.Point { return orb.Point{f.lon, f.lat} }
func (f fix) valid() bool      { return !f.at.isZero() }

// vstate is what the engine remembers of a vessel between its reports.
//
// With thousands of vessels reporting in turn, each report finds its
// vstate out of the cache, so the fields every report reads or writes come
// first, together, and what only some rules need (the zone caches, the
// border and speeding counts, the anchor) last: a report then touches a
// few contiguous cache lines, which the hardware fetches as one run.
type vstate struct {
	mmsi                    uint32
	underWay, moving, ferry bool
	inGrid, gone            bool
	// slow: its last two fixes came more than DefaultPairEvery apart, or
	// it has one only, or the sweep found it overdue; its neighbours' half
	// scans then judge its pairs too (see vesselGrid.appendCandidates)
	slow, slowInGrid     bool  // slowInGrid: as its grid entry has it
	shipType             int16 // ITU ship type, 0..255
	navStatus, anchorNav int8  // 0..15; anchorNav −1 for none
	fix
	lastSeen               instant
	length                 float64
	persons, manualPersons int32 // −1: not known

	// motion, for the pair rules (see setMotion)
	kx, vx, vy, sinC, cosC float64
	kxLat                  float64 // the latitude kx is of (see setMotion)
	// when and with what course and speed the pair rules last scanned
	// its neighbours
	pairAt           instant
	pairSOG, pairCOG float64

	inside  []string // ids of the zones it is in
	insideZ []*Zone  // those zones, of the index numbered zgen
	zgen    uint64
	eps     []epRef // episodes concerning it
	cell    cellKey
	block   *gridBlock // the grid's block holding cell
	cellIdx int        // cell's place in block
	gridIdx int        // index of its entry in the cell

	free      freeBox // around its position when in no zone (see freeBox)
	freeAhead freeBox // around its look-ahead when it meets no bridge

	dropAt   instant // grounding: when speed fell from above GroundFromKn
	lastFast instant // last report above GroundFromKn
	class    string
	name     string

	// Read by some rules only.

	// the pieces of the zones and of the bridges near it (see pieceCache)
	nearZones, nearBridges pieceCache

	speeding    []zoneCount    // consecutive reports over (+) or under (−) a zone's limit
	homeSide    map[string]int // border id → the side of it the vessel came from (see Side)
	loiterSince instant
	anchor      fix // where it settled at anchor or moored
}

// narrowShipType is a ship type as vstate keeps it: ITU types are 0..255,
// anything else is held at the nearest int16.
func narrowShipType(t int) int16 { return int16(min(max(t, math.MinInt16), math.MaxInt16)) }

// narrowNavStatus is a navigational status as vstate keeps it; outside
// 0..15 it is 15, not defined.
func narrowNavStatus(n int) int8 {
	if n < 0 || n > 15 {
		return 15
	}
	return int8(n)
}

// narrowPersons is a count of persons as vstate keeps it: −1 for none
// (any negative), held at the largest int32.
func narrowPersons(n int) int32 { return int32(min(max(n, -1), math.MaxInt32)) }

func deref(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

func underWay(v *vessels.Vessel, minKn float64) bool {
	if v.NavStatus == 1 || v.NavStatus == 5 || v.NavStatus == 6 {
		return false // at anchor, moored, aground
	}
	return v.SOG != nil && *v.SOG >= minKn
}

func personsOf(v *vessels.Vessel) int {
	if v.Persons == nil {
		return -1
	}
	n, any := 0, false
	for _, p := range []*int{v.Persons.Crew, v.Persons.Passengers, v.Persons.Personnel} {
		if p != nil {
			n += *p
			any = true
		}
	}
	if !any {
		return -1
	}
	return n
}

func isSART(mmsi uint32) bool {
	p := mmsi / 1_000_000
	return p == 970 || p == 972 || p == 974
}

// lost is the tracker giving a vessel up: it leaves its zones and the
// vessel grid; its episodes end except those that silence itself raises.
func (e *Engine) lost(s *vstate, now time.Time) {
	s.gone = true
	for _, id := range s.inside {
		e.leave(s, id, now)
	}
	s.inside, s.insideZ = s.inside[:0], s.insideZ[:0]
	s.nearZones, s.nearBridges, s.free, s.freeAhead = pieceCache{}, pieceCache{}, freeBox{}, freeBox{}
	e.grid.remove(s)
	e.episodesOf(s, func(ep *episode) {
		if k := ep.alert.Kind; k != AlertAISGap && k != AlertLongUnsupervised {
			e.end(ep, now)
		}
	})
}

// zoneCount is a count kept per zone.
type zoneCount struct {
	id string
	n  int
}

// insideZones returns the zones s is in, looked up again when the zones
// have changed since its last position (a zone that is gone is left out
// until the next position leaves it).
func (e *Engine) insideZones(s *vstate) []*Zone {
	if s.zgen == e.zgen && len(s.insideZ) == len(s.inside) {
		return s.insideZ
	}
	s.insideZ = s.insideZ[:0]
	for _, id := range s.inside {
		if z, ok := e.index.Zone(id); ok {
			s.insideZ = append(s.insideZ, z)
		}
	}
	s.zgen = e.zgen
	return s.insideZ
}

func (e *Engine) enter(s *vstate, id string, now time.Time) {
	m := e.members[id]
	if m == nil {
		m = map[uint32]struct{}{}
		e.members[id] = m
	}
	m[s.mmsi] = struct{}{}
	e.sink.OccupancyChanged(Occupancy{ZoneID: id, MMSI: s.mmsi, In: true, At: now})
}

func (e *Engine) leave(s *vstate, id string, now time.Time) {
	if m := e.members[id]; m != nil {
		delete(m, s.mmsi)
		if len(m) == 0 {
			delete(e.members, id)
		}
	}
	e.sink.OccupancyChanged(Occupancy{ZoneID: id, MMSI: s.mmsi, In: false, At: now})
}
