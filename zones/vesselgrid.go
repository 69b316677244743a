package zones

import (
	"math"
	"unsafe"

	"github.com/riverwatch/riverwatch/vessels/prefetch"
)

// gridLat and gridLon are the vessel grid's cell size in degrees, about
// 3.3 km square in Jilin: as large as the collision range, so that a scan
// reads the cells meeting the circle of the range around a vessel, rarely
// more than 3 × 3. Smaller cells would hold fewer neighbours that cannot
// matter, but in more and shorter runs of memory: with 1 km cells the
// whole path ran 30% slower, with 2 km 12%.
const (
	gridLat = 0.03
	gridLon = 0.042
)

// gridDriftM is how far beyond the range a scan looks at cells: an entry
// lies where its vessel was at its last fix, which the scan dead reckons
// to the scanning vessel's time; 300 m is over a minute at 8 knots, ten
// reports' worth of a class A vessel under way.
const gridDriftM = 300.0

// blockBits sets the grid's blocks: 16 × 16 cells, some 53 km square in
// Jilin, held in one array, so that a scan of the cells around a vessel
// looks up a block for each stretch of a row it covers (one, rarely two)
// instead of each cell, and a vessel that stays in its cell finds its
// entry without a lookup.
const (
	blockBits = 4
	blockSide = 1 << blockBits
	blockMask = blockSide - 1
)

type cellKey struct{ lat, lon int32 }

// gridEntry is what the pair rules first look at of a vessel, kept compact
// in its cell (40 bytes: some 33 vessels of a scan in 21 cache lines) so
// that scanning the neighbours reads contiguous memory and touches a
// vessel's full state only for the few that may come close. Position and
// velocity are float32, the position from its block's corner: a prefilter
// with a metre of slack, the vessel's own state deciding the rest.
type gridEntry struct {
	s          *vstate
	atMs       int64
	dlat, dlon float32 // degrees from the block's south-west corner
	vx, vy     float32 // m/s east, north
	reach      float32 // the domain's semi-major axis (see domainReach)
	ferry      bool
	slow       bool // its last two fixes more than DefaultPairEvery apart (see vstate.slow)
}

// gridBlock is the cells of one block, where it lies, and how many
// vessels its cells hold, and of those how many are slow reporters.
type gridBlock struct {
	cells      [blockSide * blockSide][]gridEntry
	slow       [blockSide * blockSide]uint16 // slow entries in each cell
	olat, olon float64                       // south-west corner
	n          int
}

// rewrite writes s's entry over its old one, keeping the cell's count of
// slow reporters from what s remembers of the old one (slowInGrid): the
// old entry is not read, so that the write does not wait for its line.
func (b *gridBlock) rewrite(s *vstate) {
	if s.slowInGrid != s.slow {
		if s.slow {
			b.slow[s.cellIdx]++
		} else {
			b.slow[s.cellIdx]--
		}
		s.slowInGrid = s.slow
	}
	b.cells[s.cellIdx][s.gridIdx] = entryOf(s, b)
}

// vesselGrid is a spatial hash of the vessels under way by position:
// neighbours within a few kilometres are found by looking at the cells
// around, so the pair rules cost the vessels nearby, never the whole fleet
// nor those moored or at anchor.
type vesselGrid struct{ blocks map[cellKey]*gridBlock }

func newVesselGrid() vesselGrid { return vesselGrid{blocks: map[cellKey]*gridBlock{}} }

func cellOf(lat, lon float64) cellKey {
	return cellKey{int32(math.Floor(lat / gridLat)), int32(math.Floor(lon / gridLon))}
}

// blockOf is the key of the block holding cell c, and c's place in it.
func blockOf(c cellKey) (cellKey, int) {
	return cellKey{c.lat >> blockBits, c.lon >> blockBits}, int(c.lat&blockMask)<<blockBits | int(c.lon&blockMask)
}

func entryOf(s *vstate, b *gridBlock) gridEntry {
	return gridEntry{s: s, atMs: s.at.milli(), dlat: float32(s.lat - b.olat), dlon: float32(s.lon - b.olon),
		vx: float32(s.vx), vy: float32(s.vy), reach: float32(domainReach(s)), ferry: s.ferry, slow: s.slow}
}

// move puts s's latest fix in the grid.
func (g *vesselGrid) move(s *vstate) {
	c := cellOf(s.lat, s.lon)
	if s.inGrid && c == s.cell {
		s.block.rewrite(s)
		return
	}
	g.remove(s)
	bk, i := blockOf(c)
	b := g.blocks[bk]
	if b == nil {
		b = &gridBlock{olat: float64(bk.lat<<blockBits) * gridLat, olon: float64(bk.lon<<blockBits) * gridLon}
		g.blocks[bk] = b
	}
	es := append(b.cells[i], entryOf(s, b))
	b.cells[i] = es
	b.n++
	if s.slowInGrid = s.slow; s.slow {
		b.slow[i]++
	}
	s.cell, s.block, s.cellIdx, s.gridIdx, s.inGrid = c, b, i, len(es)-1, true
}

