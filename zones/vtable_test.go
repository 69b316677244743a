package zones

import (
	"math/rand/v2"
	"testing"
)

// TestVTableMatchesMap puts, finds and removes vessels at random against a
// map, with the turnover of a busy day (most MMSIs heard once and
// forgotten), and removes vessels while iterating as the sweep does.
func TestVTableMatchesMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	var tb vtable
	want := map[uint32]*vstate{}
	mmsi := func() uint32 {
		if rng.IntN(2) == 0 {
			return 413_000_000 + uint32(rng.IntN(2000)) // the fleet
		}
		return rng.Uint32() // forged and foreign, heard once
	}
	for i := range 200_000 {
		m := mmsi()
		switch s := tb.get(m); {
		case s != want[m]:
			t.Fatalf("op %d: get(%d) = %p, want %p", i, m, s, want[m])
		case s == nil && rng.IntN(3) > 0:
			s = &vstate{mmsi: m}
			tb.put(s)
			want[m] = s
		case s != nil && rng.IntN(2) == 0:
			tb.del(m)
			delete(want, m)
		}
		if tb.len() != len(want) {
			t.Fatalf("op %d: len %d, want %d", i, tb.len(), len(want))
		}
		if i%20_000 == 0 {
			seen := map[uint32]bool{}
			tb.each(func(s *vstate) {
				if seen[s.mmsi] || want[s.mmsi] != s {
					t.Fatalf("op %d: each gave %d twice or unknown", i, s.mmsi)
				}
				seen[s.mmsi] = true
				if rng.IntN(4) == 0 {
					tb.del(s.mmsi)
					delete(want, s.mmsi)
				}
			})
			for m := range want {
				if !seen[m] {
					t.Fatalf("op %d: each missed %d", i, m)
				}
			}
		}
	}
	if len(tb.slots) > 8*(len(want)+1) {
		t.Errorf("%d slots for %d vessels: the table grew with the turnover", len(tb.slots), len(want))
	}
}
