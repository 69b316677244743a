package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/riverwatch/riverwatch/api/accounts"
	"github.com/riverwatch/riverwatch/zones/redisstore/redistest"
)

// user runs `riverwatch user ...` and returns its stdout.
func user(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	out, errOut, err := runCmd(t, stdin, append([]string{"user"}, args...)...)
	if err != nil {
		t.Logf("riverwatch user %s: %v\n%s", strings.Join(args, " "), err, errOut)
	}
	return out, err
}

// TestUserCommand: accounts made on the command line log in to serve on
// the same data directory, while it runs.
func TestUserCommand(t *testing.T) {
	dir := t.TempDir()
	srv := startServer(t, "--data-dir", dir)
	base := "http://" + srv.api.Addr()

	if _, err := user(t, "station-secret-1\n", "add", "jiutai", "--roles", "station", "--station", "rs-jiutai", "--password-stdin", "--data-dir", dir); err != nil {
		t.Fatal(err)
	}
	if _, err := user(t, "short\n", "add", "weak", "--roles", "viewer", "--password-stdin", "--data-dir", dir); err == nil {
		t.Error("a password of 5 characters was accepted")
	}
	if _, err := user(t, "whatever-1\n", "add", "jiutai", "--roles", "viewer", "--password-stdin", "--data-dir", dir); err == nil {
		t.Error("a second jiutai was accepted")
	}
	out, err := user(t, "", "list", "--data-dir", dir)
	if err != nil || !strings.Contains(out, "jiutai") || !strings.Contains(out, "rs-jiutai") || !strings.Contains(out, "admin") {
		t.Errorf("user list: %q, %v", out, err)
	}
	if strings.Contains(out, "argon2") || strings.Contains(out, "station-secret") {
		t.Errorf("user list shows a secret: %q", out)
	}

	tok := login(t, base, "jiutai", "station-secret-1")
	var me struct {
		Username string   `json:"username"`
		Roles    []string `json:"roles"`
		Station  string   `json:"station"`
	}
	req, _ := http.NewRequest("GET", base+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	err = json.NewDecoder(resp.Body).Decode(&me)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || me.Username != "jiutai" || me.Station != "rs-jiutai" || len(me.Roles) != 1 || me.Roles[0] != "station" {
		t.Fatalf("me: %d %+v %v", resp.StatusCode, me, err)
	}

	// A new password closes the sessions of the old one.
	if _, err := user(t, "station-secret-2\n", "passwd", "jiutai", "--password-stdin", "--data-dir", dir); err != nil {
		t.Fatal(err)
	}
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("old session after passwd: %d, want 401", resp.StatusCode)
	}
	login(t, base, "jiutai", "station-secret-2")
	if _, err := user(t, "", "remove", "jiutai", "--data-dir", dir); err != nil {
		t.Fatal(err)
	}
	if out, _ := user(t, "", "list", "--data-dir", dir); strings.Contains(out, "jiutai") {
		t.Errorf("after remove: %q", out)
	}
}

// TestAdminPasswordPrintedOnce: without --admin-password the first start
// prints a random one, once, to stderr and never to the log; the second
// start prints nothing and the password still works.
func TestAdminPasswordPrintedOnce(t *testing.T) {
	dir := t.TempDir()
	var logs strings.Builder
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	open := func() (string, *accounts.Service) {
		var stderr strings.Builder
		cfg := DefaultConfig()
		cfg.DataDir = dir
		svc, err := openAccounts(context.Background(), cfg, env{stderr: &stderr, getenv: func(string) string { return "" }}, logger)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = svc.Store().Close() })
		return stderr.String(), svc
	}
	first, svc := open()
	m := regexp.MustCompile(`\n    (\S+)\n`).FindStringSubmatch(first)
	if m == nil {
		t.Fatalf("first start printed %q", first)
	}
	if _, err := svc.Login(context.Background(), "admin", m[1], "127.0.0.1"); err != nil {
		t.Errorf("the printed password: %v", err)
	}
	second, svc2 := open()
	if second != "" {
		t.Errorf("second start printed %q", second)
	}
	if _, err := svc2.Login(context.Background(), "admin", m[1], "127.0.0.1"); err != nil {
		t.Errorf("the password after a restart: %v", err)
	}
	if strings.Contains(logs.String(), m[1]) {
		t.Errorf("the password in the log: %s", logs.String())
	}
}

func TestTrustedProxiesFlag(t *testing.T) {
	e := env{stderr: io.Discard, getenv: func(k string) string {
		if k == "RIVERWATCH_TRUSTED_PROXIES" {
			return "10.0.0.1, 10.1.0.0/16"
		}
		return ""
	}}
	cfg, err := parseServe(nil, e)
	if err != nil || strings.Join(cfg.TrustedProxies, " ") != "10.0.0.1 10.1.0.0/16" {
		t.Errorf("from the environment: %v %v", cfg.TrustedProxies, err)
	}
	cfg, err = parseServe([]string{"--trusted-proxies", "192.0.2.7"}, e)
	if err != nil || strings.Join(cfg.TrustedProxies, " ") != "192.0.2.7" {
		t.Errorf("the flag over the environment: %v %v", cfg.TrustedProxies, err)
	}
}

// TestVolatileRedisWarned: accounts in a Redis that keeps nothing on disk
// get a warning at start; once it keeps an append-only file, none.
func TestVolatileRedisWarned(t *testing.T) {
	srv := redistest.StartServer(t) // --save "" --appendonly no
	open := func() string {
		var logs strings.Builder
		cfg := DefaultConfig()
		cfg.Redis = "redis://" + srv.Addr
		s, err := openAccountStore(t.Context(), cfg, func(string) string { return "" }, slog.New(slog.NewTextHandler(&logs, nil)))
		if err != nil {
			t.Fatal(err)
		}
		_ = s.Close()
		return logs.String()
	}
	const warning = "keeps nothing on disk"
	if logs := open(); !strings.Contains(logs, "level=WARN") || !strings.Contains(logs, warning) {
		t.Errorf("a volatile Redis was not warned of:\n%s", logs)
	}
	// riverwatch user says so on stderr, beside its output.
	out, errOut, err := runCmd(t, "", "user", "list", "--redis", "redis://"+srv.Addr)
	if err != nil || !strings.Contains(out, "USERNAME") || !strings.Contains(errOut, warning) {
		t.Errorf("user list on a volatile Redis: %v\nstdout:\n%s\nstderr:\n%s", err, out, errOut)
	}
	c := redis.NewClient(&redis.Options{Addr: srv.Addr, DisableIdentity: true})
	t.Cleanup(func() { _ = c.Close() })
	if err := c.ConfigSet(t.Context(), "appendonly", "yes").Err(); err != nil {
		t.Fatal(err)
	}
	// Off again before the server stops: with an append-only file it takes
	// seconds to.
	t.Cleanup(func() { _ = c.ConfigSet(context.Background(), "appendonly", "no").Err() })
	if logs := open(); strings.Contains(logs, warning) {
		t.Errorf("a Redis with an append-only file was warned of:\n%s", logs)
	}
}
