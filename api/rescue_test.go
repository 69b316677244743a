package api

import (
	"encoding/json"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/riverwatch/riverwatch/video"
	"github.com/riverwatch/riverwatch/zones"
	"github.com/riverwatch/riverwatch/zones/rescue"
	"github.com/riverwatch/riverwatch/zones/waterway"
)

var (
	locatorOnce sync.Once
	locator     *rescue.Locator
	locatorErr  error
)

// testLocator is the real locator over the project's waterway map, with
// one camera at Jilin City's quay, built once for the package's tests.
func testLocator(tb testing.TB) *rescue.Locator {
	tb.Helper()
	locatorOnce.Do(func() {
		m, err := waterway.Load()
		if err != nil {
			locatorErr = err
			return
		}
		locator, locatorErr = rescue.New(m, rescue.Config{BoatSpeedKn: 20, Cameras: testCameras{
			{ID: "cam-jilin", Name: "Jilin quay", NameZH: "吉林港码头", Lat: 43.851, Lon: 126.561},
		}})
	})
	if locatorErr != nil {
		tb.Fatal(locatorErr)
	}
	return locator
}

type testCameras []rescue.Camera

func (c testCameras) CameraSites() []rescue.Camera { return c }

// registeredCameras is a relay that knows only its cameras' records: the
// rescue answer asks it who may watch each camera it names.
type registeredCameras struct {
	CameraRelay // nil: the rescue tests call nothing else
	cams        map[string]video.Camera
}

func (r registeredCameras) Camera(id string) (video.CameraInfo, error) {
	c, ok := r.cams[id]
	if !ok {
		return video.CameraInfo{}, video.ErrNotFound
	}
	return video.CameraInfo{Camera: c}, nil
}

// rescueFixture serves with the locator and two alerts: one at Jilin City
// (Songhua Lake station's reach), one on Chagan Lake.
func rescueFixture(t *testing.T, p *Principal) *fixture {
	fx := newFixture(t, func(c *Config, d *Deps) {
		d.Rescue = testLocator(t)
		// The Jilin quay's camera belongs to Jiutai's station, not to
		// Songhua Lake's, whose reach the quay is on.
		d.Cameras = registeredCameras{cams: map[string]video.Camera{"cam-jilin": {ID: "cam-jilin", Stations: []string{"rs-jiutai"}}}}
		if p != nil {
			c.Auth = roleAuth(*p)
		}
	})
	fx.zones.raise(zones.EventAlertOpened, zones.Alert{ID: "a-jilin", Kind: zones.AlertSpeeding, State: zones.StateOpen,
		MMSI: 413000001, Lat: 43.85083, Lon: 126.56028, OpenedAt: testNow, UpdatedAt: testNow})
	fx.zones.raise(zones.EventAlertOpened, zones.Alert{ID: "a-chagan", Kind: zones.AlertSpeeding, State: zones.StateOpen,
		MMSI: 413000002, Lat: 45.22, Lon: 124.318, OpenedAt: testNow, UpdatedAt: testNow})
	fx.zones.raise(zones.EventAlertOpened, zones.Alert{ID: "a-land", Kind: zones.AlertSpeeding, State: zones.StateOpen,
		MMSI: 413000003, Lat: 43.9, Lon: 125.3, OpenedAt: testNow, UpdatedAt: testNow})
	return fx
}

func TestRescueNamesOnlyCamerasThePrincipalMayWatch(t *testing.T) {
	fx := rescueFixture(t, &Principal{Name: "songhua", Roles: []string{RoleStation}, Station: "rs-songhua-lake"})
	res := fx.do(t, "GET", "/api/v1/alerts/a-jilin/rescue", nil)
	if res.status != 200 {
		t.Fatalf("status %d: %s", res.status, res.body)
	}
	var v RescueView
	if err := json.Unmarshal([]byte(res.body), &v); err != nil {
		t.Fatal(err)
	}
	if v.Station.ID != "rs-songhua-lake" || len(v.Cameras) != 0 || strings.Contains(res.body, "cam-jilin") {
		t.Errorf("station %s cameras %+v: Jiutai's camera named to Songhua Lake's station", v.Station.ID, v.Cameras)
	}
}

