package zones

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

// jilinCity is where the table tests' shapes lie.
var jilinCity = orb.Point{126.55, 43.85}

// at is the position east and north metres of o.
func at(o orb.Point, east, north float64) orb.Point {
	return orb.Point{o[0] + east/(mPerDegLat*math.Cos(o[1]*math.Pi/180)), o[1] + north/mPerDegLat}
}

// square is a closed ring of side 2·half metres around o, counter-clockwise.
func square(o orb.Point, half float64) orb.Ring {
	return orb.Ring{at(o, -half, -half), at(o, half, -half), at(o, half, half), at(o, -half, half), at(o, -half, -half)}
}

// star is a simple star-shaped ring of n vertices around o with radii from
// rmin to rmax metres, counter-clockwise.
func star(rng *rand.Rand, o orb.Point, n int, rmin, rmax float64) orb.Ring {
	r := make(orb.Ring, 0, n+1)
	step := 2 * math.Pi / float64(n)
	for k := range n {
		a := step * (float64(k) + 0.3*(rng.Float64()-0.5))
		d := rmin + (rmax-rmin)*rng.Float64()
		r = append(r, at(o, d*math.Cos(a), d*math.Sin(a)))
	}
	return append(r, r[0])
}

// regular is a regular polygon of n vertices and radius m metres around o.
func regular(o orb.Point, n int, m float64) orb.Ring {
	r := make(orb.Ring, 0, n+1)
	for k := range n {
		a := 2 * math.Pi * float64(k) / float64(n)
		r = append(r, at(o, m*math.Cos(a), m*math.Sin(a)))
	}
	return append(r, r[0])
}

// riverLine is a meandering line of n vertices about km kilometres long,
// running east from o.
func riverLine(rng *rand.Rand, o orb.Point, n int, km float64) orb.LineString {
	ls := orb.LineString{o}
	step := km * 1000 / float64(n-1)
	heading := 0.0
	for len(ls) < n {
		heading = math.Max(-1.2, math.Min(1.2, heading+0.4*(rng.Float64()-0.5)))
		ls = append(ls, at(ls[len(ls)-1], step*math.Cos(heading), step*math.Sin(heading)))
	}
	return ls
}

func circleZone(id string, c orb.Point, r float64) Zone {
	return Zone{ID: id, Kind: KindQuay, Geom: c, RadiusM: r}
}

func lineZone(id string, kind Kind, buf float64, ls orb.LineString) Zone {
	return Zone{ID: id, Kind: kind, Geom: ls, BufferM: buf}
}

func polyZone(id string, g orb.Geometry) Zone {
	return Zone{ID: id, Kind: KindRestricted, Geom: g}
}

// MustIndex builds an index of zs or fails the test.
func MustIndex(tb testing.TB, zs ...Zone) *Index {
	tb.Helper()
	ix, err := NewIndex(zs)
	if err != nil {
		tb.Fatal(err)
	}
	return ix
}

// ids are the zones' ids, sorted; a zone found twice shows twice.
func ids(zs []*Zone) []string {
	out := make([]string, len(zs))
	for i, z := range zs {
		out[i] = z.ID
	}
	sort.Strings(out)
	return out
}

// tableZones are the shapes the table tests probe, by name.
func tableZones() map[string]Zone {
	o := jilinCity
	big := regular(at(o, 20_000, 0), 400, 5000) // a 400-edge ring: indexed edges
	bigStar := star(rand.New(rand.NewPCG(1, 2)), at(o, 40_000, 0), 300, 3000, 8000)
	return map[string]Zone{
		"circle":  circleZone("circle", o, 300),
		"square":  polyZone("square", orb.Polygon{square(o, 500)}),
		"holed":   polyZone("holed", orb.Polygon{square(o, 1000), square(o, 400)}),
		"multi":   polyZone("multi", orb.MultiPolygon{{square(at(o, -5000, 0), 500)}, {square(at(o, 5000, 0), 500)}}),
		"bigring": polyZone("bigring", orb.Polygon{big, regular(at(o, 20_000, 0), 200, 2000)}),
		"bigstar": polyZone("bigstar", orb.Polygon{bigStar}),
		"line":    lineZone("line", KindRiverSection, 200, orb.LineString{at(o, -2000, 0), at(o, 2000, 0), at(o, 2000, 2000)}),
		"river":   lineZone("river", KindRiverSection, 500, riverLine(rand.New(rand.NewPCG(3, 4)), at(o, 0, -50_000), 420, 500)),
		"border":  lineZone("border", KindBorder, 0, orb.LineString{at(o, 0, -3000), at(o, 0, 3000)}),
		// A ferry crossing 100 m wide: the line bank to bank, 50 m either side.
		"ferry": lineZone("ferry", KindFerryCrossing, 50, orb.LineString{at(o, 0, -300), at(o, 0, 300)}),
	}
}

