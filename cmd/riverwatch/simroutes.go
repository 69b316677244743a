package main

import (
	"strings"

	"github.com/riverwatch/riverwatch/ais/simulate"
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
