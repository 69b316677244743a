package rescue

import (
	"math"
	"sort"

	"github.com/paulmach/orb"

	"github.com/riverwatch/riverwatch/zones/waterway"
)

// graph is the waterway network: nodes at the line vertices (plus the
// points inserted where rivers join and stations sit), arcs along the lines
// and, inside each lake, straight between every two nodes that see each
// other across the water.
type graph struct {
	pts   [][2]float64 // [lon, lat] per node
	adj   [][]arc
	lines []line // rivers and lake shores, as node sequences
	lakes []lake
}

type arc struct {
	to int32
	w  float64 // metres
}

// line is a river or a lake shore (closed: its last node is its first).
type line struct {
	id    string
	nodes []int32
}

// lake is a lake outline and every node on or inside it.
type lake struct {
	id    string
	ring  orb.Ring
	box   [4]float64 // west, south, east, north
	nodes []int32
}

// draft is a line's coordinates before they become nodes, with the points
// to insert into each segment.
type draft struct {
	id     string
	coords [][2]float64
	ring   bool
	insert map[int][]insertion // by segment index
}

type insertion struct {
	t float64
	p [2]float64
}

// join is an arc to add between two coordinates, resolved to nodes once
// every coordinate has one.
type join struct {
	a, b [2]float64
}

// build makes the graph from the map: rivers joined where one ends within
// joinM of another, each lake joined to the nearest river within lakeJoinM
// of its shore, and the station positions added as nodes (joined to the
// nearest line within maxOffsetM).
func build(m *waterway.Map, stations []Station, joinM, lakeJoinM, maxOffsetM float64) *graph {
	var drafts []*draft
	for _, r := range m.Rivers {
		drafts = append(drafts, &draft{id: r.ID, coords: r.Coords, insert: map[int][]insertion{}})
	}
	nRivers := len(drafts)
	for _, l := range m.Lakes {
		drafts = append(drafts, &draft{id: l.ID, coords: l.Ring, ring: true, insert: map[int][]insertion{}})
	}
	var joins []join

	// Rivers: an end within joinM of another river's line joins it there.
	for i := 0; i < nRivers; i++ {
		d := drafts[i]
		for _, end := range [][2]float64{d.coords[0], d.coords[len(d.coords)-1]} {
			best, bi := math.Inf(1), -1
			var bp [2]float64
			for j := 0; j < nRivers; j++ {
				if j == i {
					continue
				}
				if dist, q, _, _ := nearestOn(drafts[j].coords, end); dist < best {
					best, bi, bp = dist, j, q
				}
			}
			if bi >= 0 && best <= joinM {
				drafts[bi].add(bp)
				joins = append(joins, join{end, bp})
			}
		}
	}
	// Lakes: the shore vertex nearest each river, if within lakeJoinM. A
	// river that runs into the lake is joined by the lake's own arcs.
	for li := nRivers; li < len(drafts); li++ {
		shore := drafts[li]
		for ri := 0; ri < nRivers; ri++ {
			best := math.Inf(1)
			var bs, bq [2]float64
			for _, s := range shore.coords {
				if dist, q, _, _ := nearestOn(drafts[ri].coords, s); dist < best {
					best, bs, bq = dist, s, q
				}
			}
			if best > 1 && best <= lakeJoinM {
				drafts[ri].add(bq)
				joins = append(joins, join{bs, bq})
			}
		}
	}
	// Stations: a node of their own, joined to the nearest line.
	for _, st := range stations {
		p := [2]float64{st.Lon, st.Lat}
		best, bi := math.Inf(1), -1
		var bp [2]float64
		for j, d := range drafts {
			if dist, q, _, _ := nearestOn(d.coords, p); dist < best {
				best, bi, bp = dist, j, q
			}
		}
		if bi >= 0 && best <= maxOffsetM {
			drafts[bi].add(bp)
			if bp != p {
				joins = append(joins, join{p, bp})
			}
		}
	}

	g := &graph{}
	ids := map[[2]float64]int32{}
	node := func(p [2]float64) int32 {
		if id, ok := ids[p]; ok {
			return id
		}
		id := int32(len(g.pts))
		ids[p] = id
		g.pts = append(g.pts, p)
		g.adj = append(g.adj, nil)
		return id
	}
	for _, st := range stations {
		node([2]float64{st.Lon, st.Lat})
	}
	for _, d := range drafts {
		ln := line{id: d.id}
		for _, p := range d.expand() {
			n := node(p)
			if k := len(ln.nodes); k > 0 && ln.nodes[k-1] == n {
				continue
			}
			ln.nodes = append(ln.nodes, n)
		}
		for k := 1; k < len(ln.nodes); k++ {
			g.link(ln.nodes[k-1], ln.nodes[k])
		}
		g.lines = append(g.lines, ln)
	}
	for _, j := range joins {
		g.link(node(j.a), node(j.b))
	}
	for i, l := range m.Lakes {
		g.lakes = append(g.lakes, g.buildLake(l, g.lines[nRivers+i]))
	}
	return g
}