type containingCase struct {
	name string
	zone string
	p    orb.Point
	in   bool
}

// containingCases probe tableZones; FuzzContaining seeds from them.
func containingCases(zs map[string]Zone) []containingCase {
	o := jilinCity
	river := zs["river"].Geom.(orb.LineString)
	bigStar := zs["bigstar"].Geom.(orb.Polygon)[0]
	bigC := at(o, 20_000, 0)
	return []containingCase{
		{"circle centre", "circle", o, true},
		{"circle inside rim", "circle", at(o, 0, 297), true},
		{"circle outside rim", "circle", at(o, 303, 0), false},
		{"circle far", "circle", at(o, 5000, 5000), false},
		{"square centre", "square", o, true},
		{"square on edge", "square", orb.Point{o[0], square(o, 500)[0][1]}, true},
		{"square on vertex", "square", square(o, 500)[2], true},
		{"square just outside", "square", at(o, 505, 0), false},
		{"holed in hole", "holed", o, false},
		{"holed on hole edge", "holed", orb.Point{o[0], square(o, 400)[0][1]}, false},
		{"holed in ring", "holed", at(o, 700, 0), true},
		{"holed outside", "holed", at(o, 1100, 0), false},
		{"multi first", "multi", at(o, -5000, 100), true},
		{"multi second", "multi", at(o, 5300, -400), true},
		{"multi between", "multi", o, false},
		{"bigring inside", "bigring", at(bigC, 3000, 1000), true},
		{"bigring in hole", "bigring", at(bigC, 1000, 1000), false},
		{"bigring outside", "bigring", at(bigC, 5100, 0), false},
		{"bigring on vertex", "bigring", regular(bigC, 400, 5000)[100], true},
		{"bigring on hole vertex", "bigring", regular(bigC, 200, 2000)[50], false},
		{"bigring row of vertex", "bigring", at(bigC, -4000, 0), true},
		{"bigstar centre", "bigstar", at(o, 40_000, 0), true},
		{"bigstar towards a point", "bigstar", midpoint(at(o, 40_000, 0), bigStar[10]), true},
		{"bigstar beyond", "bigstar", at(o, 40_000, 9000), false},
		{"line mid, inside buffer", "line", at(o, 0, 190), true},
		{"line mid, outside buffer", "line", at(o, 0, -210), false},
		{"line past the end, inside the cap", "line", at(o, -2190, 0), true},
		{"line past the end, outside the cap", "line", at(o, -2150, -150), false},
		{"line outer corner", "line", at(o, 2140, -140), true},
		{"river on the line", "river", river[200], true},
		{"river 450 m off", "river", offLine(river, 200, 450), true},
		{"river 550 m off", "river", offLine(river, 200, -550), false},
		{"river past the mouth", "river", offEnd(river, 600), false},
		{"border on the line", "border", o, false},
		{"ferry on the crossing", "ferry", at(o, 40, 0), true},
		{"ferry beside the crossing", "ferry", at(o, 60, 0), false},
	}
}

func TestContaining(t *testing.T) {
	zs := tableZones()
	for _, tc := range containingCases(zs) {
		t.Run(tc.name, func(t *testing.T) {
			z := zs[tc.zone]
			if got := Contains(&z, tc.p); got != tc.in {
				t.Errorf("Contains = %v, want %v", got, tc.in)
			}
			ix := MustIndex(t, z)
			got := ix.AppendContaining(nil, tc.p)
			if want := tc.in; (len(got) == 1) != want || len(got) > 1 {
				t.Errorf("AppendContaining = %v, want in=%v", ids(got), want)
			}
		})
	}
}

