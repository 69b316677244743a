package zones

import (
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"github.com/riverwatch/riverwatch/zones/waterway"
)

// The default zones' sizes: wide enough for the map's accuracy at a point
// (see zones/waterway/README.md) to matter less than the rule they carry.
const (
	defaultFerryBufferM   = 150  // either side of a crossing line
	defaultFerryCapacity  = 60   // licensed persons of a small river ferry
	defaultQuayRadiusM    = 300  // the berths
	defaultQuaySpeedM     = 1500 // the slow zone around a quay
	defaultQuaySpeedKn    = 6
	defaultBridgeRadiusM  = 300
	defaultBridgeSpeedKn  = 5
	defaultDamRadiusM     = 500
	defaultSectionBufferM = 500 // either side of a river centerline
	defaultAnchorRadiusM  = 400
	defaultAnchorOffsetM  = 3000 // along the river from its quay
	// maxDamSnapM is how far a dam may lie from the river line and still be
	// placed on it: beyond, the map does not reach the dam.
	maxDamSnapM = 25_000
)

// secondSonghua is the `river` of the Second Songhua's features in the map.
const secondSonghua = "Second Songhua"

// dam is a dam on the Second Songhua at its published position.
type dam struct {
	id, name, nameZH string
	at               orb.Point // [lon, lat]
}

// dams are placed by their coordinates as published on en.wikipedia:
// "Fengman Dam" (43°43′10″N 126°41′19″E) and "Hongshi Dam" (42°56′59″N
// 127°07′55″E); "Baishan Dam" is taken as about 42.71N 127.22E (rounded,
// not checked against the article).
var dams = []dam{
	{"dam-fengman", "Fengman Dam", "丰满水电站大坝", orb.Point{126.68861, 43.71944}},
	{"dam-hongshi", "Hongshi Dam", "红石水电站大坝", orb.Point{127.13194, 42.94972}},
	{"dam-baishan", "Baishan Dam", "白山水电站大坝", orb.Point{127.22, 42.71}},
}

// anchorages are put on the river a few kilometres off these quays.
var anchorages = []struct{ quay, name, nameZH string }{
	{"q-jilin", "Jilin City anchorage", "吉林市锚地"},
	{"q-songyuan", "Songyuan anchorage", "松原锚地"},
}

// borderNames name the boundary lines drawn along the border rivers'
// centerlines (the boundary runs in mid-river). The Tumen's last reach,
// below Fangchuan, is the DPRK–Russia boundary; its line is kept whole.
var borderNames = map[string][2]string{
	"river-yalu":  {"Yalu River boundary (China–DPRK)", "鸭绿江中朝界河中心线"},
	"river-tumen": {"Tumen River boundary", "图们江界河中心线"},
}

