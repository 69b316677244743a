package simulate

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/ais"
)

var t0 = time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)

// testRoutes is a small made-up network near Songyuan: two rivers, a lake
// and a ferry crossing.
func testRoutes() []Route {
	return []Route{
		{ID: "river-a", Kind: KindRiver, Cargo: true, Ports: []string{"SONGYUAN", "JILIN"}, Line: [][2]float64{
			{124.70, 45.36}, {124.75, 45.26}, {124.84, 45.15}, {125.10, 45.08}, {125.40, 44.96}, {125.96, 44.74}}},
		{ID: "river-b", Kind: KindRiver, Name: "NEN JIANG", Line: [][2]float64{
			{124.05, 45.76}, {124.30, 45.51}, {124.70, 45.36}}},
		{ID: "lake-c", Kind: KindLake, Name: "CHA GAN HU", Line: [][2]float64{
			{124.10, 45.22}, {124.40, 45.20}, {124.42, 45.30}, {124.25, 45.34}, {124.12, 45.30}, {124.10, 45.22}}},
		{ID: "ferry-d", Kind: KindFerry, Name: "SONG YUAN", Line: [][2]float64{{124.835, 45.152}, {124.840, 45.148}}},
		{ID: "ferry-e", Kind: KindFerry, Name: "DA AN", Line: [][2]float64{{124.33, 45.503}, {124.33, 45.497}}},
	}
}

// MustNew builds a simulator on testRoutes with a fixed clock.
func MustNew(tb testing.TB, seed int64, n int) *Simulator {
	tb.Helper()
	s, err := New(Config{Vessels: n, Routes: testRoutes(), Seed: seed, Now: func() time.Time { return t0 }})
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	return s
}

// report is one decoded message with the tick that emitted it.
type report struct {
	at   time.Time
	line string
	msg  ais.Message
}

// collect runs s for d in 1 s ticks and decodes everything it sends; any
// sentence that fails to frame or decode fails the test.
func collect(tb testing.TB, s *Simulator, d time.Duration) []report {
	tb.Helper()
	dec := ais.NewDecoder()
	var out []report
	parts := map[int][]byte{}
	for t := t0; !t.After(t0.Add(d)); t = t.Add(time.Second) {
		s.Tick(t, func(line []byte) {
			sen, err := ais.ParseSentence(line)
			if err != nil {
				tb.Fatalf("%s: %v", line, err)
			}
			payload := append(parts[sen.SeqID], sen.Payload...)
			if sen.Number < sen.Count {
				parts[sen.SeqID] = payload
				return
			}
			delete(parts, sen.SeqID)
			var m ais.Message
			if err := dec.Decode(payload, sen.FillBits, &m); err != nil {
				tb.Fatalf("%s: %v", line, err)
			}
			out = append(out, report{at: t, line: string(line), msg: m})
		})
	}
	if len(parts) != 0 {
		tb.Fatalf("%d multi-sentence messages left incomplete", len(parts))
	}
	return out
}