func midpoint(a, b orb.Point) orb.Point { return orb.Point{(a[0] + b[0]) / 2, (a[1] + b[1]) / 2} }

// offLine is m metres left (negative: right) of the middle of segment i.
func offLine(ls orb.LineString, i int, m float64) orb.Point {
	mid := midpoint(ls[i], ls[i+1])
	pr := projAt(mid, mid[1])
	dx, dy := pr.xy(ls[i+1])
	n := math.Hypot(dx, dy)
	return at(mid, -dy/n*m, dx/n*m)
}

// offEnd is m metres beyond the last vertex, along the last segment.
func offEnd(ls orb.LineString, m float64) orb.Point {
	end := ls[len(ls)-1]
	pr := projAt(end, end[1])
	dx, dy := pr.xy(ls[len(ls)-2])
	n := math.Hypot(dx, dy)
	return at(end, -dx/n*m, -dy/n*m)
}

func TestCrossed(t *testing.T) {
	zs := tableZones()
	o := jilinCity
	tests := []struct {
		name    string
		zone    string
		a, b    orb.Point
		crossed bool
	}{
		{"ferry jumped over", "ferry", at(o, -2000, 10), at(o, 2000, -10), true},
		{"ferry passed beyond its end", "ferry", at(o, -2000, 400), at(o, 2000, 400), false},
		{"ferry brushed at the cap", "ferry", at(o, -2000, 340), at(o, 2000, 340), true},
		{"border crossed", "border", at(o, -100, 0), at(o, 100, 50), true},
		{"border touched", "border", at(o, -100, 0), o, true},
		{"border alongside", "border", at(o, 10, -1000), at(o, 10, 1000), false},
		{"border beyond its end", "border", at(o, -100, 3100), at(o, 100, 3100), false},
		{"circle passed close", "circle", at(o, -1000, 290), at(o, 1000, 290), true},
		{"circle passed by", "circle", at(o, -1000, 310), at(o, 1000, 310), false},
		{"square across", "square", at(o, -800, 0), at(o, 800, 100), true},
		{"square inside", "square", at(o, -100, 0), at(o, 100, 0), true},
		{"square corner clipped", "square", at(o, 300, -600), at(o, 600, -300), true},
		{"square missed", "square", at(o, 450, -700), at(o, 700, -450), false},
		{"holed within the hole", "holed", at(o, -100, 0), at(o, 100, 0), false},
		{"holed hole to ring", "holed", o, at(o, 700, 0), true},
		{"multi through the gap", "multi", at(o, 0, -3000), at(o, 0, 3000), false},
		{"multi over both", "multi", at(o, -6000, 0), at(o, 6000, 0), true},
		{"bigring across", "bigring", at(o, 14_000, 0), at(o, 16_000, 0), true},
		{"bigring within the hole", "bigring", at(o, 19_500, 0), at(o, 20_500, 0), false},
		{"bigring passing by", "bigring", at(o, 14_000, 6000), at(o, 26_000, 6000), false},
		{"line buffer brushed", "line", at(o, 0, 150), at(o, 0, 1000), true},
		{"line missed", "line", at(o, 500, 210), at(o, 1700, 210), false},
		{"long jump over the river", "river", at(o, 0, -300_000), at(o, 1000, 200_000), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			z := zs[tc.zone]
			if got := Crosses(&z, tc.a, tc.b); got != tc.crossed {
				t.Errorf("Crosses = %v, want %v", got, tc.crossed)
			}
			ix := MustIndex(t, z)
			got := ix.AppendCrossed(nil, tc.a, tc.b)
			if (len(got) == 1) != tc.crossed || len(got) > 1 {
				t.Errorf("AppendCrossed = %v, want crossed=%v", ids(got), tc.crossed)
			}
			if ends := Contains(&z, tc.a) || Contains(&z, tc.b); ends && !tc.crossed {
				t.Errorf("an end is inside but the segment does not cross")
			}
		})
	}
}

