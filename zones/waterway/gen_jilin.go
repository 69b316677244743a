//go:build ignore

// gen_jilin writes jilin.geojson from the control points in this file.
//
// Every control point is a public fact (a town, dam or bridge coordinate) or
// the river's course between such facts as the project knows it; the comment
// on each says which, and README.md gives the accuracy. The generator then
// densifies each line to at most maxSegKm between vertices (linear
// interpolation: the added vertices add no accuracy), snaps quays, bridges
// and stations onto their water (inserting the snapped position as a line
// vertex), draws ferry crossings bank to bank, and outlines Songhua Lake by
// buffering its centerline with the widths given below.
//
// Run with `go generate ./zones/waterway` from the module root; the
// control points are in gen_jilin_data.go.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"os"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/planar"
)

func main() {
	out := flag.String("o", "jilin.geojson", "output file")
	flag.Parse()

	var feats []feature
	lines := map[string][]pt{}
	names := map[string]string{}
	var order []string
	for _, r := range rivers() {
		lines[r.id] = densify(r.pts, nil)
		names[r.id] = r.name
		order = append(order, r.id)
	}
	lakeLine, lakeRing := songhuaLakeRing()
	chaganRing := append(append([]pt{}, chagan...), chagan[0])
	lakes := map[string][]pt{"lake-songhua-lake": lakeRing, "lake-chagan-lake": chaganRing}

	var pointFeats []feature
	for _, p := range points() {
		pos, d := p.src, 0.0
		switch {
		case p.river == "":
			if !planar.RingContains(orb.Ring(toOrb(chaganRing)), p.src) {
				log.Fatalf("%s: not inside Chagan Lake", p.id)
			}
		case p.river == "lake-songhua-lake":
			pos, d = snapInsert(lines, "river-second-songhua", p.src, func(a, b pt) bool {
				return DistanceToPath(lakeLine, a) < 1 && DistanceToPath(lakeLine, b) < 1
			})
		default:
			pos, d = snapInsert(lines, p.river, p.src, nil)
		}
		water, body := waterOf(p.river, names)
		props := map[string]any{
			"kind": p.kind, "id": p.id, "name_zh": p.zh, "name_en": p.en,
			"river": water, "water_body": body, "source": p.source,
			"source_lon": round(p.src[0]), "source_lat": round(p.src[1]),
			"snap_distance_km": math.Round(d/10) / 100,
		}
		if p.nominal {
			props["nominal"] = true
		}
		pointFeats = append(pointFeats, feature{props, orb.Point(pos)})
	}

	for _, id := range order {
		c := lines[id]
		feats = append(feats, feature{map[string]any{
			"kind": "river", "id": id, "name_zh": riverZH(id), "name_en": riverEN(id), "river": names[id],
			"direction": "downstream (first vertex upstream)",
			"length_km": math.Round(length(c)/100) / 10,
		}, orb.LineString(toOrb(c))})
	}
	feats = append(feats,
		feature{map[string]any{"kind": "lake", "id": "lake-songhua-lake", "name_zh": "松花湖", "name_en": "Songhua Lake (Fengman Reservoir)", "river": "Second Songhua",
			"source": "buffer of the project's Songhua Lake centerline; lower and middle lake only"}, orb.Polygon{ccw(lakes["lake-songhua-lake"])}},
		feature{map[string]any{"kind": "lake", "id": "lake-chagan-lake", "name_zh": "查干湖", "name_en": "Chagan Lake", "river": "Chagan Lake",
			"source": "outline inside the official extent N45°10′–45°21′ E124°04′–124°27′"}, orb.Polygon{ccw(lakes["lake-chagan-lake"])}},
	)
	feats = append(feats, pointFeats...)
	for _, c := range crossings() {
		var a, b pt
		if c.widthM > 0 {
			_, q, _, seg := snap(lines[c.river], c.src, nil)
			brg := geo.Bearing(lines[c.river][seg], lines[c.river][seg+1])
			a = geo.PointAtBearingAndDistance(q, brg-90, c.widthM/2)
			b = geo.PointAtBearingAndDistance(q, brg+90, c.widthM/2)
		} else {
			a, b = c.a, c.b
			ring := orb.Ring(toOrb(lakes[c.river]))
			if !planar.RingContains(ring, a) || !planar.RingContains(ring, b) {
				log.Fatalf("%s: end outside its lake", c.id)
			}
		}
		water, body := waterOf(c.river, names)
		feats = append(feats, feature{map[string]any{
			"kind": "ferry_crossing", "id": c.id, "name_zh": c.zh, "name_en": c.en,
			"river": water, "water_body": body, "source": c.source, "nominal": true,
		}, orb.LineString{a, b}})
	}

	var buf bytes.Buffer
	buf.WriteString("{\"type\":\"FeatureCollection\",\"features\":[\n")
	for i, f := range feats {
		if i > 0 {
			buf.WriteString(",\n")
		}
		js, err := json.Marshal(map[string]any{"type": "Feature", "properties": f.props, "geometry": geometry(f.g)})
		if err != nil {
			log.Fatal(err)
		}
		buf.Write(js)
	}
	buf.WriteString("\n]}\n")
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "wrote %s: %d features, %d bytes\n", *out, len(feats), buf.Len())
}

type feature struct {
	props map[string]any
	g     orb.Geometry
}

func geometry(g orb.Geometry) map[string]any {
	switch g := g.(type) {
	case orb.Point:
		return map[string]any{"type": "Point", "coordinates": roundPt(g)}
	case orb.LineString:
		return map[string]any{"type": "LineString", "coordinates": roundPts(g)}
	case orb.Polygon:
		return map[string]any{"type": "Polygon", "coordinates": [][][2]float64{roundPts(orb.LineString(g[0]))}}
	}
	panic(fmt.Sprintf("unexpected %T", g))
}

