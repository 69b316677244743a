package rescue

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/paulmach/orb/planar"

	"github.com/riverwatch/riverwatch/zones/waterway"
)

// MustLocator builds the Locator over the project's waterway map.
func MustLocator(tb testing.TB, cfg Config) (*Locator, *waterway.Map) {
	tb.Helper()
	m, err := waterway.Load()
	if err != nil {
		tb.Fatal(err)
	}
	l, err := New(m, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return l, m
}

// river returns the river line and the index of the vertex at station id.
func river(tb testing.TB, m *waterway.Map, riverID, stationID string) (waterway.Line, int) {
	tb.Helper()
	r, ok := m.River(riverID)
	if !ok {
		tb.Fatalf("no river %s", riverID)
	}
	st, ok := m.Point(stationID)
	if !ok {
		tb.Fatalf("no station %s", stationID)
	}
	for i, c := range r.Coords {
		if c == st.Coord {
			return r, i
		}
	}
	tb.Fatalf("station %s is not a vertex of %s", stationID, riverID)
	return r, -1
}

// along is the length of the river between vertices i and j.
func along(r waterway.Line, i, j int) float64 {
	if i > j {
		i, j = j, i
	}
	return waterway.Line{Coords: r.Coords[i : j+1]}.Length()
}

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.1f m, want %.1f ± %.0f m", what, got, want, tol)
	}
}

func TestStationsAreTheirOwnNearest(t *testing.T) {
	l, _ := MustLocator(t, Config{})
	if got := len(l.Stations()); got != 8 {
		t.Errorf("%d stations, want the map's 8", got)
	}
	for _, st := range l.Stations() {
		r, err := l.Nearest(st.Lat, st.Lon)
		if err != nil {
			t.Fatalf("%s: %v", st.ID, err)
		}
		if r.Station.ID != st.ID || r.DistanceM > 0.01 || r.ETA != 0 {
			t.Errorf("at %s: nearest %s at %.1f m, ETA %v; want itself at 0", st.ID, r.Station.ID, r.DistanceM, r.ETA)
		}
	}
}

// Between Jiutai and Yushu on the Second Songhua the answer is whichever is
// nearer along the river, to the metre, and flips where the two meet.
func TestAlongTheSecondSonghua(t *testing.T) {
	l, m := MustLocator(t, Config{})
	r, ji := river(t, m, "river-second-songhua", "rs-jiutai")
	_, yi := river(t, m, "river-second-songhua", "rs-yushu")
	if ji >= yi {
		t.Fatalf("Jiutai (vertex %d) should be upstream of Yushu (vertex %d)", ji, yi)
	}
	total := along(r, ji, yi)
	flips := 0
	prev := "rs-jiutai"
	for k := ji; k <= yi; k++ {
		dj, dy := along(r, ji, k), along(r, k, yi)
		want, wantD := "rs-jiutai", dj
		if dy < dj {
			want, wantD = "rs-yushu", dy
		}
		p := r.Coords[k]
		got, err := l.Nearest(p[1], p[0])
		if err != nil {
			t.Fatal(err)
		}
		if got.Station.ID != want {
			t.Errorf("vertex %d: %s, want %s (%.0f m against %.0f m)", k, got.Station.ID, want, dj, dy)
		}
		near(t, "distance", got.DistanceM, wantD, 1)
		if got.OffsetM > 0.01 {
			t.Errorf("vertex %d: offset %.2f m, want 0 on the line", k, got.OffsetM)
		}
		if want != prev {
			flips++
			prev = want
		}
		if sid := l.StationOf(p[1], p[0]); sid != want {
			t.Errorf("StationOf vertex %d = %q, want %q", k, sid, want)
		}
	}
	if flips != 1 {
		t.Errorf("station flipped %d times between Jiutai and Yushu, want once", flips)
	}
	// Hand check (a haversine sum over vertices 164–212 written apart from
	// this package, R = 6,378,137 m): 77,886.5 m of river; the stations are
	// 66,098 m apart as the crow flies.
	near(t, "Jiutai–Yushu along the river", total, 77886.5, 1)
	crow := waterway.Distance(r.Coords[ji], r.Coords[yi])
	near(t, "Jiutai–Yushu straight", crow, 66098.4, 1)
	if total < 1.15*crow {
		t.Errorf("the river reach %.0f m is hardly longer than the straight line %.0f m", total, crow)
	}
}

