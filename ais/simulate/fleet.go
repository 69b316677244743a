package simulate

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

type kind uint8

const (
	cargo kind = iota
	tanker
	passenger
	ferry
	fishing
	tug
	pleasure
)

func (k kind) String() string {
	return [...]string{"cargo", "tanker", "passenger", "ferry", "fishing", "tug", "pleasure"}[k]
}

// profile is what a kind of vessel is like: ITU ship type, speed range in
// knots, length and beam ranges in metres, chance of being class B, how far
// along a river it ranges (metres) and how long it waits at each end.
type profile struct {
	shipTypes        []int
	minKn, maxKn     float64
	minLen, maxLen   float64
	minBeam, maxBeam float64
	classB           float64
	minRange         float64
	maxRange         float64
	minWait, maxWait time.Duration
	words            []string // name words: the pinyin of the vessel's trade
}

var profiles = [...]profile{
	cargo:     {[]int{70, 70, 70, 79}, 4, 12, 40, 90, 8, 14, 0.05, 40e3, 150e3, 10 * time.Minute, 40 * time.Minute, []string{"HUO", "HANG", "YUN"}},
	tanker:    {[]int{80, 80, 89}, 4, 10, 45, 80, 9, 13, 0, 40e3, 150e3, 15 * time.Minute, 45 * time.Minute, []string{"YOU"}},
	passenger: {[]int{60, 60, 69}, 8, 20, 18, 45, 5, 9, 0.15, 8e3, 25e3, 3 * time.Minute, 12 * time.Minute, []string{"KE", "YOU"}},
	ferry:     {[]int{60}, 5, 8, 25, 45, 7, 11, 0, 0, 0, 4 * time.Minute, 10 * time.Minute, []string{"DU"}},
	fishing:   {[]int{30}, 2, 7, 8, 16, 3, 5, 0.6, 0, 0, 5 * time.Minute, 20 * time.Minute, []string{"YU"}},
	tug:       {[]int{52}, 4, 9, 15, 28, 5, 8, 0.3, 5e3, 20e3, 5 * time.Minute, 25 * time.Minute, []string{"TUO"}},
	pleasure:  {[]int{37, 37, 36}, 5, 18, 6, 14, 2, 4, 1, 3e3, 12e3, 2 * time.Minute, 15 * time.Minute, []string{"YOU TING"}},
}

// mix is the share of the fleet (after one ferry per ferry route) of each
// kind; the shares add up to 1.
var mix = []struct {
	k     kind
	share float64
}{{cargo, 0.38}, {tanker, 0.09}, {passenger, 0.18}, {fishing, 0.16}, {tug, 0.08}, {pleasure, 0.11}}

// genericNames are name prefixes for routes without a Name.
var genericNames = map[kind][]string{
	cargo:     {"JI LIN", "SONG YUAN", "SONG HUA JIANG", "NEN JIANG", "JI HANG"},
	tanker:    {"JI LIN", "SONG YUAN", "JI HUA"},
	tug:       {"JI LIN", "SONG YUAN", "JI GANG"},
	pleasure:  {"HAI OU", "BAI HE", "JIANG CHENG"},
	passenger: {"JIANG CHENG", "JI LIN", "SONG HUA"},
	fishing:   {"JI YU", "HU YU"},
	ferry:     {"JIANG DU"},
}

var genericPorts = []string{"JILIN", "SONGYUAN", "DAAN", "FUYU"}

