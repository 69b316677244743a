package zones

import "github.com/paulmach/orb"

// freeBox is a box around a vessel's position that meets the bound of no
// piece of an Index: no zone of that Index contains a point strictly inside
// it, and no step between two such points crosses one (a step's search
// bound is its own bound, which the box holds). While a vessel outside
// every zone keeps reporting inside its box, the engine need not search
// the Index at all; most vessels, most of the time, sail between zones.
// The same holds for the look-ahead to the bridges, a segment ahead of the
// vessel, while both its ends stay inside a box free of bridges.
type freeBox struct {
	ix  *Index // nil: none
	box orb.Bound
}

// holds reports whether p lies strictly inside the box, found in ix.
func (f *freeBox) holds(ix *Index, p orb.Point) bool {
	return f.ix == ix && f.box.Min[0] < p[0] && p[0] < f.box.Max[0] && f.box.Min[1] < p[1] && p[1] < f.box.Max[1]
}

// find makes f the box around q that c's pieces leave free, or none. c
// must be the cache a search of q just used: it holds every piece whose
// bound meets c.box. Each piece meeting the box so far cuts it on the
// side away from q that keeps the most of it; a piece whose bound meets
// q leaves no box.
func (f *freeBox) find(c *pieceCache, q orb.Bound) {
	f.ix = nil
	b := c.box
	if c.ix == nil || !(b.Min[0] < q.Min[0] && q.Max[0] < b.Max[0] && b.Min[1] < q.Min[1] && q.Max[1] < b.Max[1]) {
		return
	}
	for k := range c.ents {
		en := &c.ents[k]
		if en.max[0] <= b.Min[0] || en.min[0] >= b.Max[0] || en.max[1] <= b.Min[1] || en.min[1] >= b.Max[1] {
			continue // cut off already, or touching only the box's boundary
		}
		w, h := b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]
		best, side := 0.0, -1
		if en.min[0] > q.Max[0] {
			if a := (en.min[0] - b.Min[0]) * h; a > best {
				best, side = a, 0
			}
		}
		if en.max[0] < q.Min[0] {
			if a := (b.Max[0] - en.max[0]) * h; a > best {
				best, side = a, 1
			}
		}
		if en.min[1] > q.Max[1] {
			if a := (en.min[1] - b.Min[1]) * w; a > best {
				best, side = a, 2
			}
		}
		if en.max[1] < q.Min[1] {
			if a := (b.Max[1] - en.max[1]) * w; a > best {
				side = 3
			}
		}
		switch side {
		case 0:
			b.Max[0] = en.min[0]
		case 1:
			b.Min[0] = en.max[0]
		case 2:
			b.Max[1] = en.min[1]
		case 3:
			b.Min[1] = en.max[1]
		default:
			return // the piece's bound meets q
		}
	}
	f.ix, f.box = c.ix, b
}
