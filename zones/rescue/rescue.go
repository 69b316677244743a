// Package rescue names the water rescue station nearest a spot on the
// water, by distance along the river network rather than in a straight
// line across land, with the boat's time to get there, the way it goes,
// and the cameras that see the spot.
//
// The network is the waterway map's rivers and lakes joined as one graph:
// nodes at the line vertices, rivers joined where one ends on (or within a
// tolerance of) another, a lake joined to a river passing near its shore,
// and inside each lake straight runs between every two points that see each
// other across the water. Every rescue station is a node joined to the
// nearest line. One Dijkstra run from all stations at once (a multi-source
// shortest-path tree) gives each node its nearest station, so a question
// costs only finding where the spot lies on the network: a grid lookup of
// the nearest segment, or inside a lake the best shore or river point in
// sight.
//
// Distances are metres on the WGS84 sphere (haversine per segment);
// positions are [lon, lat] as in GeoJSON.
package rescue

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/riverwatch/riverwatch/zones/waterway"
)

// Defaults for zero Config fields.
const (
	DefaultBoatSpeedKn    = 25.0
	DefaultJoinM          = 500.0
	DefaultLakeJoinM      = 3000.0
	DefaultMaxOffsetM     = 25000.0
	DefaultCameraRangeM   = 2000.0
	metresPerNauticalMile = 1852.0
)

// ErrNoStation is returned (wrapped) when no station can be reached from
// the spot: it lies farther than Config.MaxOffsetM from any water, or on
// water no station's network reaches.
var ErrNoStation = errors.New("rescue: no station reachable")

// ErrInvalid is returned (wrapped) by New for a configuration or map it
// cannot use.
var ErrInvalid = errors.New("rescue: invalid")

// Config tunes the Locator. Zero fields take the defaults.
type Config struct {
	// BoatSpeedKn is the rescue boat's speed in knots, for the ETA.
	BoatSpeedKn float64
	// JoinM: a river ending within this distance of another joins it
	// there (Natural Earth draws confluences a few metres apart).
	JoinM float64
	// LakeJoinM: a lake whose shore comes within this distance of a river
	// is joined to it at the nearest point (Yueliang Pao drains to the Nen
	// by a channel 2.6 km long that the 1:10m map does not draw).
	LakeJoinM float64
	// MaxOffsetM: a spot farther than this from any water has no station.
	MaxOffsetM float64
	// CameraRangeM is how far a camera sees.
	CameraRangeM float64
	// Cameras lists the camera sites Seeing considers; nil = none.
	Cameras CameraSites
}

func (c *Config) defaults() {
	if c.BoatSpeedKn <= 0 {
		c.BoatSpeedKn = DefaultBoatSpeedKn
	}
	if c.JoinM <= 0 {
		c.JoinM = DefaultJoinM
	}
	if c.LakeJoinM <= 0 {
		c.LakeJoinM = DefaultLakeJoinM
	}
	if c.MaxOffsetM <= 0 {
		c.MaxOffsetM = DefaultMaxOffsetM
	}
	if c.CameraRangeM <= 0 {
		c.CameraRangeM = DefaultCameraRangeM
	}
}

// Station is a water rescue station of the waterway map.
type Station struct {
	ID     string  `json:"id"` // "rs-jiutai"
	Name   string  `json:"name"`
	NameZH string  `json:"name_zh"`
	River  string  `json:"river"`
	Lat    float64 `json:"lat"`
	Lon    float64 `json:"lon"`
}

// Route is the way from the nearest station to a spot.
type Route struct {
	Station Station
	// DistanceM is the distance along the water from the station to the
	// spot: along the network to the point nearest the spot, then OffsetM
	// straight to the spot itself.
	DistanceM float64
	// OffsetM is how far the spot lies off the network's lines (0 inside a
	// lake): the map's lines are generalised, a vessel is rarely on them.
	OffsetM float64
	// ETA is DistanceM at the boat speed.
	ETA time.Duration
	// Path runs from the station to the spot, [lon, lat].
	Path [][2]float64
}

// Locator answers which station is nearest a spot. It is read-only once
// built, safe for concurrent use.
type Locator struct {
	cfg      Config
	g        *graph
	t        *tree
	ix       *segIndex
	stations []Station
	byID     map[string]int
	areas    map[string][][][2]float64
}

// New builds the network from the map and grows the stations' tree.
func New(m *waterway.Map, cfg Config) (*Locator, error) {
	cfg.defaults()
	pts := m.PointsOfKind(waterway.KindRescueStation)
	if len(pts) == 0 {
		return nil, fmt.Errorf("%w: the map has no rescue stations", ErrInvalid)
	}
	l := &Locator{cfg: cfg, byID: map[string]int{}}
	for _, p := range pts {
		l.byID[p.ID] = len(l.stations)
		l.stations = append(l.stations, Station{
			ID: p.ID, Name: p.NameEN, NameZH: p.NameZH, River: p.River, Lat: p.Coord[1], Lon: p.Coord[0],
		})
	}
	l.g = build(m, l.stations, cfg.JoinM, cfg.LakeJoinM, cfg.MaxOffsetM)
	sources := make([]int32, len(l.stations))
	for i := range l.stations {
		sources[i] = int32(i) // build makes the stations the first nodes
		if l.g.pts[i] != [2]float64{l.stations[i].Lon, l.stations[i].Lat} {
			sources[i] = -1
		}
	}
	l.t = grow(l.g, sources)
	l.ix = newSegIndex(l.g)
	l.areas = l.buildAreas()
	return l, nil
}

