package zones

import (
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// maxCoordDepth bounds the nesting CheckPositions follows: a
// MultiPolygon's positions sit four arrays deep, a GeometryCollection adds
// none (it nests geometries, not arrays).
const maxCoordDepth = 4

// CheckPositions rejects GeoJSON whose positions do not have two or three
// numbers. The GeoJSON decoder reads a one-number position [126.5] as the
// point (126.5, 0) on the equator, which would put a zone thousands of
// kilometres from where its author meant; a fourth number (M) has no place
// in a zone. data may be a Feature, a FeatureCollection or a geometry; it
// is checked before it is decoded, and errors wrap ErrInvalid.
func CheckPositions(data []byte) error {
	var doc struct {
		Type        string            `json:"type"`
		Coordinates json.RawMessage   `json:"coordinates"`
		Geometry    json.RawMessage   `json:"geometry"`
		Geometries  []json.RawMessage `json:"geometries"`
		Features    []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil // not JSON of that shape: the decoder reports it
	}
	for i, f := range doc.Features {
		if err := CheckPositions(f); err != nil {
			return fmt.Errorf("feature %d: %w", i, err)
		}
	}
	if len(doc.Geometry) > 0 && string(doc.Geometry) != "null" {
		if err := CheckPositions(doc.Geometry); err != nil {
			return err
		}
	}
	for _, g := range doc.Geometries {
		if err := CheckPositions(g); err != nil {
			return err
		}
	}
	if len(doc.Coordinates) == 0 {
		return nil
	}
	var coords any
	if err := json.Unmarshal(doc.Coordinates, &coords); err != nil {
		return nil
	}
	return checkPositionArrays(coords, 0)
}

// checkPositionArrays walks nested coordinate arrays down to the positions:
// an array of numbers.
func checkPositionArrays(v any, depth int) error {
	arr, ok := v.([]any)
	if !ok {
		return fmt.Errorf("%w: coordinates must be arrays of positions", ErrInvalid)
	}
	if len(arr) > 0 {
		if _, isNum := arr[0].(float64); isNum {
			if len(arr) < 2 || len(arr) > 3 {
				return fmt.Errorf("%w: a position has %d numbers; it needs longitude and latitude (and at most an altitude)", ErrInvalid, len(arr))
			}
			for _, n := range arr {
				if _, ok := n.(float64); !ok {
					return fmt.Errorf("%w: a position holds something other than numbers", ErrInvalid)
				}
			}
			return nil
		}
	}
	if depth >= maxCoordDepth {
		return fmt.Errorf("%w: coordinates nested deeper than any geometry allows", ErrInvalid)
	}
	for _, e := range arr {
		if err := checkPositionArrays(e, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// checkHoles requires every hole of a polygon to lie inside its outer ring.
// A hole outside the ring cuts nothing out of the zone, so a zone drawn
// that way is not the zone its author meant. Each hole vertex must be
// inside or on the outer ring, and no hole edge may cross an outer edge.
func checkHoles(p orb.Polygon) error {
	if len(p) < 2 {
		return nil
	}
	outer := p[0]
	for h, hole := range p[1:] {
		for _, pt := range hole {
			if !planar.RingContains(outer, pt) && !onRing(outer, pt) {
				return fmt.Errorf("ring %d (a hole) lies outside the outer ring", h+1)
			}
		}
		if a, b, ok := ringsCross(outer, hole); ok {
			return fmt.Errorf("ring %d (a hole) crosses the outer ring (edges %d and %d)", h+1, b, a)
		}
	}
	return nil
}

// onRing reports whether pt lies on one of r's edges.
func onRing(r orb.Ring, pt orb.Point) bool {
	for i := 0; i+1 < len(r); i++ {
		if cross(r[i], r[i+1], pt) == 0 && onSegment(r[i], r[i+1], pt) {
			return true
		}
	}
	return false
}

// ringsCross finds an edge of a and an edge of b that properly cross (touching
// at a vertex is allowed: GeoJSON lets a hole touch its ring at a point).
// Edges are compared only where their bounding boxes overlap.
func ringsCross(a, b orb.Ring) (int, int, bool) {
	bb := b.Bound()
	for i := 0; i+1 < len(a); i++ {
		ea := orb.MultiPoint{a[i], a[i+1]}.Bound()
		if !ea.Intersects(bb) {
			continue
		}
		for j := 0; j+1 < len(b); j++ {
			if !ea.Intersects(orb.MultiPoint{b[j], b[j+1]}.Bound()) {
				continue
			}
			if properlyCross(a[i], a[i+1], b[j], b[j+1]) {
				return i, j, true
			}
		}
	}
	return 0, 0, false
}

// properlyCross reports whether segments ab and cd cross at a point inside
// both.
func properlyCross(a, b, c, d orb.Point) bool {
	d1, d2 := cross(c, d, a), cross(c, d, b)
	d3, d4 := cross(a, b, c), cross(a, b, d)
	return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))
}