// buildFleet makes n vessels deterministically from seed.
func buildFleet(n int, seed int64, routes []*route, start time.Time) []*vessel {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x72697665727761)) // "riverwa"
	byKind := map[string][]*route{}
	var cargoRoutes []*route
	for _, r := range routes {
		byKind[r.kind] = append(byKind[r.kind], r)
		if r.kind == KindRiver && r.cargo {
			cargoRoutes = append(cargoRoutes, r)
		}
	}
	if len(cargoRoutes) == 0 {
		cargoRoutes = byKind[KindRiver]
	}
	var kinds []kind
	var homes []*route
	for _, f := range byKind[KindFerry] {
		if len(kinds) >= n/5+1 {
			break
		}
		kinds, homes = append(kinds, ferry), append(homes, f)
	}
	rest := n - len(kinds)
	for i := 0; len(kinds) < n; i++ {
		// Largest-remainder style: kind i of the mix in proportion, the
		// remainder as cargo.
		var k kind = cargo
		acc := 0.0
		x := (float64(i) + 0.5) / float64(rest)
		for _, m := range mix {
			acc += m.share
			if x < acc {
				k = m.k
				break
			}
		}
		kinds = append(kinds, k)
		homes = append(homes, nil)
	}
	used := map[uint32]bool{}
	names := map[string]int{}
	var fleet []*vessel
	for i, k := range kinds {
		r := homes[i]
		if r == nil {
			r = pickRoute(rng, k, byKind, cargoRoutes, routes)
		}
		if k != ferry && r.kind == KindFerry {
			k = ferry
		}
		v := newVessel(rng, k, r, uint64(seed)+uint64(i)*0x9E3779B97F4A7C15, start)
		for v.mmsi == 0 || used[v.mmsi] {
			v.mmsi = uint32([]int{412, 413, 414}[rng.IntN(3)]*1000000 + 100000 + rng.IntN(900000))
		}
		used[v.mmsi] = true
		v.name = vesselName(rng, k, r, names)
		v.callSign = fmt.Sprintf("B%c%c%c%d", 'A'+rng.IntN(26), 'A'+rng.IntN(26), 'A'+rng.IntN(26), rng.IntN(10))
		fleet = append(fleet, v)
	}
	return fleet
}

// pickRoute chooses where a vessel of kind k works: fishing on lakes;
// passenger boats and pleasure craft on lakes or rivers; the rest on cargo
// rivers. Rivers are weighted by length.
func pickRoute(rng *rand.Rand, k kind, byKind map[string][]*route, cargoRoutes, all []*route) *route {
	lakes, rivers := byKind[KindLake], byKind[KindRiver]
	var pool []*route
	switch k {
	case fishing:
		pool = lakes
	case passenger, pleasure:
		if len(lakes) > 0 && rng.IntN(2) == 0 {
			pool = lakes
		} else {
			pool = rivers
		}
	default:
		pool = cargoRoutes
	}
	if len(pool) == 0 {
		pool = append(append([]*route{}, rivers...), lakes...)
	}
	if len(pool) == 0 {
		pool = all
	}
	var sum float64
	for _, r := range pool {
		sum += weight(r)
	}
	x := rng.Float64() * sum
	for _, r := range pool {
		if x -= weight(r); x < 0 {
			return r
		}
	}
	return pool[len(pool)-1]
}

func weight(r *route) float64 {
	if r.kind == KindLake {
		return 100e3
	}
	return r.total
}

// vesselName makes a unique name of at most 20 AIS characters such as
// "SONG HUA HU KE 3" or "JI LIN HUO 12".
func vesselName(rng *rand.Rand, k kind, r *route, seen map[string]int) string {
	prefix := r.name
	if prefix == "" || k == cargo || k == tanker || k == tug {
		g := genericNames[k]
		prefix = g[rng.IntN(len(g))]
	}
	w := profiles[k].words
	base := prefix + " " + w[rng.IntN(len(w))]
	if len(base) > 16 {
		base = strings.TrimSpace(base[:16])
	}
	seen[base]++
	return fmt.Sprintf("%s %d", base, seen[base])
}

func between(rng *rand.Rand, lo, hi float64) float64 { return lo + rng.Float64()*(hi-lo) }

func betweenDur(rng *rand.Rand, lo, hi time.Duration) time.Duration {
	return lo + time.Duration(rng.Int64N(int64(hi-lo)+1))
}