func TestAlertRescue(t *testing.T) {
	fx := rescueFixture(t, nil)
	res := fx.do(t, "GET", "/api/v1/alerts/a-jilin/rescue", nil)
	if res.status != 200 {
		t.Fatalf("status %d: %s", res.status, res.body)
	}
	var v RescueView
	if err := json.Unmarshal([]byte(res.body), &v); err != nil {
		t.Fatal(err)
	}
	want, err := testLocator(t).Nearest(43.85083, 126.56028)
	if err != nil {
		t.Fatal(err)
	}
	if v.AlertID != "a-jilin" || v.Station.ID != "rs-songhua-lake" || v.Station.NameZH != "松花湖水上救助站" {
		t.Errorf("alert %q station %+v, want a-jilin from rs-songhua-lake", v.AlertID, v.Station)
	}
	if v.DistanceM != math.Round(want.DistanceM) || v.BoatSpeedKn != 20 {
		t.Errorf("distance %v m at %v kn, want %v at 20", v.DistanceM, v.BoatSpeedKn, math.Round(want.DistanceM))
	}
	// 20 kn is 10.29 m/s.
	if eta := v.DistanceM / (20 * 1852.0 / 3600); math.Abs(v.ETAS-eta) > 1 {
		t.Errorf("eta %v s, want %.0f", v.ETAS, eta)
	}
	if len(v.Path) < 3 || v.Path[0] != [2]float64{v.Station.Lon, v.Station.Lat} || v.Path[len(v.Path)-1] != [2]float64{126.56028, 43.85083} {
		t.Errorf("path %v, want station to spot", v.Path)
	}
	if len(v.Cameras) != 1 || v.Cameras[0].ID != "cam-jilin" || v.Cameras[0].DistanceM != 61 { // 58 m east, 19 m north
		t.Errorf("cameras %+v, want cam-jilin at 61 m", v.Cameras)
	}

	for target, status := range map[string]int{
		"/api/v1/alerts/a-land/rescue":                          404,
		"/api/v1/alerts/none/rescue":                            404,
		"/api/v1/alerts/" + strings.Repeat("x", 65) + "/rescue": 400,
		"/api/v1/rescue/nearest?lat=45.22&lon=124.318":          200,
		"/api/v1/rescue/nearest?lat=95&lon=124":                 400,
		"/api/v1/rescue/nearest?lat=NaN&lon=124":                400,
		"/api/v1/rescue/nearest?lon=124":                        400,
	} {
		res := fx.do(t, "GET", target, nil)
		if res.status != status || !strings.HasPrefix(res.body, "{") {
			t.Errorf("%s: %d %s, want %d", target, res.status, res.body, status)
		}
	}
	res = fx.do(t, "GET", "/api/v1/alerts/a-land/rescue", nil)
	if !strings.Contains(res.body, `"no rescue station reaches this spot"`) {
		t.Errorf("a-land: %s", res.body)
	}
}

func TestRescueStationScope(t *testing.T) {
	fx := rescueFixture(t, &Principal{Name: "daan", Roles: []string{RoleStation}, Station: "rs-chagan-lake"})
	if res := fx.do(t, "GET", "/api/v1/alerts/a-chagan/rescue", nil); res.status != 200 {
		t.Errorf("own alert: %d %s", res.status, res.body)
	}
	if res := fx.do(t, "GET", "/api/v1/alerts/a-jilin/rescue", nil); res.status != 404 || !strings.Contains(res.body, "not found") {
		t.Errorf("another station's alert: %d %s, want 404", res.status, res.body)
	}
}

