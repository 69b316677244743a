package zones

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
)

// Index finds zones by position. It is immutable and safe for concurrent
// readers; build a new one to change zones.
//
// Every zone is entered in an R-tree in pieces: a circle whole, a line in
// runs of a few segments (each run's bound padded by the buffer), a polygon
// by its bound, with the edges of a long ring in a second R-tree of its
// own. A query visits the pieces whose bounds hold the position, so it costs
// O(log n) in the number of zones however long a river or big a lake is.
// The zones a query finds are few, so it dedupes by looking through what it
// has appended so far: no per-query state is kept in the Index.
type Index struct {
	zones  []Zone // by id
	byID   map[string]*Zone
	pieces []piece
	tree   rtree.RTreeG[uint32] // index into pieces
}

// Near is a zone within some distance of a position.
type Near struct {
	Zone      *Zone
	DistanceM float64 // 0 inside
}

// NewIndex compiles the zones' shapes and indexes them. Every zone must be
// valid (see Zone.Validate) and ids unique; errors wrap ErrInvalid. The
// Index keeps copies of the zones and their geometries, so the caller may
// change zs afterwards.
func NewIndex(zs []Zone) (*Index, error) {
	ix := &Index{zones: make([]Zone, len(zs)), byID: make(map[string]*Zone, len(zs))}
	copy(ix.zones, zs)
	slices.SortFunc(ix.zones, func(a, b Zone) int { return strings.Compare(a.ID, b.ID) })
	for i := range ix.zones {
		z := &ix.zones[i]
		if err := z.Validate(); err != nil {
			return nil, err
		}
		if _, dup := ix.byID[z.ID]; dup {
			return nil, fmt.Errorf("%w: duplicate zone id %q", ErrInvalid, z.ID)
		}
		ix.byID[z.ID] = z
		z.Geom = orb.Clone(z.Geom)
	}
	type entry struct {
		b orb.Bound
		p piece
	}
	var entries []entry
	for i := range ix.zones {
		compileShape(&ix.zones[i]).pieces(func(b orb.Bound, p piece) {
			entries = append(entries, entry{b, p})
		})
	}
	if len(entries) > math.MaxUint32 {
		return nil, fmt.Errorf("%w: too many zone pieces", ErrInvalid)
	}
	ix.pieces = make([]piece, len(entries))
	for i, e := range entries {
		ix.pieces[i] = e.p
		ix.tree.Insert(e.b.Min, e.b.Max, uint32(i))
	}
	return ix, nil
}

// Len is the number of zones.
func (ix *Index) Len() int { return len(ix.zones) }

// Zone returns the zone with this id. The zone must not be modified.
func (ix *Index) Zone(id string) (*Zone, bool) {
	z, ok := ix.byID[id]
	return z, ok
}

// Zones returns every zone, in id order. The zones must not be modified.
func (ix *Index) Zones() []*Zone {
	out := make([]*Zone, len(ix.zones))
	for i := range ix.zones {
		out[i] = &ix.zones[i]
	}
	return out
}

// AppendContaining appends the zones containing p ([lon, lat]), each once,
// in no particular order: polygon interiors (holes excluded), within
// BufferM of a line, within RadiusM of a point. See Contains. Like every
// Append method it dedupes among what it appends, not against what dst
// held before, and allocates only to grow dst.
func (ix *Index) AppendContaining(dst []*Zone, p orb.Point) []*Zone {
	return ix.appendContaining(dst, nil, p)
}

// appendContaining is AppendContaining through c (nil: the R-tree).
func (ix *Index) appendContaining(dst []*Zone, c *pieceCache, p orb.Point) []*Zone {
	if isNaN(p) {
		return dst
	}
	start := len(dst)
	pr := projAt(p, p[1])
	ix.each(c, orb.Bound{Min: p, Max: p}, func(i uint32) {
		pc := &ix.pieces[i]
		if z := pc.shape.zone; !slices.Contains(dst[start:], z) && pc.contains(p, &pr) {
			dst = append(dst, z)
		}
	})
	return dst
}

// AppendCrossed appends the zones the segment a→b passes through or
// touches, each once, in no particular order; for a border line without a
// buffer, those whose line the segment meets. See Crosses.
func (ix *Index) AppendCrossed(dst []*Zone, a, b orb.Point) []*Zone {
	return ix.appendCrossed(dst, nil, a, b)
}

