package simulate

import (
	"math"
	"strings"
	"testing"
	"time"
)

// TestTraffic runs the fleet for two simulated hours and checks what it
// sent: every sentence frames and decodes, names come first, positions stay
// on their routes and report intervals follow ITU-R M.1371.
func TestTraffic(t *testing.T) {
	s := MustNew(t, 42, 100)
	reports := collect(t, s, 2*time.Hour)
	fleet := map[uint32]Vessel{}
	for _, v := range s.Fleet() {
		fleet[v.MMSI] = v
	}
	routes := map[string]*route{}
	for _, r := range testRoutes() {
		rt, _ := newRoute(&r)
		routes[r.ID] = rt
	}

	types := map[int]int{}
	firstStatic := map[uint32]time.Time{}
	lastPos := map[uint32]report{}
	lastStatic5 := map[uint32]time.Time{}
	var worst float64
	for _, r := range reports {
		m := r.msg
		types[m.Type]++
		v, ok := fleet[m.MMSI]
		if !ok {
			t.Fatalf("message from unknown MMSI %d: %s", m.MMSI, r.line)
		}
		if !strings.HasPrefix(r.line, "!AIVDM,") {
			t.Errorf("not a VDM sentence: %s", r.line)
		}
		if m.Static != nil {
			if _, ok := firstStatic[m.MMSI]; !ok {
				firstStatic[m.MMSI] = r.at
			}
			if m.Static.Part != 'B' && m.Static.Name != v.Name {
				t.Errorf("%d: static name %q, want %q", m.MMSI, m.Static.Name, v.Name)
			}
			if m.Type == 5 {
				if prev, ok := lastStatic5[m.MMSI]; ok {
					if d := r.at.Sub(prev); d < 6*time.Minute-time.Second || d > 6*time.Minute+time.Second {
						t.Errorf("%d: type 5 every %v, want 6 min", m.MMSI, d)
					}
				}
				lastStatic5[m.MMSI] = r.at
			}
		}
		if m.Position == nil {
			continue
		}
		p := m.Position
		if !p.PosValid || !p.SOGValid || !p.COGValid {
			t.Errorf("%d: invalid position fields: %+v", m.MMSI, p)
		}
		rt := routes[v.Route]
		var off float64
		if rt.kind == KindLake {
			if !rt.contains([2]float64{p.Lon, p.Lat}) {
				off = pathDistance(rt.pts, [2]float64{p.Lon, p.Lat})
				if off < 1 { // on the shore line itself (rounding)
					off = 1
				}
			}
		} else {
			off = pathDistance(rt.pts, [2]float64{p.Lon, p.Lat})
		}
		worst = math.Max(worst, off)
		if off > 1000 {
			t.Errorf("%d (%s on %s) at %.5f,%.5f is %.0f m off its route", m.MMSI, v.Kind, v.Route, p.Lon, p.Lat, off)
		}
		if p.SOG > 0.5 && p.HeadingValid {
			if d := math.Abs(math.Remainder(float64(p.Heading)-p.COG, 360)); d > 10 {
				t.Errorf("%d: heading %d against course %.1f", m.MMSI, p.Heading, p.COG)
			}
		}
		if prev, ok := lastPos[m.MMSI]; ok {
			checkInterval(t, v, prev, r)
		}
		lastPos[m.MMSI] = r
	}
	t.Logf("%d messages in 2 h (%.1f/s): by type %v; farthest position from its route %.1f m", len(reports), float64(len(reports))/7200, types, worst)
	for _, typ := range []int{1, 3, 5, 8, 18, 24} {
		if types[typ] == 0 {
			t.Errorf("no type %d messages", typ)
		}
	}
	for mmsi := range fleet {
		if at, ok := firstStatic[mmsi]; !ok || at.Sub(t0) > 6*time.Second {
			t.Errorf("%d: first static report at %v, want within the first seconds", mmsi, at.Sub(t0))
		}
	}
	if rate := float64(len(reports)) / 7200; rate > 20 {
		t.Errorf("%.1f messages/s for 100 vessels: too many", rate)
	}
}

