package ais

import (
	"bytes"
	"errors"
	"math/rand"
	"testing"
)

func TestArmourRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for n := 0; n < 200; n++ {
		bits := make([]byte, n)
		for i := range bits {
			bits[i] = byte(rng.Intn(2))
		}
		arm, fill := AppendArmoured(nil, bits)
		back, err := AppendUnarmoured(nil, arm, fill)
		if err != nil {
			t.Fatalf("%d bits: %v", n, err)
		}
		if !bytes.Equal(back, bits) {
			t.Fatalf("%d bits: round trip changed them", n)
		}
	}
}

func TestUnarmour(t *testing.T) {
	got, err := AppendUnarmoured(nil, []byte("0w`W"), 2)
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 0, 0, 1, 0, 0, 1}
	if !bytes.Equal(got, want) {
		t.Fatalf("got %v", got)
	}
	for _, bad := range []struct {
		p    string
		fill int
	}{{"0X", 0}, {"0 ", 0}, {"", 1}, {"00", -1}, {"00", 6}} {
		if _, err := AppendUnarmoured(nil, []byte(bad.p), bad.fill); !errors.Is(err, ErrMalformed) {
			t.Errorf("%q fill %d: err = %v", bad.p, bad.fill, err)
		}
	}
}

func TestUnarmourReusesBuffer(t *testing.T) {
	buf := make([]byte, 0, 1024)
	p := []byte("15RTgt0PAso;90TKcjM8h6g208CQ")
	if n := testing.AllocsPerRun(100, func() { buf, _ = AppendUnarmoured(buf[:0], p, 0) }); n != 0 {
		t.Fatalf("%v allocations", n)
	}
}