// appendCrossed is AppendCrossed through c (nil: the R-tree).
func (ix *Index) appendCrossed(dst []*Zone, c *pieceCache, a, b orb.Point) []*Zone {
	if isNaN(a) || isNaN(b) {
		return dst
	}
	start := len(dst)
	q, pr := crossedQuery(a, b)
	ix.each(c, q, func(i uint32) {
		pc := &ix.pieces[i]
		if z := pc.shape.zone; !slices.Contains(dst[start:], z) && pc.crosses(a, b, q, &pr) {
			dst = append(dst, z)
		}
	})
	return dst
}

// AppendNear appends the zones within d metres of p with their distance
// (0 inside), each once, in no particular order. See DistanceM. It is meant
// for approach distances of some kilometres: its dedupe costs the number
// of zones found for each piece found.
func (ix *Index) AppendNear(dst []Near, p orb.Point, d float64) []Near {
	if !(d >= 0) || isNaN(p) {
		return dst
	}
	start := len(dst)
	pr := projAt(p, p[1])
	q := nearQuery(p, d)
	ix.tree.Search(q.Min, q.Max, func(_, _ [2]float64, i uint32) bool {
		pc := &ix.pieces[i]
		dm := pc.distance(p, &pr, q)
		if dm > d {
			return true
		}
		z := pc.shape.zone
		for j := start; j < len(dst); j++ {
			if dst[j].Zone == z {
				dst[j].DistanceM = math.Min(dst[j].DistanceM, dm)
				return true
			}
		}
		dst = append(dst, Near{Zone: z, DistanceM: dm})
		return true
	})
	return dst
}

// isNaN reports a position no zone contains, which an R-tree search would
// otherwise match everywhere.
func isNaN(p orb.Point) bool { return math.IsNaN(p[0]) || math.IsNaN(p[1]) }

// pieceCacheM is how far around a vessel's query a pieceCache reaches:
// at 10 kn a vessel sails that far in some 20 reports, and in a busy port
// a box of 2.4 km holds a few dozen zones.
const pieceCacheM = 1200.0

// pieceCache is what one vessel keeps of an Index: the pieces whose bounds
// meet a box around where it last searched, with those bounds. While its
// queries stay inside the box they scan these few bounds, in memory of
// their own, instead of descending the R-tree; the result is the same
// (the pieces are in the order the R-tree visits them, so a query finds
// them in the order a search of the tree would).
type pieceCache struct {
	ix   *Index
	box  orb.Bound
	ents []cachedPiece
}

type cachedPiece struct {
	min, max [2]float64
	i        uint32 // index into Index.pieces
}

// each calls fn for every piece whose bound meets q, from c when it covers
// q (refilled around q when it does not), else from the R-tree: always for
// a nil c or a q wider than pieceCacheM, which would fill c with pieces of
// no use for the next query.
func (ix *Index) each(c *pieceCache, q orb.Bound, fn func(i uint32)) {
	if c == nil || !ix.cover(c, q) {
		ix.tree.Search(q.Min, q.Max, func(_, _ [2]float64, i uint32) bool {
			fn(i)
			return true
		})
		return
	}
	for k := range c.ents {
		en := &c.ents[k]
		if q.Max[0] < en.min[0] || q.Min[0] > en.max[0] || q.Max[1] < en.min[1] || q.Min[1] > en.max[1] {
			continue
		}
		fn(en.i)
	}
}

// cover makes c hold every piece whose bound meets q and reports whether
// it does.
func (ix *Index) cover(c *pieceCache, q orb.Bound) bool {
	if c.ix == ix && c.box.Min[0] <= q.Min[0] && c.box.Min[1] <= q.Min[1] && q.Max[0] <= c.box.Max[0] && q.Max[1] <= c.box.Max[1] {
		return true
	}
	// A degree of longitude is shorter than one of latitude: measuring
	// both as latitude only errs towards the R-tree.
	if (q.Max[1]-q.Min[1])*mPerDegLat > pieceCacheM || (q.Max[0]-q.Min[0])*mPerDegLat > pieceCacheM {
		return false
	}
	c.ix, c.box, c.ents = ix, padBound(q, pieceCacheM, 0), c.ents[:0]
	ix.tree.Search(c.box.Min, c.box.Max, func(mn, mx [2]float64, i uint32) bool {
		c.ents = append(c.ents, cachedPiece{mn, mx, i})
		return true
	})
	return true
}
