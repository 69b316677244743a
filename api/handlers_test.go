package api

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/riverwatch/riverwatch/ais/aistest"
	"github.com/riverwatch/riverwatch/vessels"
)

func jilinFleet() []vessels.Vessel {
	a := testVessel(412000001, "JI HANG 1", 43.80, 126.55) // Songhua Lake
	b := testVessel(412000002, "YALU STAR", 40.12, 124.38) // Yalu at Dandong
	b.Class, b.ShipType, b.Stale = "B", 37, true
	c := testVessel(412000003, "CHAGAN FISHER", 45.25, 124.28) // Chagan Lake
	c.ShipType = 30
	return []vessels.Vessel{a, b, c}
}

// endpointCases are the table of GET requests with the answer each must get.
var endpointCases = []struct {
	name   string
	target string
	status int
	want   string // substring of the body
}{
	{"healthz", "/healthz", 200, `{"status":"ok","zones":{"store":"fake","store_ok":true,"since":"0001-01-01T00:00:00Z","pending":0},"history":{"backend":"memory","ok":true`},
	{"vessels all", "/api/v1/vessels", 200, `"count":3`},
	{"vessels bbox", "/api/v1/vessels?bbox=124,40,125,41", 200, `"count":1`},
	{"vessels bbox spaces", "/api/v1/vessels?bbox=124,%2040,125,41", 200, `"count":1`},
	{"vessels class", "/api/v1/vessels?class=B", 200, `"YALU STAR"`},
	{"vessels type", "/api/v1/vessels?type=70", 200, `"count":1`},
	{"vessels type range", "/api/v1/vessels?type=70-79", 200, `"count":1`},
	{"vessels type list", "/api/v1/vessels?type=30,52,60-69", 200, `"CHAGAN FISHER"`},
	{"vessels stale", "/api/v1/vessels?stale=true", 200, `"count":1`},
	{"vessels fresh", "/api/v1/vessels?stale=false", 200, `"count":2`},
	{"vessels q name", "/api/v1/vessels?q=chagan", 200, `"count":1`},
	{"vessels q mmsi", "/api/v1/vessels?q=41200000", 200, `"count":3`},
	{"vessels limit", "/api/v1/vessels?limit=2", 200, `"count":2`},
	{"vessels none", "/api/v1/vessels?q=nobody", 200, `{"count":0,"vessels":[]}`},
	{"bbox three parts", "/api/v1/vessels?bbox=1,2,3", 400, `bad parameter \"bbox\"`},
	{"bbox not number", "/api/v1/vessels?bbox=a,2,3,4", 400, `bad parameter \"bbox\"`},
	{"bbox NaN", "/api/v1/vessels?bbox=NaN,2,3,4", 400, `bad parameter \"bbox\"`},
	{"bbox west east", "/api/v1/vessels?bbox=127,40,124,41", 400, `west must not exceed east`},
	{"bbox south north", "/api/v1/vessels?bbox=124,45,125,41", 400, `south must not exceed north`},
	{"bbox lon range", "/api/v1/vessels?bbox=-181,40,125,41", 400, `longitudes`},
	{"bbox lat range", "/api/v1/vessels?bbox=124,40,125,91", 400, `latitudes`},
	{"class bad", "/api/v1/vessels?class=C", 400, `bad parameter \"class\"`},
	{"type bad", "/api/v1/vessels?type=cargo", 400, `bad parameter \"type\"`},
	{"type backwards", "/api/v1/vessels?type=79-70", 400, `runs backwards`},
	{"type too big", "/api/v1/vessels?type=256", 400, `bad parameter \"type\"`},
	{"type open range", "/api/v1/vessels?type=70-", 400, `bad parameter \"type\"`},
	{"stale bad", "/api/v1/vessels?stale=yes", 400, `bad parameter \"stale\"`},
	{"limit zero", "/api/v1/vessels?limit=0", 400, `bad parameter \"limit\"`},
	{"limit big", "/api/v1/vessels?limit=10001", 400, `bad parameter \"limit\"`},
	{"limit word", "/api/v1/vessels?limit=all", 400, `bad parameter \"limit\"`},
	{"q too long", "/api/v1/vessels?q=" + strings.Repeat("x", 65), 400, `bad parameter \"q\"`},
	{"vessel", "/api/v1/vessels/412000001", 200, `"name":"JI HANG 1"`},
	{"vessel unknown", "/api/v1/vessels/412999999", 404, `{"error":"not found"}`},
	{"vessel zero", "/api/v1/vessels/0", 400, `bad parameter \"mmsi\"`},
	{"vessel ten digits", "/api/v1/vessels/1234567890", 400, `bad parameter \"mmsi\"`},
	{"vessel letters", "/api/v1/vessels/41200000x", 400, `bad parameter \"mmsi\"`},
	{"vessel sign", "/api/v1/vessels/+412000001", 400, `bad parameter \"mmsi\"`},
	{"track", "/api/v1/vessels/412000001/track", 200, `{"mmsi":412000001,"points":[`},
	{"track unix", "/api/v1/vessels/412000001/track?since=1751335200&until=1751342400&limit=5", 200, `"mmsi":412000001`},
	{"track rfc3339", "/api/v1/vessels/412000001/track?since=2025-07-01T10:00:00%2B08:00", 200, `"mmsi":412000001`},
	{"track unknown", "/api/v1/vessels/412999999/track", 404, `{"error":"not found"}`},
	{"track bad mmsi", "/api/v1/vessels/abc/track", 400, `bad parameter \"mmsi\"`},
	{"track bad since", "/api/v1/vessels/412000001/track?since=yesterday", 400, `bad parameter \"since\"`},
	{"track bad until", "/api/v1/vessels/412000001/track?until=2025-13-01T00:00:00Z", 400, `bad parameter \"until\"`},
	{"track until before since", "/api/v1/vessels/412000001/track?since=1751335200&until=1751335199", 400, `must not be before since`},
	{"track bad limit", "/api/v1/vessels/412000001/track?limit=-1", 400, `bad parameter \"limit\"`},
	{"sources", "/api/v1/sources", 200, `"total":{"name":"total"`},
	{"config", "/api/v1/config", 200, `"center":[43.9,126.5],"zoom":7,"timezone":"Asia/Shanghai"`},
	{"waterways", "/api/v1/waterways", 200, `"FeatureCollection"`},
	{"live without upgrade", "/api/v1/live", 426, `{"error":"upgrade required"}`},
	{"api unknown", "/api/v1/nothing", 404, `{"error":"not found"}`},
	{"unknown no board", "/index.html", 404, `{"error":"not found"}`},
}

