package ais

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

func TestDeduper(t *testing.T) {
	type hear struct {
		payload string
		fill    int
		after   time.Duration
		dup     bool
	}
	tests := []struct {
		name  string
		hears []hear
	}{
		{name: "second receiver within window", hears: []hear{
			{payload: "15N2Wl?P02oRV=nCBrNn3gvJ2@7T"},
			{payload: "15N2Wl?P02oRV=nCBrNn3gvJ2@7T", after: 20 * time.Millisecond, dup: true},
			{payload: "15N2Wl?P02oRV=nCBrNn3gvJ2@7T", after: 2 * time.Second, dup: true},
		}},
		{name: "repeat after window passes", hears: []hear{
			{payload: "403OthQv0EGM<oV9DFC5hdg020S:"},
			{payload: "403OthQv0EGM<oV9DFC5hdg020S:", after: 2*time.Second + 1},
		}},
		{name: "window runs from first hearing", hears: []hear{
			{payload: "p"},
			{payload: "p", after: 1500 * time.Millisecond, dup: true},
			{payload: "p", after: 3000 * time.Millisecond},
			{payload: "p", after: 4500 * time.Millisecond, dup: true},
		}},
		{name: "other payload", hears: []hear{
			{payload: "abc"},
			{payload: "abd"},
		}},
		{name: "fill bits count", hears: []hear{
			{payload: "abc", fill: 0},
			{payload: "abc", fill: 2},
			{payload: "abc", fill: 2, dup: true},
		}},
		{name: "earlier clock within window", hears: []hear{
			{payload: "abc", after: time.Second},
			{payload: "abc", dup: true},
			{payload: "abc", after: -1500 * time.Millisecond},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := newDeduper(2*time.Second, 0)
			for i, h := range tc.hears {
				if got := d.duplicate([]byte(h.payload), h.fill, frameT0.Add(h.after)); got != h.dup {
					t.Errorf("hearing %d: duplicate=%v, want %v", i, got, h.dup)
				}
			}
		})
	}
}

func TestDeduperBounded(t *testing.T) {
	d := newDeduper(time.Minute, 4)
	for i := range 6 {
		if d.duplicate(fmt.Appendf(nil, "msg%d", i), 0, frameT0) {
			t.Fatalf("msg%d is a duplicate", i)
		}
	}
	if n := d.size(); n != 4 {
		t.Errorf("%d entries kept, want 4", n)
	}
	if d.duplicate([]byte("msg0"), 0, frameT0) {
		t.Error("msg0 was not forgotten")
	}
	if !d.duplicate([]byte("msg5"), 0, frameT0) {
		t.Error("msg5 was forgotten")
	}
}

func TestDeduperForgetsOld(t *testing.T) {
	d := newDeduper(2*time.Second, 0)
	for i := range 3000 {
		d.duplicate(fmt.Appendf(nil, "msg%d", i), 0, frameT0.Add(time.Duration(i)*time.Millisecond))
	}
	// Heard at 2999 ms: only the last 2 s (plus the current one) are kept.
	if n := d.size(); n != 2001 {
		t.Errorf("%d entries kept, want 2001", n)
	}
}

// TestSeenTableMatchesMap sets, finds and deletes hashes at random against
// a map, with hashes crowded into neighbouring home slots so that
// deletions shift long probe runs back.
func TestSeenTableMatchesMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	var tb seenTable
	want := map[uint64]int64{}
	for i := range 300_000 {
		h := uint64(rng.IntN(20_000)) + 1 // dense: homes side by side, long runs
		if rng.IntN(3) == 0 {
			h = rng.Uint64() | 1
		}
		w, held := want[h]
		if at, ok := tb.get(h); ok != held || at != w {
			t.Fatalf("op %d: get(%x) = %d, %v; want %d, %v", i, h, at, ok, w, held)
		}
		if held && rng.IntN(2) == 0 {
			tb.del(h)
			delete(want, h)
		} else {
			tb.set(h, int64(i))
			want[h] = int64(i)
		}
		if tb.n != len(want) {
			t.Fatalf("op %d: %d entries, want %d", i, tb.n, len(want))
		}
	}
	for h, w := range want {
		if at, ok := tb.get(h); !ok || at != w {
			t.Fatalf("get(%x) = %d, %v at the end; want %d", h, at, ok, w)
		}
	}
}
