package waterway

import (
	"errors"
	"math"
	"os"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/riverwatch/riverwatch/ais/aistest"
)

var (
	wantRivers   = []string{"river-songhua", "river-second-songhua", "river-nen", "river-yalu", "river-tumen"}
	wantLakes    = []string{"lake-songhua-lake", "lake-chagan-lake", "lake-yueliang-pao"}
	wantStations = []string{"rs-yushu", "rs-jiutai", "rs-songhua-lake", "rs-huadian", "rs-sandaogou", "rs-daan", "rs-wangqing", "rs-chagan-lake"}
)

// MustLoad loads the embedded map or fails the test.
func MustLoad(tb testing.TB) *Map {
	tb.Helper()
	m, err := Load()
	if err != nil {
		tb.Fatalf("Load: %v", err)
	}
	return m
}

func TestLoadValid(t *testing.T) {
	m := MustLoad(t)
	for _, id := range wantRivers {
		r, ok := m.River(id)
		if !ok {
			t.Errorf("river %s missing", id)
			continue
		}
		// Densified "every few km": no gap longer than 3 km.
		for i := 1; i < len(r.Coords); i++ {
			if d := Distance(r.Coords[i-1], r.Coords[i]); d > 3000 {
				t.Errorf("%s: %.1f km between vertices %d and %d", id, d/1000, i-1, i)
			}
		}
		t.Logf("%s: %d vertices, %.0f km", id, len(r.Coords), r.Length()/1000)
	}
	for _, id := range wantLakes {
		if _, ok := m.Lake(id); !ok {
			t.Errorf("lake %s missing", id)
		}
	}
	for _, id := range wantStations {
		p, ok := m.Point(id)
		if !ok || p.Kind != KindRescueStation || p.NameZH == "" || p.NameEN == "" {
			t.Errorf("rescue station %s missing or incomplete: %+v", id, p)
		}
	}
	if n := len(m.PointsOfKind(KindRescueStation)); n != len(wantStations) {
		t.Errorf("%d rescue stations, want exactly %d", n, len(wantStations))
	}
	if n := len(m.PointsOfKind(KindQuay)); n < 8 {
		t.Errorf("%d quays, want at least 8", n)
	}
	if n := len(m.PointsOfKind(KindBridge)); n < 1 {
		t.Errorf("no bridges")
	}
	if n := len(m.Crossings); n < 3 {
		t.Errorf("%d ferry crossings, want at least 3", n)
	}
}

// water returns the distance in metres from p to the water named river in
// m: its river lines, or 0 inside a lake whose `river` it is.
func water(m *Map, river string, p [2]float64) float64 {
	best := math.Inf(1)
	for _, r := range m.Rivers {
		if r.River == river {
			best = math.Min(best, r.DistanceTo(p))
		}
	}
	for _, l := range m.Lakes {
		if l.River == river {
			best = math.Min(best, l.DistanceTo(p))
		}
	}
	return best
}

// lakeCrossings are the ferries that cross a lake, with the lake; the rest
// cross a river.
var lakeCrossings = map[string]string{"f-songhua-lake": "lake-songhua-lake", "f-chagan-lake": "lake-chagan-lake"}

// TestOnTheirWater checks each point lies on the water it serves (the
// generator inserts it as a vertex of its river line, or it is inside its
// lake), each river ferry is drawn across its river at its midpoint with
// its ends near the centerline, and each lake ferry runs on the lake's
// water from end to end.
func TestOnTheirWater(t *testing.T) {
	m := MustLoad(t)
	for _, p := range m.Points {
		if d := water(m, p.River, p.Coord); d > 1 {
			t.Errorf("%s is %.0f m from its water %q", p.ID, d, p.River)
		}
	}
	for _, c := range m.Crossings {
		a, b := c.Coords[0], c.Coords[len(c.Coords)-1]
		if l := c.Length(); l < 100 || l > 15000 {
			t.Errorf("crossing %s is %.0f m long", c.ID, l)
		}
		if id, ok := lakeCrossings[c.ID]; ok {
			lk, ok := m.Lake(id)
			if !ok {
				t.Fatalf("no lake %s for crossing %s", id, c.ID)
			}
			n := int(c.Length()/50) + 1
			for i := 0; i <= n; i++ {
				f := float64(i) / float64(n)
				if p := [2]float64{a[0] + f*(b[0]-a[0]), a[1] + f*(b[1]-a[1])}; !lk.Contains(p) {
					t.Errorf("crossing %s leaves %s at %v", c.ID, lk.ID, p)
					break
				}
			}
			continue
		}
		if d := water(m, c.River, [2]float64{(a[0] + b[0]) / 2, (a[1] + b[1]) / 2}); d > 5 {
			t.Errorf("crossing %s: midpoint %.0f m from %q", c.ID, d, c.River)
		}
		for _, end := range c.Coords {
			if d := water(m, c.River, end); d > 500 {
				t.Errorf("crossing %s end %v is %.0f m from %q", c.ID, end, d, c.River)
			}
		}
	}
}

// TestNetwork checks the rivers of the Songhua system meet as Natural
// Earth draws the confluence: the Nen ends where the main stem begins, and
// the Second Songhua ends on the Nen just above.
func TestNetwork(t *testing.T) {
	m := MustLoad(t)
	nen, _ := m.River("river-nen")
	stem, _ := m.River("river-songhua")
	second, _ := m.River("river-second-songhua")
	if len(nen.Coords) == 0 || len(stem.Coords) == 0 || len(second.Coords) == 0 {
		t.Fatal("a river of the Songhua system is missing")
	}
	if end := nen.Coords[len(nen.Coords)-1]; end != stem.Coords[0] {
		t.Errorf("the Nen ends at %v, the main stem begins at %v", end, stem.Coords[0])
	}
	if d := nen.DistanceTo(second.Coords[len(second.Coords)-1]); d > 100 {
		t.Errorf("the Second Songhua ends %.0f m from the Nen", d)
	}
}