// haversineToPath is the great-circle distance from p to path, measured to
// its vertices densified every 20 m: an independent check of DistanceM.
func haversineToPath(path []orb.Point, p orb.Point) float64 {
	best := math.Inf(1)
	for i := 0; i+1 < len(path); i++ {
		a, b := path[i], path[i+1]
		n := int(geo.DistanceHaversine(a, b)/20) + 1
		for k := 0; k <= n; k++ {
			t := float64(k) / float64(n)
			q := orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}
			best = math.Min(best, geo.DistanceHaversine(q, p))
		}
	}
	return best
}

func TestNear(t *testing.T) {
	zs := tableZones()
	o := jilinCity
	river := zs["river"].Geom.(orb.LineString)
	ring := func(id string) []orb.Point { return zs[id].Geom.(orb.Polygon)[0] }
	tests := []struct {
		name string
		zone string
		p    orb.Point
		want float64 // haversine; 0 inside
	}{
		{"circle inside", "circle", at(o, 100, 0), 0},
		{"circle 5 km east", "circle", at(o, 5300, 0), geo.DistanceHaversine(o, at(o, 5300, 0)) - 300},
		{"circle 8 km north-west", "circle", at(o, -6000, 6000), geo.DistanceHaversine(o, at(o, -6000, 6000)) - 300},
		{"square 2 km south", "square", at(o, 0, -2500), haversineToPath(ring("square"), at(o, 0, -2500))},
		{"square diagonal", "square", at(o, 3500, 4500), haversineToPath(ring("square"), at(o, 3500, 4500))},
		{"holed in the hole", "holed", at(o, 100, 0), geo.DistanceHaversine(at(o, 100, 0), at(o, 400, 0))},
		{"bigstar outside", "bigstar", at(o, 40_000, 12_000), haversineToPath(ring("bigstar"), at(o, 40_000, 12_000))},
		{"river 3 km off", "river", offLine(river, 300, 3000), haversineToPath(river, offLine(river, 300, 3000)) - 500},
		{"river 9 km off", "river", offLine(river, 50, -9000), haversineToPath(river, offLine(river, 50, -9000)) - 500},
		{"border 4 km east", "border", at(o, 4000, 1000), haversineToPath(zs["border"].Geom.(orb.LineString), at(o, 4000, 1000))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			z := zs[tc.zone]
			d := DistanceM(&z, tc.p)
			if tc.want == 0 {
				if d != 0 {
					t.Fatalf("DistanceM = %v, want 0", d)
				}
			} else if math.Abs(d-tc.want) > 0.01*tc.want {
				t.Fatalf("DistanceM = %.1f, haversine %.1f: off by %.2f%%", d, tc.want, 100*math.Abs(d-tc.want)/tc.want)
			}
			ix := MustIndex(t, z)
			got := ix.AppendNear(nil, tc.p, d+1)
			if len(got) != 1 || got[0].DistanceM != d {
				t.Fatalf("AppendNear(d+1) = %v, want one at %v", got, d)
			}
			if d > 1 {
				if got := ix.AppendNear(nil, tc.p, d-1); len(got) != 0 {
					t.Fatalf("AppendNear(d-1) = %v, want none", got)
				}
			}
		})
	}
}