// Below the confluence the Songhua main stem is reached from Da'an down the
// Nen or from Yushu down the Second Songhua, which ends on the Nen line
// 1.8 km above the main stem's first vertex: the graph joins them there.
func TestThroughTheConfluence(t *testing.T) {
	l, m := MustLocator(t, Config{})
	nen, di := river(t, m, "river-nen", "rs-daan")
	ss, yi := river(t, m, "river-second-songhua", "rs-yushu")
	main, _ := m.River("river-songhua")
	confluence := nen.Coords[len(nen.Coords)-1]
	if main.Coords[0] != confluence {
		t.Fatalf("the Nen should end on the main stem's first vertex")
	}
	ssEnd := ss.Coords[len(ss.Coords)-1]
	fromDaan := along(nen, di, len(nen.Coords)-1)
	// From Yushu: to the Second Songhua's end, across to the Nen line (1 m)
	// and down the Nen's last segment(s) to the confluence.
	joinToConfluence := nen.DistanceTo(ssEnd) + nen.Length() - lengthTo(nen, ssEnd)
	fromYushu := along(ss, yi, len(ss.Coords)-1) + joinToConfluence
	k := len(main.Coords) - 1
	p := main.Coords[k]
	want, wantD := "rs-daan", fromDaan+main.Length()
	if fromYushu < fromDaan {
		want, wantD = "rs-yushu", fromYushu+main.Length()
	}
	got, err := l.Nearest(p[1], p[0])
	if err != nil {
		t.Fatal(err)
	}
	if got.Station.ID != want {
		t.Errorf("main stem's end: %s, want %s (Da'an %.0f m, Yushu %.0f m)", got.Station.ID, want, fromDaan, fromYushu)
	}
	near(t, "main stem's end", got.DistanceM, wantD, 5)
	if got.Path[0] != [2]float64{got.Station.Lon, got.Station.Lat} || got.Path[len(got.Path)-1] != p {
		t.Errorf("path runs %v … %v, want from the station to the spot", got.Path[0], got.Path[len(got.Path)-1])
	}
	if pl := (waterway.Line{Coords: got.Path}).Length(); math.Abs(pl-got.DistanceM) > 1 {
		t.Errorf("path is %.0f m long, distance %.0f m", pl, got.DistanceM)
	}
}

// lengthTo is the length of the line from its start to the point of it
// nearest p.
func lengthTo(l waterway.Line, p [2]float64) float64 {
	best, at := math.Inf(1), 0.0
	for i := 1; i < len(l.Coords); i++ {
		seg := waterway.Line{Coords: l.Coords[i-1 : i+1]}
		if d := seg.DistanceTo(p); d < best {
			best = d
			at = along(l, 0, i-1) + math.Sqrt(math.Max(0, sq(waterway.Distance(l.Coords[i-1], p))-d*d))
		}
	}
	return at
}

func sq(x float64) float64 { return x * x }

// Along the lower Second Songhua the Chagan Lake station is the nearest as
// the crow flies, but that lake is not joined to any river: a boat from it
// would cross land, so the answer is a station on the rivers.
func TestNotAcrossLand(t *testing.T) {
	l, m := MustLocator(t, Config{})
	ss, _ := m.River("river-second-songhua")
	stations := m.PointsOfKind(waterway.KindRescueStation)
	premise := 0
	for _, c := range ss.Coords {
		crow := stations[0]
		for _, st := range stations {
			if waterway.Distance(c, st.Coord) < waterway.Distance(c, crow.Coord) {
				crow = st
			}
		}
		if crow.ID != "rs-chagan-lake" {
			continue
		}
		premise++
		if got := l.StationOf(c[1], c[0]); got == "rs-chagan-lake" || got == "" {
			t.Errorf("Second Songhua at %v: station %q, want one on the rivers", c, got)
		}
	}
	if premise < 10 {
		t.Fatalf("test premise: only %d Second Songhua vertices have Chagan Lake as the nearest as the crow flies", premise)
	}
}

func TestInsideLakes(t *testing.T) {
	l, _ := MustLocator(t, Config{})
	for _, c := range []struct {
		name     string
		lat, lon float64
		station  string
	}{
		{"Chagan Lake, 3 km east of its station", 45.22, 124.318, "rs-chagan-lake"},
		{"lower Songhua Lake, 2 km off its station", 43.69, 126.76, "rs-songhua-lake"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := l.Nearest(c.lat, c.lon)
			if err != nil {
				t.Fatal(err)
			}
			st, _ := l.Station(c.station)
			crow := waterway.Distance([2]float64{c.lon, c.lat}, [2]float64{st.Lon, st.Lat})
			if got.Station.ID != c.station || got.OffsetM != 0 {
				t.Errorf("%s offset %.0f m, want %s on the lake", got.Station.ID, got.OffsetM, c.station)
			}
			// Straight across open water.
			near(t, "distance", got.DistanceM, crow, 1)
			if len(got.Path) != 2 {
				t.Errorf("path %v, want the straight run", got.Path)
			}
		})
	}
}

func TestETAAtTheBoatSpeed(t *testing.T) {
	for _, kn := range []float64{0, 10} {
		l, _ := MustLocator(t, Config{BoatSpeedKn: kn})
		got, err := l.Nearest(45.22, 124.318)
		if err != nil {
			t.Fatal(err)
		}
		speed := l.BoatSpeedKn() * 1852 / 3600
		want := time.Duration(got.DistanceM / speed * float64(time.Second))
		if d := got.ETA - want; d < -time.Millisecond || d > time.Millisecond || got.ETA <= 0 {
			t.Errorf("%v kn: ETA %v for %.0f m, want %v", l.BoatSpeedKn(), got.ETA, got.DistanceM, want)
		}
	}
}

