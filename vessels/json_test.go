package vessels_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/riverwatch/riverwatch/vessels"
)

// TestWireNulls: AIS "not available" codes go out as null, never as a
// number, and come back as the codes.
func TestWireNulls(t *testing.T) {
	v := vessels.Vessel{MMSI: 413000001, Class: "B", NavStatus: 15, Inland: &vessels.Inland{HazardousCones: 5}}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"imo":null`, `"ship_type":null`, `"nav_status":null`, `"hazardous_cones":null`, `"lat":null`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("%s lacks %s", b, want)
		}
	}
	var back vessels.Vessel
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.NavStatus != 15 || back.IMO != 0 || back.ShipType != 0 || back.Inland.HazardousCones != 5 {
		t.Errorf("read back %+v", back)
	}

	full := vessels.Vessel{MMSI: 412000001, IMO: 9123456, ShipType: 70, NavStatus: 0, Inland: &vessels.Inland{HazardousCones: 2}}
	b, _ = json.Marshal(full)
	for _, want := range []string{`"imo":9123456`, `"ship_type":70`, `"nav_status":0`, `"hazardous_cones":2`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("%s lacks %s", b, want)
		}
	}

	p := vessels.TrackPoint{Lat: 43.8, Lon: 126.5, SOG: -1, COG: 90, Heading: -1}
	b, _ = json.Marshal(p)
	if !strings.Contains(string(b), `"sog":null`) || !strings.Contains(string(b), `"heading":null`) || !strings.Contains(string(b), `"cog":90`) {
		t.Errorf("track point %s", b)
	}
	var pb vessels.TrackPoint
	if err := json.Unmarshal(b, &pb); err != nil || !reflect.DeepEqual(pb, p) {
		t.Errorf("track point read back %+v, %v", pb, err)
	}
}
