package api

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/riverwatch/riverwatch/zones"
)

// testZones are built-in zones around Jilin: a lake, a border line and a
// quay circle.
func testZones() []zones.Zone {
	return []zones.Zone{
		{ID: "songhua-lake", Name: "Songhua Lake", NameZH: "松花湖", Kind: zones.KindLake, Source: "default",
			Geom: orb.Polygon{{{126.6, 43.6}, {126.9, 43.6}, {126.9, 43.9}, {126.6, 43.9}, {126.6, 43.6}}}},
		{ID: "yalu-border", Name: "Yalu boundary", NameZH: "鸭绿江国境线", Kind: zones.KindBorder, Source: "default",
			BufferM: 200, Geom: orb.LineString{{124.3, 40.0}, {124.4, 40.1}, {124.5, 40.15}}},
		{ID: "jilin.quay:1", Name: "Jilin quay", NameZH: "吉林港", Kind: zones.KindQuay, Source: "file",
			RadiusM: 150, SpeedLimitKn: 3, Geom: orb.Point{126.55, 43.84}},
	}
}

// roleAuth lets every request in as one principal.
type roleAuth Principal

func (a roleAuth) Authenticate(*fiber.Ctx) (Principal, error) { return Principal(a), nil }

// anchorageFeature is a valid API zone as a GeoJSON Feature; id "" leaves
// the id out.
func anchorageFeature(id string, ring orb.Ring) string {
	f := geojson.NewFeature(orb.Polygon{ring})
	f.Properties = geojson.Properties{"name": "Test anchorage", "name_zh": "测试锚地", "kind": "anchorage"}
	if id != "" {
		f.Properties["id"] = id
	}
	b, _ := f.MarshalJSON()
	return string(b)
}

var square = orb.Ring{{126.5, 43.8}, {126.52, 43.8}, {126.52, 43.82}, {126.5, 43.82}, {126.5, 43.8}}

// bigRing is a closed circle of n vertices, a zone body over the JSON limit.
func bigRing(n int) orb.Ring {
	r := make(orb.Ring, 0, n+1)
	for i := range n {
		a := 2 * math.Pi * float64(i) / float64(n)
		r = append(r, orb.Point{126.5 + 0.05*math.Cos(a), 43.8 + 0.05*math.Sin(a)})
	}
	return append(r, r[0])
}