// refresh rewrites s's entry (its ferry flag or length changed).
func (g *vesselGrid) refresh(s *vstate) {
	if s.inGrid {
		s.block.rewrite(s)
	}
}

func (g *vesselGrid) remove(s *vstate) {
	if !s.inGrid {
		return
	}
	b := s.block
	es := b.cells[s.cellIdx]
	if s.slowInGrid {
		b.slow[s.cellIdx]--
	}
	last := len(es) - 1
	if s.gridIdx != last {
		es[s.gridIdx] = es[last]
		es[s.gridIdx].s.gridIdx = s.gridIdx
	}
	es[last] = gridEntry{} // no pointer left behind for the collector
	b.cells[s.cellIdx] = es[:last]
	if b.n--; b.n == 0 {
		bk, _ := blockOf(s.cell)
		delete(g.blocks, bk)
	}
	s.block, s.inGrid = nil, false
}

// appendCandidates appends the vessels under way within about rangeM of s
// whose last fix is at most maxPositionAge from s's and which, on present
// courses, come within maxCPA metres of s within horizon seconds: the only
// ones a pair rule can find at risk. Of those it leaves out the vessels
// that pass further than the pair rules look: 1.3 times the larger ship
// domain's reach (collision_risk), or 1.3 times ferryM when either is a
// crossing ferry (ferry_conflict). It finds every such vessel whose last
// fix lies within rangeM + gridDriftM of s: it reads the cells that meet
// that circle, row by row.
//
// Half a scan (half true) reads only the cells north of s's, and s's own
// row from its own cell east; of the others, only the slow reporters (see
// vstate.slow). Of two vessels in different cells, each lies in the
// other's half but for one, so when every vessel scans by halves each pair
// is still judged, once, by the vessel south or west of the other, and a
// slow reporter's pairs by its neighbours, which report more often.
func (g *vesselGrid) appendCandidates(dst []*vstate, s *vstate, rangeM, horizon, maxCPA, ferryM float64, half bool) []*vstate {
	q := candidateScan{
		s: s, at: s.at.milli(), maxAge: maxPositionAge.Milliseconds(),
		kx: s.kx, svx: s.vx, svy: s.vy, sFerry: s.ferry,
		rs2:  (rangeM + candidateSlack) * (rangeM + candidateSlack),
		r2:   rangeM * rangeM,
		cpa2: maxCPA * maxCPA, maxCPA: maxCPA, horizon: horizon,
		sReach: 1.3 * domainReach(s), ferryLook: 1.3 * ferryM,
	}
	reach := rangeM + gridDriftM
	dLat := reach / mPerDegLat
	i0, i1 := int32(math.Floor((s.lat-dLat)/gridLat)), int32(math.Floor((s.lat+dLat)/gridLat))
	var blocks blockCache
	var run cellRun
	own := cellOf(s.lat, s.lon)
	for i := i0; i <= i1; i++ {
		// How far row i's band lies north or south of s, and so how far
		// east and west of s the circle reaches in it.
		dy := 0.0
		if south, north := float64(i)*gridLat, float64(i+1)*gridLat; s.lat < south {
			dy = (south - s.lat) * mPerDegLat
		} else if s.lat > north {
			dy = (s.lat - north) * mPerDegLat
		}
		if dy > reach {
			continue
		}
		dLon := math.Sqrt(reach*reach-dy*dy) / s.kx
		j0, j1 := int32(math.Floor((s.lon-dLon)/gridLon)), int32(math.Floor((s.lon+dLon)/gridLon))
		for j := j0; j <= j1; {
			k, ci := blockOf(cellKey{i, j})
			last := min(j1, (k.lon+1)<<blockBits-1) // the row's last cell in this block
			if b := blocks.get(g, k); b != nil {
				for n, jj := ci+int(last-j), j; ci <= n; ci, jj = ci+1, jj+1 {
					es := b.cells[ci]
					switch {
					case len(es) == 0:
					case !half || i > own.lat || i == own.lat && jj >= own.lon:
						dst = run.add(dst, &q, es, b, false)
					case b.slow[ci] > 0:
						dst = run.add(dst, &q, es, b, true)
					}
				}
			}
			j = last + 1
		}
	}
	return run.flush(dst, &q)
}

// cellRun holds the cells a scan is to read, so that the loads of all
// their entries are asked for before the first is compared: each cell's
// entries lie in a memory of their own, out of the cache, and compared
// cell by cell each would cost a full memory latency.
type cellRun struct {
	cells [12]pendingCell
	n     int
}

// pendingCell is one queued cell: its entries, its block and whether only
// its slow reporters are compared.
type pendingCell struct {
	es       []gridEntry
	b        *gridBlock
	slowOnly bool
}

// cellPrefetchBytes is how much of a cell's entries a scan asks for
// ahead: a dozen entries, three times the usual cell.
const cellPrefetchBytes = 8 * prefetch.LineSize