// DefaultZones draws the project's default zones on the waterway map m: a
// ferry_crossing along every ferry crossing; a quay and a speed_limit zone
// at every quay; a bridge zone at every bridge; restricted zones at the
// Fengman, Hongshi and Baishan dams, placed on the Second Songhua; border
// lines along the Yalu and Tumen centerlines; a river_section along every
// river (the Second Songhua in two, above and below Fengman Dam); every
// lake; anchorages off the Jilin City and Songyuan quays. Everything is
// derived from m, so the zones follow the map when it is redrawn. Ids are
// the kind's prefix and the map feature's id ("quay-q-jilin"). A zone the
// map cannot make valid is left out. The zones are in id order.
func DefaultZones(m *waterway.Map) []Zone {
	if m == nil {
		return nil
	}
	var zs []Zone
	add := func(z Zone) {
		z.Source = "default"
		if z.Validate() == nil {
			zs = append(zs, z)
		}
	}
	for _, c := range m.Crossings {
		add(Zone{ID: "ferry-" + c.ID, Name: c.NameEN, NameZH: c.NameZH, Kind: KindFerryCrossing, River: c.River,
			Geom: lineString(c.Coords), BufferM: defaultFerryBufferM, Notify: true, CapacityPersons: defaultFerryCapacity})
	}
	for _, q := range m.PointsOfKind(waterway.KindQuay) {
		add(Zone{ID: "quay-" + q.ID, Name: q.NameEN, NameZH: q.NameZH, Kind: KindQuay, River: q.River,
			Geom: orb.Point(q.Coord), RadiusM: defaultQuayRadiusM})
		add(Zone{ID: "speed-" + q.ID, Name: q.NameEN + " speed limit", NameZH: q.NameZH + "限速区", Kind: KindSpeedLimit,
			River: q.River, Geom: orb.Point(q.Coord), RadiusM: defaultQuaySpeedM, SpeedLimitKn: defaultQuaySpeedKn})
	}
	for _, b := range m.PointsOfKind(waterway.KindBridge) {
		add(Zone{ID: "bridge-" + b.ID, Name: b.NameEN, NameZH: b.NameZH, Kind: KindBridge, River: b.River,
			Geom: orb.Point(b.Coord), RadiusM: defaultBridgeRadiusM, SpeedLimitKn: defaultBridgeSpeedKn})
	}
	for _, r := range m.Rivers {
		ls := lineString(r.Coords)
		if names, ok := borderNames[r.ID]; ok {
			add(Zone{ID: "border-" + strings.TrimPrefix(r.ID, "river-"), Name: names[0], NameZH: names[1],
				Kind: KindBorder, River: r.River, Geom: ls})
		}
		section := func(id, name, nameZH string, ls orb.LineString) {
			add(Zone{ID: id, Name: name, NameZH: nameZH, Kind: KindRiverSection, River: r.River, Geom: ls,
				BufferM: defaultSectionBufferM})
		}
		id := "section-" + strings.TrimPrefix(r.ID, "river-")
		if r.River == secondSonghua {
			if up, down, ok := splitAt(ls, dams[0].at); ok {
				section(id+"-above-fengman", "Second Songhua River above Fengman Dam", "第二松花江丰满以上江段", up)
				section(id+"-below-fengman", "Second Songhua River below Fengman Dam", "第二松花江丰满以下江段", down)
				continue
			}
		}
		section(id, r.NameEN, r.NameZH, ls)
	}
	if r, ok := riverOf(m, secondSonghua); ok {
		ls := lineString(r.Coords)
		for _, d := range dams {
			if at, dist := snap(ls, d.at); dist <= maxDamSnapM {
				add(Zone{ID: d.id, Name: d.name, NameZH: d.nameZH, Kind: KindRestricted, River: r.River,
					Geom: at.point(ls), RadiusM: defaultDamRadiusM})
			}
		}
	}
	for _, l := range m.Lakes {
		id := l.ID
		if !strings.HasPrefix(id, "lake-") {
			id = "lake-" + id
		}
		add(Zone{ID: id, Name: l.NameEN, NameZH: l.NameZH, Kind: KindLake, River: l.River,
			Geom: orb.Polygon{orb.Ring(lineString(l.Ring))}})
	}
	for _, a := range anchorages {
		q, ok := m.Point(a.quay)
		if !ok {
			continue
		}
		r, ok := riverOf(m, q.River)
		if !ok {
			continue
		}
		ls := lineString(r.Coords)
		add(Zone{ID: "anchorage-" + strings.TrimPrefix(q.ID, "q-"), Name: a.name, NameZH: a.nameZH, Kind: KindAnchorage,
			River: q.River, Geom: anchorageSpot(m, ls, orb.Point(q.Coord)), RadiusM: defaultAnchorRadiusM})
	}
	slices.SortFunc(zs, func(a, b Zone) int { return strings.Compare(a.ID, b.ID) })
	return zs
}

func lineString(cs [][2]float64) orb.LineString {
	ls := make(orb.LineString, len(cs))
	for i, c := range cs {
		ls[i] = c
	}
	return ls
}

