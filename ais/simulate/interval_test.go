package simulate

import (
	"strconv"
	"testing"
	"time"
)

// ituInterval is the longest a vessel may stay silent after a position
// report, by ITU-R M.1371-5 Annex 1 Tables 1 and 2, from what that report
// says: its class, navigational status and speed over ground. It is the
// table vessels/status.go judges staleness by (which package ais may not
// import), except class B above 14 kn: the tracker expects a class B "SO"
// unit's 15 s there, while the simulator's units are "CS", which report
// every 30 s at any speed from 2 kn.
//
//	class A  anchored or moored (status 1, 5) below 3 kn: 3 min; otherwise
//	         10 s to 14 kn, 6 s to 23 kn, 2 s above
//	class B  below 2 kn: 3 min; otherwise 30 s
func ituInterval(classB bool, nav int, sog float64) time.Duration {
	switch {
	case classB && sog < 2:
		return 3 * time.Minute
	case classB:
		return 30 * time.Second
	case (nav == navAnchored || nav == navMoored) && sog < 3:
		return 3 * time.Minute
	case sog <= 14:
		return 10 * time.Second
	case sog <= 23:
		return 6 * time.Second
	}
	return 2 * time.Second
}

// TestReportIntervalsITU runs the fleet for a simulated hour and checks that
// no vessel ever stays silent longer than the interval its last position
// report calls for, so the tracker never sees a working boat go stale. The
// regression: a class A fishing boat stopped at 0 kn reported status 7 but
// only every 3 min, the moored interval.
func TestReportIntervalsITU(t *testing.T) {
	riversOnly := func() []Route {
		var out []Route
		for _, r := range testRoutes() {
			if r.Kind != KindLake {
				out = append(out, r)
			}
		}
		return out
	}
	tests := []struct {
		name   string
		routes []Route
		seed   int64
		// Class A navigational statuses the hour must include, so the
		// rows of the table under test are exercised.
		statuses []int
	}{
		{"rivers, lake and ferries", testRoutes(), 42, []int{navUnderWay, navAnchored, navMoored, navFishing}},
		{"other seed", testRoutes(), 9, []int{navUnderWay, navAnchored, navMoored, navFishing}},
		{"fishing on rivers (no lake)", riversOnly(), 42, []int{navUnderWay, navMoored, navFishing}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(Config{Vessels: 100, Routes: tt.routes, Seed: tt.seed, Now: func() time.Time { return t0 }})
			if err != nil {
				t.Fatal(err)
			}
			fleet := map[uint32]Vessel{}
			for _, v := range s.Fleet() {
				fleet[v.MMSI] = v
			}
			const hour = time.Hour
			reports := collect(t, s, hour)
			// Reports go out on 1 s ticks, so a gap may be up to a second
			// longer than the interval.
			const tick = time.Second
			last := map[uint32]report{}
			seen := map[int]int{}  // class A reports by status
			slowA := map[int]int{} // class A reports below 2 kn by status
			longest := map[string]time.Duration{}
			positions := 0
			for _, r := range reports {
				p := r.msg.Position
				if p == nil {
					continue
				}
				positions++
				v := fleet[r.msg.MMSI]
				if !v.ClassB {
					seen[p.NavStatus]++
					if p.SOG < 2 {
						slowA[p.NavStatus]++
					}
					if p.SOG < 0.5 && p.NavStatus == navUnderWay {
						t.Errorf("%d (%s): stopped with status 0 (under way using engine) at %v", v.MMSI, v.Kind, r.at.Sub(t0))
					}
				}
				prev, ok := last[r.msg.MMSI]
				if !ok {
					if gap := r.at.Sub(t0); gap > 5*time.Second+tick {
						t.Errorf("%d (%s): first position report after %v", v.MMSI, v.Kind, gap)
					}
				} else {
					checkGap(t, v, prev, r.at, tick, longest)
				}
				last[r.msg.MMSI] = r
			}
			end := t0.Add(hour)
			for mmsi, v := range fleet {
				prev, ok := last[mmsi]
				if !ok {
					t.Errorf("%d (%s): no position report in an hour", mmsi, v.Kind)
					continue
				}
				checkGap(t, v, prev, end, tick, longest)
			}
			for _, st := range tt.statuses {
				if seen[st] == 0 {
					t.Errorf("no class A report with status %d in an hour", st)
				}
			}
			if slowA[navFishing] == 0 {
				t.Errorf("no class A fishing boat at work below 2 kn: the regression case is not exercised")
			}
			rate := float64(len(reports)) / hour.Seconds()
			t.Logf("%d messages (%.1f/s), %d positions; class A reports by status %v (below 2 kn %v); longest silence by class/status %v",
				len(reports), rate, positions, seen, slowA, longest)
			// Volume stays modest: well inside one busy base station's share
			// of the two AIS channels (2 × 2250 slots a minute).
			if rate > 10 {
				t.Errorf("%.1f messages/s for 100 vessels: too many", rate)
			}
		})
	}
}

// checkGap checks the silence from the position report prev to at against
// the interval prev called for, and keeps the longest silence per class and
// status for the log.
func checkGap(t *testing.T, v Vessel, prev report, at time.Time, tick time.Duration, longest map[string]time.Duration) {
	t.Helper()
	p := prev.msg.Position
	want := ituInterval(v.ClassB, p.NavStatus, p.SOG)
	gap := at.Sub(prev.at)
	key := "A/" + strconv.Itoa(p.NavStatus)
	if v.ClassB {
		key = "B"
	}
	longest[key] = max(longest[key], gap)
	if gap > want+tick {
		t.Errorf("%d (%s, class B %v): silent %v after a report at %v with SOG %.1f status %d, want at most %v",
			v.MMSI, v.Kind, v.ClassB, gap, prev.at.Sub(t0), p.SOG, p.NavStatus, want)
	}
}
