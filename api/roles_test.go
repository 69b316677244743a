package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/riverwatch/riverwatch/ais"
	"github.com/riverwatch/riverwatch/api/accounts"
	"github.com/riverwatch/riverwatch/zones"
)

// fakeFeed records what a push hands the pipeline.
type fakeFeed struct {
	mu      sync.Mutex
	sources map[string]string
	lines   []ais.Line
}

func (f *fakeFeed) AddSource(name, kind, _ string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sources == nil {
		f.sources = map[string]string{}
	}
	f.sources[name] = kind
}

func (f *fakeFeed) Feed(l ais.Line) {
	f.mu.Lock()
	defer f.mu.Unlock()
	l.Data = append([]byte(nil), l.Data...)
	f.lines = append(f.lines, l)
}

// roleFixture is accountsFixture with the rescue locator, a feed sink,
// and two open alerts: a-jilin in the area of the station the account
// "jiutai" belongs to, a-chagan in another's.
type roleFixture struct {
	*fixture
	svc                *accounts.Service
	feed               *fakeFeed
	officer, boss      string // bearer tokens
	wall, station      string
	jilinStation       string
	chaganStationOther string
}

func newRoleFixture(t *testing.T) *roleFixture {
	t.Helper()
	loc := testLocator(t)
	rf := &roleFixture{feed: &fakeFeed{}}
	rf.jilinStation = loc.StationOf(43.85083, 126.56028)
	rf.chaganStationOther = loc.StationOf(45.22, 124.318)
	if rf.jilinStation == "" || rf.jilinStation == rf.chaganStationOther {
		t.Fatalf("stations of the test alerts: %q and %q", rf.jilinStation, rf.chaganStationOther)
	}
	rf.fixture, rf.svc = accountsFixtureWith(t, rf.jilinStation, func(c *Config, d *Deps) { d.Rescue = loc; d.Feed = rf.feed })
	rf.zones.raise(zones.EventAlertOpened, zones.Alert{ID: "a-jilin", Kind: zones.AlertSpeeding, State: zones.StateOpen,
		MMSI: 413000001, Lat: 43.85083, Lon: 126.56028, OpenedAt: testNow, UpdatedAt: testNow})
	rf.zones.raise(zones.EventAlertOpened, zones.Alert{ID: "a-chagan", Kind: zones.AlertSpeeding, State: zones.StateOpen,
		MMSI: 413000002, Lat: 45.22, Lon: 124.318, OpenedAt: testNow, UpdatedAt: testNow})
	rf.officer = loginAs(t, rf.fixture, "officer", "officer-pw-1")
	rf.boss = loginAs(t, rf.fixture, "boss", "boss-pw-123")
	rf.wall = loginAs(t, rf.fixture, "wall", "wall-pw-123")
	rf.station = loginAs(t, rf.fixture, "jiutai", "jiutai-pw-1")
	return rf
}

func (rf *roleFixture) auditActions(t *testing.T, query string) []accounts.AuditEntry {
	t.Helper()
	r := rf.do(t, "GET", "/api/v1/audit?"+query, bearer(rf.officer))
	if r.status != 200 {
		t.Fatalf("audit: %d %s", r.status, r.body)
	}
	var l AuditList
	if err := json.Unmarshal([]byte(r.body), &l); err != nil {
		t.Fatal(err)
	}
	return l.Entries
}