// riverOf is the river centerline of a water body ("Second Songhua").
func riverOf(m *waterway.Map, water string) (waterway.Line, bool) {
	for _, r := range m.Rivers {
		if r.River == water {
			return r, true
		}
	}
	return waterway.Line{}, false
}

// linePos is a position on a line: segment i, fraction t along it.
type linePos struct {
	i int
	t float64
}

func (lp linePos) point(ls orb.LineString) orb.Point {
	a, b := ls[lp.i], ls[lp.i+1]
	return orb.Point{a[0] + lp.t*(b[0]-a[0]), a[1] + lp.t*(b[1]-a[1])}
}

// snap is the position on ls nearest p and its distance in metres.
func snap(ls orb.LineString, p orb.Point) (linePos, float64) {
	pr := projAt(p, p[1])
	best, pos := math.Inf(1), linePos{}
	for i := 0; i+1 < len(ls); i++ {
		ax, ay := pr.xy(ls[i])
		bx, by := pr.xy(ls[i+1])
		if d2, t := pointSegDist2(0, 0, ax, ay, bx, by); d2 < best {
			best, pos = d2, linePos{i, t}
		}
	}
	return pos, math.Sqrt(best)
}

// walk is the point m metres along ls from pos, downstream when m > 0 and
// upstream when m < 0, stopping at the line's ends.
func walk(ls orb.LineString, pos linePos, m float64) orb.Point {
	i, t := pos.i, pos.t
	for {
		seg := math.Max(geo.DistanceHaversine(ls[i], ls[i+1]), 1e-9)
		if m >= 0 {
			left := (1 - t) * seg
			if m <= left || i+2 == len(ls) {
				return linePos{i, math.Min(1, t+m/seg)}.point(ls)
			}
			m -= left
			i, t = i+1, 0
		} else {
			back := t * seg
			if -m <= back || i == 0 {
				return linePos{i, math.Max(0, t+m/seg)}.point(ls)
			}
			m += back
			i, t = i-1, 1
		}
	}
}

// splitAt cuts ls where it passes nearest p into the reach above and the
// reach below; false if p is not within maxDamSnapM of ls or either reach
// would be empty.
func splitAt(ls orb.LineString, p orb.Point) (up, down orb.LineString, ok bool) {
	pos, dist := snap(ls, p)
	if dist > maxDamSnapM {
		return nil, nil, false
	}
	cut := pos.point(ls)
	up = append(slices.Clone(ls[:pos.i+1]), cut)
	down = append(orb.LineString{cut}, ls[pos.i+1:]...)
	if pos.t == 0 {
		up = up[:len(up)-1]
	}
	if pos.t == 1 {
		down = down[1:]
	}
	if len(up) < 2 || len(down) < 2 {
		return nil, nil, false
	}
	return up, down, true
}

// anchorageSpot is the point on the river ls defaultAnchorOffsetM up or
// down from the quay at q, whichever lies farther from the map's bridges,
// quays and ferry crossings: anchored vessels keep clear of traffic.
func anchorageSpot(m *waterway.Map, ls orb.LineString, q orb.Point) orb.Point {
	pos, _ := snap(ls, q)
	best, bestClear := orb.Point{}, -1.0
	for _, dir := range []float64{1, -1} {
		p := walk(ls, pos, dir*defaultAnchorOffsetM)
		clear := math.Inf(1)
		for _, o := range m.Points {
			if o.Kind == waterway.KindBridge || o.Kind == waterway.KindQuay {
				clear = math.Min(clear, geo.DistanceHaversine(p, o.Coord))
			}
		}
		for _, c := range m.Crossings {
			_, d := snap(lineString(c.Coords), p)
			clear = math.Min(clear, d)
		}
		if clear > bestClear {
			best, bestClear = p, clear
		}
	}
	return best
}