func round(v float64) float64 { return math.Round(v*1e5) / 1e5 }
func roundPt(p orb.Point) pt  { return pt{round(p[0]), round(p[1])} }
func roundPts(ls orb.LineString) []pt {
	out := make([]pt, len(ls))
	for i, p := range ls {
		out[i] = roundPt(p)
	}
	return out
}

func toOrb(ps []pt) []orb.Point {
	out := make([]orb.Point, len(ps))
	for i, p := range ps {
		out[i] = p
	}
	return out
}

func ccw(r []pt) orb.Ring {
	ring := orb.Ring(toOrb(r))
	if ring.Orientation() != orb.CCW {
		ring.Reverse()
	}
	return ring
}

func waterOf(id string, names map[string]string) (river, body string) {
	switch id {
	case "", "lake-chagan-lake":
		return "Chagan Lake", "Chagan Lake"
	case "lake-songhua-lake":
		return "Second Songhua", "Songhua Lake"
	}
	return names[id], names[id]
}

func riverZH(id string) string {
	for _, r := range rivers() {
		if r.id == id {
			return r.zh
		}
	}
	return ""
}

func riverEN(id string) string {
	for _, r := range rivers() {
		if r.id == id {
			return r.en
		}
	}
	return ""
}

// densify adds vertices so no segment is longer than maxSegKm; if hw is not
// nil it is interpolated alongside and returned through the pointer.
func densify(ps []pt, hw *[]float64) []pt {
	out := []pt{ps[0]}
	var w []float64
	if hw != nil {
		w = []float64{(*hw)[0]}
	}
	for i := 1; i < len(ps); i++ {
		n := int(math.Ceil(geo.DistanceHaversine(ps[i-1], ps[i]) / 1000 / maxSegKm))
		for k := 1; k <= n; k++ {
			t := float64(k) / float64(n)
			out = append(out, pt{ps[i-1][0] + t*(ps[i][0]-ps[i-1][0]), ps[i-1][1] + t*(ps[i][1]-ps[i-1][1])})
			if hw != nil {
				w = append(w, (*hw)[i-1]+t*((*hw)[i]-(*hw)[i-1]))
			}
		}
	}
	if hw != nil {
		*hw = w
	}
	return out
}

func length(ps []pt) float64 {
	var d float64
	for i := 1; i < len(ps); i++ {
		d += geo.DistanceHaversine(ps[i-1], ps[i])
	}
	return d
}

// songhuaLakeRing returns the densified lake centerline and the lake's ring:
// the centerline offset left by its half-width, then back along the right.
func songhuaLakeRing() (line, ring []pt) {
	var ps []pt
	var hw []float64
	for _, c := range songhuaLake {
		ps = append(ps, c.p)
		hw = append(hw, c.hw)
	}
	line = densify(ps, &hw)
	left := make([]pt, len(line))
	right := make([]pt, len(line))
	for i, p := range line {
		a, b := line[max(i-1, 0)], line[min(i+1, len(line)-1)]
		brg := geo.Bearing(a, b)
		left[i] = geo.PointAtBearingAndDistance(p, brg-90, hw[i]*1000)
		right[i] = geo.PointAtBearingAndDistance(p, brg+90, hw[i]*1000)
	}
	ring = append(ring, left...)
	for i := len(right) - 1; i >= 0; i-- {
		ring = append(ring, right[i])
	}
	return line, append(ring, ring[0])
}

// snap finds the point of line nearest p among the segments ok accepts.
func snap(line []pt, p pt, ok func(a, b pt) bool) (t float64, q pt, d float64, seg int) {
	d = math.Inf(1)
	for i := 1; i < len(line); i++ {
		if ok != nil && !ok(line[i-1], line[i]) {
			continue
		}
		s, qq := project(line[i-1], line[i], p)
		if dd := geo.DistanceHaversine(qq, p); dd < d {
			t, q, d, seg = s, qq, dd, i-1
		}
	}
	if math.IsInf(d, 1) {
		log.Fatalf("no segment to snap %v to", p)
	}
	return t, q, d, seg
}

// snapInsert snaps p onto lines[id] and inserts the snapped position as a
// vertex, so the point lies exactly on the line.
func snapInsert(lines map[string][]pt, id string, p pt, ok func(a, b pt) bool) (pt, float64) {
	line := lines[id]
	if line == nil {
		log.Fatalf("unknown river %s", id)
	}
	t, q, d, seg := snap(line, p, ok)
	q = roundPt(q)
	if t > 0 && t < 1 && q != roundPt(line[seg]) && q != roundPt(line[seg+1]) {
		line = append(line[:seg+1], append([]pt{q}, line[seg+1:]...)...)
		lines[id] = line
	}
	return q, d
}

// project returns the fraction along a→b and the point nearest p, in a local
// equirectangular projection.
func project(a, b, p pt) (float64, pt) {
	kx := math.Cos(p[1] * math.Pi / 180)
	ax, ay := (a[0]-p[0])*kx, a[1]-p[1]
	bx, by := (b[0]-p[0])*kx, b[1]-p[1]
	dx, dy := bx-ax, by-ay
	t := 0.0
	if l2 := dx*dx + dy*dy; l2 > 0 {
		t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l2))
	}
	return t, pt{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}
}

// DistanceToPath is the distance in km from p to a polyline (coarse: nearest
// projected point, haversine).
func DistanceToPath(path []pt, p pt) float64 {
	best := math.Inf(1)
	for i := 1; i < len(path); i++ {
		_, q := project(path[i-1], path[i], p)
		best = math.Min(best, geo.DistanceHaversine(q, p)/1000)
	}
	return best
}
