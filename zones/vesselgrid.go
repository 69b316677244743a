package zones

import "math"

// gridLat and gridLon are the vessel grid's cell size in degrees, about
// 3.3 km square in Jilin: as large as the collision range, so that a scan
// looks at the 3 × 3 cells around a vessel.
const (
	gridLat = 0.03
	gridLon = 0.042
)

// blockBits sets the grid's blocks: 16 × 16 cells, some 53 km square in
// Jilin, held in one array, so that a scan of the cells around a vessel
// looks up one block (rarely two or four) instead of each cell, and a
// vessel that stays in its cell finds its entry without a lookup.
const (
	blockBits = 4
	blockSide = 1 << blockBits
	blockMask = blockSide - 1
)

type cellKey struct{ lat, lon int32 }

// gridEntry is what the pair rules first look at of a vessel, kept compact
// in its cell so that scanning the neighbours reads contiguous memory and
// touches a vessel's full state only for the few that may come close.
type gridEntry struct {
	s              *vstate
	lat, lon       float64
	vx, vy         float64 // m/s east, north
	atMs           int64
	underWayMoving bool
	ferry          bool
}

// gridBlock is the cells of one block, and how many vessels they hold.
type gridBlock struct {
	cells [blockSide * blockSide][]gridEntry
	n     int
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

func entryOf(s *vstate) gridEntry {
	return gridEntry{s: s, lat: s.lat, lon: s.lon, vx: s.vx, vy: s.vy, atMs: s.at.UnixMilli(),
		underWayMoving: s.underWay && s.moving, ferry: s.ferry}
}

// move puts s's latest fix in the grid.
func (g *vesselGrid) move(s *vstate) {
	c := cellOf(s.lat, s.lon)
	if s.inGrid && c == s.cell {
		s.block.cells[s.cellIdx][s.gridIdx] = entryOf(s)
		return
	}
	g.remove(s)
	bk, i := blockOf(c)
	b := g.blocks[bk]
	if b == nil {
		b = &gridBlock{}
		g.blocks[bk] = b
	}
	es := append(b.cells[i], entryOf(s))
	b.cells[i] = es
	b.n++
	s.cell, s.block, s.cellIdx, s.gridIdx, s.inGrid = c, b, i, len(es)-1, true
}

// refresh rewrites s's entry (its ferry flag changed).
func (g *vesselGrid) refresh(s *vstate) {
	if s.inGrid {
		s.block.cells[s.cellIdx][s.gridIdx] = entryOf(s)
	}
}

func (g *vesselGrid) remove(s *vstate) {
	if !s.inGrid {
		return
	}
	b := s.block
	es := b.cells[s.cellIdx]
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
// ones a pair rule can find at risk.
func (g *vesselGrid) appendCandidates(dst []*vstate, s *vstate, rangeM, horizon, maxCPA float64) []*vstate {
	nLat := int32(math.Ceil(rangeM / (gridLat * mPerDegLat)))
	nLon := int32(math.Ceil(rangeM / (gridLon * s.kx)))
	c := cellOf(s.lat, s.lon)
	at := s.at.UnixMilli()
	maxAge := maxPositionAge.Milliseconds()
	r2, cpa2 := rangeM*rangeM, maxCPA*maxCPA
	var bk cellKey
	var b *gridBlock
	looked := false
	for i := c.lat - nLat; i <= c.lat+nLat; i++ {
		for j := c.lon - nLon; j <= c.lon+nLon; j++ {
			k, ci := blockOf(cellKey{i, j})
			if !looked || k != bk {
				bk, b, looked = k, g.blocks[k], true
			}
			if b == nil {
				continue
			}
			es := b.cells[ci]
			for k := range es {
				o := &es[k]
				dt := at - o.atMs
				if o.s == s || !o.underWayMoving || dt > maxAge || -dt > maxAge {
					continue
				}
				// o dead reckoned to s's time, relative to s.
				sec := float64(dt) / 1000
				rx := (o.lon-s.lon)*s.kx + o.vx*sec
				ry := (o.lat-s.lat)*mPerDegLat + o.vy*sec
				if rx*rx+ry*ry > r2 {
					continue
				}
				vx, vy := o.vx-s.vx, o.vy-s.vy
				t := 0.0
				if v2 := vx*vx + vy*vy; v2 > 1e-9 {
					t = max(0, -(rx*vx+ry*vy)/v2)
				}
				if t > horizon {
					continue
				}
				if dx, dy := rx+vx*t, ry+vy*t; dx*dx+dy*dy > cpa2 {
					continue
				}
				dst = append(dst, o.s)
			}
		}
	}
	return dst
}