func TestEndpoints(t *testing.T) {
	fx := newFixture(t, nil, jilinFleet()...)
	for _, tc := range endpointCases {
		t.Run(tc.name, func(t *testing.T) {
			r := fx.do(t, "GET", tc.target, nil)
			if r.status != tc.status {
				t.Errorf("status %d, want %d; body %s", r.status, tc.status, r.body)
			}
			if !strings.Contains(r.body, tc.want) {
				t.Errorf("body %s\nwant it to contain %s", r.body, tc.want)
			}
			if tc.status >= 400 {
				var e errorBody
				if err := json.Unmarshal([]byte(r.body), &e); err != nil || e.Error == "" {
					t.Errorf("error body %q is not {\"error\":...}: %v", r.body, err)
				}
				if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
					t.Errorf("error Content-Type %q", ct)
				}
			}
		})
	}
}

func TestListVesselsFilter(t *testing.T) {
	fx := newFixture(t, nil, jilinFleet()...)
	r := fx.do(t, "GET", "/api/v1/vessels?bbox=124,40,127,46&class=A&type=30,52,60-62&stale=false&q=%20Ji%20&limit=9", nil)
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	f := fx.vessels.lastFilter
	if f.BBox == nil || *f.BBox != (vessels.BBox{West: 124, South: 40, East: 127, North: 46}) {
		t.Errorf("bbox %+v", f.BBox)
	}
	if want := []int{30, 52, 60, 61, 62}; !slices.Equal(f.ShipType, want) {
		t.Errorf("ship types %v, want %v", f.ShipType, want)
	}
	if f.Class != "A" || f.Stale == nil || *f.Stale || f.Query != "Ji" || f.Limit != 9 {
		t.Errorf("filter %+v", f)
	}
}

