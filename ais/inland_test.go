package ais

import (
	"errors"
	"testing"
)

func TestInlandVoyageRoundTrip(t *testing.T) {
	for _, v := range []InlandVoyage{
		{ENI: "02103547", Length: 39, Beam: 5, ERIType: 8010, Draught: 2.04, Loaded: 1},
		{ENI: "04800010", Length: 110.5, Beam: 11.4, ERIType: 8160, HazardousCones: 2, Draught: 3.5,
			Loaded: 2, SpeedQuality: true, CourseQuality: true, HeadingQuality: true},
		{}, // all "not available"
	} {
		bits, err := InlandVoyageBits(&v)
		if err != nil {
			t.Fatal(err)
		}
		if len(bits) != 112 {
			t.Fatalf("%d bits", len(bits))
		}
		got, err := DecodeInlandVoyage(bits)
		if err != nil {
			t.Fatal(err)
		}
		if *got != v {
			t.Errorf("round trip: got %+v, want %+v", *got, v)
		}
	}
}

func TestInlandVoyageRejects(t *testing.T) {
	for name, v := range map[string]InlandVoyage{
		"long ENI":     {ENI: "123456789"},
		"bad ENI char": {ENI: "0210354!"[:7] + "\x01"},
		"length":       {Length: 900},
		"hazard":       {HazardousCones: 8},
		"draught":      {Draught: 21},
		"loaded":       {Loaded: 4},
	} {
		if _, err := InlandVoyageBits(&v); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	if _, err := DecodeInlandVoyage(make([]byte, 300)); !errors.Is(err, ErrMalformed) {
		t.Errorf("long FI 10: err = %v", err)
	}
	bits, _ := InlandVoyageBits(&InlandVoyage{})
	copy(bits[85:88], []byte{1, 1, 0}) // hazard 6: a false match, as gpsd judges
	if _, err := DecodeInlandVoyage(bits); !errors.Is(err, ErrMalformed) {
		t.Errorf("hazard 6: err = %v", err)
	}
}

func TestPersonsOnBoardRoundTrip(t *testing.T) {
	for _, p := range []PersonsOnBoard{{4, 0, 0}, {-1, -1, -1}, {254, 8190, 254}, {0, 120, -1}} {
		bits, err := PersonsOnBoardBits(&p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodePersonsOnBoard(bits)
		if err != nil {
			t.Fatal(err)
		}
		if *got != p {
			t.Errorf("got %+v, want %+v", *got, p)
		}
	}
	if _, err := PersonsOnBoardBits(&PersonsOnBoard{Crew: 300}); !errors.Is(err, ErrMalformed) {
		t.Errorf("crew 300: err = %v", err)
	}
	// Spare bits left off (libais allows 88-bit messages): still decoded.
	if p, err := DecodePersonsOnBoard(make([]byte, 32)); err != nil || *p != (PersonsOnBoard{}) {
		t.Errorf("short FI 55: %+v %v", p, err)
	}
}