func TestFarFromWater(t *testing.T) {
	l, _ := MustLocator(t, Config{})
	for _, p := range [][2]float64{{43.9, 125.3} /* Changchun */, {0, 0}, {math.NaN(), 126}} {
		if _, err := l.Nearest(p[0], p[1]); !errors.Is(err, ErrNoStation) {
			t.Errorf("Nearest%v: %v, want ErrNoStation", p, err)
		}
		if s := l.StationOf(p[0], p[1]); s != "" {
			t.Errorf("StationOf%v = %q, want none", p, s)
		}
	}
}

// ringContains agrees with orb's planar.RingContains on a grid over each
// lake, edges and vertices included.
func TestRingContains(t *testing.T) {
	l, _ := MustLocator(t, Config{})
	for _, lk := range l.g.lakes {
		for _, v := range lk.ring {
			if !ringContains(lk.ring, v) {
				t.Errorf("%s: vertex %v outside", lk.id, v)
			}
		}
		for i := 0; i <= 60; i++ {
			for j := 0; j <= 60; j++ {
				p := [2]float64{lk.box[0] + (lk.box[2]-lk.box[0])*float64(i)/60, lk.box[1] + (lk.box[3]-lk.box[1])*float64(j)/60}
				if got, want := ringContains(lk.ring, p), planar.RingContains(lk.ring, p); got != want {
					t.Errorf("%s: %v inside %v, orb says %v", lk.id, p, got, want)
				}
			}
		}
	}
}

// Inside Songhua Lake, a long winding reservoir, a spot in sight of the
// station is reached straight across the water, and one behind a headland
// the long way round: never shorter than the straight line.
func TestAroundHeadlands(t *testing.T) {
	l, m := MustLocator(t, Config{})
	sl, _ := m.Lake("lake-songhua-lake")
	st, _ := l.Station("rs-songhua-lake")
	sp := [2]float64{st.Lon, st.Lat}
	var lk *lake
	for i := range l.g.lakes {
		if l.g.lakes[i].id == sl.ID {
			lk = &l.g.lakes[i]
		}
	}
	if !lk.contains(sp) {
		t.Logf("the station lies just off the lake outline, %.0f m from it", waterway.DistanceToPath(sl.Ring, sp))
	}
	inSight, behind, around := 0, 0, 0
	for i := 0; i <= 40; i++ {
		for j := 0; j <= 40; j++ {
			p := [2]float64{lk.box[0] + (lk.box[2]-lk.box[0])*float64(i)/40, lk.box[1] + (lk.box[3]-lk.box[1])*float64(j)/40}
			if !lk.contains(p) {
				continue
			}
			r, err := l.Nearest(p[1], p[0])
			if err != nil {
				t.Fatal(err)
			}
			if r.Station.ID != st.ID {
				continue
			}
			crow := waterway.Distance(p, sp)
			switch {
			case r.DistanceM < crow-0.5:
				t.Errorf("%v: %.0f m along the water, shorter than the straight %.0f m", p, r.DistanceM, crow)
			case lk.sees(p, sp):
				inSight++
				near(t, fmt.Sprintf("%v in sight", p), r.DistanceM, crow, 0.5)
			default:
				behind++
				if len(r.Path) < 3 {
					t.Errorf("%v out of sight: %.0f m in %d legs, straight %.0f m", p, r.DistanceM, len(r.Path)-1, crow)
				}
				if r.DistanceM > crow+100 {
					around++
				}
			}
		}
	}
	if inSight < 10 || around < 10 {
		t.Errorf("%d spots in sight of the station, %d more than 100 m longer round headlands; want 10 of each", inSight, around)
	}
	t.Logf("%d spots in sight of the station, %d out of sight, %d of them more than 100 m longer than straight", inSight, behind, around)
}

// Yueliang Pao lies 2.6 km off the Nen on the map: joined to it, a spot on
// the lake is Da'an's, by way of the Nen.
func TestYueliangPaoJoinsTheNen(t *testing.T) {
	l, m := MustLocator(t, Config{})
	lake, _ := m.Lake("lake-yueliang-pao")
	p := [2]float64{123.8933, 45.7143}
	if !lake.Contains(p) {
		t.Fatalf("test premise: %v should be on Yueliang Pao", p)
	}
	r, err := l.Nearest(p[1], p[0])
	if err != nil {
		t.Fatal(err)
	}
	nen, _ := m.River("river-nen")
	onNen := 0
	for _, q := range r.Path {
		if nen.DistanceTo(q) < 1 {
			onNen++
		}
	}
	if r.Station.ID != "rs-daan" || r.OffsetM != 0 || onNen < 5 {
		t.Errorf("%s offset %.0f m, %d path points on the Nen; want rs-daan from the lake by the Nen", r.Station.ID, r.OffsetM, onNen)
	}
	// With a 1 km join the lake is cut off: the spot is answered from the
	// Nen 2.6 km away, straight across what the map has as land.
	l2, _ := MustLocator(t, Config{LakeJoinM: 1000})
	if r2, err := l2.Nearest(p[1], p[0]); err != nil || r2.OffsetM < 2000 {
		t.Errorf("with a 1 km lake join: %+v, %v; want the Nen, 2 km or more off", r2.OffsetM, err)
	}
}
