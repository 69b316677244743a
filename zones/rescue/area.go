package rescue

import "github.com/riverwatch/riverwatch/zones/waterway"

// buildAreas splits every river and lake shore among the stations: each
// point of a line goes to the station nearest it along the water, a
// segment whose ends belong to two stations at the point where the two
// distances meet. The result is one MultiLineString per station.
func (l *Locator) buildAreas() map[string][][][2]float64 {
	areas := map[string][][][2]float64{}
	g, t := l.g, l.t
	for _, ln := range g.lines {
		cur := int32(-1) // owner of the piece being drawn
		var piece [][2]float64
		flush := func() {
			if cur >= 0 && len(piece) >= 2 {
				id := l.stations[cur].ID
				areas[id] = append(areas[id], piece)
			}
			piece = nil
		}
		to := func(owner int32, p [2]float64) {
			if owner != cur {
				last := piece
				flush()
				cur = owner
				if len(last) > 0 {
					piece = append(piece, last[len(last)-1])
				}
			}
			if len(piece) == 0 || piece[len(piece)-1] != p {
				piece = append(piece, p)
			}
		}
		for k, n := range ln.nodes {
			if k == 0 {
				to(t.owner[n], g.pts[n])
				continue
			}
			a := ln.nodes[k-1]
			oa, ob := t.owner[a], t.owner[n]
			if oa != ob && oa >= 0 && ob >= 0 {
				pa, pb := g.pts[a], g.pts[n]
				w := waterway.Distance(pa, pb)
				s := 0.5
				if w > 0 {
					s = min(max((t.dist[n]+w-t.dist[a])/(2*w), 0), 1)
				}
				to(oa, [2]float64{pa[0] + s*(pb[0]-pa[0]), pa[1] + s*(pb[1]-pa[1])})
			}
			to(ob, g.pts[n])
		}
		flush()
	}
	return areas
}

// Area is the station's share of the rivers and lake shores, as the lines
// of a GeoJSON MultiLineString ([lon, lat]); nil for an unknown station.
// The caller must not modify it.
func (l *Locator) Area(id string) [][][2]float64 { return l.areas[id] }