// add records p, a point on the draft's line, to become a vertex of it.
func (d *draft) add(p [2]float64) {
	_, _, seg, t := nearestOn(d.coords, p)
	if t <= 0 && seg >= 0 {
		return // at vertex seg
	}
	if t >= 1 {
		return // at vertex seg+1
	}
	d.insert[seg] = append(d.insert[seg], insertion{t, p})
}

// expand is the draft's coordinates with the insertions in place.
func (d *draft) expand() [][2]float64 {
	out := make([][2]float64, 0, len(d.coords))
	for i, c := range d.coords {
		out = append(out, c)
		ins := d.insert[i]
		sort.Slice(ins, func(a, b int) bool { return ins[a].t < ins[b].t })
		for _, in := range ins {
			out = append(out, in.p)
		}
	}
	return out
}

func (g *graph) link(a, b int32) {
	if a == b {
		return
	}
	w := waterway.Distance(g.pts[a], g.pts[b])
	g.adj[a] = append(g.adj[a], arc{b, w})
	g.adj[b] = append(g.adj[b], arc{a, w})
}

// nearestOn finds the point of the polyline nearest p: its distance in
// metres, the point, the segment index and the position t in [0, 1] along
// that segment (0 and 1 at its vertices). It measures in a local
// equirectangular projection centred on p, like waterway.DistanceToPath.
func nearestOn(path [][2]float64, p [2]float64) (float64, [2]float64, int, float64) {
	kx, ky := scale(p[1])
	best, bseg, bt := math.Inf(1), -1, 0.0
	var bp [2]float64
	for i := 1; i < len(path); i++ {
		d, t := segDist(path[i-1], path[i], p, kx, ky)
		if d < best {
			best, bseg, bt = d, i-1, t
			a, b := path[i-1], path[i]
			bp = [2]float64{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}
		}
	}
	if bt == 0 && bseg >= 0 {
		bp = path[bseg]
	} else if bt == 1 {
		bp = path[bseg+1]
	}
	return best, bp, bseg, bt
}

// scale gives metres per degree of longitude and latitude at lat.
func scale(lat float64) (kx, ky float64) {
	const mPerDeg = 6378137 * math.Pi / 180 // orb.EarthRadius, as waterway measures
	return math.Cos(lat*math.Pi/180) * mPerDeg, mPerDeg
}

// segDist is the distance in metres from p to the segment ab and the
// position t of the nearest point along it.
func segDist(a, b, p [2]float64, kx, ky float64) (float64, float64) {
	ax, ay := (a[0]-p[0])*kx, (a[1]-p[1])*ky
	bx, by := (b[0]-p[0])*kx, (b[1]-p[1])*ky
	dx, dy := bx-ax, by-ay
	t := 0.0
	if l2 := dx*dx + dy*dy; l2 > 0 {
		t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l2))
	}
	return math.Hypot(ax+t*dx, ay+t*dy), t
}
