package zones

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// TestFreeBoxMatchesTree walks vessels through 10,000 random zones, as the
// engine does: a position in the vessel's free box is not searched, and
// the test checks that the R-tree finds no zone containing it, none crossed
// by the step to it, and none containing points drawn anywhere in the box;
// nor any crossed by an 800 m look-ahead whose ends lie in its own box.
func TestFreeBoxMatchesTree(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 5))
	zs := randomZones(rng, 10_000)
	ixs := []*Index{MustIndex(t, zs...), MustIndex(t, zs[:5000]...)}
	walks, steps := 60, 400
	if testing.Short() {
		walks = 10
	}
	var got, want []*Zone
	var skipped, searched, skippedAhead int
	for w := range walks {
		var c, ca pieceCache
		var f, fa freeBox
		p := randomPoints(rng, zs, 1)[0]
		course := between(rng, 0, 360)
		for i := range steps {
			ix := ixs[0]
			if w%2 == 1 && i >= steps/2 {
				ix = ixs[1] // the zones changed under the box
			}
			step := between(rng, 0, 80)
			if rng.IntN(100) == 0 {
				step = between(rng, 2000, 30_000) // a sparse report far away
			}
			course += between(rng, -15, 15)
			prev := p
			p = offset(p, course, step)
			// The look-ahead, as to the bridges.
			if ahead := offset(p, course, 800); fa.holds(ix, p) && fa.holds(ix, ahead) {
				skippedAhead++
				if want = ix.AppendCrossed(want[:0], p, ahead); len(want) != 0 {
					t.Fatalf("walk %d step %d: look-ahead %v→%v in free box %v crosses %v", w, i, p, ahead, fa.box, ids(want))
				}
			} else if got = ix.appendCrossed(got[:0], &ca, p, ahead); len(got) == 0 {
				fa.find(&ca, segBound(p, ahead))
			} else {
				fa.ix = nil
			}
			if f.holds(ix, p) && f.holds(ix, prev) {
				skipped++
				if want = ix.AppendContaining(want[:0], p); len(want) != 0 {
					t.Fatalf("walk %d step %d: %v in free box %v is in %v", w, i, p, f.box, ids(want))
				}
				if want = ix.AppendCrossed(want[:0], prev, p); len(want) != 0 {
					t.Fatalf("walk %d step %d: %v→%v in free box %v crosses %v", w, i, prev, p, f.box, ids(want))
				}
				continue
			}
			searched++
			if got = ix.appendContaining(got[:0], &c, p); len(got) == 0 {
				f.find(&c, orb.Bound{Min: p, Max: p})
			} else {
				f.ix = nil
			}
			if f.ix == nil {
				continue
			}
			if !f.holds(ix, p) {
				t.Fatalf("walk %d step %d: free box %v does not hold %v", w, i, f.box, p)
			}
			for range 20 {
				q := orb.Point{between(rng, f.box.Min[0], f.box.Max[0]), between(rng, f.box.Min[1], f.box.Max[1])}
				if want = ix.AppendContaining(want[:0], q); len(want) != 0 && f.holds(ix, q) {
					t.Fatalf("walk %d step %d: %v in free box %v is in %v", w, i, q, f.box, ids(want))
				}
			}
		}
	}
	t.Logf("%d walks of %d steps: %d positions in a free box, %d searched; %d look-aheads in a free box", walks, steps, skipped, searched, skippedAhead)
	if skipped < walks*steps/4 || skippedAhead < walks*steps/20 {
		t.Fatalf("the walks do not test much: %d positions in a free box", skipped)
	}
}
