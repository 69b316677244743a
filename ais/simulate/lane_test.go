package simulate

import (
	"math"
	"testing"
	"time"
)

// meander is a made-up border river ~50 km long that bends hard every
// 700 m (turns of 100–130°, as the Yalu and Tumen do in the waterway map),
// starting at start and trending on bearing trend.
func meander(start [2]float64, trend float64, n int) [][2]float64 {
	line := [][2]float64{start}
	p := start
	for i := range n {
		swing := []float64{55, 65, 50, 60, 30, 10}[i%6]
		if i%2 == 1 {
			swing = -swing
		}
		p = destination(p, trend+swing, 700+float64(i%5)*150)
		line = append(line, p)
	}
	return line
}

// borderRoutes is testRoutes with a ferry crossing river-a and two border
// rivers, worked by cargo ships too so that many vessels use them: one with
// our half on the right of its direction (as the Yalu), one on the left
// (the Tumen).
func borderRoutes() []Route {
	routes := testRoutes()
	a, _ := newRoute(&routes[0])
	left, _ := a.laneAt(0.12*a.total, -250, 1)
	right, _ := a.laneAt(0.12*a.total, 250, 1)
	return append(routes,
		Route{ID: "ferry-f", Kind: KindFerry, Name: "SONG YUAN", Line: [][2]float64{left, right}},
		Route{ID: "border-right", Kind: KindRiver, Name: "YA LU JIANG", Cargo: true, Border: true, ChinaSide: 1,
			Line: meander([2]float64{126.60, 41.60}, 235, 70)},
		Route{ID: "border-left", Kind: KindRiver, Name: "TU MEN JIANG", Cargo: true, Border: true, ChinaSide: -1,
			Line: meander([2]float64{129.00, 42.60}, 70, 70)},
	)
}

func TestNewRejectsBorder(t *testing.T) {
	for _, r := range []Route{
		{ID: "no side", Kind: KindRiver, Border: true, Line: [][2]float64{{125, 45}, {125.1, 45}}},
		{ID: "lake border", Kind: KindLake, Border: true, ChinaSide: 1, Line: [][2]float64{{124.1, 45.2}, {124.4, 45.2}, {124.4, 45.3}, {124.1, 45.2}}},
	} {
		if _, err := New(Config{Routes: []Route{r}}); err == nil {
			t.Errorf("%s: New accepted it", r.ID)
		}
	}
}

// TestLaneGeometry checks the lanes of the meandering border river: a lane
// m metres to one side stays on that side and m metres from the line (to
// 1%) all along, hairpins included.
func TestLaneGeometry(t *testing.T) {
	for _, rt := range borderRoutes() {
		if !rt.Border {
			continue
		}
		r, err := newRoute(&rt)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range []float64{30, 60, 150, 240} {
			for _, side := range []float64{1, -1} {
				worst := math.Inf(1)
				for s := 0.0; s <= r.total; s += 10 {
					p, _ := r.laneAt(s, side*m, 1)
					_, off := r.project(p)
					if off*side < 0 {
						t.Fatalf("%s: lane %+.0f m at %.0f m is on the other side (%.1f m)", rt.ID, side*m, s, off)
					}
					worst = math.Min(worst, math.Abs(off))
				}
				if worst < 0.99*m {
					t.Errorf("%s: lane %+.0f m comes within %.1f m of the line", rt.ID, side*m, worst)
				}
			}
		}
	}
}

// TestLanes runs the fleet with two border rivers for three simulated hours
// and checks every position report: on a border river always on our half
// and more than 50 m from the boundary, moored ones more than 175 m (out of
// the loitering rule's reach); on other rivers, vessels under way keep to
// starboard, 30–100 m off the centerline, once into their leg.
func TestLanes(t *testing.T) {
	s, err := New(Config{Vessels: 100, Routes: borderRoutes(), Seed: 5, Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	routes := map[string]*route{}
	for _, r := range s.routes {
		routes[r.id] = r
	}
	fleet := map[uint32]Vessel{}
	onBorder := 0
	for _, v := range s.Fleet() {
		fleet[v.MMSI] = v
		if routes[v.Route].border {
			onBorder++
		}
	}
	if onBorder < 5 {
		t.Fatalf("only %d vessels on the border rivers", onBorder)
	}
	reports := collect(t, s, 3*time.Hour)
	closest, closestMoored := math.Inf(1), math.Inf(1)
	n := 0
	for _, rep := range reports {
		p := rep.msg.Position
		v := fleet[rep.msg.MMSI]
		r := routes[v.Route]
		if p == nil || !r.border {
			continue
		}
		n++
		_, off := r.project([2]float64{p.Lon, p.Lat})
		ours := off * float64(r.chinaSide)
		if ours <= 50 {
			t.Errorf("%d (%s on %s) at %v: %.1f m from the border on our side (negative: across)", v.MMSI, v.Kind, v.Route, rep.at.Sub(t0), ours)
		}
		if p.SOG < 0.1 {
			closestMoored = math.Min(closestMoored, ours)
			if ours <= 175 {
				t.Errorf("%d (%s) stopped %.1f m from the border", v.MMSI, v.Kind, ours)
			}
		} else {
			closest = math.Min(closest, ours)
		}
	}
	t.Logf("%d positions on the border rivers; closest to the border %.1f m under way, %.1f m stopped", n, closest, closestMoored)

	// Starboard on the other rivers, read from the vessels' own state at
	// a few hundred instants.
	s2, _ := New(Config{Vessels: 100, Routes: borderRoutes(), Seed: 5, Now: func() time.Time { return t0 }})
	checked := 0
	for tm := t0; tm.Before(t0.Add(time.Hour)); tm = tm.Add(time.Second) {
		s2.Tick(tm, func([]byte) {})
		if tm.Sub(t0)%(15*time.Second) != 0 {
			continue
		}
		for _, v := range s2.vessels {
			if v.route.kind != KindRiver || v.route.border || v.leg != legUnderWay {
				continue
			}
			x, _ := v.travelled(v.at.Sub(v.t0).Seconds()) // into the leg
			if x < laneBlendM || v.legLen-x < laneBlendM {
				continue // changing lanes
			}
			_, off := v.route.project(v.pos)
			starboard := off * float64(v.dir)
			if starboard < laneMinM*0.95 || starboard > laneMaxM*1.05 {
				t.Errorf("%d on %s going %+d: %.1f m to starboard of the centerline, want %.0f–%.0f", v.mmsi, v.route.id, v.dir, starboard, laneMinM, laneMaxM)
			}
			checked++
		}
	}
	if checked < 1000 {
		t.Errorf("only %d river positions checked", checked)
	}
}
