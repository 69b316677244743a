//go:build ignore

// gen_jilin writes jilin.geojson: river lines and lake outlines derived from
// Natural Earth 1:10m (public domain), and the project's own quays, bridges,
// rescue stations and ferry crossings from gen_jilin_data.go.
//
// The Natural Earth geometry is read at generate time from the shared
// reference file that carries it (../shared/geo/jilin-waterways.geojson
// beside the checkout; -ref names another copy); nothing else of that file
// is used. Each river is the reference line of the same id, clipped to its
// Jilin reach where the data file says, simplified (Douglas–Peucker,
// simplifyM metres) and densified to at most maxSegKm between vertices
// (linear interpolation: the added vertices add no accuracy); each lake is
// the reference polygon, simplified the same way. Then quays, bridges and
// stations are snapped onto their water (the snapped position inserted as a
// line vertex), river ferries drawn bank to bank, and lake ferries checked
// to run on the lake's water. README.md gives the sources and accuracy.
//
// Run with `go generate ./zones/waterway` from the module root.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/orb/simplify"
)

func main() {
	out := flag.String("o", "jilin.geojson", "output file")
	refPath := flag.String("ref", filepath.FromSlash("../../../shared/geo/jilin-waterways.geojson"),
		"file to take the Natural Earth river and lake geometry from")
	flag.Parse()
	ref := readReference(*refPath)

	lines := map[string][]pt{}
	names := map[string]string{}
	riverSrc := map[string]string{}
	for _, r := range rivers() {
		f := ref.feature(r.id)
		ls, ok := f.Geometry.(orb.LineString)
		if !ok {
			log.Fatalf("%s: reference %s is %T, want a LineString", *refPath, r.id, f.Geometry)
		}
		line := fromOrb(ls)
		src := "Made with Natural Earth: " + str(f, "source") + fmt.Sprintf("; simplified %d m, densified to %.1f km", simplifyM, maxSegKm)
		if r.endLon != 0 {
			line = clipAtLon(line, r.endLon)
			src += "; " + r.clip
		}
		lines[r.id] = densify(generalise(line))
		names[r.id] = r.name
		riverSrc[r.id] = src
	}
	rings := map[string][]pt{}
	lakeOf := map[string]lake{}
	var lakeFeats []feature
	for _, l := range lakes() {
		f := ref.feature(l.id)
		pg, ok := f.Geometry.(orb.Polygon)
		if !ok || len(pg) == 0 {
			log.Fatalf("%s: reference %s is %T, want a Polygon", *refPath, l.id, f.Geometry)
		}
		ring := ccw(generalise(fromOrb(orb.LineString(pg[0]))))
		rings[l.id] = fromOrb(orb.LineString(ring))
		lakeOf[l.id] = l
		lakeFeats = append(lakeFeats, feature{map[string]any{
			"kind": "lake", "id": l.id, "name_zh": l.zh, "name_en": l.en, "river": l.river,
			"source": "Made with Natural Earth: " + str(f, "source") + fmt.Sprintf("; simplified %d m", simplifyM),
		}, orb.Polygon{ring}})
	}
	waterOf := func(id string) (river, body string) {
		if l, ok := lakeOf[id]; ok {
			return l.river, l.body
		}
		if names[id] == "" {
			log.Fatalf("unknown water %q", id)
		}
		return names[id], names[id]
	}

	var pointFeats []feature
	for _, p := range points() {
		pos, d := p.src, 0.0
		l, onLake := lakeOf[p.water]
		switch {
		case onLake && l.through != "":
			ring := rings[l.id]
			pos, d = snapInsert(lines, l.through, p.src, func(a, b pt) bool { return inRing(ring, a) && inRing(ring, b) })
		case onLake:
			if !inRing(rings[l.id], p.src) {
				log.Fatalf("%s: %v is not inside %s", p.id, p.src, l.id)
			}
		default:
			pos, d = snapInsert(lines, p.water, p.src, nil)
		}
		water, body := waterOf(p.water)
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

	var feats []feature
	for _, r := range rivers() {
		c := lines[r.id]
		feats = append(feats, feature{map[string]any{
			"kind": "river", "id": r.id, "name_zh": r.zh, "name_en": r.en, "river": r.name,
			"direction": "downstream (first vertex upstream)",
			"length_km": math.Round(length(c)/100) / 10,
			"source":    riverSrc[r.id],
		}, orb.LineString(toOrb(c))})
		fmt.Fprintf(os.Stderr, "%-22s %4d vertices, %6.1f km\n", r.id, len(c), length(c)/1000)
	}
	feats = append(feats, lakeFeats...)
	feats = append(feats, pointFeats...)
	for _, c := range crossings() {
		var a, b pt
		if ring, ok := rings[c.water]; ok {
			a, b = c.a, c.b
			if !segmentInRing(ring, a, b) {
				log.Fatalf("%s: %v–%v leaves %s", c.id, a, b, c.water)
			}
		} else {
			line := lines[c.water]
			if line == nil {
				log.Fatalf("%s: unknown river %s", c.id, c.water)
			}
			_, q, _, seg := snap(line, c.src, nil)
			brg := geo.Bearing(line[seg], line[seg+1])
			a = geo.PointAtBearingAndDistance(q, brg-90, c.widthM/2)
			b = geo.PointAtBearingAndDistance(q, brg+90, c.widthM/2)
		}
		water, body := waterOf(c.water)
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

// reference is the shared file's features by id.
type reference map[string]*geojson.Feature

// readReference reads the file the Natural Earth geometry comes from. Only
// its river and lake features are used, and only those whose source names a
// Natural Earth 1:10m layer.
func readReference(path string) reference {
	data, err := os.ReadFile(path)
	if err != nil {
		log.Fatalf("%v (the reference sits in ../shared beside the checkout; -ref names another copy)", err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		log.Fatalf("%s: %v", path, err)
	}
	ref := reference{}
	for _, f := range fc.Features {
		switch str(f, "kind") {
		case "river", "lake":
			if !strings.HasPrefix(str(f, "source"), "ne_10m_") {
				log.Fatalf("%s: %s does not come from Natural Earth 1:10m (source %q)", path, str(f, "id"), str(f, "source"))
			}
			ref[str(f, "id")] = f
		}
	}
	return ref
}

func (r reference) feature(id string) *geojson.Feature {
	f, ok := r[id]
	if !ok {
		log.Fatalf("reference has no river or lake %s", id)
	}
	return f
}

func str(f *geojson.Feature, key string) string {
	s, _ := f.Properties[key].(string)
	return s
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

func fromOrb(ls orb.LineString) []pt {
	out := make([]pt, len(ls))
	for i, p := range ls {
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

func inRing(ring []pt, p pt) bool { return planar.RingContains(orb.Ring(toOrb(ring)), p) }

// segmentInRing reports whether the straight run a→b stays inside the ring,
// checked every ~50 m.
func segmentInRing(ring []pt, a, b pt) bool {
	n := int(geo.DistanceHaversine(a, b)/50) + 1
	for i := 0; i <= n; i++ {
		t := float64(i) / float64(n)
		if !inRing(ring, pt{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}) {
			return false
		}
	}
	return true
}

// clipAtLon ends the line where, run from its start, it first crosses the
// meridian lon.
func clipAtLon(line []pt, lon float64) []pt {
	for i := 1; i < len(line); i++ {
		a, b := line[i-1], line[i]
		if (a[0]-lon)*(b[0]-lon) > 0 || a[0] == b[0] {
			continue
		}
		t := (lon - a[0]) / (b[0] - a[0])
		if t == 0 {
			return line[:i]
		}
		return append(line[:i:i], pt{lon, a[1] + t*(b[1]-a[1])})
	}
	log.Fatalf("line never crosses %.2fE", lon)
	return nil
}

// generalise drops the vertices that lie within simplifyM metres of the
// line kept (Douglas–Peucker), measured in an equirectangular projection at
// the line's mean latitude; a closed ring stays closed. Every point of the
// result is then within simplifyM of the input line and the other way round.
func generalise(ps []pt) []pt {
	var lat float64
	for _, p := range ps {
		lat += p[1]
	}
	const m = orb.EarthRadius * math.Pi / 180 // metres per degree of latitude
	kx := math.Cos(lat / float64(len(ps)) * math.Pi / 180)
	ls := make(orb.LineString, len(ps))
	for i, p := range ps {
		ls[i] = orb.Point{p[0] * kx * m, p[1] * m}
	}
	dp := simplify.DouglasPeucker(simplifyM)
	if ps[0] == ps[len(ps)-1] {
		ls = orb.LineString(dp.Ring(orb.Ring(ls)))
	} else {
		ls = dp.LineString(ls)
	}
	out := make([]pt, len(ls))
	for i, p := range ls {
		out[i] = pt{p[0] / kx / m, p[1] / m}
	}
	return out
}

// densify adds vertices so no segment is longer than maxSegKm.
func densify(ps []pt) []pt {
	out := []pt{ps[0]}
	for i := 1; i < len(ps); i++ {
		n := int(math.Ceil(geo.DistanceHaversine(ps[i-1], ps[i]) / 1000 / maxSegKm))
		for k := 1; k <= n; k++ {
			t := float64(k) / float64(n)
			out = append(out, pt{ps[i-1][0] + t*(ps[i][0]-ps[i-1][0]), ps[i-1][1] + t*(ps[i][1]-ps[i-1][1])})
		}
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
