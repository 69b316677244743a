package rescue

import (
	"container/heap"
	"math"
)

// tree is the multi-source shortest-path tree over the graph: for every
// node, the distance along the water to the nearest station, that station
// and the next node towards it.
type tree struct {
	dist  []float64
	owner []int32 // station index, -1 where no station can be reached
	prev  []int32 // next node towards the owner, -1 at the station itself
}

// grow runs Dijkstra from every station node at once.
func grow(g *graph, sources []int32) *tree {
	n := len(g.pts)
	t := &tree{dist: make([]float64, n), owner: make([]int32, n), prev: make([]int32, n)}
	for i := range t.dist {
		t.dist[i], t.owner[i], t.prev[i] = math.Inf(1), -1, -1
	}
	q := &pq{}
	for s, node := range sources {
		if node < 0 || t.dist[node] == 0 {
			continue // unplaced, or shares its node with an earlier station
		}
		t.dist[node], t.owner[node] = 0, int32(s)
		heap.Push(q, item{node, 0})
	}
	for q.Len() > 0 {
		it := heap.Pop(q).(item)
		if it.d > t.dist[it.n] {
			continue
		}
		for _, a := range g.adj[it.n] {
			if d := it.d + a.w; d < t.dist[a.to] {
				t.dist[a.to], t.owner[a.to], t.prev[a.to] = d, t.owner[it.n], it.n
				heap.Push(q, item{a.to, d})
			}
		}
	}
	return t
}

// path is the positions from node n's station to n.
func (t *tree) path(g *graph, n int32) [][2]float64 {
	var out [][2]float64
	for ; n >= 0; n = t.prev[n] {
		out = append(out, g.pts[n])
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

type item struct {
	n int32
	d float64
}

type pq []item

func (q pq) Len() int           { return len(q) }
func (q pq) Less(i, j int) bool { return q[i].d < q[j].d }
func (q pq) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *pq) Push(x any)        { *q = append(*q, x.(item)) }
func (q *pq) Pop() any {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
}
