package main

import (
	"io"
	"net/http"
	"strings"
	"testing"

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
