package vesselstest

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/vessels"
)

// TestStore runs the conformance suite of vessels.Store. newStore returns an
// empty store for each subtest; it registers its own cleanup with t.Cleanup.
//
// The suite checks what the Store contract promises: Update creates, merges
// atomically and stores nothing when fn fails; Get and Delete report
// vessels.ErrNotFound; List is in MMSI order and honours keep; copies handed
// out share nothing mutable with the store; every field of a Vessel except
// the read-time Stale and Lost survives a round trip (times to the
// nanosecond, in UTC).
func TestStore(t *testing.T, newStore func(t *testing.T) vessels.Store) {
	t.Helper()
	ctx := t.Context()
	t.Run("Empty", func(t *testing.T) {
		s := newStore(t)
		if n := s.Len(); n != 0 {
			t.Fatalf("Len of a new store = %d, want 0", n)
		}
		if _, err := s.Get(ctx, 211000001); !errors.Is(err, vessels.ErrNotFound) {
			t.Fatalf("Get of a missing vessel: err = %v, want ErrNotFound", err)
		}
		if err := s.Delete(ctx, 211000001); !errors.Is(err, vessels.ErrNotFound) {
			t.Fatalf("Delete of a missing vessel: err = %v, want ErrNotFound", err)
		}
		vs, err := s.List(ctx, nil)
		if err != nil || len(vs) != 0 {
			t.Fatalf("List of a new store = %d records, %v; want none", len(vs), err)
		}
	})
	t.Run("UpdateCreates", func(t *testing.T) {
		s := newStore(t)
		got, err := s.Update(ctx, 211000002, func(v *vessels.Vessel) error {
			if v.MMSI != 211000002 || v.Name != "" || v.Lat != nil || !v.LastSeen.IsZero() {
				return fmt.Errorf("fn got %+v, want a zero record with MMSI set", *v)
			}
			v.Name = "FIRST"
			return nil
		})
		if err != nil {
			t.Fatalf("Update: %v", err)
		}
		if got.MMSI != 211000002 || got.Name != "FIRST" {
			t.Fatalf("Update returned %d %q, want 211000002 FIRST", got.MMSI, got.Name)
		}
		mustGetName(t, s, 211000002, "FIRST")
		if n := s.Len(); n != 1 {
			t.Fatalf("Len = %d, want 1", n)
		}
	})
	t.Run("UpdateMerges", func(t *testing.T) {
		s := newStore(t)
		mustUpdate(t, s, 211000003, func(v *vessels.Vessel) { v.Name = "NAME" })
		got := mustUpdate(t, s, 211000003, func(v *vessels.Vessel) {
			if v.Name != "NAME" {
				t.Errorf("second Update saw name %q, want NAME", v.Name)
			}
			v.CallSign = "BXYZ"
		})
		if got.Name != "NAME" || got.CallSign != "BXYZ" {
			t.Fatalf("after two updates: %q %q, want NAME BXYZ", got.Name, got.CallSign)
		}
		if n := s.Len(); n != 1 {
			t.Fatalf("Len = %d, want 1", n)
		}
	})
	t.Run("UpdateErrorStoresNothing", func(t *testing.T) {
		s := newStore(t)
		errBoom := errors.New("boom")
		_, err := s.Update(ctx, 211000004, func(v *vessels.Vessel) error { v.Name = "NEW"; return errBoom })
		if !errors.Is(err, errBoom) {
			t.Fatalf("Update err = %v, want fn's error", err)
		}
		if _, err := s.Get(ctx, 211000004); !errors.Is(err, vessels.ErrNotFound) {
			t.Fatalf("a failed Update created the record (Get err = %v)", err)
		}
		mustUpdate(t, s, 211000004, func(v *vessels.Vessel) { v.Name = "OLD"; v.Flags = []string{"a"} })
		_, err = s.Update(ctx, 211000004, func(v *vessels.Vessel) error {
			v.Name = "NEW"
			if len(v.Flags) > 0 {
				v.Flags[0] = "scribbled"
			}
			return errBoom
		})
		if !errors.Is(err, errBoom) {
			t.Fatalf("Update err = %v, want fn's error", err)
		}
		got := mustGetName(t, s, 211000004, "OLD")
		if !slices.Equal(got.Flags, []string{"a"}) {
			t.Fatalf("a failed Update changed Flags to %q", got.Flags)
		}
	})
	t.Run("RoundTrip", func(t *testing.T) {
		s := newStore(t)
		want := FullVessel(244000005)
		mustUpdate(t, s, want.MMSI, func(v *vessels.Vessel) { *v = want })
		got, err := s.Get(ctx, want.MMSI)
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		want.Stale, want.Lost, got.Stale, got.Lost = false, false, false, false
		if g, w := mustJSON(t, got), mustJSON(t, want); g != w {
			t.Fatalf("round trip changed the record:\n got %s\nwant %s", g, w)
		}
	})
	t.Run("CopiesAreIndependent", func(t *testing.T) {
		s := newStore(t)
		ret := mustUpdate(t, s, 211000006, func(v *vessels.Vessel) { v.Flags = []string{"invalid_mmsi"}; v.Name = "A" })
		ret.Flags[0] = "changed"
		ret.Name = "B"
		got, err := s.Get(ctx, 211000006)
		if err != nil {
			t.Fatal(err)
		}
		if got.Flags[0] != "invalid_mmsi" || got.Name != "A" {
			t.Fatalf("changing Update's result changed the store: %q %q", got.Flags, got.Name)
		}
		got.Flags[0] = "changed"
		list, err := s.List(ctx, nil)
		if err != nil || len(list) != 1 {
			t.Fatalf("List = %d records, %v; want 1", len(list), err)
		}
		if list[0].Flags[0] != "invalid_mmsi" {
			t.Fatalf("changing Get's result changed the store: %q", list[0].Flags)
		}
		list[0].Flags[0] = "changed"
		if got, _ := s.Get(ctx, 211000006); got.Flags[0] != "invalid_mmsi" {
			t.Fatalf("changing List's result changed the store: %q", got.Flags)
		}
	})
	t.Run("ListOrderAndKeep", func(t *testing.T) {
		s := newStore(t)
		rng := rand.New(rand.NewPCG(1, 2))
		var all []uint32
		for len(all) < 50 {
			m := 200_000_000 + rng.Uint32N(600_000_000)
			if slices.Contains(all, m) {
				continue
			}
			all = append(all, m)
			mustUpdate(t, s, m, func(v *vessels.Vessel) { v.ShipType = int(m % 10) })
		}
		slices.Sort(all)
		vs, err := s.List(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := mmsis(vs); !slices.Equal(got, all) {
			t.Fatalf("List(nil) = %v\nwant %v", got, all)
		}
		vs, err = s.List(ctx, func(v *vessels.Vessel) bool { return v.ShipType == 3 })
		if err != nil {
			t.Fatal(err)
		}
		var want []uint32
		for _, m := range all {
			if m%10 == 3 {
				want = append(want, m)
			}
		}
		if got := mmsis(vs); !slices.Equal(got, want) {
			t.Fatalf("List(ShipType 3) = %v, want %v", got, want)
		}
	})
	t.Run("Delete", func(t *testing.T) {
		s := newStore(t)
		for _, m := range []uint32{211000007, 211000008} {
			mustUpdate(t, s, m, func(v *vessels.Vessel) { v.Name = "X" })
		}
		if err := s.Delete(ctx, 211000007); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if _, err := s.Get(ctx, 211000007); !errors.Is(err, vessels.ErrNotFound) {
			t.Fatalf("Get after Delete: err = %v, want ErrNotFound", err)
		}
		if err := s.Delete(ctx, 211000007); !errors.Is(err, vessels.ErrNotFound) {
			t.Fatalf("second Delete: err = %v, want ErrNotFound", err)
		}
		if n := s.Len(); n != 1 {
			t.Fatalf("Len = %d, want 1", n)
		}
		got := mustUpdate(t, s, 211000007, func(v *vessels.Vessel) {
			if v.Name != "" {
				t.Errorf("record recreated after Delete still has name %q", v.Name)
			}
		})
		if got.MMSI != 211000007 {
			t.Fatalf("recreated MMSI = %d", got.MMSI)
		}
	})
	t.Run("ConcurrentUpdatesAreAtomic", func(t *testing.T) {
		s := newStore(t)
		const workers, each = 8, 50
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := range each {
					if _, err := s.Update(ctx, 211000009, func(v *vessels.Vessel) error { v.ShipType++; return nil }); err != nil {
						t.Errorf("Update: %v", err)
						return
					}
					m := uint32(212000000 + w*each + i)
					if _, err := s.Update(ctx, m, func(v *vessels.Vessel) error { v.Name = "W"; return nil }); err != nil {
						t.Errorf("Update: %v", err)
						return
					}
					if _, err := s.Get(ctx, 211000009); err != nil {
						t.Errorf("Get: %v", err)
						return
					}
					if i%10 == 0 {
						if _, err := s.List(ctx, nil); err != nil {
							t.Errorf("List: %v", err)
							return
						}
					}
				}
			})
		}
		wg.Wait()
		got, err := s.Get(ctx, 211000009)
		if err != nil {
			t.Fatal(err)
		}
		if got.ShipType != workers*each {
			t.Fatalf("after %d concurrent increments the counter is %d", workers*each, got.ShipType)
		}
		if n := s.Len(); n != workers*each+1 {
			t.Fatalf("Len = %d, want %d", n, workers*each+1)
		}
	})
}