func TestZoneEndpoints(t *testing.T) {
	big := anchorageFeature("big-anchorage", bigRing(9000))
	if len(big) <= jsonBodyLimit {
		t.Fatalf("big zone is only %d bytes", len(big))
	}
	for _, tc := range []struct {
		name, method, target, ctype, body string
		status                            int
		want                              string
	}{
		{"list", "GET", "/api/v1/zones", "", "", 200, `"type":"FeatureCollection"`},
		{"list kind", "GET", "/api/v1/zones?kind=border", "", "", 200, `"id":"yalu-border"`},
		{"list kind bad", "GET", "/api/v1/zones?kind=harbour", "", "", 400, `bad parameter \"kind\": want one of ferry_crossing, quay`},
		{"one", "GET", "/api/v1/zones/songhua-lake", "", "", 200, `"name_zh":"松花湖"`},
		{"one dotted id", "GET", "/api/v1/zones/jilin.quay:1", "", "", 200, `"radius_m":150`},
		{"one unknown", "GET", "/api/v1/zones/nowhere", "", "", 404, `{"error":"not found"}`},
		{"one too long", "GET", "/api/v1/zones/" + strings.Repeat("x", 65), "", "", 400, `bad parameter \"id\"`},
		{"create", "POST", "/api/v1/zones", "application/geo+json", anchorageFeature("anchor-1", square), 201, `"source":"api"`},
		{"create json type", "POST", "/api/v1/zones", "application/json; charset=utf-8", anchorageFeature("anchor-1", square), 201, `"id":"anchor-1"`},
		{"create over 64 KiB", "POST", "/api/v1/zones", "application/geo+json", big, 201, `"id":"big-anchorage"`},
		{"create existing", "POST", "/api/v1/zones", "application/geo+json", anchorageFeature("songhua-lake", square), 409, `zone \"songhua-lake\" exists; PUT`},
		{"create no id", "POST", "/api/v1/zones", "application/geo+json", anchorageFeature("", square), 400, `zone id \"\"`},
		{"create bad kind", "POST", "/api/v1/zones", "application/geo+json",
			strings.Replace(anchorageFeature("a2", square), "anchorage", "harbour", 1), 400, `unknown kind \"harbour\"`},
		{"create open ring", "POST", "/api/v1/zones", "application/geo+json", anchorageFeature("a3", square[:4]), 400, `not closed`},
		{"create bad json", "POST", "/api/v1/zones", "application/geo+json", `{"type":"Feature",`, 400, `not a GeoJSON Feature`},
		{"create text/plain", "POST", "/api/v1/zones", "text/plain", anchorageFeature("a4", square), 415, `{"error":"unsupported media type"}`},
		{"put new", "PUT", "/api/v1/zones/anchor-2", "application/geo+json", anchorageFeature("", square), 201, `"id":"anchor-2"`},
		{"put same id", "PUT", "/api/v1/zones/anchor-2", "application/geo+json", anchorageFeature("anchor-2", square), 201, `"id":"anchor-2"`},
		{"put other id", "PUT", "/api/v1/zones/anchor-2", "application/geo+json", anchorageFeature("anchor-3", square), 400,
			`bad request body: id \"anchor-3\" in the body is not \"anchor-2\" of the path`},
		{"put built-in", "PUT", "/api/v1/zones/songhua-lake", "application/geo+json", anchorageFeature("", square), 409, `built in`},
		{"put bad json", "PUT", "/api/v1/zones/anchor-2", "application/json", `[1,2]`, 400, `not a GeoJSON Feature`},
		{"delete built-in", "DELETE", "/api/v1/zones/yalu-border", "", "", 409, `built in`},
		{"delete unknown", "DELETE", "/api/v1/zones/nowhere", "", "", 404, `{"error":"not found"}`},
		{"vessels unknown zone", "GET", "/api/v1/zones/nowhere/vessels", "", "", 404, `{"error":"not found"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t, nil, jilinFleet()...)
			r := fx.doBody(t, tc.method, tc.target, tc.ctype, tc.body, nil)
			if r.status != tc.status || !strings.Contains(r.body, tc.want) {
				t.Fatalf("%d %.300s\nwant %d and %s", r.status, r.body, tc.status, tc.want)
			}
			ct := r.header.Get("Content-Type")
			switch {
			case r.status >= 400 && !strings.HasPrefix(ct, "application/json"):
				t.Errorf("error Content-Type %q", ct)
			case r.status < 300 && ct != "application/geo+json":
				t.Errorf("Content-Type %q, want application/geo+json", ct)
			}
			if r.status == 201 && !strings.HasPrefix(r.header.Get("Location"), "/api/v1/zones/") {
				t.Errorf("Location %q", r.header.Get("Location"))
			}
		})
	}
}

func TestZoneListAndChanges(t *testing.T) {
	fx := newFixture(t, func(c *Config, _ *Deps) {
		c.Auth = roleAuth{Name: "王警官", Roles: []string{RoleViewer, RoleOfficer}}
	})
	fc, err := geojson.UnmarshalFeatureCollection([]byte(fx.do(t, "GET", "/api/v1/zones", nil).body))
	if err != nil || len(fc.Features) != 3 {
		t.Fatalf("zones: %v %+v", err, fc)
	}
	if id := fc.Features[0].Properties["id"]; id != "jilin.quay:1" {
		t.Errorf("first zone %v, want id order", id)
	}
	r := fx.doBody(t, "POST", "/api/v1/zones", "application/geo+json", anchorageFeature("anchor-1", square), nil)
	if r.status != 201 || r.header.Get("Location") != "/api/v1/zones/anchor-1" {
		t.Fatalf("create: %d %s %v", r.status, r.body, r.header)
	}
	z, err := zones.ParseZone([]byte(r.body))
	if err != nil || z.Kind != zones.KindAnchorage || z.Source != "api" || z.UpdatedAt.IsZero() {
		t.Fatalf("stored zone %+v: %v", z, err)
	}
	if fx.zones.lastBy != "王警官" {
		t.Errorf("changed by %q, want the principal", fx.zones.lastBy)
	}
	// A body claiming to be built in is stored as an API zone all the same.
	spoof := strings.Replace(anchorageFeature("", square), `"kind"`, `"source":"default","kind"`, 1)
	if r := fx.doBody(t, "PUT", "/api/v1/zones/anchor-2", "application/geo+json", spoof, nil); r.status != 201 || !strings.Contains(r.body, `"source":"api"`) {
		t.Errorf("spoofed source: %d %s", r.status, r.body)
	}
	if r := fx.doBody(t, "PUT", "/api/v1/zones/anchor-2", "application/geo+json", anchorageFeature("", square), nil); r.status != 200 {
		t.Errorf("replace: %d %s", r.status, r.body)
	}
	if r := fx.do(t, "GET", "/api/v1/zones?kind=anchorage", nil); strings.Count(r.body, `"type":"Feature"`) != 2 {
		t.Errorf("anchorages: %s", r.body)
	}
	if r := fx.do(t, "DELETE", "/api/v1/zones/anchor-1", nil); r.status != 204 || r.body != "" {
		t.Errorf("delete: %d %q", r.status, r.body)
	}
	if r := fx.do(t, "GET", "/api/v1/zones/anchor-1", nil); r.status != 404 {
		t.Errorf("deleted zone: %d", r.status)
	}
}

func TestZoneVessels(t *testing.T) {
	fx := newFixture(t, nil, jilinFleet()...)
	fx.zones.inside["songhua-lake"] = []uint32{412000001, 412000099} // the second has left the live picture
	r := fx.do(t, "GET", "/api/v1/zones/songhua-lake/vessels", nil)
	var body ZoneVessels
	if err := json.Unmarshal([]byte(r.body), &body); err != nil || r.status != 200 {
		t.Fatalf("%d %s: %v", r.status, r.body, err)
	}
	if body.ZoneID != "songhua-lake" || body.Count != 2 || len(body.MMSI) != 2 || len(body.Vessels) != 1 || body.Vessels[0].Name != "JI HANG 1" {
		t.Errorf("body %+v", body)
	}
	r = fx.do(t, "GET", "/api/v1/zones/yalu-border/vessels", nil)
	if r.body != `{"zone_id":"yalu-border","count":0,"mmsi":[],"vessels":[]}` {
		t.Errorf("empty zone: %s", r.body)
	}
}

// TestWritesNeedOfficer: a viewer reads but cannot change; a browser on
// another site cannot change either, even as an officer.
func TestWritesNeedOfficer(t *testing.T) {
	writes := []struct{ method, target, ctype, body string }{
		{"POST", "/api/v1/zones", "application/geo+json", anchorageFeature("anchor-1", square)},
		{"PUT", "/api/v1/zones/anchor-1", "application/geo+json", anchorageFeature("", square)},
		{"DELETE", "/api/v1/zones/anchor-1", "", ""},
		{"POST", "/api/v1/bans", "application/json", banBody},
		{"DELETE", "/api/v1/bans/ban-1", "", ""},
		{"POST", "/api/v1/alerts/alert-1/ack", "", ""},
		{"POST", "/api/v1/alerts/alert-1/resolve", "", ""},
	}
	viewer := newFixture(t, func(c *Config, _ *Deps) { c.Auth = roleAuth{Name: "guest", Roles: []string{RoleViewer}} })
	officer := newFixture(t, nil)
	for _, w := range writes {
		if r := viewer.doBody(t, w.method, w.target, w.ctype, w.body, nil); r.status != 403 || r.body != `{"error":"forbidden"}` {
			t.Errorf("viewer %s %s: %d %s", w.method, w.target, r.status, r.body)
		}
		cross := map[string]string{"Origin": "https://evil.example"}
		if r := officer.doBody(t, w.method, w.target, w.ctype, w.body, cross); r.status != 403 {
			t.Errorf("cross-site %s %s: %d %s", w.method, w.target, r.status, r.body)
		}
	}
	for _, target := range []string{"/api/v1/zones", "/api/v1/bans", "/api/v1/alerts"} {
		if r := viewer.do(t, "GET", target, nil); r.status != 200 {
			t.Errorf("viewer GET %s: %d", target, r.status)
		}
	}
	// The default principal is an officer, and the board's own origin may write.
	same := map[string]string{"Origin": "http://example.com"} // httptest's Host
	if r := officer.doBody(t, "POST", "/api/v1/zones", "application/geo+json", anchorageFeature("anchor-1", square), same); r.status != 201 {
		t.Errorf("same-origin officer: %d %s", r.status, r.body)
	}
	if officer.zones.lastBy != "anonymous" {
		t.Errorf("changed by %q", officer.zones.lastBy)
	}
}

func TestZoneErrors(t *testing.T) {
	for _, tc := range []struct {
		err    error
		status int
		want   string
	}{
		{fmt.Errorf("redis 10.0.0.7:6379: %w", zones.ErrUnavailable), 503, `{"error":"zone store unavailable, try again later"}`},
		{fmt.Errorf("zone %q: %w", "x", zones.ErrNotFound), 404, `{"error":"not found"}`},
		{fmt.Errorf("%w: ban: until is not after from", zones.ErrInvalid), 400, `{"error":"zones: invalid: ban: until is not after from"}`},
		{fmt.Errorf("%w: ban %q was lifted", zones.ErrConflict, "b"), 409, `{"error":"zones: conflict: ban \"b\" was lifted"}`},
	} {
		fx := newFixture(t, nil, jilinFleet()...)
		fx.zones.err = tc.err
		for _, target := range []string{"/api/v1/bans", "/api/v1/alerts", "/api/v1/zones/songhua-lake/vessels"} {
			if r := fx.do(t, "GET", target, nil); r.status != tc.status || r.body != tc.want {
				t.Errorf("%s with %v: %d %s, want %d %s", target, tc.err, r.status, r.body, tc.status, tc.want)
			}
		}
	}
}
