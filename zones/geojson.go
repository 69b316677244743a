package zones

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// Bounds of what a zone may be, so that a zone file or an API client cannot
// make the index or a check arbitrarily expensive.
const (
	MaxZoneVertices = 10_000
	MaxBufferM      = 20_000 // a border approach distance of 20 km is the widest sensible band
	MaxRadiusM      = 50_000
	maxNameLen      = 80
)

// zoneID is what an id may look like: it appears in URLs and Redis keys.
var zoneID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$`)

// ParseZones reads a GeoJSON FeatureCollection of zones. Every feature must
// be a valid zone (see ParseZone) and ids must be unique. Errors wrap
// ErrInvalid and name the feature.
func ParseZones(data []byte) ([]Zone, error) {
	if err := CheckPositions(data); err != nil {
		return nil, err
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		return nil, fmt.Errorf("%w: not a GeoJSON FeatureCollection: %v", ErrInvalid, err)
	}
	out := make([]Zone, 0, len(fc.Features))
	seen := make(map[string]bool, len(fc.Features))
	for i, f := range fc.Features {
		z, err := FromFeature(f)
		if err != nil {
			return nil, fmt.Errorf("feature %d: %w", i, err)
		}
		if seen[z.ID] {
			return nil, fmt.Errorf("%w: feature %d: duplicate id %q", ErrInvalid, i, z.ID)
		}
		seen[z.ID] = true
		out = append(out, z)
	}
	return out, nil
}

// ParseZone reads one GeoJSON Feature as a zone.
func ParseZone(data []byte) (Zone, error) {
	if err := CheckPositions(data); err != nil {
		return Zone{}, err
	}
	f, err := geojson.UnmarshalFeature(data)
	if err != nil {
		return Zone{}, fmt.Errorf("%w: not a GeoJSON Feature: %v", ErrInvalid, err)
	}
	return FromFeature(f)
}

// FromFeature turns a GeoJSON feature into a validated zone. The properties
// are those of Zone's JSON names (id, name, name_zh, kind, river, buffer_m,
// radius_m, speed_limit_kn, capacity_persons, notify); errors wrap
// ErrInvalid.
func FromFeature(f *geojson.Feature) (Zone, error) {
	if f == nil || f.Geometry == nil {
		return Zone{}, fmt.Errorf("%w: feature without geometry", ErrInvalid)
	}
	props, err := json.Marshal(f.Properties)
	if err != nil {
		return Zone{}, fmt.Errorf("%w: properties: %v", ErrInvalid, err)
	}
	var z Zone
	if err := json.Unmarshal(props, &z); err != nil {
		return Zone{}, fmt.Errorf("%w: properties: %v", ErrInvalid, err)
	}
	if z.ID == "" && f.ID != nil {
		z.ID = fmt.Sprint(f.ID)
	}
	z.Geom = f.Geometry
	if err := z.Validate(); err != nil {
		return Zone{}, err
	}
	return z, nil
}

// Feature returns the zone as a GeoJSON feature with its properties.
func (z Zone) Feature() *geojson.Feature {
	f := geojson.NewFeature(z.Geom)
	data, _ := json.Marshal(z) // a Zone always marshals
	_ = json.Unmarshal(data, &f.Properties)
	f.ID = z.ID
	return f
}

// MarshalZones writes zones as a GeoJSON FeatureCollection.
func MarshalZones(zs []Zone) ([]byte, error) {
	fc := geojson.NewFeatureCollection()
	for _, z := range zs {
		fc.Append(z.Feature())
	}
	return fc.MarshalJSON()
}

// Validate checks the zone: a safe id, a known kind, a geometry of a type
// the kind allows with coordinates in range, simple closed rings, and
// buffers, radii and limits in range. Errors wrap ErrInvalid.
func (z *Zone) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: zone %q: %s", ErrInvalid, z.ID, fmt.Sprintf(format, args...))
	}
	if !zoneID.MatchString(z.ID) {
		return fmt.Errorf("%w: zone id %q: want 1–64 letters, digits, '_', '-', '.', ':'", ErrInvalid, z.ID)
	}
	if !slices.Contains(Kinds, z.Kind) {
		return bad("unknown kind %q (one of %s)", z.Kind, kindList())
	}
	if len([]rune(z.Name)) > maxNameLen || len([]rune(z.NameZH)) > maxNameLen || len([]rune(z.River)) > maxNameLen {
		return bad("name, name_zh and river are at most %d characters", maxNameLen)
	}
	for name, v := range map[string]float64{"buffer_m": z.BufferM, "radius_m": z.RadiusM, "speed_limit_kn": z.SpeedLimitKn} {
		if math.IsNaN(v) || v < 0 {
			return bad("%s must be a number ≥ 0", name)
		}
	}
	if z.BufferM > MaxBufferM || z.RadiusM > MaxRadiusM || z.SpeedLimitKn > 100 || z.CapacityPersons < 0 {
		return bad("buffer_m ≤ %d, radius_m ≤ %d, speed_limit_kn ≤ 100, capacity_persons ≥ 0", MaxBufferM, MaxRadiusM)
	}
	if z.Kind == KindSpeedLimit && z.SpeedLimitKn <= 0 {
		return bad("a speed_limit zone needs speed_limit_kn > 0")
	}
	if z.Geom == nil {
		return bad("no geometry")
	}
	if n := countPoints(z.Geom); n > MaxZoneVertices {
		return bad("%d vertices, at most %d", n, MaxZoneVertices)
	}
	if err := checkCoords(z.Geom); err != nil {
		return bad("%v", err)
	}
	switch g := z.Geom.(type) {
	case orb.Point:
		if z.RadiusM <= 0 {
			return bad("a Point zone needs radius_m > 0")
		}
	case orb.LineString:
		if len(g) < 2 {
			return bad("a LineString needs at least 2 positions")
		}
		if z.BufferM <= 0 && z.Kind != KindBorder {
			return bad("a LineString zone needs buffer_m > 0 (only a border line may have none)")
		}
	case orb.Polygon:
		if err := checkPolygon(g); err != nil {
			return bad("%v", err)
		}
	case orb.MultiPolygon:
		if len(g) == 0 {
			return bad("empty MultiPolygon")
		}
		for _, p := range g {
			if err := checkPolygon(p); err != nil {
				return bad("%v", err)
			}
		}
	default:
		return bad("geometry %s not supported (Polygon, MultiPolygon, LineString, Point)", z.Geom.GeoJSONType())
	}
	if z.Kind == KindBorder {
		if _, ok := z.Geom.(orb.LineString); !ok {
			return bad("a border zone is a LineString (the boundary line)")
		}
	}
	return nil
}

func kindList() string {
	s := make([]string, len(Kinds))
	for i, k := range Kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

func countPoints(g orb.Geometry) int {
	switch g := g.(type) {
	case orb.Point:
		return 1
	case orb.LineString:
		return len(g)
	case orb.Polygon:
		n := 0
		for _, r := range g {
			n += len(r)
		}
		return n
	case orb.MultiPolygon:
		n := 0
		for _, p := range g {
			n += countPoints(p)
		}
		return n
	}
	return 0
}

func checkCoords(g orb.Geometry) error {
	var err error
	visit(g, func(p orb.Point) {
		if err == nil && (math.IsNaN(p[0]) || math.IsNaN(p[1]) || p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90) {
			err = fmt.Errorf("coordinate %v out of range (lon −180…180, lat −90…90)", [2]float64(p))
		}
	})
	return err
}

func visit(g orb.Geometry, fn func(orb.Point)) {
	switch g := g.(type) {
	case orb.Point:
		fn(g)
	case orb.LineString:
		for _, p := range g {
			fn(p)
		}
	case orb.Polygon:
		for _, r := range g {
			for _, p := range r {
				fn(p)
			}
		}
	case orb.MultiPolygon:
		for _, pg := range g {
			visit(pg, fn)
		}
	}
}

// checkPolygon requires closed rings of 4+ positions that do not cross
// themselves.
func checkPolygon(p orb.Polygon) error {
	if len(p) == 0 {
		return fmt.Errorf("empty Polygon")
	}
	for i, r := range p {
		if len(r) < 4 || r[0] != r[len(r)-1] {
			return fmt.Errorf("ring %d is not closed or has fewer than 4 positions", i)
		}
		if a, b, ok := selfIntersection(r); ok {
			return fmt.Errorf("ring %d intersects itself (edges %d and %d)", i, a, b)
		}
	}
	return checkHoles(p)
}

// selfIntersection finds two non-adjacent edges of a closed ring that
// touch or cross. Edges are sorted by west end and swept, so a ring of n
// edges costs about n log n plus its near pairs.
func selfIntersection(r orb.Ring) (int, int, bool) {
	n := len(r) - 1 // edges
	type edge struct {
		i          int
		minX, maxX float64
	}
	es := make([]edge, n)
	for i := range n {
		a, b := r[i], r[i+1]
		es[i] = edge{i, math.Min(a[0], b[0]), math.Max(a[0], b[0])}
	}
	slices.SortFunc(es, func(a, b edge) int {
		if a.minX < b.minX {
			return -1
		}
		if a.minX > b.minX {
			return 1
		}
		return 0
	})
	for x := range es {
		for y := x + 1; y < len(es) && es[y].minX <= es[x].maxX; y++ {
			i, j := es[x].i, es[y].i
			if i > j {
				i, j = j, i
			}
			if j == i+1 || (i == 0 && j == n-1) {
				continue // neighbours share a vertex
			}
			if segmentsIntersect(r[i], r[i+1], r[j], r[j+1]) {
				return i, j, true
			}
		}
	}
	return 0, 0, false
}

// segmentsIntersect reports whether segments ab and cd touch or cross
// (planar lon/lat: right for the short edges of a zone).
func segmentsIntersect(a, b, c, d orb.Point) bool {
	d1, d2 := cross(c, d, a), cross(c, d, b)
	d3, d4 := cross(a, b, c), cross(a, b, d)
	if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
		return true
	}
	return (d1 == 0 && onSegment(c, d, a)) || (d2 == 0 && onSegment(c, d, b)) ||
		(d3 == 0 && onSegment(a, b, c)) || (d4 == 0 && onSegment(a, b, d))
}

func cross(o, a, b orb.Point) float64 {
	return (a[0]-o[0])*(b[1]-o[1]) - (a[1]-o[1])*(b[0]-o[0])
}

func onSegment(a, b, p orb.Point) bool {
	return math.Min(a[0], b[0]) <= p[0] && p[0] <= math.Max(a[0], b[0]) &&
		math.Min(a[1], b[1]) <= p[1] && p[1] <= math.Max(a[1], b[1])
}
