// Package waterway is riverwatch's own map of Jilin province's navigable
// waters: river centerlines (Songhua main stem, Second Songhua through
// Songhua Lake, lower Nen, Yalu, Tumen), lake outlines (Songhua Lake, Chagan
// Lake), quays, ferry crossings, bridges and the eight water rescue stations.
//
// The map is an embedded RFC 7946 GeoJSON file, jilin.geojson, authored by
// the project from public facts (see README.md beside it for where every
// coordinate came from and how accurate it is). It is generated from the
// control points in gen_jilin_data.go; edit those and run `go generate`.
//
// Coordinates are WGS84 [lon, lat] pairs throughout, as in GeoJSON.
package waterway

//go:generate go run gen_jilin.go gen_jilin_data.go -o jilin.geojson

import (
	_ "embed"
	"errors"
	"fmt"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

//go:embed jilin.geojson
var jilinGeoJSON []byte

// ErrInvalid is returned (wrapped) when the map data breaks a rule of this
// package: bad GeoJSON, a geometry of the wrong type for its kind, a
// coordinate outside Jilin's box, an open lake ring, a missing id.
var ErrInvalid = errors.New("waterway: invalid map data")

// Feature kinds, the `kind` property of every feature.
const (
	KindRiver         = "river"
	KindLake          = "lake"
	KindQuay          = "quay"
	KindFerryCrossing = "ferry_crossing"
	KindBridge        = "bridge"
	KindRescueStation = "rescue_station"
)

// Box is the bounding box every coordinate must fall in: Jilin province with
// a margin (lon 121–131.5E, lat 40–46.5N), as [west, south, east, north].
var Box = [4]float64{121, 40, 131.5, 46.5}

// Meta is what every feature carries besides its geometry.
type Meta struct {
	ID     string // unique, e.g. "river-yalu", "rs-daan"
	Kind   string // one of the Kind constants
	NameZH string // Chinese name
	NameEN string // English name
	River  string // water body it belongs to: "Second Songhua", "Chagan Lake", ...
}

// Line is a river centerline (running downstream) or a ferry crossing (from
// one bank to the other).
type Line struct {
	Meta
	Coords [][2]float64 // [lon, lat]
}

// Polygon is a lake outline: one closed exterior ring, counter-clockwise.
type Polygon struct {
	Meta
	Ring [][2]float64 // [lon, lat], first == last
}

// Point is a quay, bridge or rescue station.
type Point struct {
	Meta
	Coord [2]float64 // [lon, lat]
}

// Map is the whole waterway map, each slice in file order.
type Map struct {
	Rivers    []Line
	Lakes     []Polygon
	Points    []Point // quays, bridges, rescue stations
	Crossings []Line  // ferry crossings
}

// GeoJSON returns the embedded file as it is. The caller must not modify it.
func GeoJSON() []byte { return jilinGeoJSON }

// Load parses and validates the embedded map.
func Load() (*Map, error) { return Parse(jilinGeoJSON) }

// Parse parses and validates a FeatureCollection in this package's schema.
// Errors wrap ErrInvalid.
func Parse(data []byte) (*Map, error) {
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	m := &Map{}
	seen := make(map[string]bool, len(fc.Features))
	for i, f := range fc.Features {
		meta := Meta{
			ID:     str(f.Properties, "id"),
			Kind:   str(f.Properties, "kind"),
			NameZH: str(f.Properties, "name_zh"),
			NameEN: str(f.Properties, "name_en"),
			River:  str(f.Properties, "river"),
		}
		if meta.ID == "" || meta.Kind == "" {
			return nil, fmt.Errorf("%w: feature %d has no id or kind", ErrInvalid, i)
		}
		if seen[meta.ID] {
			return nil, fmt.Errorf("%w: duplicate id %q", ErrInvalid, meta.ID)
		}
		seen[meta.ID] = true
		if err := add(m, meta, f.Geometry); err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrInvalid, meta.ID, err)
		}
	}
	return m, nil
}

func add(m *Map, meta Meta, g orb.Geometry) error {
	switch meta.Kind {
	case KindRiver, KindFerryCrossing:
		ls, ok := g.(orb.LineString)
		if !ok || len(ls) < 2 {
			return fmt.Errorf("kind %s needs a LineString of 2+ positions, got %T", meta.Kind, g)
		}
		l := Line{Meta: meta, Coords: make([][2]float64, len(ls))}
		for i, p := range ls {
			if err := inBox(p); err != nil {
				return err
			}
			l.Coords[i] = p
		}
		if meta.Kind == KindRiver {
			m.Rivers = append(m.Rivers, l)
		} else {
			m.Crossings = append(m.Crossings, l)
		}
	case KindLake:
		pg, ok := g.(orb.Polygon)
		if !ok || len(pg) == 0 {
			return fmt.Errorf("kind lake needs a Polygon, got %T", g)
		}
		r := pg[0]
		if len(r) < 4 || r[0] != r[len(r)-1] {
			return errors.New("exterior ring not closed or fewer than 4 positions")
		}
		if r.Orientation() != orb.CCW {
			return errors.New("exterior ring not counter-clockwise (RFC 7946 §3.1.6)")
		}
		p := Polygon{Meta: meta, Ring: make([][2]float64, len(r))}
		for i, q := range r {
			if err := inBox(q); err != nil {
				return err
			}
			p.Ring[i] = q
		}
		m.Lakes = append(m.Lakes, p)
	case KindQuay, KindBridge, KindRescueStation:
		pt, ok := g.(orb.Point)
		if !ok {
			return fmt.Errorf("kind %s needs a Point, got %T", meta.Kind, g)
		}
		if err := inBox(pt); err != nil {
			return err
		}
		m.Points = append(m.Points, Point{Meta: meta, Coord: pt})
	default:
		return fmt.Errorf("unknown kind %q", meta.Kind)
	}
	return nil
}

// str reads a string property; a missing or non-string value reads as "".
func str(p geojson.Properties, key string) string {
	s, _ := p[key].(string)
	return s
}

func inBox(p orb.Point) error {
	if p[0] < Box[0] || p[0] > Box[2] || p[1] < Box[1] || p[1] > Box[3] {
		return fmt.Errorf("position %v outside Jilin box %v", p, Box)
	}
	return nil
}

// Point returns the quay, bridge or rescue station with this id.
func (m *Map) Point(id string) (Point, bool) {
	for _, p := range m.Points {
		if p.ID == id {
			return p, true
		}
	}
	return Point{}, false
}

// River returns the river centerline with this id ("river-yalu").
func (m *Map) River(id string) (Line, bool) { return findLine(m.Rivers, id) }

// Crossing returns the ferry crossing with this id.
func (m *Map) Crossing(id string) (Line, bool) { return findLine(m.Crossings, id) }

// Lake returns the lake with this id ("lake-chagan-lake").
func (m *Map) Lake(id string) (Polygon, bool) {
	for _, p := range m.Lakes {
		if p.ID == id {
			return p, true
		}
	}
	return Polygon{}, false
}

func findLine(ls []Line, id string) (Line, bool) {
	for _, l := range ls {
		if l.ID == id {
			return l, true
		}
	}
	return Line{}, false
}

// PointsOfKind returns the points of one kind, sorted by id.
func (m *Map) PointsOfKind(kind string) []Point {
	var out []Point
	for _, p := range m.Points {
		if p.Kind == kind {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
