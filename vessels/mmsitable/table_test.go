package mmsitable

import (
	"math/rand/v2"
	"testing"
)

// TestTableMatchesMap puts, finds and removes keys at random against a
// map, with the turnover of a busy day (most MMSIs heard once and
// forgotten), and removes keys while iterating as a sweep does.
func TestTableMatchesMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	var tb Table[int]
	want := map[uint32]int{}
	mmsi := func() uint32 {
		if rng.IntN(2) == 0 {
			return 413_000_000 + uint32(rng.IntN(2000)) // the fleet
		}
		return rng.Uint32() // forged and foreign, heard once
	}
	for i := range 200_000 {
		m := mmsi()
		w, held := want[m]
		switch v := tb.Get(m); {
		case (v != nil) != held || (held && *v != w):
			t.Fatalf("op %d: Get(%d) = %v, want %d held %v", i, m, v, w, held)
		case v == nil && rng.IntN(3) > 0:
			p, added := tb.Put(m)
			if !added || *p != 0 {
				t.Fatalf("op %d: Put(%d) of a new key gave %d, added %v", i, m, *p, added)
			}
			*p = i
			want[m] = i
		case v != nil && rng.IntN(2) == 0:
			if !tb.Delete(m) {
				t.Fatalf("op %d: Delete(%d) of a held key said not held", i, m)
			}
			delete(want, m)
		case v != nil:
			if p, added := tb.Put(m); added || p != v {
				t.Fatalf("op %d: Put(%d) of a held key added %v or moved it", i, m, added)
			}
		}
		if tb.Len() != len(want) {
			t.Fatalf("op %d: Len %d, want %d", i, tb.Len(), len(want))
		}
		if i%20_000 == 0 {
			seen := map[uint32]bool{}
			for k, v := range tb.All() {
				if w, ok := want[k]; seen[k] || !ok || *v != w {
					t.Fatalf("op %d: All gave %d twice or unknown", i, k)
				}
				seen[k] = true
				if rng.IntN(4) == 0 {
					tb.Delete(k)
					delete(want, k)
				}
			}
			for k := range want {
				if !seen[k] {
					t.Fatalf("op %d: All missed %d", i, k)
				}
			}
		}
	}
	if len(tb.slots) > 8*(len(want)+1) {
		t.Errorf("%d slots for %d keys: the table grew with the turnover", len(tb.slots), len(want))
	}
	if tb.Delete(1) || tb.Get(1) != nil {
		t.Error("a key never put was found")
	}
}

// TestZeroTable is the zero Table: empty, and ready.
func TestZeroTable(t *testing.T) {
	var tb Table[string]
	if tb.Get(7) != nil || tb.Delete(7) || tb.Len() != 0 {
		t.Fatal("zero table not empty")
	}
	for range tb.All() {
		t.Fatal("zero table yielded")
	}
	p, _ := tb.Put(7)
	*p = "seven"
	if v := tb.Get(7); v == nil || *v != "seven" {
		t.Fatalf("Get after Put = %v", v)
	}
}
