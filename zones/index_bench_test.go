package zones

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// The benchmarks check positions against 10,000 zones spread over Jilin
// (randomZones: circles, small polygons and MultiPolygons, short buffered
// and border lines, some 20 river sections of 500 km and 400–600 vertices,
// some 40 lakes of up to 2,000 vertices). Half the positions lie along the
// river sections, where vessels are; the others near a random zone or
// anywhere. Run with -cpu 1.

const benchPositions = 1 << 12

func benchIndex(b *testing.B) (*Index, []orb.Point) {
	b.Helper()
	rng := rand.New(rand.NewPCG(7, 8))
	zs := randomZones(rng, 10_000)
	ix := MustIndex(b, zs...)
	var rivers []orb.LineString
	for _, z := range zs {
		if ls, ok := z.Geom.(orb.LineString); ok && len(ls) >= 400 {
			rivers = append(rivers, ls)
		}
	}
	pts := randomPoints(rng, zs, benchPositions/2)
	for len(pts) < benchPositions {
		ls := rivers[rng.IntN(len(rivers))]
		pts = append(pts, at(ls[rng.IntN(len(ls))], between(rng, -400, 400), between(rng, -400, 400)))
	}
	rng.Shuffle(len(pts), func(i, j int) { pts[i], pts[j] = pts[j], pts[i] })
	return ix, pts
}

// BenchmarkZoneCheck is one position checked against every zone through
// the index, with a reused dst.
func BenchmarkZoneCheck(b *testing.B) {
	ix, pts := benchIndex(b)
	var dst []*Zone
	hits := 0
	b.ReportAllocs()
	cpu0 := processCPU()
	i := 0
	for ; b.Loop(); i++ {
		dst = ix.AppendContaining(dst[:0], pts[i%benchPositions])
		hits += len(dst)
	}
	reportCPU(b, cpu0, i)
	b.ReportMetric(float64(hits)/float64(i), "zones/op")
}

// BenchmarkZoneCheckMoving is the check on the engine's path: 1,000
// vessels sailing at 8 kn, each through its own piece cache, checked in
// turn on every report (10 s apart) for the zones containing it.
func BenchmarkZoneCheckMoving(b *testing.B) {
	ix, pts := benchIndex(b)
	rng := rand.New(rand.NewPCG(13, 14))
	type vessel struct {
		p      orb.Point
		course float64
		c      pieceCache
	}
	vs := make([]vessel, 1000)
	for i := range vs {
		vs[i] = vessel{p: pts[i], course: between(rng, 0, 360)}
	}
	var dst []*Zone
	hits := 0
	b.ReportAllocs()
	cpu0 := processCPU()
	i := 0
	for ; b.Loop(); i++ {
		v := &vs[i%len(vs)]
		v.p = offset(v.p, v.course, 8*knToMS*10)
		dst = ix.appendContaining(dst[:0], &v.c, v.p)
		hits += len(dst)
	}
	reportCPU(b, cpu0, i)
	b.ReportMetric(float64(hits)/float64(i), "zones/op")
}

// BenchmarkZoneCheckBruteForce is the same check of every zone in turn:
// a bound check (precomputed, generous) and then Contains.
func BenchmarkZoneCheckBruteForce(b *testing.B) {
	ix, pts := benchIndex(b)
	br := newBrute(ix)
	var dst []*Zone
	hits := 0
	b.ReportAllocs()
	cpu0 := processCPU()
	i := 0
	for ; b.Loop(); i++ {
		p := pts[i%benchPositions]
		dst = dst[:0]
		for j, z := range br.zones {
			if br.bounds[j].Contains(p) && Contains(z, p) {
				dst = append(dst, z)
			}
		}
		hits += len(dst)
	}
	reportCPU(b, cpu0, i)
	b.ReportMetric(float64(hits)/float64(i), "zones/op")
}

// BenchmarkZoneCrossed is the segment between two sparse reports, 0.5 to
// 3 km apart, checked for the zones it passes through.
func BenchmarkZoneCrossed(b *testing.B) {
	ix, pts := benchIndex(b)
	rng := rand.New(rand.NewPCG(9, 10))
	ends := make([]orb.Point, len(pts))
	for i, p := range pts {
		ends[i] = at(p, between(rng, -3000, 3000), between(rng, -3000, 3000))
	}
	var dst []*Zone
	hits := 0
	b.ReportAllocs()
	cpu0 := processCPU()
	i := 0
	for ; b.Loop(); i++ {
		k := i % benchPositions
		dst = ix.AppendCrossed(dst[:0], pts[k], ends[k])
		hits += len(dst)
	}
	reportCPU(b, cpu0, i)
	b.ReportMetric(float64(hits)/float64(i), "zones/op")
}

// BenchmarkZoneNear is the zones within 2 km of a position (approach
// warnings).
func BenchmarkZoneNear(b *testing.B) {
	ix, pts := benchIndex(b)
	var dst []Near
	hits := 0
	b.ReportAllocs()
	cpu0 := processCPU()
	i := 0
	for ; b.Loop(); i++ {
		dst = ix.AppendNear(dst[:0], pts[i%benchPositions], 2000)
		hits += len(dst)
	}
	reportCPU(b, cpu0, i)
	b.ReportMetric(float64(hits)/float64(i), "zones/op")
}

// BenchmarkNewIndex is building the index of 10,000 zones.
func BenchmarkNewIndex(b *testing.B) {
	zs := randomZones(rand.New(rand.NewPCG(7, 8)), 10_000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewIndex(zs); err != nil {
			b.Fatal(err)
		}
	}
}