func TestStationSeesItsOwnAlerts(t *testing.T) {
	rf := newRoleFixture(t)
	var l AlertList
	r := rf.do(t, "GET", "/api/v1/alerts", bearer(rf.station))
	if err := json.Unmarshal([]byte(r.body), &l); err != nil || r.status != 200 {
		t.Fatalf("alerts: %d %s", r.status, r.body)
	}
	if l.Count != 1 || l.Alerts[0].ID != "a-jilin" || l.Alerts[0].StationID != rf.jilinStation {
		t.Errorf("station's alerts: %s", r.body)
	}
	if r := rf.do(t, "GET", "/api/v1/alerts", bearer(rf.officer)); !strings.Contains(r.body, `"count":2`) {
		t.Errorf("officer's alerts: %s", r.body)
	}
	for _, path := range []string{"/api/v1/alerts/a-chagan", "/api/v1/alerts/a-chagan/rescue"} {
		if r := rf.do(t, "GET", path, bearer(rf.station)); r.status != 404 {
			t.Errorf("station GET %s: %d, want 404", path, r.status)
		}
	}
	if r := rf.doBody(t, "POST", "/api/v1/alerts/a-chagan/ack", "", "", bearer(rf.station)); r.status != 404 {
		t.Errorf("station acks another's alert: %d, want 404", r.status)
	}
	if a, _ := rf.zones.Alert(t.Context(), "a-chagan"); a.State != zones.StateOpen {
		t.Errorf("another station's alert is %s after a refused ack", a.State)
	}
	if r := rf.doBody(t, "POST", "/api/v1/alerts/a-jilin/ack", "", "", bearer(rf.station)); r.status != 200 {
		t.Errorf("station acks its own alert: %d %s", r.status, r.body)
	}
	if r := rf.doBody(t, "POST", "/api/v1/alerts/a-jilin/resolve", "", "", bearer(rf.station)); r.status != 403 {
		t.Errorf("station resolves: %d, want 403", r.status)
	}
	if r := rf.doBody(t, "POST", "/api/v1/alerts/a-chagan/ack", "", "", bearer(rf.wall)); r.status != 403 {
		t.Errorf("viewer acks: %d, want 403", r.status)
	}
	acks := rf.auditActions(t, "action=alert_ack")
	if len(acks) != 1 || acks[0].Actor != "jiutai" || acks[0].Target != "alert:a-jilin" ||
		!strings.Contains(string(acks[0].Before), `"state":"open"`) || !strings.Contains(string(acks[0].After), `"state":"acknowledged"`) {
		t.Errorf("audit of acks: %+v", acks)
	}
}

func TestRoleRefusedChangesNothing(t *testing.T) {
	rf := newRoleFixture(t)
	zone := `{"type":"Feature","properties":{"id":"new-zone","kind":"restricted","name":"x"},` +
		`"geometry":{"type":"Polygon","coordinates":[[[126.5,43.8],[126.6,43.8],[126.6,43.9],[126.5,43.8]]]}}`
	for _, tok := range []string{rf.station, rf.wall} {
		for _, req := range []struct{ method, path, body string }{
			{"POST", "/api/v1/bans", banBody},
			{"POST", "/api/v1/zones", zone},
			{"PUT", "/api/v1/zones/new-zone", zone},
			{"DELETE", "/api/v1/zones/jilin.quay:1", ""},
			{"GET", "/api/v1/users", ""},
			{"POST", "/api/v1/feeds", `{"name":"x"}`},
			{"GET", "/api/v1/audit", ""},
		} {
			if r := rf.doBody(t, req.method, req.path, "application/json", req.body, bearer(tok)); r.status != 403 {
				t.Errorf("%s %s: %d %s, want 403", req.method, req.path, r.status, r.body)
			}
		}
	}
	if bans, _ := rf.zones.Bans(t.Context()); len(bans) != 0 {
		t.Errorf("a refused ban was set: %+v", bans)
	}
	if _, err := rf.zones.Zone("new-zone"); err == nil {
		t.Error("a refused zone was stored")
	}
	if got := rf.auditActions(t, "action=ban_set"); len(got) != 0 {
		t.Errorf("refused bans audited as set: %+v", got)
	}
	if got := rf.auditActions(t, "action=forbidden&actor=jiutai"); len(got) != 7 || got[0].Target != "GET /api/v1/audit" {
		t.Errorf("refusals of jiutai: %+v", got)
	}

	// The officer's ban is set and audited, with who, from where, after.
	if r := rf.doBody(t, "POST", "/api/v1/bans", "application/json", banBody, bearer(rf.officer)); r.status != 201 {
		t.Fatalf("officer's ban: %d %s", r.status, r.body)
	}
	got := rf.auditActions(t, "action=ban_set")
	if len(got) != 1 || got[0].Actor != "officer" || got[0].IP == "" || !strings.Contains(string(got[0].After), `"reason":"fog"`) {
		t.Errorf("audit of the ban: %+v", got)
	}
}

