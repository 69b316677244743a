package ais

import (
	"reflect"
	"testing"
)

func TestMessageClone(t *testing.T) {
	m := &Message{Type: 8, MMSI: 211000001, Source: "s"}
	m.Position = m.setPosition(Position{Lat: 43.8, Lon: 126.5, PosValid: true})
	m.Static = &Static{Name: "A"}
	m.Inland = &InlandVoyage{ENI: "01234567"}
	m.Persons = &PersonsOnBoard{Crew: 3, Passengers: -1, Personnel: 0}
	m.Binary = &Binary{DAC: 200, FI: 10, Bits: []byte{1, 0, 1}}
	c := m.Clone()
	if !reflect.DeepEqual(c, m) {
		t.Fatalf("clone differs:\n%+v\n%+v", c, m)
	}
	// The pipeline reuses m for the next message: the clone must not change.
	*m.Position = Position{}
	m.Static.Name = "B"
	m.Inland.ENI = ""
	m.Persons.Crew = 0
	m.Binary.Bits[0] = 0
	if c.Position.Lat != 43.8 || c.Position != &c.pos || c.Static.Name != "A" || c.Inland.ENI != "01234567" ||
		c.Persons.Crew != 3 || c.Binary.Bits[0] != 1 {
		t.Fatalf("clone shares storage with the original: %+v", c)
	}
}
