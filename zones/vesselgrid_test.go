package zones

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestCandidatesAsEveryPair holds the neighbour scan to a plain test of
// every vessel in the grid (candidatesOfAll, below): random fleets, thick
// and thin, with ferries, stale fixes and every length. The scan finds
// only what the plain test finds, and all of it whose last fix lies within
// the range and its drift allowance of the scanning vessel.
func TestCandidatesAsEveryPair(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	base := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	found, beyond := 0, 0
	for round := range 20 {
		g := newVesselGrid()
		fleet := randomFleet(rng, &g, func() instant { return instantOf(base.Add(time.Duration(rng.IntN(300)) * time.Second)) }, 0)
		byMMSI := func(a, b *vstate) int { return int(a.mmsi) - int(b.mmsi) }
		for _, s := range fleet {
			got := g.appendCandidates(nil, s, DefaultCollisionRangeM, 300, 1.3*maxDomainReach, DefaultFerryConflictM, false)
			all := g.candidatesOfAll(s, DefaultCollisionRangeM, 300, 1.3*maxDomainReach, DefaultFerryConflictM)
			slices.SortFunc(got, byMMSI)
			for _, o := range got {
				if _, ok := slices.BinarySearchFunc(all, o, byMMSI); !ok {
					t.Fatalf("round %d, vessel %d: candidate %d is none", round, s.mmsi, o.mmsi)
				}
			}
			for _, o := range all {
				_, ok := slices.BinarySearchFunc(got, o, byMMSI)
				switch d := math.Hypot((o.lon-s.lon)*s.kx, (o.lat-s.lat)*mPerDegLat); {
				case !ok && d < DefaultCollisionRangeM+gridDriftM-1:
					t.Fatalf("round %d, vessel %d: candidate %d, %.0f m away, not found", round, s.mmsi, o.mmsi, d)
				case !ok:
					beyond++
				}
			}
			found += len(got)
		}
	}
	if found < 1000 {
		t.Fatalf("only %d candidates in all: the fleets test too little", found)
	}
	t.Logf("%d candidates; %d more drifted in from beyond the cells scanned", found, beyond)
}

// TestHalfScansCoverEveryPair holds half scans to what they promise: each
// finds only what the whole scan finds, and of every pair the whole scan
// finds, one of the two vessels' half scans finds the other; a slow
// reporter is found by every half scan that would find it whole. All fixes
// are of one moment, so that a pair is a candidate from either side (but
// at the edge of the range, where each side's metres per degree of
// longitude, taken at its own latitude, differ by a few parts in 10,000).
func TestHalfScansCoverEveryPair(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	at := instantOf(time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC))
	pairs, byOther := 0, 0
	for round := range 20 {
		g := newVesselGrid()
		fleet := randomFleet(rng, &g, func() instant { return at }, 8)
		scan := func(s *vstate, half bool) []*vstate {
			return g.appendCandidates(nil, s, DefaultCollisionRangeM, 300, 1.3*maxDomainReach, DefaultFerryConflictM, half)
		}
		halves, wholes := map[*vstate][]*vstate{}, map[*vstate][]*vstate{}
		for _, s := range fleet {
			halves[s], wholes[s] = scan(s, true), scan(s, false)
		}
		for _, s := range fleet {
			whole := wholes[s]
			for _, o := range halves[s] {
				if !slices.Contains(whole, o) {
					t.Fatalf("round %d: %d's half scan finds %d, its whole scan does not", round, s.mmsi, o.mmsi)
				}
			}
			for _, o := range whole {
				mine, theirs := slices.Contains(halves[s], o), slices.Contains(halves[o], s)
				switch {
				case o.slow && !mine:
					t.Fatalf("round %d: %d's half scan misses %d, a slow reporter", round, s.mmsi, o.mmsi)
				case !mine && !theirs && slices.Contains(wholes[o], s):
					t.Fatalf("round %d: neither %d nor %d finds the other in its half scan", round, s.mmsi, o.mmsi)
				case !mine:
					byOther++
				}
				pairs++
			}
		}
	}
	if pairs < 1000 || byOther < pairs/20 {
		t.Fatalf("%d candidates, %d of them left to the other vessel: the fleets test too little", pairs, byOther)
	}
	t.Logf("%d candidates; %d of them left to the other vessel's half scan", pairs, byOther)
}

// randomFleet puts 400 vessels under way in g, thick or thin, with every
// length, a ferry in ten and (slowOneIn > 0) a slow reporter in slowOneIn,
// each at the time at gives it.
func randomFleet(rng *rand.Rand, g *vesselGrid, at func() instant, slowOneIn int) []*vstate {
	var fleet []*vstate
	spread := 0.02 + 0.2*rng.Float64() // degrees
	for i := range 400 {
		s := &vstate{mmsi: uint32(413_000_000 + i), underWay: true}
		s.lat, s.lon = 43.8+spread*rng.Float64(), 126.5+spread*rng.Float64()
		s.at = at()
		s.sog, s.cog = 25*rng.Float64(), 360*rng.Float64()
		s.length = []float64{0, 12, 45, 90, 180, 400}[rng.IntN(6)]
		s.ferry = rng.IntN(10) == 0
		s.slow = slowOneIn > 0 && rng.IntN(slowOneIn) == 0
		s.setMotion()
		g.move(s)
		fleet = append(fleet, s)
	}
	return fleet
}

// candidatesOfAll is appendCandidates' test on every vessel in the grid,
// in MMSI order.
func (g *vesselGrid) candidatesOfAll(s *vstate, rangeM, horizon, maxCPA, ferryM float64) []*vstate {
	var dst []*vstate
	at := s.at.milli()
	maxAge := maxPositionAge.Milliseconds()
	r2, cpa2 := rangeM*rangeM, maxCPA*maxCPA
	// The prefilter's slack: float32 positions are within a centimetre.
	const slack = 1.0
	rs2 := (rangeM + slack) * (rangeM + slack)
	sReach := 1.3 * domainReach(s)
	for _, b := range g.blocks {
		slat, slon := s.lat-b.olat, s.lon-b.olon
		for ci := range b.cells {
			es := b.cells[ci]
			for k := range es {
				o := &es[k]
				dt := at - o.atMs
				if o.s == s || dt > maxAge || -dt > maxAge {
					continue
				}
				// o dead reckoned to s's time, relative to s.
				sec := float64(dt) / 1000
				rx := (float64(o.dlon)-slon)*s.kx + float64(o.vx)*sec
				ry := (float64(o.dlat)-slat)*mPerDegLat + float64(o.vy)*sec
				if rx*rx+ry*ry > rs2 {
					continue
				}
				// The closest they come within the horizon, against the
				// furthest a rule looks.
				vx, vy := float64(o.vx)-s.vx, float64(o.vy)-s.vy
				t := 0.0
				if v2 := vx*vx + vy*vy; v2 > 1e-9 {
					t = min(horizon, max(0, -(rx*vx+ry*vy)/v2))
				}
				look := max(sReach, 1.3*float64(o.reach))
				if s.ferry || o.ferry {
					look = max(look, 1.3*ferryM)
				}
				look = min(look, maxCPA) + slack
				if dx, dy := rx+vx*t, ry+vy*t; dx*dx+dy*dy > look*look {
					continue
				}
				if !near(s, o.s, r2, horizon, cpa2) {
					continue
				}
				dst = append(dst, o.s)
			}
		}
	}
	slices.SortFunc(dst, func(a, b *vstate) int { return int(a.mmsi) - int(b.mmsi) })
	return dst
}
