package main

import (
	"math"
	"strings"

	"github.com/paulmach/orb"

	"github.com/riverwatch/riverwatch/ais/simulate"
	"github.com/riverwatch/riverwatch/zones"
	"github.com/riverwatch/riverwatch/zones/waterway"
)

// simWaters gives each waterway feature the vessel-name prefix and the
// destinations its simulated traffic uses, and whether cargo ships work it.
var simWaters = map[string]struct {
	name  string
	ports []string
	cargo bool
}{
	"river-songhua":              {"SONG HUA JIANG", []string{"FUYU", "ZHAOYUAN", "HARBIN", "SONGYUAN"}, true},
	"river-second-songhua":       {"JI LIN", []string{"JILIN", "SONGYUAN", "WULAJIE"}, true},
	"river-second-songhua-upper": {"HUA DIAN", []string{"HUADIAN", "HONGSHI"}, false},
	"river-nen":                  {"NEN JIANG", []string{"DAAN", "SONGYUAN"}, true},
	"river-yalu":                 {"YA LU JIANG", []string{"JIAN", "LINJIANG", "CHANGBAI"}, false},
	"river-tumen":                {"TU MEN JIANG", []string{"TUMEN", "HUNCHUN", "FANGCHUAN"}, false},
	"lake-songhua-lake":          {"SONG HUA HU", []string{"FENGMAN", "SONGHUA HU"}, false},
	"lake-chagan-lake":           {"CHA GAN HU", []string{"CHAGAN HU"}, false},
	"lake-yueliang-pao":          {"YUE LIANG", []string{"YUELIANG PAO", "DAAN"}, false},
	"f-jilin":                    {"JI LIN", []string{"JILIN"}, false},
	"f-songyuan":                 {"SONG YUAN", []string{"SONGYUAN"}, false},
	"f-daan":                     {"DA AN", []string{"DAAN"}, false},
	"f-songhua-lake":             {"SONG HUA HU", []string{"SONGHUA HU"}, false},
	"f-chagan-lake":              {"CHA GAN HU", []string{"CHAGAN HU"}, false},
}

// chinaSide is our half of each border river (its `river` in the map),
// relative to the direction of its line, which runs downstream: the Yalu
// flows south-west and its Chinese bank is the right, north-western one;
// the Tumen flows north-east, then south-east, and its Chinese bank is the
// left one, to the north and east (sim_incidents_test.go checks both
// against towns on either side).
var chinaSide = map[string]int{"Yalu": +1, "Tumen": -1}

// simRoutes turns the waterway map into simulator routes: each river (the
// Second Songhua cut at the foot of Songhua Lake, so cargo ships below
// Fengman Dam do not sail through it into the reservoirs), each lake as its
// closed outline, and each ferry crossing.
func simRoutes(m *waterway.Map) []simulate.Route {
	var out []simulate.Route
	add := func(id, kind string, line [][2]float64) {
		w, ok := simWaters[id]
		if !ok {
			w.name = simName(id)
		}
		out = append(out, simulate.Route{ID: id, Kind: kind, Line: line, Cargo: w.cargo, Name: w.name, Ports: w.ports})
	}
	lake, hasLake := m.Lake("lake-songhua-lake")
	for _, r := range m.Rivers {
		if side, ok := chinaSide[r.River]; ok {
			add(r.ID, simulate.KindRiver, r.Coords)
			out[len(out)-1].Border, out[len(out)-1].ChinaSide = true, side
			continue
		}
		if r.ID == "river-second-songhua" && hasLake {
			// The last vertex inside the lake is where the river leaves it.
			cut := -1
			for i, c := range r.Coords {
				if lake.Contains(c) {
					cut = i
				}
			}
			if cut > 0 && cut < len(r.Coords)-1 {
				add(r.ID+"-upper", simulate.KindRiver, r.Coords[:cut+1])
				add(r.ID, simulate.KindRiver, r.Coords[cut:])
				continue
			}
		}
		add(r.ID, simulate.KindRiver, r.Coords)
	}
	for _, l := range m.Lakes {
		add(l.ID, simulate.KindLake, l.Ring)
	}
	for _, c := range m.Crossings {
		add(c.ID, simulate.KindFerry, c.Coords)
	}
	return out
}

// simName makes a vessel-name prefix from a feature id ("river-hun" gives
// "HUN") for waters simWaters does not list.
func simName(id string) string {
	if i := strings.IndexByte(id, '-'); i >= 0 {
		id = id[i+1:]
	}
	id = strings.ToUpper(strings.ReplaceAll(id, "-", " "))
	if len(id) > 12 {
		id = id[:12]
	}
	return strings.TrimSpace(id)
}

// simHotspots turns zones (the defaults, or whatever the server watches)
// into the places the simulator stages incidents at: no-entry, speed-limit,
// bridge and anchorage circles, border lines with our side, and ferry
// crossings with their capacity and the simulated ferry route (of routes)
// that works each. Zones of other shapes or kinds are left out.
func simHotspots(zs []zones.Zone, routes []simulate.Route) []simulate.Hotspot {
	circles := map[zones.Kind]string{
		zones.KindRestricted: simulate.HotspotRestricted, zones.KindSpeedLimit: simulate.HotspotSpeedLimit,
		zones.KindBridge: simulate.HotspotBridge, zones.KindAnchorage: simulate.HotspotAnchorage,
	}
	var out []simulate.Hotspot
	for _, z := range zs {
		h := simulate.Hotspot{ID: z.ID, RadiusM: z.RadiusM, SpeedLimitKn: z.SpeedLimitKn, Capacity: z.CapacityPersons}
		switch g := z.Geom.(type) {
		case orb.Point:
			kind, ok := circles[z.Kind]
			if !ok || z.RadiusM <= 0 {
				continue
			}
			h.Kind, h.Point = kind, g
		case orb.LineString:
			h.Line = make([][2]float64, len(g))
			for i, p := range g {
				h.Line[i] = p
			}
			switch side, ok := chinaSide[z.River]; {
			case z.Kind == zones.KindBorder && ok:
				h.Kind, h.ChinaSide = simulate.HotspotBorder, side
			case z.Kind == zones.KindFerryCrossing:
				h.Kind, h.Route = simulate.HotspotCrossing, ferryRoute(routes, h.Line)
			default:
				continue
			}
		default:
			continue
		}
		out = append(out, h)
	}
	return out
}

// ferryRoute is the ferry route whose ends are those of the crossing line
// (within 50 m, either way round), "" if none.
func ferryRoute(routes []simulate.Route, line [][2]float64) string {
	near := func(a, b [2]float64) bool {
		dx := (a[0] - b[0]) * 111_320 * math.Cos(a[1]*math.Pi/180)
		return math.Hypot(dx, (a[1]-b[1])*111_320) < 50
	}
	a, b := line[0], line[len(line)-1]
	for _, r := range routes {
		if r.Kind != simulate.KindFerry {
			continue
		}
		c, d := r.Line[0], r.Line[len(r.Line)-1]
		if (near(a, c) && near(b, d)) || (near(a, d) && near(b, c)) {
			return r.ID
		}
	}
	return ""
}
