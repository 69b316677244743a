package api

import (
	"strings"
	"testing"
)

func TestSetPersons(t *testing.T) {
	for _, tc := range []struct {
		name, target, body string
		status             int
		want               string
		persons            int // recorded, or 99 for nothing
	}{
		{"count", "/api/v1/vessels/412000001/persons", `{"persons":57}`, 200, `"persons":57`, 57},
		{"forget", "/api/v1/vessels/412000001/persons", `{"persons":null}`, 200, `"persons":null`, -1},
		{"unknown vessel", "/api/v1/vessels/412999999/persons", `{"persons":5}`, 404, `not found`, 99},
		{"bad mmsi", "/api/v1/vessels/x/persons", `{"persons":5}`, 400, `bad parameter`, 99},
		{"too many", "/api/v1/vessels/412000001/persons", `{"persons":100000}`, 400, `at most`, 99},
		{"bad json", "/api/v1/vessels/412000001/persons", `{"persons":`, 400, `error`, 99},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t, nil, testVessel(412000001, "SONG HUA DU 1", 45.1, 124.8))
			r := fx.doBody(t, "PUT", tc.target, "application/json", tc.body, nil)
			if r.status != tc.status || !strings.Contains(r.body, tc.want) {
				t.Fatalf("%d %s, want %d and %s", r.status, r.body, tc.status, tc.want)
			}
			got, ok := fx.zones.persons[412000001]
			if tc.persons == 99 && ok || tc.persons != 99 && got != tc.persons {
				t.Errorf("recorded %v (%v), want %d", got, ok, tc.persons)
			}
		})
	}
}