func TestTrackRange(t *testing.T) {
	fx := newFixture(t, nil, jilinFleet()...)
	fx.vessels.tracks[412000001] = []vessels.TrackPoint{{Time: testNow, Lat: 43.8, Lon: 126.55, SOG: 5, COG: 90, Heading: -1}}
	for _, tc := range []struct {
		query string
		want  trackCall
	}{
		{"", trackCall{412000001, testNow.Add(-time.Hour), time.Time{}, MaxLimit}},
		{"?since=1751335200&until=1751342400&limit=5",
			trackCall{412000001, time.Unix(1751335200, 0).UTC(), time.Unix(1751342400, 0).UTC(), 5}},
		{"?since=2025-07-01T10:00:00%2B08:00", trackCall{412000001, testNow.Add(-2 * time.Hour), time.Time{}, MaxLimit}},
	} {
		r := fx.do(t, "GET", "/api/v1/vessels/412000001/track"+tc.query, nil)
		if r.status != 200 || !strings.Contains(r.body, `"heading":null`) {
			t.Fatalf("%s: %d %s", tc.query, r.status, r.body)
		}
		got := fx.vessels.lastTrack
		if got.mmsi != tc.want.mmsi || !got.since.Equal(tc.want.since) || !got.until.Equal(tc.want.until) || got.limit != tc.want.limit {
			t.Errorf("%q: Track(%+v), want %+v", tc.query, got, tc.want)
		}
	}
}

func TestDomainErrors(t *testing.T) {
	for _, tc := range []struct {
		err    error
		status int
		want   string
	}{
		{fmt.Errorf("tracker: %w", vessels.ErrNotFound), 404, `{"error":"not found"}`},
		{fmt.Errorf("tracker: limit: %w", vessels.ErrInvalid), 400, `{"error":"invalid argument"}`},
		{errors.New("influx: dial 10.0.0.5:8086 password=hunter2"), 500, `{"error":"internal error"}`},
	} {
		fx := newFixture(t, nil, jilinFleet()...)
		fx.vessels.err = tc.err
		for _, target := range []string{"/api/v1/vessels", "/api/v1/vessels/412000001", "/api/v1/vessels/412000001/track"} {
			r := fx.do(t, "GET", target, nil)
			if r.status != tc.status || r.body != tc.want {
				t.Errorf("%s with %v: %d %s, want %d %s", target, tc.err, r.status, r.body, tc.status, tc.want)
			}
		}
	}
}

func TestSources(t *testing.T) {
	fx := newFixture(t, nil)
	r := fx.do(t, "GET", "/api/v1/sources", nil)
	var body Sources
	if err := json.Unmarshal([]byte(r.body), &body); err != nil {
		t.Fatalf("%v: %s", err, r.body)
	}
	if len(body.Sources) != 2 || body.Sources[0].Lines != 42 || body.Total.Lines != 49 {
		t.Errorf("sources %+v", body)
	}
	if got := body.Sources[0].RejectedBy["checksum"]; got != 1 {
		t.Errorf("rejected checksum %d, want 1 (%v)", got, body.Sources[0].RejectedBy)
	}
}

