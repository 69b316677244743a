package rescue

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/riverwatch/riverwatch/zones/waterway"
)

// The stations' areas share out every river and shore without gaps or
// overlaps, and every point of an area has its station as the nearest.
func TestAreasShareTheNetwork(t *testing.T) {
	l, m := MustLocator(t, Config{})
	var network float64
	for _, r := range m.Rivers {
		network += r.Length()
	}
	for _, lk := range m.Lakes {
		network += waterway.Line{Coords: lk.Ring}.Length()
	}
	var total float64
	for _, st := range l.Stations() {
		area := l.Area(st.ID)
		if len(area) == 0 {
			t.Errorf("%s has no area", st.ID)
		}
		for _, piece := range area {
			total += waterway.Line{Coords: piece}.Length()
			// Points a little inside each piece's ends belong to the station.
			for _, i := range []int{0, len(piece) - 2} {
				a, b := piece[i], piece[i+1]
				p := [2]float64{a[0] + 0.1*(b[0]-a[0]), a[1] + 0.1*(b[1]-a[1])}
				if i > 0 {
					p = [2]float64{a[0] + 0.9*(b[0]-a[0]), a[1] + 0.9*(b[1]-a[1])}
				}
				if lakeAt(l, p) {
					continue // inside a lake the run across the water may be shorter
				}
				if got := l.StationOf(p[1], p[0]); got != st.ID {
					t.Errorf("%v in the area of %s belongs to %q", p, st.ID, got)
				}
			}
		}
	}
	if math.Abs(total-network) > 1 {
		t.Errorf("areas total %.0f m, the network %.0f m", total, network)
	}
	if l.Area("rs-nowhere") != nil {
		t.Error("an unknown station has an area")
	}
}

func lakeAt(l *Locator, p [2]float64) bool {
	for i := range l.g.lakes {
		if l.g.lakes[i].contains(p) {
			return true
		}
	}
	return false
}

func TestSeeing(t *testing.T) {
	cams := cameraList{
		{ID: "far", Lat: 43.85083, Lon: 126.60}, // 3.2 km east
		{ID: "near", Lat: 43.855, Lon: 126.56028},
		{ID: "nearer", Lat: 43.851, Lon: 126.561},
	}
	l, _ := MustLocator(t, Config{CameraRangeM: 1500, Cameras: cams})
	got := l.Seeing(43.85083, 126.56028)
	if len(got) != 2 || got[0].ID != "nearer" || got[1].ID != "near" {
		t.Fatalf("Seeing = %+v, want nearer then near", got)
	}
	near(t, "near camera", got[1].DistanceM, 463.7, 1)
	if l, _ := MustLocator(t, Config{}); l.Seeing(43.85083, 126.56028) != nil {
		t.Error("cameras seen with no camera sites")
	}
}

type cameraList []Camera

func (c cameraList) CameraSites() []Camera { return c }

// BenchmarkNearest asks for spots scattered up to 2 km around the rivers
// and lakes (fixed seed), as alert positions are.
func BenchmarkNearest(b *testing.B) {
	l, m := MustLocator(b, Config{})
	rng := rand.New(rand.NewPCG(1, 2))
	var spots [][2]float64
	for len(spots) < 4096 {
		r := m.Rivers[rng.IntN(len(m.Rivers))]
		c := r.Coords[rng.IntN(len(r.Coords))]
		spots = append(spots, [2]float64{c[0] + (rng.Float64()-0.5)*0.05, c[1] + (rng.Float64()-0.5)*0.036})
	}
	spots = append(spots, [2]float64{124.318, 45.22}, [2]float64{126.76, 43.69})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		p := spots[i%len(spots)]
		if _, err := l.Nearest(p[1], p[0]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNearestInLake asks for spots inside Songhua Lake, where the
// answer is a run across the water.
func BenchmarkNearestInLake(b *testing.B) {
	l, _ := MustLocator(b, Config{})
	for b.Loop() {
		if _, err := l.Nearest(43.65, 126.85); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNew(b *testing.B) {
	m, err := waterway.Load()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := New(m, Config{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStationOf is what the station filter pays per alert: the
// nearest station's id, no path.
func BenchmarkStationOf(b *testing.B) {
	l, m := MustLocator(b, Config{})
	r := m.Rivers[1]
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		c := r.Coords[i%len(r.Coords)]
		if l.StationOf(c[1]+0.003, c[0]+0.003) == "" {
			b.Fatal("no station")
		}
	}
}
