package api

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/zones"
)

// testAlert is an open speeding alert of mmsi in zone, updated at at.
func testAlert(id string, mmsi uint32, zone string, at time.Time) zones.Alert {
	return zones.Alert{
		ID: id, Key: "speeding/" + zone, Kind: zones.AlertSpeeding, Severity: zones.SeverityWarning,
		MMSI: mmsi, ZoneID: zone, Lat: 43.84, Lon: 126.55,
		MessageZH: "超速 9.5 节（限速 3 节）", MessageEN: "Speeding 9.5 kn (limit 3 kn)",
		Values: zones.FiguresOf("sog_kn", 9.5, "limit_kn", 3.0),
		State:  zones.StateOpen, OpenedAt: at, UpdatedAt: at,
	}
}

func seedAlerts(fx *fixture) {
	fx.zones.raise(zones.EventAlertOpened, testAlert("alert-1", 412000001, "jilin.quay:1", testNow.Add(-time.Hour)))
	b := testAlert("alert-2", 412000002, "yalu-border", testNow.Add(-time.Minute))
	b.Kind, b.Severity = zones.AlertBorderApproach, zones.SeverityAlarm
	fx.zones.raise(zones.EventAlertOpened, b)
	c := testAlert("alert-3", 412000003, "", testNow.Add(-2*time.Hour))
	c.Kind, c.State, c.ResolvedAt = zones.AlertAISGap, zones.StateResolved, testNow.Add(-90*time.Minute)
	fx.zones.raise(zones.EventAlertResolved, c)
}

func TestAlertEndpoints(t *testing.T) {
	for _, tc := range []struct {
		name, method, target string
		status               int
		want                 string
	}{
		{"list", "GET", "/api/v1/alerts", 200, `"count":3`},
		{"list newest first", "GET", "/api/v1/alerts?limit=1", 200, `"id":"alert-2"`},
		{"open", "GET", "/api/v1/alerts?state=open", 200, `"count":2`},
		{"resolved", "GET", "/api/v1/alerts?state=resolved", 200, `"id":"alert-3"`},
		{"kind", "GET", "/api/v1/alerts?kind=border_approach", 200, `"count":1`},
		{"mmsi", "GET", "/api/v1/alerts?mmsi=412000001", 200, `"id":"alert-1"`},
		{"zone", "GET", "/api/v1/alerts?zone=jilin.quay:1", 200, `"count":1`},
		{"since unix", "GET", "/api/v1/alerts?since=1751338800", 200, `"count":2`},
		{"since rfc3339", "GET", "/api/v1/alerts?since=2025-07-01T11:30:00%2B08:00", 200, `"count":1`},
		{"none", "GET", "/api/v1/alerts?mmsi=1", 200, `{"count":0,"alerts":[]}`},
		{"bad state", "GET", "/api/v1/alerts?state=closed", 400, `bad parameter \"state\": want open`},
		{"bad kind", "GET", "/api/v1/alerts?kind=piracy", 400, `bad parameter \"kind\": want one of zone_entry, zone_exit`},
		{"bad mmsi", "GET", "/api/v1/alerts?mmsi=abc", 400, `bad parameter \"mmsi\"`},
		{"bad zone", "GET", "/api/v1/alerts?zone=" + strings.Repeat("z", 65), 400, `bad parameter \"zone\"`},
		{"bad since", "GET", "/api/v1/alerts?since=yesterday", 400, `bad parameter \"since\"`},
		{"bad limit", "GET", "/api/v1/alerts?limit=0", 400, `bad parameter \"limit\"`},
		{"one", "GET", "/api/v1/alerts/alert-1", 200, `"message_zh":"超速 9.5 节（限速 3 节）"`},
		{"one unknown", "GET", "/api/v1/alerts/alert-9", 404, `{"error":"not found"}`},
		{"ack", "POST", "/api/v1/alerts/alert-1/ack", 200, `"state":"acknowledged","opened_at"`},
		{"ack resolved", "POST", "/api/v1/alerts/alert-3/ack", 409, `alert \"alert-3\" is resolved`},
		{"ack unknown", "POST", "/api/v1/alerts/alert-9/ack", 404, `{"error":"not found"}`},
		{"resolve", "POST", "/api/v1/alerts/alert-2/resolve", 200, `"resolved_by":"anonymous"`},
		{"resolve resolved", "POST", "/api/v1/alerts/alert-3/resolve", 409, `is resolved`},
		{"ack by GET", "GET", "/api/v1/alerts/alert-1/ack", 404, `{"error":"not found"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t, nil)
			seedAlerts(fx)
			r := fx.do(t, tc.method, tc.target, nil)
			if r.status != tc.status || !strings.Contains(r.body, tc.want) {
				t.Fatalf("%d %.400s\nwant %d and %s", r.status, r.body, tc.status, tc.want)
			}
		})
	}
}

func TestAlertFilter(t *testing.T) {
	fx := newFixture(t, nil)
	r := fx.do(t, "GET", "/api/v1/alerts?state=acknowledged&kind=speeding&mmsi=412000001&zone=jilin.quay:1&since=2025-07-01T10:00:00Z&limit=5", nil)
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	want := zones.AlertFilter{State: zones.StateAcknowledged, Kind: zones.AlertSpeeding, MMSI: 412000001,
		ZoneID: "jilin.quay:1", Since: time.Date(2025, 7, 1, 10, 0, 0, 0, time.UTC), Limit: 5}
	if got := fx.zones.lastFilter; got != want {
		t.Errorf("filter %+v\nwant %+v", got, want)
	}
	fx.do(t, "GET", "/api/v1/alerts", nil)
	if got := fx.zones.lastFilter; got != (zones.AlertFilter{Limit: MaxLimit}) {
		t.Errorf("default filter %+v", got)
	}
}

func TestAlertAckResolve(t *testing.T) {
	fx := newFixture(t, func(c *Config, _ *Deps) { c.Auth = roleAuth{Name: "张值班", Roles: []string{RoleOfficer}} })
	seedAlerts(fx)
	var a zones.Alert
	r := fx.do(t, "POST", "/api/v1/alerts/alert-1/ack", nil)
	if err := json.Unmarshal([]byte(r.body), &a); err != nil || a.State != zones.StateAcknowledged || a.AckedBy != "张值班" || !a.AckedAt.Equal(testNow) {
		t.Fatalf("ack: %d %s", r.status, r.body)
	}
	// Acknowledged is still open.
	if r := fx.do(t, "GET", "/api/v1/alerts?state=open", nil); !strings.Contains(r.body, `"id":"alert-1"`) {
		t.Errorf("acknowledged alert not listed as open: %s", r.body)
	}
	r = fx.do(t, "POST", "/api/v1/alerts/alert-1/resolve", nil)
	if err := json.Unmarshal([]byte(r.body), &a); err != nil || a.State != zones.StateResolved || a.ResolvedBy != "张值班" {
		t.Fatalf("resolve: %d %s", r.status, r.body)
	}
	if r := fx.do(t, "POST", "/api/v1/alerts/alert-1/ack", nil); r.status != 409 {
		t.Errorf("ack after resolve: %d %s", r.status, r.body)
	}
}