func TestSide(t *testing.T) {
	o := jilinCity
	east := lineZone("east", KindBorder, 0, orb.LineString{at(o, -1000, 0), at(o, 1000, 0)})
	// east, then north (a left turn), then back south-east (a sharp right turn)
	bent := lineZone("bent", KindBorder, 0, orb.LineString{at(o, -1000, 0), o, at(o, 0, 1000), at(o, 900, 100)})
	circle := circleZone("c", o, 100)
	tests := []struct {
		name string
		z    Zone
		p    orb.Point
		want int
	}{
		{"north of an eastward line", east, at(o, 0, 50), -1},
		{"south of an eastward line", east, at(o, 300, -50), 1},
		{"on the line", east, o, 0},
		{"beyond the end, north", east, at(o, 2000, 10), -1},
		{"outer corner of a left turn", bent, at(o, 200, -200), 1},
		{"inner corner of a left turn", bent, at(o, -100, 100), -1},
		{"outer corner of a sharp right turn", bent, at(o, 50, 1100), -1},
		{"inside the sharp right turn", bent, at(o, 100, 700), 1},
		{"not a line", circle, at(o, 0, 50), 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Side(&tc.z, tc.p); got != tc.want {
				t.Errorf("Side = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestNewIndex(t *testing.T) {
	o := jilinCity
	ix := MustIndex(t, circleZone("b", o, 100), circleZone("a", o, 100), circleZone("c", o, 100))
	if ix.Len() != 3 {
		t.Fatalf("Len = %d", ix.Len())
	}
	if got := ids(ix.Zones()); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Fatalf("Zones = %v", got)
	}
	for i, z := range ix.Zones() {
		if want := string(rune('a' + i)); z.ID != want {
			t.Fatalf("Zones()[%d] = %s, want %s (id order)", i, z.ID, want)
		}
	}
	if z, ok := ix.Zone("b"); !ok || z.ID != "b" {
		t.Fatalf("Zone(b) = %v, %v", z, ok)
	}
	if _, ok := ix.Zone("x"); ok {
		t.Fatal("Zone(x) found")
	}
	if _, err := NewIndex([]Zone{circleZone("a", o, 1), circleZone("a", o, 2)}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("duplicate ids: err = %v", err)
	}
	if _, err := NewIndex([]Zone{circleZone("a", o, 0)}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("invalid zone: err = %v", err)
	}
	empty := MustIndex(t)
	if got := empty.AppendContaining(nil, o); len(got) != 0 {
		t.Fatalf("empty index found %v", got)
	}
	// The index keeps its own geometry.
	ring := square(o, 500)
	ix = MustIndex(t, polyZone("sq", orb.Polygon{ring}))
	ring[1], ring[2] = ring[0], ring[0]
	if got := ix.AppendContaining(nil, o); len(got) != 1 {
		t.Fatalf("after the caller changed its ring: %v", ids(got))
	}
}

func TestAppendKeepsDst(t *testing.T) {
	zs := tableZones()
	var all []Zone
	for _, z := range zs {
		all = append(all, z)
	}
	ix := MustIndex(t, all...)
	other := &Zone{ID: "other"}
	dst := ix.AppendContaining([]*Zone{other}, jilinCity)
	if dst[0] != other || len(dst) < 3 {
		t.Fatalf("AppendContaining onto a non-empty dst = %v", ids(dst))
	}
	// A zone already in dst before the call is appended again: dedupe is
	// per call.
	again := ix.AppendContaining(dst, jilinCity)
	if len(again) != 2*len(dst)-1 {
		t.Fatalf("second append: %d, want %d", len(again), 2*len(dst)-1)
	}
	near := ix.AppendNear([]Near{{Zone: other, DistanceM: 7}}, jilinCity, 10)
	if near[0].Zone != other || near[0].DistanceM != 7 {
		t.Fatalf("AppendNear changed dst[0]: %v", near[0])
	}
}

func TestBadPositions(t *testing.T) {
	var all []Zone
	for _, z := range tableZones() {
		all = append(all, z)
	}
	ix := MustIndex(t, all...)
	nan := orb.Point{math.NaN(), 43.85}
	if got := ix.AppendContaining(nil, nan); len(got) != 0 {
		t.Errorf("AppendContaining(NaN) = %v", ids(got))
	}
	if got := ix.AppendCrossed(nil, nan, jilinCity); len(got) != 0 {
		t.Errorf("AppendCrossed(NaN, ...) = %v", ids(got))
	}
	if got := ix.AppendNear(nil, nan, 1000); len(got) != 0 {
		t.Errorf("AppendNear(NaN) = %v", got)
	}
	for _, d := range []float64{-1, math.NaN()} {
		if got := ix.AppendNear(nil, jilinCity, d); len(got) != 0 {
			t.Errorf("AppendNear(d=%v) = %v", d, got)
		}
	}
	if got := ix.AppendNear(nil, jilinCity, math.Inf(1)); len(got) != len(all) {
		t.Errorf("AppendNear(+Inf) found %d of %d", len(got), len(all))
	}
}

func TestIndexConcurrentReaders(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	zs := randomZones(rng, 500)
	ix := MustIndex(t, zs...)
	pts := randomPoints(rng, zs, 200)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			var dst []*Zone
			var near []Near
			for i, p := range pts {
				dst = ix.AppendContaining(dst[:0], p)
				dst = ix.AppendCrossed(dst[:0], p, pts[(i+g)%len(pts)])
				near = ix.AppendNear(near[:0], p, 2000)
			}
		})
	}
	wg.Wait()
}

