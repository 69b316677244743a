package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/riverwatch/riverwatch/api/accounts"
)

// fastHash keeps unit tests quick; BenchmarkHash measures the real one.
var fastHash = accounts.HashParams{Time: 1, Memory: 64, Threads: 1, SaltLen: 16, KeyLen: 32}

// accountsFixture is a server over fakes with real sessions, and the
// accounts of the tests: an officer, a second officer who is also admin,
// a viewer and the station of Jiutai.
func accountsFixture(tb testing.TB) (*fixture, *accounts.Service) {
	tb.Helper()
	return accountsFixtureWith(tb, "rs-jiutai", nil)
}

// accountsFixtureWith is accountsFixture with the station of "jiutai" and
// more edits of the configuration.
func accountsFixtureWith(tb testing.TB, station string, edit func(*Config, *Deps)) (*fixture, *accounts.Service) {
	tb.Helper()
	svc, err := accounts.New(accounts.Config{Store: accounts.NewMemoryStore(func() time.Time { return testNow }),
		Now: func() time.Time { return testNow }, Hash: fastHash})
	if err != nil {
		tb.Fatal(err)
	}
	for _, n := range []accounts.NewAccount{
		{Username: "officer", Password: "officer-pw-1", Roles: []string{RoleOfficer}},
		{Username: "boss", Password: "boss-pw-123", Roles: []string{RoleOfficer, RoleAdmin}},
		{Username: "wall", Password: "wall-pw-123", Roles: []string{RoleViewer}},
		{Username: "jiutai", Password: "jiutai-pw-1", Roles: []string{RoleStation}, Station: station},
	} {
		if _, err := svc.CreateAccount(context.Background(), n); err != nil {
			tb.Fatal(err)
		}
	}
	board := fstest.MapFS{
		"index.html": {Data: []byte("<!doctype html><title>board</title>")},
		"login.html": {Data: []byte("<!doctype html><title>login</title>")},
		"js/main.js": {Data: []byte("export {};")},
	}
	fx := newFixture(tb, func(c *Config, d *Deps) {
		c.Auth, c.Static, d.Accounts = nil, board, svc
		if edit != nil {
			edit(c, d)
		}
	}, jilinFleet()...)
	return fx, svc
}

// loginAs logs in and returns the bearer token.
func loginAs(tb testing.TB, fx *fixture, user, pw string) string {
	tb.Helper()
	r := fx.doBody(tb, "POST", "/api/v1/login", "application/json",
		`{"username":`+strconv.Quote(user)+`,"password":`+strconv.Quote(pw)+`}`, nil)
	if r.status != 200 {
		tb.Fatalf("login %s: %d %s", user, r.status, r.body)
	}
	var out LoginResponse
	if err := json.Unmarshal([]byte(r.body), &out); err != nil || out.Token == "" {
		tb.Fatalf("login %s: %s: %v", user, r.body, err)
	}
	return out.Token
}

func bearer(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }

func TestLoginSessionAndBearer(t *testing.T) {
	fx, _ := accountsFixture(t)

	r := fx.doBody(t, "POST", "/api/v1/login", "application/json", `{"username":"officer","password":"officer-pw-1"}`, nil)
	if r.status != 200 {
		t.Fatalf("login: %d %s", r.status, r.body)
	}
	var out LoginResponse
	if err := json.Unmarshal([]byte(r.body), &out); err != nil {
		t.Fatal(err)
	}
	if out.User.Username != "officer" || len(out.User.Roles) != 1 || !out.ExpiresAt.After(testNow) {
		t.Errorf("login body: %s", r.body)
	}
	if strings.Contains(r.body, "officer-pw-1") || strings.Contains(r.body, "argon2") {
		t.Errorf("login body shows a secret: %s", r.body)
	}
	cookies := (&http.Response{Header: r.header}).Cookies()
	var session, csrf *http.Cookie
	for _, c := range cookies {
		switch c.Name {
		case SessionCookie:
			session = c
		case CSRFCookie:
			csrf = c
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteStrictMode || session.Value != out.Token {
		t.Fatalf("session cookie: %+v", session)
	}
	if csrf == nil || csrf.HttpOnly || csrf.SameSite != http.SameSiteStrictMode || len(csrf.Value) < 16 {
		t.Fatalf("csrf cookie: %+v", csrf)
	}

	// The token as bearer, and the cookie.
	if r := fx.do(t, "GET", "/api/v1/me", bearer(out.Token)); r.status != 200 || !strings.Contains(r.body, `"username":"officer"`) {
		t.Errorf("me by bearer: %d %s", r.status, r.body)
	}
	cookie := map[string]string{"Cookie": SessionCookie + "=" + session.Value + "; " + CSRFCookie + "=" + csrf.Value}
	if r := fx.do(t, "GET", "/api/v1/me", cookie); r.status != 200 {
		t.Errorf("me by cookie: %d %s", r.status, r.body)
	}

	// A cookie change without the CSRF header is refused; with it, it runs.
	ack := func(h map[string]string) int {
		return fx.doBody(t, "PUT", "/api/v1/vessels/412000001/persons", "application/json", `{"persons":3}`, h).status
	}
	if got := ack(cookie); got != 403 {
		t.Errorf("cookie write without CSRF header: %d, want 403", got)
	}
	cookie[CSRFHeader] = "not-the-cookie-value"
	if got := ack(cookie); got != 403 {
		t.Errorf("cookie write with a wrong CSRF header: %d, want 403", got)
	}
	cookie[CSRFHeader] = csrf.Value
	if got := ack(cookie); got != 200 {
		t.Errorf("cookie write with the CSRF header: %d, want 200", got)
	}
	if got := ack(bearer(out.Token)); got != 200 {
		t.Errorf("bearer write: %d, want 200 (bearer needs no CSRF header)", got)
	}

	// Logout ends the session for both.
	if r := fx.doBody(t, "POST", "/api/v1/logout", "", "", bearer(out.Token)); r.status != 204 {
		t.Fatalf("logout: %d %s", r.status, r.body)
	}
	if r := fx.do(t, "GET", "/api/v1/me", bearer(out.Token)); r.status != 401 {
		t.Errorf("me after logout: %d", r.status)
	}
}

func TestUnauthenticated(t *testing.T) {
	fx, _ := accountsFixture(t)
	for _, path := range []string{"/api/v1/vessels", "/api/v1/me", "/api/v1/alerts", "/api/v1/zones", "/metrics", "/js/main.js", "/api/v1/nothing"} {
		if r := fx.do(t, "GET", path, nil); r.status != 401 || !strings.Contains(r.body, `"error"`) {
			t.Errorf("GET %s without credentials: %d %s", path, r.status, r.body)
		}
	}
	if r := fx.do(t, "GET", "/api/v1/vessels", bearer("rw_"+strings.Repeat("A", 43))); r.status != 401 {
		t.Errorf("unknown token: %d", r.status)
	}
	if r := fx.do(t, "GET", "/login.html", nil); r.status != 200 {
		t.Errorf("login page: %d", r.status)
	}
	if r := fx.do(t, "GET", "/healthz", nil); r.status != 200 {
		t.Errorf("healthz: %d", r.status)
	}
	if r := fx.do(t, "GET", "/", nil); r.status != 302 || r.header.Get("Location") != "/login.html" {
		t.Errorf("board without a session: %d %q, want a redirect to /login.html", r.status, r.header.Get("Location"))
	}
}

func TestLoginThrottled(t *testing.T) {
	fx, _ := accountsFixture(t)
	var last response
	refused := 0
	for range 20 {
		last = fx.doBody(t, "POST", "/api/v1/login", "application/json", `{"username":"officer","password":"wrong-password"}`, nil)
		if last.status == 429 {
			refused++
		} else if last.status != 401 {
			t.Fatalf("wrong password: %d %s", last.status, last.body)
		}
	}
	if last.status != 429 || refused < 10 {
		t.Fatalf("after 20 wrong passwords: %d (%d refused), want 429", last.status, refused)
	}
	if ra, err := strconv.Atoi(last.header.Get("Retry-After")); err != nil || ra < 1 {
		t.Errorf("Retry-After %q", last.header.Get("Retry-After"))
	}
	// The right password is refused too while throttled.
	if r := fx.doBody(t, "POST", "/api/v1/login", "application/json", `{"username":"officer","password":"officer-pw-1"}`, nil); r.status != 429 {
		t.Errorf("right password while throttled: %d", r.status)
	}
	m := fx.do(t, "GET", "/metrics", bearer(loginAs(t, fx, "wall", "wall-pw-123"))).body
	for _, want := range []string{`riverwatch_logins_total{outcome="failed"} 6`, `riverwatch_logins_total{outcome="throttled"} 15`, `riverwatch_logins_total{outcome="ok"} 1`} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %s: %s", want, grepLines(m, "riverwatch_logins_total"))
		}
	}
}

// TestForwardedFor: behind a trusted proxy a login is throttled and
// audited by the client's address; from anyone else the header is
// ignored, so a client cannot pick its own address.
func TestForwardedFor(t *testing.T) {
	for _, tc := range []struct {
		name    string
		trusted []string
		want    string
	}{
		{"trusted", []string{"0.0.0.0"}, "203.0.113.9"},
		{"untrusted", nil, "0.0.0.0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx, svc := accountsFixtureWith(t, "rs-jiutai", func(c *Config, _ *Deps) { c.TrustedProxies = tc.trusted })
			r := fx.doBody(t, "POST", "/api/v1/login", "application/json", `{"username":"wall","password":"wall-pw-123"}`,
				map[string]string{"X-Forwarded-For": "203.0.113.9, 10.0.0.1"})
			if r.status != 200 {
				t.Fatalf("login: %d", r.status)
			}
			log, _ := svc.AuditLog(t.Context(), accounts.AuditFilter{Action: "login"})
			if len(log) != 1 || log[0].IP != tc.want {
				t.Errorf("audited from %+v, want %s", log, tc.want)
			}
		})
	}
}