// checkInterval checks the gap between two position reports of v against
// the interval the first one calls for (ituInterval). Reports go out on 1 s
// ticks, so a gap may be a second longer; a change of state may make it
// shorter.
func checkInterval(t *testing.T, v Vessel, prev, cur report) {
	t.Helper()
	p := prev.msg.Position
	want := ituInterval(v.ClassB, p.NavStatus, p.SOG)
	if gap := cur.at.Sub(prev.at); gap > want+time.Second {
		t.Errorf("%d (%s, class B %v): %v between reports at SOG %.1f status %d, want %v", v.MMSI, v.Kind, v.ClassB, gap, p.SOG, p.NavStatus, want)
	}
}

// TestFerriesAlternate checks each ferry berths at one bank, then the other.
func TestFerriesAlternate(t *testing.T) {
	s := MustNew(t, 3, 60)
	reports := collect(t, s, 3*time.Hour)
	ends := map[string][2][2]float64{}
	for _, r := range testRoutes() {
		if r.Kind == KindFerry {
			ends[r.ID] = [2][2]float64{r.Line[0], r.Line[len(r.Line)-1]}
		}
	}
	ferries := map[uint32]string{}
	for _, v := range s.Fleet() {
		if v.Kind == "ferry" {
			ferries[v.MMSI] = v.Route
		}
	}
	if len(ferries) != len(ends) {
		t.Fatalf("%d ferries for %d crossings", len(ferries), len(ends))
	}
	berths := map[uint32][]int{}
	for _, r := range reports {
		route, ok := ferries[r.msg.MMSI]
		p := r.msg.Position
		if !ok || p == nil || p.NavStatus != navMoored {
			continue
		}
		e := ends[route]
		bank := 0
		if distance(e[1], [2]float64{p.Lon, p.Lat}) < distance(e[0], [2]float64{p.Lon, p.Lat}) {
			bank = 1
		}
		if d := distance(e[bank], [2]float64{p.Lon, p.Lat}); d > 20 {
			t.Errorf("ferry %d moored %.0f m from a bank", r.msg.MMSI, d)
		}
		if b := berths[r.msg.MMSI]; len(b) == 0 || b[len(b)-1] != bank {
			berths[r.msg.MMSI] = append(b, bank)
		}
	}
	for mmsi, b := range berths {
		t.Logf("ferry %d berthed %d times: %v", mmsi, len(b), b)
		if len(b) < 4 {
			t.Errorf("ferry %d berthed only %d times in 3 h", mmsi, len(b))
		}
	}
}

// pathDistance is the distance in metres from p to a polyline, measured in
// a local flat projection (accurate to well under 1% at these scales).
func pathDistance(path [][2]float64, p [2]float64) float64 {
	kx := math.Cos(p[1]*math.Pi/180) * earthRadius * math.Pi / 180
	ky := earthRadius * math.Pi / 180
	best := math.Inf(1)
	for i := 1; i < len(path); i++ {
		ax, ay := (path[i-1][0]-p[0])*kx, (path[i-1][1]-p[1])*ky
		bx, by := (path[i][0]-p[0])*kx, (path[i][1]-p[1])*ky
		dx, dy := bx-ax, by-ay
		u := 0.0
		if l2 := dx*dx + dy*dy; l2 > 0 {
			u = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l2))
		}
		best = math.Min(best, math.Hypot(ax+u*dx, ay+u*dy))
	}
	return best
}

func BenchmarkTick(b *testing.B) {
	s := MustNew(b, 1, 100)
	var n int
	emit := func(line []byte) { n++ }
	now := t0
	b.ReportAllocs()
	for b.Loop() {
		now = now.Add(time.Second)
		s.Tick(now, emit)
	}
	b.ReportMetric(float64(n)/float64(b.N), "sentences/tick")
}