// FuzzContaining checks the index of the table zones against Contains at
// any position; the table cases' positions are its seeds.
func FuzzContaining(f *testing.F) {
	zs := tableZones()
	var all []Zone
	for _, z := range zs {
		all = append(all, z)
	}
	for _, tc := range containingCases(zs) {
		f.Add(tc.p[0], tc.p[1])
	}
	ix := MustIndex(f, all...)
	br := newBrute(ix)
	f.Fuzz(func(t *testing.T, lon, lat float64) {
		if math.IsNaN(lon) || math.IsNaN(lat) || math.Abs(lon) > 180 || math.Abs(lat) > 90 {
			return
		}
		p := orb.Point{lon, lat}
		got := ids(ix.AppendContaining(nil, p))
		want := ids(br.containing(p))
		if !slices.Equal(got, want) {
			t.Fatalf("at %v: index %v, brute force %v", p, got, want)
		}
	})
}

// brute answers every query by checking every zone with Contains, Crosses
// and DistanceM, after a bound check so generous (twice the reach, at 50N)
// that it cannot reject a zone wrongly: the reference the Index must match.
type brute struct {
	zones  []*Zone
	bounds []orb.Bound
}

func newBrute(ix *Index) *brute {
	b := &brute{zones: ix.Zones()}
	for _, z := range b.zones {
		b.bounds = append(b.bounds, widen(z.Geom.Bound(), z.RadiusM+z.BufferM))
	}
	return b
}

// widen grows b by twice m metres as measured anywhere up to 50N.
func widen(b orb.Bound, m float64) orb.Bound {
	dy := 2 * (m + 1) / mPerDegLat
	dx := dy / math.Cos(50*math.Pi/180)
	return orb.Bound{Min: orb.Point{b.Min[0] - dx, b.Min[1] - dy}, Max: orb.Point{b.Max[0] + dx, b.Max[1] + dy}}
}

func (br *brute) containing(p orb.Point) []*Zone {
	var out []*Zone
	for i, z := range br.zones {
		if br.bounds[i].Contains(p) && Contains(z, p) {
			out = append(out, z)
		}
	}
	return out
}

func (br *brute) crossed(a, b orb.Point) []*Zone {
	var out []*Zone
	q := segBound(a, b)
	for i, z := range br.zones {
		if br.bounds[i].Intersects(q) && Crosses(z, a, b) {
			out = append(out, z)
		}
	}
	return out
}

func (br *brute) near(p orb.Point, d float64) map[string]float64 {
	out := map[string]float64{}
	q := widen(orb.Bound{Min: p, Max: p}, d)
	for i, z := range br.zones {
		if br.bounds[i].Intersects(q) {
			if dm := DistanceM(z, p); dm <= d {
				out[z.ID] = dm
			}
		}
	}
	return out
}

func nearMap(ns []Near) map[string]float64 {
	m := make(map[string]float64, len(ns))
	for _, n := range ns {
		m[n.Zone.ID] = n.DistanceM
	}
	return m
}

func fmtNear(m map[string]float64) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	s := ""
	for _, k := range keys {
		s += fmt.Sprintf("%s=%.3f ", k, m[k])
	}
	return s
}

// jilinBox is where the random zones lie.
var jilinBox = orb.Bound{Min: orb.Point{121.5, 40.5}, Max: orb.Point{131, 46}}

func randomIn(rng *rand.Rand, b orb.Bound) orb.Point {
	return orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
}

func between(rng *rand.Rand, lo, hi float64) float64 { return lo + rng.Float64()*(hi-lo) }

