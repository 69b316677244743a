package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/riverwatch/riverwatch/web/browsertest"
	"github.com/riverwatch/riverwatch/zones"
)

// squareZone is a river_section polygon of side 2·d degrees around a spot.
func squareZone(id string, lat, lon, d float64) map[string]any {
	ring := [][2]float64{{lon - d, lat - d}, {lon + d, lat - d}, {lon + d, lat + d}, {lon - d, lat + d}, {lon - d, lat - d}}
	return map[string]any{"type": "Feature", "properties": map[string]any{"id": id, "kind": "river_section", "name": id, "name_zh": id},
		"geometry": map[string]any{"type": "Polygon", "coordinates": [][][2]float64{ring}}}
}

// TestBoardStation is the station check: a station account sees
// its own area on the map and only the alerts of its area, with the alarm
// until it acknowledges; a ban change from its session gets 403 and changes
// nothing; its video wall says it has no cameras.
func TestBoardStation(t *testing.T) {
	ctx, pageLog := browsertest.New(t)
	srv := startServer(t)
	base := "http://" + srv.api.Addr()
	if code, body := post(t, base+"/api/v1/users", map[string]any{"username": "jiutai", "password": "station-secret-1",
		"roles": []string{"station"}, "station": "rs-jiutai"}); code != 201 && code != 200 {
		t.Fatalf("create the station account: %d %s", code, body)
	}
	// One vessel below Jiutai, one on Songhua Lake (another station's),
	// each in a zone an officer bans.
	mine := boardVessel{mmsi: 412400001, name: "JIUTAI ONE", shipType: 70, lat: 44.19758, lon: 126.4677, sog: 2, cog: 45}
	other := boardVessel{mmsi: 412400002, name: "LAKE TWO", shipType: 70, lat: 43.735, lon: 126.69, sog: 2, cog: 45}
	reportUDP(t, srv.sourceAddr(t, "udp"), mine, other)
	for _, z := range []map[string]any{squareZone("st-mine", mine.lat, mine.lon, 0.01), squareZone("st-other", other.lat, other.lon, 0.01)} {
		if code, body := post(t, base+"/api/v1/zones", z); code != 201 {
			t.Fatalf("zone: %d %s", code, body)
		}
	}
	now := time.Now()
	code, body := post(t, base+"/api/v1/bans", map[string]any{"zone_ids": []string{"st-mine", "st-other"}, "kind": "prohibit", "reason": "ice",
		"from": now.Add(-time.Minute).Format(time.RFC3339), "until": now.Add(time.Hour).Format(time.RFC3339)})
	if code != 201 {
		t.Fatalf("ban: %d %s", code, body)
	}
	waitAlert(t, base, zones.AlertBanViolation, mine.mmsi, 10*time.Second)
	waitAlert(t, base, zones.AlertBanViolation, other.mmsi, 10*time.Second)
	var bansBefore struct {
		Count int `json:"count"`
	}
	getJSON(t, base+"/api/v1/bans", &bansBefore)

	loginPage(t, ctx, "http://"+srv.api.Addr(), "jiutai", "station-secret-1")
	browsertest.WaitJS(t, ctx, "the station view", `document.body.classList.contains('role-station') && !document.body.classList.contains('role-officer')`)
	browsertest.WaitJS(t, ctx, "its area on the map", `Number(document.body.dataset.stationArea || 0) >= 1 && document.querySelectorAll('path.station-area').length >= 1`)
	browsertest.WaitJS(t, ctx, "its name", `document.getElementById('station-name').textContent.includes('九台水上救助站')`)
	if browsertest.Eval[bool](t, ctx, `!document.getElementById('open-bans').hidden`) {
		t.Error("the ban editor is offered to a station")
	}

	item := func(mmsi uint32) string {
		return fmt.Sprintf(`[...document.querySelectorAll('.alert')].find(e => e.dataset.kind === 'ban_violation' && e.dataset.mmsi === '%d')`, mmsi)
	}
	browsertest.WaitJS(t, ctx, "its alert", item(mine.mmsi)+` !== undefined`)
	if browsertest.Eval[bool](t, ctx, item(other.mmsi)+` !== undefined`) {
		t.Error("the station sees another station's alert")
	}
	if n := browsertest.Eval[int](t, ctx, `[...document.querySelectorAll('.alert')].filter(e => e.dataset.mmsi === '412400002').length`); n != 0 {
		t.Errorf("%d alerts of the other station's vessel", n)
	}
	browsertest.WaitJS(t, ctx, "the alarm", `document.body.dataset.alarm !== 'silent'`)
	if browsertest.Eval[bool](t, ctx, item(mine.mmsi)+`.querySelector('.alert-resolve') !== null`) {
		t.Error("a station is offered to resolve")
	}
	browsertest.Screenshot(t, ctx, "-station")

	// A ban change from the station's own session: 403, nothing changes.
	js := `(async () => {
		const csrf = (document.cookie.split('; ').find(c => c.startsWith('rw_csrf=')) || '').slice(8);
		const h = {'Content-Type': 'application/json', 'X-CSRF-Token': csrf};
		const set = await fetch('/api/v1/bans', {method: 'POST', headers: h, body: JSON.stringify({zone_ids: ['st-mine'], kind: 'prohibit', reason: 'fog',
			from: new Date().toISOString(), until: new Date(Date.now() + 3600e3).toISOString()})});
		const bans = await (await fetch('/api/v1/bans')).json();
		const lift = await fetch('/api/v1/bans/' + encodeURIComponent(bans.bans[0].id), {method: 'DELETE', headers: h});
		window.rwTried = [set.status, lift.status];
	})(), true`
	browsertest.Eval[bool](t, ctx, js)
	browsertest.WaitJS(t, ctx, "the refused changes", `Array.isArray(window.rwTried)`)
	if got := browsertest.Eval[[]int](t, ctx, `window.rwTried`); fmt.Sprint(got) != "[403 403]" {
		t.Errorf("ban set and lift by a station: %v, want [403 403]", got)
	}
	var bansAfter struct {
		Count int `json:"count"`
		Bans  []struct {
			LiftedBy string `json:"lifted_by"`
		} `json:"bans"`
	}
	getJSON(t, base+"/api/v1/bans", &bansAfter)
	if bansAfter.Count != bansBefore.Count || bansAfter.Bans[0].LiftedBy != "" {
		t.Errorf("bans after the refused changes: %+v (before: %d)", bansAfter, bansBefore.Count)
	}

	var audit struct {
		Entries []struct {
			Actor  string `json:"actor"`
			Action string `json:"action"`
		} `json:"entries"`
	}
	getJSON(t, base+"/api/v1/audit?actor=jiutai", &audit)
	refused := 0
	for _, e := range audit.Entries {
		switch e.Action {
		case "ban_set", "ban_lift":
			t.Errorf("the audit log records the station's refused %s as done", e.Action)
		case "forbidden":
			refused++
		}
	}
	if refused < 2 {
		t.Errorf("the audit log has %d refusals of the station, want 2: %+v", refused, audit.Entries)
	}

	// It acknowledges its alert; the alarm stops.
	browsertest.Eval[bool](t, ctx, item(mine.mmsi)+`.querySelector('.alert-ack').click(), true`)
	browsertest.WaitJS(t, ctx, "acknowledged", item(mine.mmsi)+`.dataset.state === 'acknowledged'`)
	browsertest.WaitJS(t, ctx, "the alarm stops", `document.body.dataset.alarm === 'silent'`)
	if l := alerts(t, base, fmt.Sprintf("kind=ban_violation&mmsi=%d", mine.mmsi)); l.Count != 1 || l.Alerts[0].AckedBy != "jiutai" {
		t.Errorf("the station's acknowledgement: %+v", l.Alerts)
	}

	browsertest.Do(t, ctx, "the video wall", chromedp.Click(chromedp.CSS("#open-video")))
	browsertest.WaitJS(t, ctx, "its cameras or none", `document.getElementById('video-wall').dataset.cameras !== undefined`)
	if browsertest.Eval[string](t, ctx, `document.getElementById('video-wall').dataset.cameras`) == "0" {
		if got := browsertest.Eval[string](t, ctx, `document.querySelector('.video-empty').textContent`); got != "无摄像头 No cameras" {
			t.Errorf("empty video wall says %q", got)
		}
	}
	browsertest.CheckClean(t, ctx, pageLog, "/api/v1/cameras", "/api/v1/bans", "/changes?")

	// Signing out ends the session: the board sends the browser back to
	// the login page.
	browsertest.Do(t, ctx, "sign out", chromedp.Click(chromedp.CSS("#logout")))
	browsertest.WaitAcrossNavigation(t, ctx, "the login page", `location.pathname === '/login.html'`)
	browsertest.Do(t, ctx, "the board again", chromedp.Navigate(base+"/"))
	browsertest.WaitAcrossNavigation(t, ctx, "still the login page", `location.pathname === '/login.html' && document.body.dataset.ready === '1'`)
}