// add asks for the first lines of es and queues the cell; a full queue
// is compared first.
func (r *cellRun) add(dst []*vstate, q *candidateScan, es []gridEntry, b *gridBlock, slowOnly bool) []*vstate {
	if r.n == len(r.cells) {
		dst = r.flush(dst, q)
	}
	prefetch.Lines(unsafe.Pointer(unsafe.SliceData(es)), min(uintptr(len(es))*unsafe.Sizeof(es[0]), cellPrefetchBytes))
	r.cells[r.n] = pendingCell{es, b, slowOnly}
	r.n++
	return dst
}

// flush compares the queued cells.
func (r *cellRun) flush(dst []*vstate, q *candidateScan) []*vstate {
	for _, c := range r.cells[:r.n] {
		dst = q.cell(dst, c.es, q.s.lat-c.b.olat, q.s.lon-c.b.olon, c.slowOnly)
	}
	r.n = 0
	return dst
}

// candidateSlack is the prefilter's slack in metres: float32 positions
// are within a centimetre.
const candidateSlack = 1.0

// blockCache remembers the blocks one scan looked up: a scan's rows meet
// the same one or two blocks, each looked up in the map once.
type blockCache struct {
	keys   [4]cellKey
	blocks [4]*gridBlock
	n      int
}

func (c *blockCache) get(g *vesselGrid, k cellKey) *gridBlock {
	for i := range c.n {
		if c.keys[i] == k {
			return c.blocks[i]
		}
	}
	b := g.blocks[k]
	if c.n < len(c.keys) {
		c.keys[c.n], c.blocks[c.n] = k, b
		c.n++
	}
	return b
}

// candidateScan is what a scan compares every neighbour's entry with: the
// scanning vessel's time, velocity and reach, and the rules' limits.
type candidateScan struct {
	s                 *vstate
	at, maxAge        int64
	kx, svx, svy      float64
	rs2, r2, cpa2     float64
	maxCPA, horizon   float64
	sReach, ferryLook float64
	sFerry            bool
}

// cell appends the candidates among the entries of one cell (only its
// slow reporters if slowOnly); slat and slon are s from the corner of the
// cell's block.
func (q *candidateScan) cell(dst []*vstate, es []gridEntry, slat, slon float64, slowOnly bool) []*vstate {
	// The fields in locals: the compiler reloads a field through a pointer
	// on every pass of the loop.
	s, at, maxAge, kx, svx, svy, rs2 := q.s, q.at, q.maxAge, q.kx, q.svx, q.svy, q.rs2
	for k := range es {
		o := &es[k]
		dt := at - o.atMs
		if o.s == s || dt > maxAge || -dt > maxAge || slowOnly && !o.slow {
			continue
		}
		// o dead reckoned to s's time, relative to s.
		sec := float64(dt) / 1000
		ovx, ovy := float64(o.vx), float64(o.vy)
		rx := (float64(o.dlon)-slon)*kx + ovx*sec
		ry := (float64(o.dlat)-slat)*mPerDegLat + ovy*sec
		if rx*rx+ry*ry > rs2 {
			continue
		}
		if q.closes(o, rx, ry, ovx-svx, ovy-svy) && near(s, o.s, q.r2, q.horizon, q.cpa2) {
			dst = append(dst, o.s)
		}
	}
	return dst
}

// closes reports whether o, at (rx, ry) from s and closing at (vx, vy),
// comes within the furthest a rule looks of it within the horizon.
func (q *candidateScan) closes(o *gridEntry, rx, ry, vx, vy float64) bool {
	// Plain comparisons, not min and max: nothing here is NaN, and the
	// built-ins' care for NaN and signed zeros costs more than the
	// arithmetic.
	t := 0.0
	if v2 := vx*vx + vy*vy; v2 > 1e-9 {
		if t = -(rx*vx + ry*vy) / v2; t < 0 {
			t = 0
		} else if t > q.horizon {
			t = q.horizon
		}
	}
	look := q.sReach
	if r := 1.3 * float64(o.reach); r > look {
		look = r
	}
	if (q.sFerry || o.ferry) && q.ferryLook > look {
		look = q.ferryLook
	}
	if look > q.maxCPA {
		look = q.maxCPA
	}
	look += candidateSlack
	dx, dy := rx+vx*t, ry+vy*t
	return dx*dx+dy*dy <= look*look
}

// near is appendCandidates' test in full on the vessels' own state: o
// dead reckoned to s's report time (in whole milliseconds) within r2
// (squared metres) of s, closest within horizon seconds, and then within
// cpa2.
func near(s, o *vstate, r2, horizon, cpa2 float64) bool {
	sec := float64(s.at.milli()-o.at.milli()) / 1000
	rx := (o.lon-s.lon)*s.kx + o.vx*sec
	ry := (o.lat-s.lat)*mPerDegLat + o.vy*sec
	if rx*rx+ry*ry > r2 {
		return false
	}
	vx, vy := o.vx-s.vx, o.vy-s.vy
	t := 0.0
	if v2 := vx*vx + vy*vy; v2 > 1e-9 {
		t = max(0, -(rx*vx+ry*vy)/v2)
	}
	if t > horizon {
		return false
	}
	dx, dy := rx+vx*t, ry+vy*t
	return dx*dx+dy*dy <= cpa2
}
