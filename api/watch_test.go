package api

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/zones"
)

// The real zones service satisfies the API's interface.
var _ ZoneWatch = (*zones.Watch)(nil)

// TestWithWatch runs the zone, ban and alert endpoints and their live push
// over the real zones.Watch on its in-memory store.
func TestWithWatch(t *testing.T) {
	w, err := zones.NewWatch(zones.WatchConfig{Base: testZones(), Now: func() time.Time { return testNow }, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := w.Open(ctx); err != nil {
		t.Fatal(err)
	}
	ran := make(chan error, 1)
	go func() { ran <- w.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-ran; err != nil {
			t.Errorf("Watch.Run: %v", err)
		}
		_ = w.Close()
	})
	fx := newFixture(t, func(_ *Config, d *Deps) { d.Zones = w }, jilinFleet()...)
	base := fx.run(t)
	conn, _ := mustDialLive(t, base, "")

	expect := func(method, target, ctype, body string, status int, want string) string {
		t.Helper()
		r := fx.doBody(t, method, target, ctype, body, nil)
		if r.status != status || !strings.Contains(r.body, want) {
			t.Fatalf("%s %s: %d %.300s, want %d and %s", method, target, r.status, r.body, status, want)
		}
		return r.body
	}
	live := func(typ string) liveMsg {
		t.Helper()
		m := mustRead(t, conn)
		if m.Type != typ {
			t.Fatalf("live %q, want %q: %+v", m.Type, typ, m)
		}
		return m
	}

	expect("GET", "/api/v1/zones?kind=quay", "", "", 200, `"id":"jilin.quay:1"`)
	expect("POST", "/api/v1/zones", "application/geo+json", anchorageFeature("anchor-1", square), 201, `"source":"api"`)
	if m := live("zone_put"); m.ZoneID != "anchor-1" {
		t.Errorf("zone_put of %q", m.ZoneID)
	}
	expect("PUT", "/api/v1/zones/songhua-lake", "application/geo+json", anchorageFeature("", square), 409, `songhua-lake`)
	expect("DELETE", "/api/v1/zones/yalu-border", "", "", 409, `yalu-border`)
	expect("GET", "/api/v1/zones/anchor-1/vessels", "", "", 200, `"count":0`)

	expect("POST", "/api/v1/bans", "application/json", strings.Replace(banBody, "songhua-lake", "atlantis", 1), 400, `atlantis`)
	expect("POST", "/api/v1/bans", "application/json", strings.Replace(banBody, `"songhua-lake"`, `"songhua-lake","anchor-1"`, 1), 201, `"active":true`)
	set := live("ban_set")
	if set.Ban == nil || !set.Ban.Active || len(set.Ban.ZoneIDs) != 2 || set.Ban.CreatedBy != "anonymous" {
		t.Fatalf("ban_set %+v", set.Ban)
	}
	expect("GET", "/api/v1/bans?active=true", "", "", 200, `"count":1`)
	expect("GET", "/api/v1/bans/"+set.Ban.ID, "", "", 200, `"reason":"fog"`)
	expect("DELETE", "/api/v1/bans/"+set.Ban.ID, "", "", 200, `"lifted_by":"anonymous"`)
	if m := live("ban_lifted"); m.Ban == nil || m.Ban.Active {
		t.Errorf("ban_lifted %+v", m.Ban)
	}
	expect("DELETE", "/api/v1/bans/"+set.Ban.ID, "", "", 409, `already ended`)
	expect("GET", "/api/v1/bans?active=true", "", "", 200, `{"count":0,"bans":[]}`)

	expect("GET", "/api/v1/alerts?state=open", "", "", 200, `{"count":0,"alerts":[]}`)
	expect("GET", "/api/v1/alerts/nothing", "", "", 404, `not found`)
	expect("POST", "/api/v1/alerts/nothing/ack", "", "", 404, `not found`)

	expect("DELETE", "/api/v1/zones/anchor-1", "", "", 204, ``)
	if m := live("zone_deleted"); m.ZoneID != "anchor-1" {
		t.Errorf("zone_deleted of %q", m.ZoneID)
	}
	expect("GET", "/api/v1/zones/anchor-1", "", "", 404, `not found`)
}