func TestRescueStations(t *testing.T) {
	fx := rescueFixture(t, nil)
	res := fx.do(t, "GET", "/api/v1/rescue/stations", nil)
	if res.status != 200 || res.header.Get("Content-Type") != mimeGeoJSON {
		t.Fatalf("status %d, type %q", res.status, res.header.Get("Content-Type"))
	}
	var fc struct {
		Type        string
		BoatSpeedKn float64 `json:"boat_speed_kn"`
		Features    []struct {
			ID       string
			Geometry struct {
				Type        string
				Coordinates json.RawMessage
			}
			Properties map[string]any
		}
	}
	if err := json.Unmarshal([]byte(res.body), &fc); err != nil {
		t.Fatal(err)
	}
	points, areas := map[string]bool{}, map[string]int{}
	for _, f := range fc.Features {
		switch f.Geometry.Type {
		case "Point":
			if f.Properties["kind"] != "rescue_station" || f.Properties["name_zh"] == "" || f.Properties["river"] == "" {
				t.Errorf("point %s: %v", f.ID, f.Properties)
			}
			points[f.Properties["id"].(string)] = true
		case "MultiLineString":
			var lines [][][2]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &lines); err != nil {
				t.Fatal(err)
			}
			if f.Properties["kind"] != "area" {
				t.Errorf("area %s: %v", f.ID, f.Properties)
			}
			areas[f.Properties["station_id"].(string)] = len(lines)
		}
	}
	if fc.Type != "FeatureCollection" || fc.BoatSpeedKn != 20 || len(points) != 8 || len(areas) != 8 {
		t.Errorf("%s at %v kn: %d points, %d areas; want 8 of each", fc.Type, fc.BoatSpeedKn, len(points), len(areas))
	}
	for id := range points {
		if areas[id] == 0 {
			t.Errorf("station %s has no area lines", id)
		}
	}
	etag := res.header.Get("ETag")
	if res := fx.do(t, "GET", "/api/v1/rescue/stations", map[string]string{"If-None-Match": etag}); res.status != 304 {
		t.Errorf("revalidation: %d", res.status)
	}
}

func TestAlertViews(t *testing.T) {
	fx := rescueFixture(t, nil)
	a, _ := fx.zones.Alert(t.Context(), "a-chagan")
	v := fx.srv.alertView(a)
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m["id"] != "a-chagan" || m["station_id"] != "rs-chagan-lake" || m["station_eta_s"].(float64) <= 0 || m["kind"] != "speeding" {
		t.Errorf("alert view %s", b)
	}
	land, _ := fx.zones.Alert(t.Context(), "a-land")
	if b, _ := json.Marshal(fx.srv.alertViews([]zones.Alert{land})); strings.Contains(string(b), "station") {
		t.Errorf("alert far from water: %s", b)
	}
	if got := fx.srv.alertStation(&a); got != "rs-chagan-lake" {
		t.Errorf("alertStation = %q", got)
	}
	// Without a locator: no routes, no station.
	plain := newFixture(t, nil)
	if res := plain.do(t, "GET", "/api/v1/rescue/stations", nil); res.status != 404 {
		t.Errorf("no locator: stations %d", res.status)
	}
	if v := plain.srv.alertView(a); v.StationID != "" || v.StationETAS != nil || plain.srv.alertStation(&a) != "" {
		t.Errorf("no locator: %+v", v)
	}
}

// A station account learns nothing of another station's alert, not even
// that no station reaches it.
func TestRescueScopeFarFromWater(t *testing.T) {
	fx := rescueFixture(t, &Principal{Name: "jiutai", Roles: []string{RoleStation}, Station: "rs-jiutai"})
	res := fx.do(t, "GET", "/api/v1/alerts/a-land/rescue", nil)
	if res.status != 404 || !strings.Contains(res.body, `"not found"`) {
		t.Errorf("alert far from water: %d %s, want 404 not found", res.status, res.body)
	}
	fx = rescueFixture(t, &Principal{Name: "nobody", Roles: []string{RoleStation}})
	if res := fx.do(t, "GET", "/api/v1/alerts/a-chagan/rescue", nil); res.status != 404 {
		t.Errorf("station account of no station: %d", res.status)
	}
}