func TestWaterwaysCaching(t *testing.T) {
	geo := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"松花江"},"geometry":{"type":"Point","coordinates":[126.55,43.84]}}]}`
	fx := newFixture(t, func(c *Config, _ *Deps) { c.Waterways = []byte(geo) })
	r := fx.do(t, "GET", "/api/v1/waterways", nil)
	if r.status != 200 || r.body != geo {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/geo+json" {
		t.Errorf("Content-Type %q", ct)
	}
	if cc := r.header.Get("Cache-Control"); !strings.Contains(cc, "max-age") {
		t.Errorf("Cache-Control %q", cc)
	}
	etag := r.header.Get("ETag")
	r = fx.do(t, "GET", "/api/v1/waterways", map[string]string{"If-None-Match": etag})
	if r.status != 304 || r.body != "" {
		t.Errorf("revalidation: %d %q", r.status, r.body)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	deps := Deps{Vessels: newFakeVessels(), Sources: fakeSources{}, Live: newFakeBroker(), Zones: newFakeZones()}
	for name, tc := range map[string]struct {
		cfg  Config
		deps Deps
	}{
		"no deps":         {Config{}, Deps{}},
		"no zones":        {Config{}, Deps{Vessels: deps.Vessels, Sources: deps.Sources, Live: deps.Live}},
		"waterways json":  {Config{Waterways: []byte(`{"type":`)}, deps},
		"waterways type":  {Config{Waterways: []byte(`{"type":"Feature"}`)}, deps},
		"tile scheme":     {Config{TileURL: "javascript:alert(1)"}, deps},
		"tile host quote": {Config{TileURL: "https://evil.example'; script-src *;/{z}"}, deps},
	} {
		if _, err := New(tc.cfg, tc.deps); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: New error %v, want ErrConfig", name, err)
		}
	}
}

type denyAll struct{}

func (denyAll) Authenticate(*fiber.Ctx) (Principal, error) {
	return Principal{}, errors.New("token expired at 03:00")
}

func TestAuthentication(t *testing.T) {
	fx := newFixture(t, func(c *Config, _ *Deps) { c.Auth = denyAll{} }, jilinFleet()...)
	for _, target := range []string{"/api/v1/vessels", "/api/v1/config", "/api/v1/live"} {
		r := fx.do(t, "GET", target, nil)
		if r.status != 401 || r.body != `{"error":"unauthorized"}` {
			t.Errorf("%s: %d %s", target, r.status, r.body)
		}
	}
	if r := fx.do(t, "GET", "/healthz", nil); r.status != 200 {
		t.Errorf("healthz behind auth: %d", r.status)
	}

	// The default stores the anonymous viewer for the handlers.
	s := newFixture(t, nil).srv
	app := fiber.New()
	var got Principal
	app.Get("/who", s.authenticate, func(c *fiber.Ctx) error {
		got, _ = PrincipalOf(c)
		return nil
	})
	if _, err := app.Test(newRequest("GET", "/who"), -1); err != nil {
		t.Fatal(err)
	}
	if got.Name != "anonymous" || !got.HasRole(RoleViewer) {
		t.Errorf("principal %+v", got)
	}
}

func TestStaticBoard(t *testing.T) {
	board := fstest.MapFS{
		"index.html":     {Data: []byte("<!doctype html><script src=app.js></script>")},
		"app.js":         {Data: []byte("console.log('riverwatch')")},
		"lib/leaflet.js": {Data: []byte("/* leaflet */")},
	}
	fx := newFixture(t, func(c *Config, _ *Deps) { c.Static = board })
	for _, tc := range []struct {
		target, ctype string
		status        int
	}{
		{"/", "text/html", 200},
		{"/index.html", "text/html", 200},
		{"/app.js", "javascript", 200},
		{"/lib/leaflet.js", "javascript", 200},
		{"/lib/", "", 404},
		{"/missing.css", "", 404},
		{"/../../etc/passwd", "", 404},
		{"/%2e%2e/go.mod", "", 404},
	} {
		r := fx.do(t, "GET", tc.target, nil)
		if r.status != tc.status || !strings.Contains(r.header.Get("Content-Type"), tc.ctype) {
			t.Errorf("%s: %d %q, want %d %q", tc.target, r.status, r.header.Get("Content-Type"), tc.status, tc.ctype)
		}
	}
	r := fx.do(t, "GET", "/", nil)
	csp := r.header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self';", "img-src 'self' data: blob: https://*.tile.openstreetmap.org;", "object-src 'none'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-") {
		t.Errorf("CSP %q allows inline code or eval", csp)
	}
	if r.header.Get("X-Content-Type-Options") != "nosniff" || r.header.Get("Referrer-Policy") == "" {
		t.Errorf("headers %v", r.header)
	}
	if r.header.Get("Server") != "" {
		t.Errorf("Server header %q", r.header.Get("Server"))
	}
	etag := r.header.Get("ETag")
	if r := fx.do(t, "GET", "/", map[string]string{"If-None-Match": etag}); r.status != 304 {
		t.Errorf("revalidation %d", r.status)
	}
}

func TestBodyLimit(t *testing.T) {
	fx := newFixture(t, nil)
	base := fx.run(t)
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// The declared length alone is refused; no body needs to be sent.
	fmt.Fprintf(conn, "POST /api/v1/vessels HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n", bodyLimit+1)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 413 || string(body) != `{"error":"request entity too large"}` {
		t.Errorf("%d %s, want 413", resp.StatusCode, body)
	}
}

// TestRealWaterways serves the shared Jilin waterways file unchanged.
func TestRealWaterways(t *testing.T) {
	geo, err := os.ReadFile(aistest.SharedFile(t, "geo/jilin-waterways.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	fx := newFixture(t, func(c *Config, _ *Deps) { c.Waterways = geo })
	r := fx.do(t, "GET", "/api/v1/waterways", nil)
	if r.status != 200 || r.body != string(geo) {
		t.Fatalf("%d, %d of %d bytes", r.status, len(r.body), len(geo))
	}
}

// TestListVesselsWire: the listing, written by hand into the response, is
// byte for byte what encoding/json writes for its VesselList, over a real
// tracker with every null, inland and persons data, and hostile text.
func TestListVesselsWire(t *testing.T) {
	fleet := realisticFleet(2000)
	for i, name := range []string{"<script>alert(1)</script>", "A&B\u2028\u2029", "\xff\xfe\x00\x1f\"\\", "吉林货 😀"} {
		v := testVessel(413000001+uint32(i), name, 43.8, 126.5)
		v.CallSign, v.Destination, v.Flags = name, name, []string{name}
		fleet = append(fleet, v)
	}
	fx := trackerFixture(t, fleet)
	for _, target := range []string{
		"/api/v1/vessels",
		"/api/v1/vessels?bbox=124,40,127,46&limit=50",
		"/api/v1/vessels?class=B&stale=true",
		"/api/v1/vessels?q=nobody",
	} {
		r := fx.do(t, "GET", target, nil)
		if r.status != 200 || r.header.Get("Content-Type") != "application/json" {
			t.Fatalf("%s: %d %s %.200s", target, r.status, r.header.Get("Content-Type"), r.body)
		}
		u, err := url.Parse(target)
		if err != nil {
			t.Fatal(err)
		}
		f, err := vesselFilter(func(key string, _ ...string) string { return u.Query().Get(key) })
		if err != nil {
			t.Fatal(err)
		}
		list, err := fx.srv.deps.Vessels.Vessels(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		if list == nil {
			list = []vessels.Vessel{}
		}
		want, err := json.Marshal(VesselList{Count: len(list), Vessels: list})
		if err != nil {
			t.Fatal(err)
		}
		if r.body != string(want) {
			t.Errorf("%s: body differs from encoding/json's\ngot  %.300s\nwant %.300s", target, r.body, want)
		}
	}
	r := fx.do(t, "GET", "/api/v1/vessels?q=41300000", nil)
	if !strings.Contains(r.body, `"name":"\u003cscript\u003ealert(1)\u003c/script\u003e"`) ||
		!strings.Contains(r.body, `"A\u0026B\u2028\u2029"`) || strings.Contains(r.body, "<") {
		t.Errorf("AIS text not escaped for HTML: %s", r.body)
	}
}

// TestVesselNotFinite: a record holding a number JSON cannot carry is a
// server fault, answered 500 with the usual error body, not a torn listing.
func TestVesselNotFinite(t *testing.T) {
	good := testVessel(412000001, "JI HANG 1", 43.8, 126.5)
	bad := testVessel(412000002, "NAN", math.NaN(), 126.5)
	fx := newFixture(t, nil, good, bad)
	for _, target := range []string{"/api/v1/vessels", "/api/v1/vessels/412000002"} {
		r := fx.do(t, "GET", target, nil)
		if r.status != 500 || r.body != `{"error":"internal error"}` || r.header.Get("Content-Type") != "application/json" {
			t.Errorf("%s: %d %s %s", target, r.status, r.header.Get("Content-Type"), r.body)
		}
	}
	if r := fx.do(t, "GET", "/api/v1/vessels?limit=1", nil); r.status != 200 || !strings.Contains(r.body, `"count":1`) {
		t.Errorf("listing without it: %d %s", r.status, r.body)
	}
}