// randomZones draws n valid zones over Jilin: circles, small polygons (some
// with a hole), MultiPolygons, short buffered lines and border lines, and a
// few hundredths of big polygons (up to 2,000 vertices, with big holes) and
// 500 km river sections of 400–600 vertices.
func randomZones(rng *rand.Rand, n int) []Zone {
	zs := make([]Zone, 0, n)
	for i := 0; len(zs) < n; i++ {
		z := Zone{ID: fmt.Sprintf("z%05d", i), Kind: KindRestricted}
		c := randomIn(rng, jilinBox)
		switch k := rng.IntN(1000); {
		case k < 2: // a river section
			start := randomIn(rng, orb.Bound{Min: orb.Point{121.5, 41}, Max: orb.Point{124, 45.5}})
			z.Kind, z.Geom, z.BufferM = KindRiverSection, riverLine(rng, start, 400+rng.IntN(200), 500), 500
			if rng.IntN(4) == 0 {
				z.Kind, z.BufferM = KindBorder, 0
			}
		case k < 6: // a lake
			rmin := between(rng, 5000, 30_000)
			pg := orb.Polygon{star(rng, c, 100+rng.IntN(1900), rmin, rmin*between(rng, 1.1, 1.8))}
			if rng.IntN(2) == 0 {
				pg = append(pg, star(rng, c, 50+rng.IntN(450), 0.3*rmin, 0.8*rmin))
			}
			z.Kind, z.Geom = KindLake, pg
		case k < 400:
			z.Kind, z.Geom, z.RadiusM = KindQuay, c, between(rng, 100, 3000)
		case k < 700:
			rmin := between(rng, 200, 3000)
			n := 4 + rng.IntN(21)
			pg := orb.Polygon{star(rng, c, n, rmin, rmin*between(rng, 1, 1.7))}
			if n >= 8 && rng.IntN(5) == 0 {
				pg = append(pg, star(rng, c, 4+rng.IntN(10), 0.2*rmin, 0.6*rmin))
			}
			z.Geom = pg
		case k < 750:
			var mp orb.MultiPolygon
			for j := range 2 + rng.IntN(2) {
				r := between(rng, 200, 1500)
				mp = append(mp, orb.Polygon{star(rng, at(c, float64(j)*4000, 0), 4+rng.IntN(8), r, 1.5*r)})
			}
			z.Kind, z.Geom, z.SpeedLimitKn = KindSpeedLimit, mp, 6
		case k < 950:
			z.Kind, z.Geom, z.BufferM = KindFerryCrossing, riverLine(rng, c, 2+rng.IntN(19), between(rng, 0.2, 20)), between(rng, 20, 1500)
		default:
			z.Kind, z.Geom = KindBorder, riverLine(rng, c, 2+rng.IntN(29), between(rng, 1, 30))
		}
		zs = append(zs, z)
	}
	return zs
}

// randomPoints draws n positions: half anywhere over Jilin, half near a
// random zone's vertex, where the edges are.
func randomPoints(rng *rand.Rand, zs []Zone, n int) []orb.Point {
	pts := make([]orb.Point, 0, n)
	for len(pts) < n {
		if rng.IntN(2) == 0 {
			pts = append(pts, randomIn(rng, jilinBox))
			continue
		}
		z := &zs[rng.IntN(len(zs))]
		var vs []orb.Point
		visit(z.Geom, func(p orb.Point) { vs = append(vs, p) })
		reach := math.Max(2000, 1.5*(z.RadiusM+z.BufferM))
		pts = append(pts, at(vs[rng.IntN(len(vs))], between(rng, -reach, reach), between(rng, -reach, reach)))
	}
	return pts
}