// BoatSpeedKn is the speed the ETAs assume.
func (l *Locator) BoatSpeedKn() float64 { return l.cfg.BoatSpeedKn }

// CameraRangeM is how far a camera is taken to see.
func (l *Locator) CameraRangeM() float64 { return l.cfg.CameraRangeM }

// Stations lists the stations, sorted by id. The caller may keep it.
func (l *Locator) Stations() []Station { return append([]Station(nil), l.stations...) }

// Station returns the station with this id.
func (l *Locator) Station(id string) (Station, bool) {
	i, ok := l.byID[id]
	if !ok {
		return Station{}, false
	}
	return l.stations[i], true
}

// StationOf names the station whose area the spot is in: the nearest by
// distance along the water, or "" when none can be reached.
func (l *Locator) StationOf(lat, lon float64) string {
	if n, _, _, ok := l.locate([2]float64{lon, lat}); ok {
		return l.stations[l.t.owner[n]].ID
	}
	return ""
}

// Nearest gives the route from the nearest station to the spot, or an
// error wrapping ErrNoStation.
func (l *Locator) Nearest(lat, lon float64) (Route, error) {
	p := [2]float64{lon, lat}
	if math.IsNaN(lat) || math.IsNaN(lon) || math.IsInf(lat, 0) || math.IsInf(lon, 0) {
		return Route{}, fmt.Errorf("%w: position %v is not a number", ErrNoStation, p)
	}
	n, via, d, ok := l.locate(p)
	if !ok {
		return Route{}, fmt.Errorf("%w: %.5fN %.5fE is more than %.0f m from water any station reaches",
			ErrNoStation, lat, lon, l.cfg.MaxOffsetM)
	}
	path := l.t.path(l.g, n)
	for _, q := range [][2]float64{via, p} {
		if len(path) == 0 || path[len(path)-1] != q {
			path = append(path, q)
		}
	}
	offset := waterway.Distance(via, p)
	speed := l.cfg.BoatSpeedKn * metresPerNauticalMile / 3600
	return Route{
		Station:   l.stations[l.t.owner[n]],
		DistanceM: d,
		OffsetM:   offset,
		ETA:       time.Duration(d / speed * float64(time.Second)),
		Path:      path,
	}, nil
}

// locate finds where the spot joins the tree: node n (whose owner is the
// station), the point via on the water the route passes last before the
// spot (the spot itself inside a lake) and the total distance from the
// station to the spot.
func (l *Locator) locate(p [2]float64) (n int32, via [2]float64, dist float64, ok bool) {
	for i := range l.g.lakes {
		if lk := &l.g.lakes[i]; lk.contains(p) {
			if n, d, ok := l.inLake(lk, p); ok {
				return n, p, d, true
			}
		}
	}
	reach := func(s [2]int32) bool { return l.t.owner[s[0]] >= 0 || l.t.owner[s[1]] >= 0 }
	h, ok := l.ix.nearest(l.g, p, l.cfg.MaxOffsetM, reach)
	if !ok {
		return -1, p, 0, false
	}
	seg := l.ix.segs[h.seg]
	a, b := seg[0], seg[1]
	w := waterway.Distance(l.g.pts[a], l.g.pts[b])
	da := l.t.dist[a] + h.t*w
	db := l.t.dist[b] + (1-h.t)*w
	off := waterway.Distance(h.p, p)
	if da <= db {
		return a, h.p, da + off, true
	}
	return b, h.p, db + off, true
}

// inLake finds the best node of the lake to reach the spot from straight
// across the water: candidates in order of their station distance plus the
// straight run, the first one in sight wins (no later one can beat it).
func (l *Locator) inLake(lk *lake, p [2]float64) (int32, float64, bool) {
	type cand struct {
		n int32
		d float64
	}
	cands := make([]cand, 0, len(lk.nodes))
	for _, n := range lk.nodes {
		if l.t.owner[n] >= 0 {
			cands = append(cands, cand{n, l.t.dist[n] + waterway.Distance(l.g.pts[n], p)})
		}
	}
	slices.SortFunc(cands, func(a, b cand) int { return cmp.Compare(a.d, b.d) })
	for _, c := range cands {
		if q := l.g.pts[c.n]; q == p || lk.sees(q, p) {
			return c.n, c.d, true
		}
	}
	return -1, 0, false
}
