package zones

import (
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"github.com/riverwatch/riverwatch/zones/waterway"
)

func mustMap(tb testing.TB) *waterway.Map {
	tb.Helper()
	m, err := waterway.Load()
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

func TestDefaultZones(t *testing.T) {
	m := mustMap(t)
	zs := DefaultZones(m)
	byID := map[string]*Zone{}
	kinds := map[Kind]int{}
	for i := range zs {
		z := &zs[i]
		if err := z.Validate(); err != nil {
			t.Errorf("invalid: %v", err)
		}
		if byID[z.ID] != nil {
			t.Errorf("duplicate id %s", z.ID)
		}
		byID[z.ID] = z
		kinds[z.Kind]++
		if z.Name == "" || z.NameZH == "" || z.River == "" || z.Source != "default" {
			t.Errorf("%s: name %q, name_zh %q, river %q, source %q", z.ID, z.Name, z.NameZH, z.River, z.Source)
		}
		if i > 0 && zs[i-1].ID >= z.ID {
			t.Errorf("not in id order: %s before %s", zs[i-1].ID, z.ID)
		}
	}
	for _, k := range Kinds {
		if kinds[k] == 0 {
			t.Errorf("no %s zone", k)
		}
	}
	t.Logf("%d default zones: %v", len(zs), kinds)

	// Every feature of the map has its zones.
	var want []string
	for _, c := range m.Crossings {
		want = append(want, "ferry-"+c.ID)
	}
	for _, q := range m.PointsOfKind(waterway.KindQuay) {
		want = append(want, "quay-"+q.ID, "speed-"+q.ID)
	}
	for _, b := range m.PointsOfKind(waterway.KindBridge) {
		want = append(want, "bridge-"+b.ID)
	}
	for _, l := range m.Lakes {
		want = append(want, l.ID)
	}
	want = append(want, "ferry-f-songyuan", "quay-q-jilin", "speed-q-jilin", "bridge-b-linjiang",
		"dam-fengman", "dam-hongshi", "dam-baishan", "border-yalu", "border-tumen",
		"section-nen", "section-songhua", "section-yalu", "section-tumen",
		"section-second-songhua-above-fengman", "section-second-songhua-below-fengman",
		"lake-chagan-lake", "lake-songhua-lake", "anchorage-jilin", "anchorage-songyuan")
	for _, id := range want {
		if byID[id] == nil {
			t.Errorf("no zone %s", id)
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	if z := byID["ferry-f-songyuan"]; !z.Notify || z.CapacityPersons <= 0 || z.BufferM != defaultFerryBufferM {
		t.Errorf("ferry: %+v", z)
	}
	if z := byID["speed-q-jilin"]; z.SpeedLimitKn != defaultQuaySpeedKn || z.RadiusM <= byID["quay-q-jilin"].RadiusM {
		t.Errorf("quay speed limit: %+v", z)
	}
	if z := byID["bridge-b-linjiang"]; z.SpeedLimitKn != defaultBridgeSpeedKn {
		t.Errorf("bridge: %+v", z)
	}

	// The borders are the centerlines themselves, without a buffer.
	for id, river := range map[string]string{"border-yalu": "river-yalu", "border-tumen": "river-tumen"} {
		r, _ := m.River(river)
		if z := byID[id]; z.BufferM != 0 || !orb.Equal(z.Geom, lineString(r.Coords)) {
			t.Errorf("%s is not %s's centerline without buffer", id, river)
		}
	}

	// The dams lie on the Second Songhua, near their published positions
	// (the map's rivers are good to some kilometres).
	ss, _ := riverOf(m, secondSonghua)
	ssZone := lineZone("ss", KindRiverSection, 1, lineString(ss.Coords))
	for _, d := range dams {
		c := byID[d.id].Geom.(orb.Point)
		if DistanceM(&ssZone, c) > 0 {
			t.Errorf("%s not on the river", d.id)
		}
		t.Logf("%s placed %.1f km from its published position", d.id, geo.DistanceHaversine(c, d.at)/1000)
	}

	// The two reaches of the Second Songhua meet at Fengman Dam and make up
	// the river.
	up := byID["section-second-songhua-above-fengman"].Geom.(orb.LineString)
	down := byID["section-second-songhua-below-fengman"].Geom.(orb.LineString)
	fengman := byID["dam-fengman"].Geom.(orb.Point)
	if up[len(up)-1] != down[0] || geo.DistanceHaversine(down[0], fengman) > 1 {
		t.Errorf("reaches meet at %v and %v, dam at %v", up[len(up)-1], down[0], fengman)
	}
	if up[0] != orb.Point(ss.Coords[0]) || down[len(down)-1] != orb.Point(ss.Coords[len(ss.Coords)-1]) || len(up)+len(down) < len(ss.Coords) {
		t.Errorf("reaches of %d and %d vertices do not make up the river's %d", len(up), len(down), len(ss.Coords))
	}

	// Anchorages lie on their river a few km off the quay, clear of it.
	for _, a := range anchorages {
		q, _ := m.Point(a.quay)
		z := byID["anchorage-"+a.quay[2:]]
		c := z.Geom.(orb.Point)
		r, _ := riverOf(m, q.River)
		rz := lineZone("r", KindRiverSection, 1, lineString(r.Coords))
		d := geo.DistanceHaversine(c, q.Coord)
		if DistanceM(&rz, c) > 0 || d < 1500 || d > defaultAnchorOffsetM*1.05 {
			t.Errorf("%s: %.0f m from the river, %.0f m from the quay", z.ID, DistanceM(&rz, c), d)
		}
	}
}

func TestDefaultZonesIndex(t *testing.T) {
	m := mustMap(t)
	ix := MustIndex(t, DefaultZones(m)...)
	q, _ := m.Point("q-jilin")
	got := ids(ix.AppendContaining(nil, q.Coord))
	for _, id := range []string{"quay-q-jilin", "speed-q-jilin", "section-second-songhua-below-fengman"} {
		if !slices.Contains(got, id) {
			t.Errorf("at the Jilin City quay: %v, want %s among them", got, id)
		}
	}
	// A boat crossing the Yalu at the Linjiang bridge crosses the border.
	b, _ := m.Point("b-linjiang")
	yalu, _ := m.River("river-yalu")
	pos, _ := snap(lineString(yalu.Coords), b.Coord)
	ls := lineString(yalu.Coords)
	a, c := ls[pos.i], ls[pos.i+1]
	mid := midpoint(a, c)
	pr := projAt(mid, mid[1])
	dx, dy := pr.xy(c)
	n := math.Hypot(dx, dy)
	left, right := at(mid, -dy/n*200, dx/n*200), at(mid, dy/n*200, -dx/n*200)
	border, _ := ix.Zone("border-yalu")
	if Side(border, left) != -1 || Side(border, right) != 1 {
		t.Errorf("sides of the Yalu: %d, %d", Side(border, left), Side(border, right))
	}
	if got := ids(ix.AppendCrossed(nil, left, right)); !slices.Contains(got, "border-yalu") {
		t.Errorf("crossing the Yalu: %v", got)
	}
	if got := ids(ix.AppendContaining(nil, left)); slices.Contains(got, "border-yalu") {
		t.Errorf("inside a border line: %v", got)
	}
}

func TestDefaultZonesNil(t *testing.T) {
	if zs := DefaultZones(nil); zs != nil {
		t.Fatalf("DefaultZones(nil) = %v", zs)
	}
}
