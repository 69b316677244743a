package rescue

import (
	"math"
)

// cellDeg is the side of a grid cell in degrees: about 5.6 km north–south
// and 4 km east–west at Jilin's latitudes, so a segment (at most 2.5 km in
// the waterway map) touches a handful of cells.
const cellDeg = 0.05

// segIndex finds the line segment nearest a spot: a uniform grid over the
// segments' boxes, searched ring by ring outward from the spot's cell.
type segIndex struct {
	west, south float64
	cols, rows  int
	cells       [][]int32 // segment ids per cell, row-major
	segs        [][2]int32
	minCellM    float64 // the narrowest cell side in metres, over the grid
}

func newSegIndex(g *graph) *segIndex {
	ix := &segIndex{west: math.Inf(1), south: math.Inf(1)}
	east, north := math.Inf(-1), math.Inf(-1)
	for _, ln := range g.lines {
		for k := 1; k < len(ln.nodes); k++ {
			ix.segs = append(ix.segs, [2]int32{ln.nodes[k-1], ln.nodes[k]})
		}
		for _, n := range ln.nodes {
			p := g.pts[n]
			ix.west, ix.south = math.Min(ix.west, p[0]), math.Min(ix.south, p[1])
			east, north = math.Max(east, p[0]), math.Max(north, p[1])
		}
	}
	if len(ix.segs) == 0 {
		return ix
	}
	ix.cols = int((east-ix.west)/cellDeg) + 1
	ix.rows = int((north-ix.south)/cellDeg) + 1
	ix.cells = make([][]int32, ix.cols*ix.rows)
	for s, seg := range ix.segs {
		a, b := g.pts[seg[0]], g.pts[seg[1]]
		c0, r0 := ix.cell(math.Min(a[0], b[0]), math.Min(a[1], b[1]))
		c1, r1 := ix.cell(math.Max(a[0], b[0]), math.Max(a[1], b[1]))
		for r := r0; r <= r1; r++ {
			for c := c0; c <= c1; c++ {
				ix.cells[r*ix.cols+c] = append(ix.cells[r*ix.cols+c], int32(s))
			}
		}
	}
	kx, ky := scale(north)
	ix.minCellM = cellDeg * math.Min(kx, ky)
	return ix
}

// cell is the grid cell of a position inside the grid.
func (ix *segIndex) cell(lon, lat float64) (int, int) {
	c := min(max(int((lon-ix.west)/cellDeg), 0), ix.cols-1)
	r := min(max(int((lat-ix.south)/cellDeg), 0), ix.rows-1)
	return c, r
}

// hit is a spot's nearest point on the network.
type hit struct {
	seg  int32   // index into segs
	t    float64 // along the segment, 0..1
	dist float64 // metres from the spot
	p    [2]float64
}

// nearest finds the segment nearest p among those within maxM, accepting
// only segments ok approves (nil: all). false when none.
func (ix *segIndex) nearest(g *graph, p [2]float64, maxM float64, ok func(seg [2]int32) bool) (hit, bool) {
	best := hit{seg: -1, dist: math.Inf(1)}
	if len(ix.segs) == 0 {
		return best, false
	}
	kx, ky := scale(p[1])
	// The spot's cell, unclamped, so that a spot outside the grid searches
	// from where it is.
	pc := int(math.Floor((p[0] - ix.west) / cellDeg))
	pr := int(math.Floor((p[1] - ix.south) / cellDeg))
	rings := int(maxM/ix.minCellM) + 2
	for ring := 0; ring <= rings; ring++ {
		// Everything in rings not yet searched is at least (ring-1) cells away.
		if best.dist <= float64(ring-1)*ix.minCellM {
			break
		}
		for r := pr - ring; r <= pr+ring; r++ {
			if r < 0 || r >= ix.rows {
				continue
			}
			step := 1
			if r != pr-ring && r != pr+ring {
				step = 2 * ring // only the ring's left and right cells
			}
			for c := pc - ring; c <= pc+ring; c += max(step, 1) {
				if c < 0 || c >= ix.cols {
					continue
				}
				for _, s := range ix.cells[r*ix.cols+c] {
					seg := ix.segs[s]
					if ok != nil && !ok(seg) {
						continue
					}
					a, b := g.pts[seg[0]], g.pts[seg[1]]
					if d, t := segDist(a, b, p, kx, ky); d < best.dist {
						best = hit{seg: s, t: t, dist: d, p: [2]float64{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}}
					}
				}
			}
		}
	}
	return best, best.seg >= 0 && best.dist <= maxM
}