// FullVessel is a record with every field set, for round-trip tests.
func FullVessel(mmsi uint32) vessels.Vessel {
	f := func(x float64) *float64 { return &x }
	i := func(x int) *int { return &x }
	at := time.Date(2026, 5, 1, 8, 30, 15, 123456789, time.UTC)
	return vessels.Vessel{
		MMSI: mmsi, Class: "A", Name: "SONGHUA 7", CallSign: "BSHA7", IMO: 9123456,
		ShipType: 79, Destination: "HARBIN", ETA: "05-02 06:00", Length: 85, Beam: 11, Draught: 2.4,
		Lat: f(45.7712), Lon: f(126.6345), SOG: f(7.3), COG: f(81.2), Heading: i(80),
		NavStatus: 0, Accuracy: true,
		Inland: &vessels.Inland{ENI: "08123456", Length: 85.5, Beam: 11.4, ERIType: 8020,
			HazardousCones: 1, Draught: 2.41, Loaded: "loaded"},
		Persons:  &vessels.Persons{Crew: i(5), Passengers: nil, Personnel: i(0)},
		Flags:    []string{"invalid_mmsi", "position_jump"},
		LastSeen: at, PositionAt: at.Add(-time.Second), StaticAt: at.Add(-time.Minute), InlandAt: at.Add(-2 * time.Minute),
		Station: "jilin-1", PositionStation: "jilin-1", StaticStation: "harbin-2", LongRange: true,
	}
}

func mustUpdate(t *testing.T, s vessels.Store, mmsi uint32, fn func(v *vessels.Vessel)) vessels.Vessel {
	t.Helper()
	v, err := s.Update(t.Context(), mmsi, func(v *vessels.Vessel) error { fn(v); return nil })
	if err != nil {
		t.Fatalf("Update %d: %v", mmsi, err)
	}
	return v
}

func mustGetName(t *testing.T, s vessels.Store, mmsi uint32, name string) vessels.Vessel {
	t.Helper()
	v, err := s.Get(t.Context(), mmsi)
	if err != nil {
		t.Fatalf("Get %d: %v", mmsi, err)
	}
	if v.Name != name {
		t.Fatalf("Get %d: name %q, want %q", mmsi, v.Name, name)
	}
	return v
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func mmsis(vs []vessels.Vessel) []uint32 {
	out := make([]uint32, len(vs))
	for i, v := range vs {
		out[i] = v.MMSI
	}
	return out
}
