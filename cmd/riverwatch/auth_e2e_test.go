package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	goais "github.com/BertoldVdb/go-ais"

	"github.com/riverwatch/riverwatch/ais/aistest"
	"github.com/riverwatch/riverwatch/zones/redisstore/redistest"
)

func status(t *testing.T, req *http.Request) int {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func get(t *testing.T, url, token string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return status(t, req)
}

// TestServeNeedsLogin: serve answers 401 without credentials on
// everything but health and the login page; /metrics on --metrics-addr
// needs none.
func TestServeNeedsLogin(t *testing.T) {
	srv := startServer(t, "--metrics-addr", "127.0.0.1:0")
	base := "http://" + srv.api.Addr()
	for _, path := range []string{"/api/v1/vessels", "/api/v1/alerts", "/api/v1/zones", "/api/v1/bans", "/api/v1/sources",
		"/api/v1/waterways", "/api/v1/users", "/api/v1/audit", "/api/v1/me", "/api/v1/live", "/metrics", "/js/main.js"} {
		if got := get(t, base+path, ""); got != http.StatusUnauthorized {
			t.Errorf("GET %s without credentials: %d, want 401", path, got)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/bans", strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "application/json")
	if got := status(t, req); got != http.StatusUnauthorized {
		t.Errorf("POST bans without credentials: %d", got)
	}
	for _, path := range []string{"/healthz", "/login.html"} {
		if got := get(t, base+path, ""); got != http.StatusOK {
			t.Errorf("GET %s: %d, want 200", path, got)
		}
	}
	ops := "http://" + srv.api.MetricsAddr()
	for _, path := range []string{"/metrics", "/healthz"} {
		if got := get(t, ops+path, ""); got != http.StatusOK {
			t.Errorf("GET %s on the metrics address: %d, want 200", path, got)
		}
	}
	if got := get(t, ops+"/api/v1/vessels", ""); got != http.StatusNotFound {
		t.Errorf("the API on the metrics address: %d, want 404", got)
	}
	tok, _ := authTokens.Load(srv.api.Addr())
	if got := get(t, base+"/metrics", tok.(string)); got != http.StatusOK {
		t.Errorf("GET /metrics with a token: %d", got)
	}
}

// TestAccountsSharedOverRedis: with --redis a token from one process works
// on another, and the audit log is one.
func TestAccountsSharedOverRedis(t *testing.T) {
	url := "redis://" + redistest.Start(t)
	a := startServer(t, "--redis", url)
	b := startServer(t, "--redis", url)
	tok, _ := authTokens.Load(a.api.Addr())
	if got := get(t, "http://"+b.api.Addr()+"/api/v1/me", tok.(string)); got != http.StatusOK {
		t.Fatalf("a's token on b: %d", got)
	}
	var log struct {
		Entries []struct {
			Action string `json:"action"`
			Actor  string `json:"actor"`
		} `json:"entries"`
	}
	getJSON(t, "http://"+b.api.Addr()+"/api/v1/audit?action=login&actor=admin", &log)
	if len(log.Entries) != 2 { // a's login and b's, both by startServer
		t.Errorf("logins in b's audit log: %+v, want 2", log.Entries)
	}
}

// send makes a request with a bearer token and a JSON body ("" = none).
func send(t *testing.T, method, url, token, body string) int {
	t.Helper()
	var r io.Reader = http.NoBody
	if body != "" {
		r = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, url, r)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	return status(t, req)
}

// TestStationRefusedEndToEnd is the check as a user makes it: the
// admin adds a station account over the API; logged in as it, a ban or a
// zone change gets 403 and changes nothing, and the audit log shows the
// officer's changes, the refusals as refusals, never as done.
func TestStationRefusedEndToEnd(t *testing.T) {
	srv := startServer(t, "--zones", userZones(t))
	base := "http://" + srv.api.Addr()
	admin, _ := authTokens.Load(srv.api.Addr())
	if got := send(t, "POST", base+"/api/v1/users", admin.(string),
		`{"username":"jiutai","password":"jiutai-station-1","roles":["station"],"station":"rs-jiutai"}`); got != http.StatusCreated {
		t.Fatalf("add station: %d", got)
	}
	station := login(t, base, "jiutai", "jiutai-station-1")
	now := time.Now().UTC()
	ban := fmt.Sprintf(`{"zone_ids":["reach"],"kind":"prohibit","reason":"ice","from":%q,"until":%q}`,
		now.Add(-time.Minute).Format(time.RFC3339), now.Add(time.Hour).Format(time.RFC3339))
	if got := send(t, "POST", base+"/api/v1/bans", station, ban); got != http.StatusForbidden {
		t.Errorf("station sets a ban: %d, want 403", got)
	}
	if got := send(t, "DELETE", base+"/api/v1/zones/no-go", station, ""); got != http.StatusForbidden {
		t.Errorf("station deletes a zone: %d, want 403", got)
	}
	var bans struct {
		Count int `json:"count"`
	}
	getJSON(t, base+"/api/v1/bans", &bans)
	if bans.Count != 0 {
		t.Errorf("bans after the refusal: %d", bans.Count)
	}
	var z map[string]any
	if code := getJSON(t, base+"/api/v1/zones/no-go", &z); code != http.StatusOK {
		t.Errorf("zone after the refused delete: %d", code)
	}
	if got := send(t, "POST", base+"/api/v1/bans", admin.(string), ban); got != http.StatusCreated {
		t.Fatalf("officer sets a ban: %d", got)
	}
	var log struct {
		Entries []struct {
			Actor  string `json:"actor"`
			Action string `json:"action"`
			Target string `json:"target"`
		} `json:"entries"`
	}
	getJSON(t, base+"/api/v1/audit", &log)
	var got []string
	for _, e := range log.Entries {
		if e.Action != "login" {
			got = append(got, e.Actor+" "+e.Action+" "+e.Target)
		}
	}
	want := []string{"admin ban_set ban:", "jiutai forbidden DELETE /api/v1/zones/no-go", "jiutai forbidden POST /api/v1/bans", "admin account_create account:jiutai"}
	if len(got) < len(want) {
		t.Fatalf("audit log %v, want %v", got, want)
	}
	for i, w := range want {
		if !strings.HasPrefix(got[i], w) {
			t.Errorf("audit entry %d: %q, want %q...", i, got[i], w)
		}
	}
	if got := send(t, "GET", base+"/api/v1/audit", station, ""); got != http.StatusForbidden {
		t.Errorf("station reads the audit log: %d, want 403", got)
	}
}

// TestSecretsNeverLogged: logins right and wrong, a feed key made and
// used, a throttled run of wrong passwords — and no password, token or key
// in the debug log or in an API answer.
func TestSecretsNeverLogged(t *testing.T) {
	var logs aistest.SyncBuffer
	srv := startServerLog(t, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	base := "http://" + srv.api.Addr()
	admin, _ := authTokens.Load(srv.api.Addr())
	secrets := []string{testAdminPassword, admin.(string), "wrong-but-secret"}

	var lastCode int
	var lastRetry string
	for range 20 {
		req, _ := http.NewRequest("POST", base+"/api/v1/login", strings.NewReader(`{"username":"admin","password":"wrong-but-secret"}`))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		lastCode, lastRetry = resp.StatusCode, resp.Header.Get("Retry-After")
		if strings.Contains(string(body), "wrong-but-secret") {
			t.Errorf("a password in the answer: %s", body)
		}
	}
	if lastCode != http.StatusTooManyRequests || lastRetry == "" {
		t.Errorf("after 20 wrong passwords: %d, Retry-After %q; want 429 with it", lastCode, lastRetry)
	}

	req, _ := http.NewRequest("POST", base+"/api/v1/feeds", strings.NewReader(`{"name":"test-feed"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+admin.(string))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var created struct {
		Key string `json:"key"`
	}
	err = json.NewDecoder(resp.Body).Decode(&created)
	resp.Body.Close()
	if err != nil || created.Key == "" {
		t.Fatalf("feed key: %d %v", resp.StatusCode, err)
	}
	secrets = append(secrets, created.Key)
	req, _ = http.NewRequest("POST", base+"/api/v1/feeds/nmea", strings.NewReader(strings.Join(mustEncode(t, goais.PositionReport{
		Header: goais.Header{MessageID: 1, UserID: 412777001}, Valid: true, Sog: 5, Longitude: 126.5, Latitude: 43.8, Cog: 90, TrueHeading: 90}, 0), "\n")))
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set("Authorization", "Bearer "+created.Key)
	if got := status(t, req); got != http.StatusOK {
		t.Fatalf("push: %d", got)
	}
	var v vesselJSON
	deadline := time.Now().Add(5 * time.Second)
	for getJSON(t, base+"/api/v1/vessels/412777001", &v); v.Lat == nil; getJSON(t, base+"/api/v1/vessels/412777001", &v) {
		if time.Now().After(deadline) {
			t.Fatal("the pushed vessel never showed")
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, s := range secrets {
		if strings.Contains(logs.String(), s) {
			t.Errorf("secret %.6s… in the log", s)
		}
	}
	if !strings.Contains(logs.String(), "authentication failed") && !strings.Contains(logs.String(), "level=") {
		t.Error("nothing was logged: the test proves nothing")
	}
}