// TestIndexMatchesBruteForce compares every query of an index of 10,000
// random zones with Contains, Crosses and DistanceM over every zone.
func TestIndexMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 5))
	zs := randomZones(rng, 10_000)
	ix := MustIndex(t, zs...)
	br := newBrute(ix)
	n := 3000
	if testing.Short() {
		n = 300
	}
	pts := randomPoints(rng, zs, n)
	var inside, crossed, near int
	var dst []*Zone
	var ns []Near
	for i, p := range pts {
		dst = ix.AppendContaining(dst[:0], p)
		got, want := ids(dst), ids(br.containing(p))
		if !slices.Equal(got, want) {
			t.Fatalf("containing %v: index %v, brute force %v", p, got, want)
		}
		inside += len(got)

		if i%3 == 0 {
			reach := 3000.0
			switch r := rng.IntN(20); {
			case r == 0:
				reach = 600_000 // several degrees of latitude
			case r < 5:
				reach = 50_000
			}
			b := at(p, between(rng, -reach, reach), between(rng, -reach, reach))
			dst = ix.AppendCrossed(dst[:0], p, b)
			got, want := ids(dst), ids(br.crossed(p, b))
			if !slices.Equal(got, want) {
				t.Fatalf("crossed %v→%v: index %v, brute force %v", p, b, got, want)
			}
			crossed += len(got)
		}

		if i%4 == 0 {
			d := between(rng, 0, 5000)
			if rng.IntN(50) == 0 {
				d = between(rng, 100_000, 150_000)
			}
			ns = ix.AppendNear(ns[:0], p, d)
			got := nearMap(ns)
			if len(got) != len(ns) {
				t.Fatalf("near %v within %.0f: a zone twice", p, d)
			}
			want := br.near(p, d)
			if fmtNear(got) != fmtNear(want) {
				t.Fatalf("near %v within %.0f:\nindex       %s\nbrute force %s", p, d, fmtNear(got), fmtNear(want))
			}
			near += len(got)
		}
	}
	t.Logf("%d positions: %d containing, %d crossed, %d near", len(pts), inside, crossed, near)
	if inside < n/4 || crossed < n/10 {
		t.Fatalf("too few hits to mean much: %d containing, %d crossed", inside, crossed)
	}
}

// TestPieceCacheMatchesTree walks vessels through 10,000 random zones and
// checks that every query through a vessel's piece cache finds what the
// R-tree finds, in the same order, across refills, long jumps that bypass
// the cache and a change of index.
func TestPieceCacheMatchesTree(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 12))
	zs := randomZones(rng, 10_000)
	ixs := []*Index{MustIndex(t, zs...), MustIndex(t, zs[:5000]...)}
	walks, steps := 60, 400
	if testing.Short() {
		walks = 10
	}
	var got, want []*Zone
	var hits, refills int
	for w := range walks {
		var c pieceCache
		p := randomPoints(rng, zs, 1)[0]
		course := between(rng, 0, 360)
		for i := range steps {
			ix := ixs[0]
			if w%2 == 1 && i >= steps/2 {
				ix = ixs[1] // the zones changed under the cache
			}
			step := between(rng, 0, 80)
			if rng.IntN(100) == 0 {
				step = between(rng, 2000, 30_000) // a sparse report far away
			}
			course += between(rng, -15, 15)
			prev := p
			p = offset(p, course, step)
			box := c.box
			got = ix.appendContaining(got[:0], &c, p)
			want = ix.AppendContaining(want[:0], p)
			if !slices.Equal(got, want) {
				t.Fatalf("walk %d step %d: containing %v: cached %v, tree %v", w, i, p, ids(got), ids(want))
			}
			hits += len(got)
			got = ix.appendCrossed(got[:0], &c, prev, p)
			want = ix.AppendCrossed(want[:0], prev, p)
			if !slices.Equal(got, want) {
				t.Fatalf("walk %d step %d: crossed %v→%v: cached %v, tree %v", w, i, prev, p, ids(got), ids(want))
			}
			ahead := offset(p, course, 800)
			got = ix.appendCrossed(got[:0], &c, p, ahead)
			want = ix.AppendCrossed(want[:0], p, ahead)
			if !slices.Equal(got, want) {
				t.Fatalf("walk %d step %d: ahead %v→%v: cached %v, tree %v", w, i, p, ahead, ids(got), ids(want))
			}
			if c.box != box {
				refills++
			}
		}
	}
	t.Logf("%d walks of %d steps: %d zones found, %d refills", walks, steps, hits, refills)
	if hits < walks*steps/10 || refills > walks*steps/4 {
		t.Fatalf("the walks do not test much: %d zones found, %d refills", hits, refills)
	}
}

// offset moves p by d metres on a course in degrees (flat earth: fine over
// a few kilometres).
func offset(p orb.Point, courseDeg, d float64) orb.Point {
	c := courseDeg * math.Pi / 180
	dLat := d * math.Cos(c) / 111_320
	dLon := d * math.Sin(c) / (111_320 * math.Cos(p[1]*math.Pi/180))
	return orb.Point{p[0] + dLon, p[1] + dLat}
}