func TestNewRejects(t *testing.T) {
	tests := []struct {
		name   string
		routes []Route
	}{
		{"no routes", nil},
		{"one-point river", []Route{{ID: "r", Kind: KindRiver, Line: [][2]float64{{125, 45}}}}},
		{"open lake", []Route{{ID: "l", Kind: KindLake, Line: [][2]float64{{125, 45}, {125.1, 45}, {125.1, 45.1}, {125, 45.1}}}}},
		{"unknown kind", []Route{{ID: "x", Kind: "canal", Line: [][2]float64{{125, 45}, {125.1, 45}}}}},
		{"zero length", []Route{{ID: "z", Kind: KindRiver, Line: [][2]float64{{125, 45}, {125, 45}}}}},
		{"lat out of range", []Route{{ID: "o", Kind: KindRiver, Line: [][2]float64{{125, 45}, {125, 95}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(Config{Routes: tt.routes}); !errors.Is(err, ErrConfig) {
				t.Errorf("New = %v, want ErrConfig", err)
			}
		})
	}
}

func TestFleetDeterministic(t *testing.T) {
	a, b, c := MustNew(t, 7, 100), MustNew(t, 7, 100), MustNew(t, 8, 100)
	if !slices.Equal(a.Fleet(), b.Fleet()) {
		t.Fatal("same seed gave different fleets")
	}
	if slices.Equal(a.Fleet(), c.Fleet()) {
		t.Fatal("different seeds gave the same fleet")
	}
	ra, rb := collect(t, a, 10*time.Minute), collect(t, b, 10*time.Minute)
	if len(ra) != len(rb) {
		t.Fatalf("same seed: %d vs %d messages", len(ra), len(rb))
	}
	for i := range ra {
		if ra[i].line != rb[i].line || !ra[i].at.Equal(rb[i].at) {
			t.Fatalf("same seed diverged at message %d: %s vs %s", i, ra[i].line, rb[i].line)
		}
	}
}

func TestFleetComposition(t *testing.T) {
	s := MustNew(t, 1, 100)
	fleet := s.Fleet()
	if len(fleet) != 100 {
		t.Fatalf("%d vessels, want 100", len(fleet))
	}
	routeKind := map[string]string{}
	for _, r := range testRoutes() {
		routeKind[r.ID] = r.Kind
	}
	seen := map[uint32]bool{}
	names := map[string]bool{}
	kinds := map[string]int{}
	classB := 0
	for _, v := range fleet {
		mid := v.MMSI / 1000000
		if v.MMSI < 100000000 || v.MMSI > 999999999 || mid < 412 || mid > 414 {
			t.Errorf("MMSI %d is not a 9-digit Chinese ship station (MID 412-414)", v.MMSI)
		}
		if seen[v.MMSI] || names[v.Name] {
			t.Errorf("duplicate MMSI %d or name %q", v.MMSI, v.Name)
		}
		seen[v.MMSI], names[v.Name] = true, true
		for _, txt := range []string{v.Name, v.CallSign} {
			if len(txt) == 0 || len(txt) > 20 || !sixbit(txt) {
				t.Errorf("%d: %q is not 1-20 AIS 6-bit characters", v.MMSI, txt)
			}
		}
		kinds[v.Kind]++
		if v.ClassB {
			classB++
		}
		want := map[string]string{"ferry": KindFerry, "fishing": KindLake, "cargo": KindRiver, "tanker": KindRiver, "tug": KindRiver}[v.Kind]
		if want != "" && routeKind[v.Route] != want {
			t.Errorf("%s %s works on %s route %s", v.Kind, v.Name, routeKind[v.Route], v.Route)
		}
		if (v.Kind == "cargo" || v.Kind == "tanker") && v.Route != "river-a" {
			t.Errorf("%s %s on a route without cargo traffic", v.Kind, v.Name)
		}
	}
	t.Logf("fleet: %v, class B %d", kinds, classB)
	for _, k := range []string{"cargo", "tanker", "passenger", "ferry", "fishing", "tug", "pleasure"} {
		if kinds[k] == 0 {
			t.Errorf("no %s vessels", k)
		}
	}
	if classB < 15 || classB > 35 {
		t.Errorf("%d class B vessels, want about a quarter", classB)
	}
}

func sixbit(s string) bool {
	for _, c := range s {
		if c < ' ' || c > '_' || c == '@' {
			return false
		}
	}
	return true
}

func TestRunStopsOnCancel(t *testing.T) {
	now := t0
	var mu sync.Mutex
	s, err := New(Config{Vessels: 10, Routes: testRoutes(), Seed: 1, Step: time.Millisecond, Now: func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(time.Second) // a simulated second per tick
		return now
	}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	lines := 0
	done := make(chan error, 1)
	go func() {
		done <- s.Run(ctx, func([]byte) {
			if lines++; lines == 50 {
				cancel()
			}
		})
	}()
	if err := <-done; err != nil {
		t.Fatalf("Run = %v, want nil after cancel", err)
	}
	if st := s.Stats(); st.Sentences < 50 || st.Positions == 0 || st.Statics == 0 {
		t.Errorf("stats after run: %+v", st)
	}
}
