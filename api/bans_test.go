package api

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/zones"
)

// banBody is a valid ban: fog on Songhua Lake on the test day, CST.
const banBody = `{"zone_ids":["songhua-lake"],"kind":"restrict","reason":"fog","from":"2025-07-01T08:00:00+08:00",` +
	`"until":"2025-07-01T18:00:00+08:00","max_speed_kn":4,"allowed_types":[51,55],"applies_to":[60,69],"note":"大雾 dense fog"}`

func TestBanEndpoints(t *testing.T) {
	for _, tc := range []struct {
		name, method, target, ctype, body string
		status                            int
		want                              string
	}{
		{"set", "POST", "/api/v1/bans", "application/json", banBody, 201, `"id":"ban-1"`},
		{"set yearly ice", "POST", "/api/v1/bans", "application/json",
			`{"zone_ids":["songhua-lake","yalu-border"],"kind":"prohibit","reason":"ice","from":"2024-11-20T00:00:00+08:00","until":"2025-04-10T00:00:00+08:00","yearly":true}`,
			201, `"yearly":true`},
		{"set unix time", "POST", "/api/v1/bans", "application/json", strings.Replace(banBody, `"2025-07-01T08:00:00+08:00"`, `1751328000`, 1), 400, `field \"from\": want a string`},
		{"set bad time", "POST", "/api/v1/bans", "application/json", strings.Replace(banBody, `2025-07-01T08:00:00+08:00`, `tomorrow 8am`, 1), 400,
			`bad request body: field \"from\": want an RFC 3339 time`},
		{"set no from", "POST", "/api/v1/bans", "application/json", `{"zone_ids":["songhua-lake"],"kind":"prohibit","reason":"fog","until":"2025-07-01T18:00:00Z"}`, 400, `from and until are required`},
		{"set backwards", "POST", "/api/v1/bans", "application/json", strings.Replace(banBody, "18:00:00", "07:00:00", 1), 400, `is not after from`},
		{"set unknown zone", "POST", "/api/v1/bans", "application/json", strings.Replace(banBody, "songhua-lake", "atlantis", 1), 400, `unknown zone \"atlantis\"`},
		{"set bad kind", "POST", "/api/v1/bans", "application/json", strings.Replace(banBody, "restrict", "close", 1), 400, `kind \"close\"`},
		{"set bad reason", "POST", "/api/v1/bans", "application/json", strings.Replace(banBody, "fog", "rain", 1), 400, `reason \"rain\"`},
		{"set unknown field", "POST", "/api/v1/bans", "application/json", strings.Replace(banBody, "zone_ids", "zones", 1), 400, `bad request body: unknown field \"zones\"`},
		{"set id given", "POST", "/api/v1/bans", "application/json", strings.Replace(banBody, `{`, `{"id":"mine",`, 1), 400, `unknown field \"id\"`},
		{"set wrong type", "POST", "/api/v1/bans", "application/json", strings.Replace(banBody, `"max_speed_kn":4`, `"max_speed_kn":"slow"`, 1), 400,
			`field \"max_speed_kn\": want a number, got string`},
		{"set array", "POST", "/api/v1/bans", "application/json", `[` + banBody + `]`, 400, `want a JSON object, got array`},
		{"set bad json", "POST", "/api/v1/bans", "application/json", `{"zone_ids":[`, 400, `invalid JSON`},
		{"set syntax", "POST", "/api/v1/bans", "application/json", `{"zone_ids" "x"}`, 400, `invalid JSON at byte`},
		{"set empty", "POST", "/api/v1/bans", "application/json", ``, 400, `empty; want a JSON object`},
		{"set trailing", "POST", "/api/v1/bans", "application/json", banBody + `{}`, 400, `data after the JSON object`},
		{"set form", "POST", "/api/v1/bans", "application/x-www-form-urlencoded", banBody, 415, `unsupported media type`},
		{"set too big", "POST", "/api/v1/bans", "application/json", strings.Replace(banBody, "dense fog", strings.Repeat("x", jsonBodyLimit), 1), 413, `request entity too large`},
		{"list", "GET", "/api/v1/bans", "", "", 200, `{"count":0,"bans":[]}`},
		{"list active bad", "GET", "/api/v1/bans?active=yes", "", "", 400, `bad parameter \"active\"`},
		{"one unknown", "GET", "/api/v1/bans/ban-9", "", "", 404, `{"error":"not found"}`},
		{"lift unknown", "DELETE", "/api/v1/bans/ban-9", "", "", 404, `{"error":"not found"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t, nil)
			r := fx.doBody(t, tc.method, tc.target, tc.ctype, tc.body, nil)
			if r.status != tc.status || !strings.Contains(r.body, tc.want) {
				t.Fatalf("%d %.300s\nwant %d and %s", r.status, r.body, tc.status, tc.want)
			}
			if r.status == 201 && r.header.Get("Location") != "/api/v1/bans/ban-1" {
				t.Errorf("Location %q", r.header.Get("Location"))
			}
		})
	}
}

func TestBanLifecycle(t *testing.T) {
	fx := newFixture(t, func(c *Config, _ *Deps) { c.Auth = roleAuth{Name: "李科长", Roles: []string{RoleOfficer}} })
	r := fx.doBody(t, "POST", "/api/v1/bans", "application/json", banBody, nil)
	var set BanView
	if err := json.Unmarshal([]byte(r.body), &set); err != nil || r.status != 201 {
		t.Fatalf("%d %s: %v", r.status, r.body, err)
	}
	cst := time.FixedZone("CST", 8*3600)
	want := zones.Ban{
		ID: "ban-1", ZoneIDs: []string{"songhua-lake"}, Kind: zones.BanRestrict, Reason: zones.ReasonFog,
		Note: "大雾 dense fog", From: time.Date(2025, 7, 1, 8, 0, 0, 0, cst), Until: time.Date(2025, 7, 1, 18, 0, 0, 0, cst),
		AppliesTo: []int{60, 69}, AllowedTypes: []int{51, 55}, MaxSpeedKn: 4, CreatedBy: "李科长", CreatedAt: testNow,
	}
	if !set.Active || set.ID != want.ID || set.CreatedBy != want.CreatedBy || !set.From.Equal(want.From) || !set.Until.Equal(want.Until) ||
		set.MaxSpeedKn != 4 || len(set.AllowedTypes) != 2 || set.Note != want.Note {
		t.Errorf("set %+v\nwant %+v, active", set, want)
	}

	// A second ban, over before the test time.
	old := strings.ReplaceAll(banBody, "2025-07-01", "2025-06-01")
	if r := fx.doBody(t, "POST", "/api/v1/bans", "application/json", old, nil); r.status != 201 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	for query, wantIDs := range map[string]string{"": "ban-1 ban-2", "?active=true": "ban-1", "?active=false": "ban-2"} {
		var list BanList
		r := fx.do(t, "GET", "/api/v1/bans"+query, nil)
		if err := json.Unmarshal([]byte(r.body), &list); err != nil {
			t.Fatalf("%s: %v", r.body, err)
		}
		var ids []string
		for _, b := range list.Bans {
			ids = append(ids, b.ID)
		}
		if strings.Join(ids, " ") != wantIDs || list.Count != len(ids) {
			t.Errorf("bans%s: %v (count %d), want %s", query, ids, list.Count, wantIDs)
		}
	}
	if r := fx.do(t, "GET", "/api/v1/bans/ban-1", nil); r.status != 200 || !strings.Contains(r.body, `"active":true`) {
		t.Errorf("one: %d %s", r.status, r.body)
	}

	r = fx.do(t, "DELETE", "/api/v1/bans/ban-1", nil)
	var lifted BanView
	if err := json.Unmarshal([]byte(r.body), &lifted); err != nil || r.status != 200 {
		t.Fatalf("lift: %d %s", r.status, r.body)
	}
	if lifted.Active || lifted.LiftedBy != "李科长" || !lifted.LiftedAt.Equal(testNow) {
		t.Errorf("lifted %+v", lifted)
	}
	if r := fx.do(t, "DELETE", "/api/v1/bans/ban-1", nil); r.status != 409 || !strings.Contains(r.body, "ended") {
		t.Errorf("lift twice: %d %s", r.status, r.body)
	}
}
