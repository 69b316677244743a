package vessels

import (
	"math/rand/v2"
	"testing"
)

// The bound the impossible-speed check settles most reports with is never
// below the distance it stands for, so the check answers as it did
// without it.
func TestFlatDistanceBound(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for i := range 1_000_000 {
		lat1, lon1 := -89+178*rng.Float64(), -180+360*rng.Float64()
		lat2, lon2 := lat1+0.02*rng.NormFloat64(), lon1+0.02*rng.NormFloat64()
		if i%4 == 0 { // far apart, across the antimeridian too
			lat2, lon2 = -89+178*rng.Float64(), -180+360*rng.Float64()
		}
		if b, d := flatDistanceBoundM(lat1, lon1, lat2, lon2), flatDistanceM(lat1, lon1, lat2, lon2); b < d {
			t.Fatalf("(%v,%v)-(%v,%v): bound %v below the distance %v", lat1, lon1, lat2, lon2, b, d)
		}
	}
}
