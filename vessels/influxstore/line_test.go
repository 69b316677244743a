package influxstore

import (
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/vessels"
)

var t0 = time.Date(2026, 3, 1, 8, 0, 0, 500, time.UTC)

func TestAppendPosition(t *testing.T) {
	for _, c := range []struct {
		name string
		p    Position
		want string
	}{
		{"all fields", Position{MMSI: 413000001, Class: "A", Station: "jilin", NavStatus: 0,
			TrackPoint: vessels.TrackPoint{Time: t0, Lat: 43.85, Lon: 126.55, SOG: 10.2, COG: 359.9, Heading: 359}},
			"position,class=A,mmsi=413000001,station=jilin lat=43.85,lon=126.55,sog=10.2,cog=359.9,heading=359i,nav_status=0i 1772352000000000500\n"},
		{"not available left out", Position{MMSI: 1, NavStatus: -1,
			TrackPoint: vessels.TrackPoint{Time: t0, Lat: -1.5, Lon: 0, SOG: -1, COG: -1, Heading: -1}},
			"position,mmsi=1 lat=-1.5,lon=0 1772352000000000500\n"},
		{"zeros kept", Position{MMSI: 1, NavStatus: -1, TrackPoint: vessels.TrackPoint{Time: t0}},
			"position,mmsi=1 lat=0,lon=0,sog=0,cog=0,heading=0i 1772352000000000500\n"},
		{"tag escapes", Position{MMSI: 1, Station: "a b,c=d\ne\\", NavStatus: -1, TrackPoint: vessels.TrackPoint{Time: t0, SOG: -1, COG: -1, Heading: -1}},
			`position,mmsi=1,station=a\ b\,c\=d\ e\\ lat=0,lon=0 1772352000000000500` + "\n"},
	} {
		if got := string(appendPosition(nil, &c.p)); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
}

func TestAppendStaticAndAlert(t *testing.T) {
	s := Static{Time: t0, MMSI: 2, Name: `A "B"\`, ShipType: 70, Draught: 2.5, Persons: -1}
	if got, want := string(appendStatic(nil, &s)), `static,mmsi=2 name="A \"B\"\\",ship_type=70i,draught=2.5 1772352000000000500`+"\n"; got != want {
		t.Errorf("static:\n got %q\nwant %q", got, want)
	}
	empty := Static{Time: t0, MMSI: 3, Persons: -1}
	if got, want := string(appendStatic(nil, &empty)), "static,mmsi=3 persons=-1i 1772352000000000500\n"; got != want {
		t.Errorf("empty static:\n got %q\nwant %q", got, want)
	}
	a := Alert{Time: t0, ID: "x", Kind: "speeding", Severity: "warning", State: "open", Zone: "bridge 1", MMSI: 4, Lat: 1, Lon: 2, Message: "line\nbreak"}
	if got, want := string(appendAlert(nil, &a)), `alert,kind=speeding,severity=warning,state=open,zone=bridge\ 1 id="x",mmsi=4i,lat=1,lon=2,message="line break" 1772352000000000500`+"\n"; got != want {
		t.Errorf("alert:\n got %q\nwant %q", got, want)
	}
}

func TestFluxString(t *testing.T) {
	if got, want := fluxString(`db/rp "x" ${y} \`), `"db/rp \"x\" \${y} \\"`; got != want {
		t.Errorf("fluxString = %s, want %s", got, want)
	}
}

func TestSpillNames(t *testing.T) {
	seq, n, ok := parseSpillName(spillName(42, 5000))
	if !ok || seq != 42 || n != 5000 {
		t.Errorf("round trip = %d %d %v", seq, n, ok)
	}
	for _, bad := range []string{"x.lp", "1-0.lp", "1-2.tmp", "a-1.lp"} {
		if _, _, ok := parseSpillName(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}