func TestUsersAdmin(t *testing.T) {
	rf := newRoleFixture(t)
	if r := rf.do(t, "GET", "/api/v1/users", bearer(rf.officer)); r.status != 403 {
		t.Errorf("officer without admin lists users: %d", r.status)
	}
	r := rf.doBody(t, "POST", "/api/v1/users", "application/json",
		`{"username":"zhang","password":"zhang-pw-1234","roles":["station"],"station":"rs-fuyu"}`, bearer(rf.boss))
	if r.status != 201 || strings.Contains(r.body, "zhang-pw") || strings.Contains(r.body, "argon2") {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	for _, bad := range []string{
		`{"username":"zhang","password":"zhang-pw-1234","roles":["viewer"]}`,    // exists
		`{"username":"li","password":"short","roles":["viewer"]}`,               // password
		`{"username":"li","password":"li-password-1","roles":["admin"]}`,        // admin without officer
		`{"username":"li","password":"li-password-1","roles":["station"]}`,      // station without id
		`{"username":"<b>li","password":"li-password-1","roles":["viewer"]}`,    // name
		`{"username":"li","password":"li-password-1","roles":["viewer"],"x":1}`, // field
		`{"username":"li","password":"li-password-1","roles":["superuser"]}`,    // role
	} {
		if r := rf.doBody(t, "POST", "/api/v1/users", "application/json", bad, bearer(rf.boss)); r.status != 400 && r.status != 409 {
			t.Errorf("create %s: %d %s", bad, r.status, r.body)
		}
	}
	zhang := loginAs(t, rf.fixture, "zhang", "zhang-pw-1234")
	r = rf.doBody(t, "PUT", "/api/v1/users/zhang", "application/json", `{"password":"zhang-pw-5678","roles":["viewer"],"station":""}`, bearer(rf.boss))
	if r.status != 200 || !strings.Contains(r.body, `"roles":["viewer"]`) {
		t.Fatalf("update: %d %s", r.status, r.body)
	}
	if r := rf.do(t, "GET", "/api/v1/me", bearer(zhang)); r.status != 401 {
		t.Errorf("session after a new password: %d, want 401", r.status)
	}
	if r := rf.do(t, "GET", "/api/v1/users", bearer(rf.boss)); r.status != 200 || !strings.Contains(r.body, `"count":5`) || strings.Contains(r.body, "argon2") {
		t.Errorf("list: %d %s", r.status, r.body)
	}
	if r := rf.doBody(t, "DELETE", "/api/v1/users/boss", "", "", bearer(rf.boss)); r.status != 400 {
		t.Errorf("admin deletes own account: %d", r.status)
	}
	if r := rf.doBody(t, "DELETE", "/api/v1/users/zhang", "", "", bearer(rf.boss)); r.status != 204 {
		t.Errorf("delete: %d %s", r.status, r.body)
	}
	if r := rf.do(t, "GET", "/api/v1/users/zhang", bearer(rf.boss)); r.status != 404 {
		t.Errorf("deleted user: %d", r.status)
	}
	var actions []string
	for _, e := range rf.auditActions(t, "actor=boss") {
		if strings.HasPrefix(e.Action, "account_") {
			actions = append(actions, e.Action)
		}
		if strings.Contains(string(e.Before)+string(e.After), "zhang-pw") {
			t.Errorf("a password in the audit log: %+v", e)
		}
	}
	if strings.Join(actions, " ") != "account_delete account_update account_create" {
		t.Errorf("account audit: %v", actions)
	}
	logins := rf.auditActions(t, "action=login&actor=zhang")
	if len(logins) != 1 || logins[0].IP == "" {
		t.Errorf("zhang's login audited: %+v", logins)
	}
}

func TestFeedPush(t *testing.T) {
	rf := newRoleFixture(t)
	r := rf.doBody(t, "POST", "/api/v1/feeds", "application/json", `{"name":"songyuan-base"}`, bearer(rf.boss))
	if r.status != 201 {
		t.Fatalf("create feed key: %d %s", r.status, r.body)
	}
	var created FeedKeyCreated
	if err := json.Unmarshal([]byte(r.body), &created); err != nil || created.Key == "" || created.Feed.ID == "" {
		t.Fatalf("created: %s", r.body)
	}
	if r := rf.do(t, "GET", "/api/v1/feeds", bearer(rf.boss)); r.status != 200 || strings.Contains(r.body, created.Key) || !strings.Contains(r.body, "songyuan-base") {
		t.Errorf("list feed keys: %d %s", r.status, r.body)
	}
	body := "!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*24\r\n\r\n!AIVDM,1,1,,B,bad,0*00\n"
	push := func(h map[string]string) response {
		return rf.doBody(t, "POST", "/api/v1/feeds/nmea", "text/plain", body, h)
	}
	for name, h := range map[string]map[string]string{
		"none": nil, "a session token": bearer(rf.officer), "a wrong key": bearer("rw_" + strings.Repeat("x", 43)),
	} {
		if r := push(h); r.status != 401 {
			t.Errorf("push with %s: %d, want 401", name, r.status)
		}
	}
	if r := push(bearer(created.Key)); r.status != 200 || r.body != `{"lines":2}` {
		t.Fatalf("push: %d %s", r.status, r.body)
	}
	if len(rf.feed.lines) != 2 || rf.feed.lines[0].Source != "feed:songyuan-base" || rf.feed.sources["feed:songyuan-base"] != "http" ||
		string(rf.feed.lines[0].Data) != "!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*24" {
		t.Errorf("fed: %+v", rf.feed.lines)
	}
	if r := rf.doBody(t, "DELETE", "/api/v1/feeds/"+created.Feed.ID, "", "", bearer(rf.boss)); r.status != 204 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	if r := push(bearer(created.Key)); r.status != 401 {
		t.Errorf("push with a deleted key: %d", r.status)
	}
	var actions []string
	for _, e := range rf.auditActions(t, "actor=boss") {
		if strings.HasPrefix(e.Action, "feed_key") {
			actions = append(actions, e.Action)
			if strings.Contains(string(e.After)+string(e.Before), created.Key) {
				t.Error("the key in the audit log")
			}
		}
	}
	if strings.Join(actions, " ") != "feed_key_delete feed_key_create" {
		t.Errorf("feed key audit: %v", actions)
	}
}

func TestLivePushPerStation(t *testing.T) {
	rf := newRoleFixture(t)
	base := rf.run(t)
	conn, _, err := dialLive(t, base, "", http.Header{"Authorization": {"Bearer " + rf.station}})
	if err != nil {
		t.Fatal(err)
	}
	m := mustRead(t, conn)
	if m.Type != "snapshot" || len(m.Alerts) != 1 || m.Alerts[0].ID != "a-jilin" {
		t.Fatalf("station's snapshot alerts: %+v", m.Alerts)
	}
	// Another station's alert is not pushed; its own is.
	rf.zones.raise(zones.EventAlertOpened, zones.Alert{ID: "a-chagan-2", Kind: zones.AlertSpeeding, State: zones.StateOpen,
		MMSI: 413000009, Lat: 45.22, Lon: 124.318, OpenedAt: testNow, UpdatedAt: testNow})
	rf.zones.raise(zones.EventAlertOpened, zones.Alert{ID: "a-jilin-2", Kind: zones.AlertSpeeding, State: zones.StateOpen,
		MMSI: 413000008, Lat: 43.85083, Lon: 126.56028, OpenedAt: testNow, UpdatedAt: testNow})
	got := readRaw(t, conn)
	if !strings.Contains(got, `"a-jilin-2"`) || strings.Contains(got, "a-chagan-2") || !strings.Contains(got, `"station_id":"`+rf.jilinStation+`"`) {
		t.Errorf("station's push: %s", got)
	}
	if _, _, err := dialLive(t, base, "", nil); err == nil {
		t.Error("live without credentials connected")
	}
}