// fengmanDam is the Songhua Lake outlet, en.wikipedia "Fengman Dam".
var fengmanDam = [2]float64{126.68861, 43.71944}

// TestSonghuaLakeThrough checks the Second Songhua runs through Songhua
// Lake in one stretch and leaves it by Fengman Dam: the simulator cuts the
// river at its last vertex in the lake (cmd/riverwatch simroutes.go), so
// that cargo ships below the dam stay off the reservoir.
func TestSonghuaLakeThrough(t *testing.T) {
	m := MustLoad(t)
	r, _ := m.River("river-second-songhua")
	lake, ok := m.Lake("lake-songhua-lake")
	if !ok {
		t.Fatal("no Songhua Lake")
	}
	first, last := -1, -1
	for i, c := range r.Coords {
		if !lake.Contains(c) {
			continue
		}
		if first < 0 {
			first = i
		} else if last != i-1 {
			t.Errorf("the Second Songhua re-enters Songhua Lake at vertex %d after leaving it at %d", i, last)
		}
		last = i
	}
	if first < 0 || last-first < 5 {
		t.Fatalf("the Second Songhua has %d vertices in Songhua Lake", last-first+1)
	}
	if last == len(r.Coords)-1 {
		t.Fatal("the Second Songhua ends in Songhua Lake")
	}
	if d := Distance(r.Coords[last], fengmanDam); d > 3000 {
		t.Errorf("the Second Songhua leaves Songhua Lake at %v, %.1f km from Fengman Dam", r.Coords[last], d/1000)
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct{ name, in string }{
		{"not json", `{`},
		{"no id", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kind":"quay"},"geometry":{"type":"Point","coordinates":[125,44]}}]}`},
		{"outside box", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kind":"quay","id":"q"},"geometry":{"type":"Point","coordinates":[116.4,39.9]}}]}`},
		{"lat lon swapped", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kind":"quay","id":"q"},"geometry":{"type":"Point","coordinates":[44,125]}}]}`},
		{"river as point", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kind":"river","id":"r"},"geometry":{"type":"Point","coordinates":[125,44]}}]}`},
		{"open ring", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kind":"lake","id":"l"},"geometry":{"type":"Polygon","coordinates":[[[124,45],[124.1,45],[124.1,45.1],[124,45.1]]]}}]}`},
		{"clockwise ring", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kind":"lake","id":"l"},"geometry":{"type":"Polygon","coordinates":[[[124,45],[124,45.1],[124.1,45.1],[124.1,45],[124,45]]]}}]}`},
		{"duplicate id", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kind":"quay","id":"q"},"geometry":{"type":"Point","coordinates":[125,44]}},{"type":"Feature","properties":{"kind":"quay","id":"q"},"geometry":{"type":"Point","coordinates":[125,44]}}]}`},
		{"unknown kind", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kind":"castle","id":"c"},"geometry":{"type":"Point","coordinates":[125,44]}}]}`},
		{"numeric id", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kind":"quay","id":7},"geometry":{"type":"Point","coordinates":[125,44]}}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse([]byte(tt.in)); !errors.Is(err, ErrInvalid) {
				t.Errorf("Parse = %v, want ErrInvalid", err)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add(GeoJSON())
	for _, s := range []string{`{}`, `{"type":"FeatureCollection","features":[]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(data)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		for _, l := range m.Lakes {
			if l.Ring[0] != l.Ring[len(l.Ring)-1] {
				t.Fatal("accepted an open ring")
			}
		}
	})
}

func TestDistance(t *testing.T) {
	// Jilin City to Songyuan: 1.33° of latitude (148 km) and 1.74° of
	// longitude at 44.5N (138 km), about 202 km great-circle.
	if d := Distance([2]float64{126.56, 43.85}, [2]float64{124.82, 45.18}) / 1000; d < 200 || d > 205 {
		t.Errorf("Jilin–Songyuan %.1f km, want ~202", d)
	}
	l := Line{Coords: [][2]float64{{125, 44}, {126, 44}}}
	if d := l.DistanceTo([2]float64{125.5, 44.1}); math.Abs(d-11120) > 100 {
		t.Errorf("distance to line %.0f m, want ~11120", d)
	}
}

type refFeature struct {
	kind, id, river string
	geom            orb.Geometry
	src             [2]float64 // source_lon/lat, zero if none
	inJilin         bool
}

func loadReference(tb testing.TB) map[string]refFeature {
	tb.Helper()
	data, err := os.ReadFile(aistest.SharedFile(tb, "geo/jilin-waterways.geojson"))
	if err != nil {
		tb.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		tb.Fatalf("reference: %v", err)
	}
	out := map[string]refFeature{}
	for _, f := range fc.Features {
		r := refFeature{kind: str(f.Properties, "kind"), id: str(f.Properties, "id"), river: str(f.Properties, "river"), geom: f.Geometry}
		lon, ok1 := f.Properties["source_lon"].(float64)
		lat, ok2 := f.Properties["source_lat"].(float64)
		if ok1 && ok2 {
			r.src = [2]float64{lon, lat}
		}
		r.inJilin, _ = f.Properties["in_jilin"].(bool)
		out[r.id] = r
	}
	return out
}

func toCoords(ls orb.LineString) [][2]float64 {
	out := make([][2]float64, len(ls))
	for i, p := range ls {
		out[i] = p
	}
	return out
}
