package web

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/riverwatch/riverwatch/web/browsertest"
	"github.com/riverwatch/riverwatch/zones"
)

// TestBoardLogin: without a session the board sends the browser to the
// login page, which refuses a wrong password with a message and, with the
// right one, returns to the board, showing the user and role.
func TestBoardLogin(t *testing.T) {
	ctx, log := browsertest.New(t)
	api := newFakeAPI(t, boardWaterways(t), boardVessels(time.Now().UTC()), nil)
	api.user = nil
	browsertest.Do(t, ctx, "open board", chromedp.Navigate(api.url()))
	browsertest.WaitAcrossNavigation(t, ctx, "the login page", `location.pathname === '/login.html' && location.search === '?next=%2F' && document.body.dataset.ready === '1'`)
	browsertest.Do(t, ctx, "wrong password",
		chromedp.SendKeys(chromedp.CSS("#username"), "officer7"), chromedp.SendKeys(chromedp.CSS("#password"), "nope"),
		chromedp.Click(chromedp.CSS("#login-submit")))
	browsertest.WaitJS(t, ctx, "refused", `document.getElementById('login-error').textContent === '用户名或密码错误 Wrong username or password'`)
	setInput(t, ctx, "#password", "good-password")
	browsertest.Do(t, ctx, "right password", chromedp.Click(chromedp.CSS("#login-submit")))
	browsertest.WaitAcrossNavigation(t, ctx, "back on the board", `location.pathname === '/' && document.body.dataset.ready === '1'`)
	browsertest.WaitJS(t, ctx, "user shown", text("#user-name")+` === 'officer7' && `+text("#user-role")+` === '海事执法 Officer' && !document.getElementById('logout').hidden`)
	browsertest.CheckClean(t, ctx, log, "/api/v1/me", "/api/v1/login")
}

// TestBoardOfficerTools drives the officer's tools against the fake API:
// acknowledging with a comment (and the CSRF header), the rescue station of
// an alert, the ban editor (zones picked from the list and a polygon drawn),
// lifting a ban, the filters, replay, the statistics panel, the language
// and the night theme.
func TestBoardOfficerTools(t *testing.T) {
	ctx, log := browsertest.New(t)
	now := time.Now().UTC().Truncate(time.Second)
	fleet := boardVessels(now)
	api := newFakeAPI(t, boardWaterways(t), fleet, nil)
	api.setZones(boardZones())
	fog := zones.Ban{ID: "ban-fog", ZoneIDs: []string{"speed-1"}, Kind: zones.BanRestrict, Reason: zones.ReasonFog,
		From: now.Add(-time.Hour), Until: now.Add(5 * time.Hour), CreatedBy: "officer", CreatedAt: now}
	markup := boardAlert("alert-x", zones.AlertBanViolation, zones.SeverityAlarm, 413000004, "speed-1", 43.83, 126.70, now)
	speeding := boardAlert("alert-y", zones.AlertSpeeding, zones.SeverityWarning, 413000002, "speed-1", 43.80, 126.62, now.Add(-time.Minute))
	api.setAlerts([]zones.Alert{markup, speeding}, []zones.Ban{fog})
	api.snapshot = fleet[:2]
	api.changes[413000004] = []map[string]any{
		{"at": now.Add(-48 * time.Hour), "name": "OLD NAME", "destination": "SONGYUAN", "draught_m": 2.5},
		{"at": now.Add(-time.Hour), "name": xssName, "destination": `<script>alert(2)</script>`, "persons": 12},
	}
	// The login cookie the real API sets, readable by the board.
	browsertest.Do(t, ctx, "origin", chromedp.Navigate(api.srv.URL+"/favicon.svg"))
	browsertest.Eval[bool](t, ctx, `document.cookie = 'rw_csrf=tok123; path=/', true`)
	browsertest.Do(t, ctx, "open board", chromedp.Navigate(api.url()))
	browsertest.WaitJS(t, ctx, "live", `document.getElementById('conn').dataset.state === 'live' && document.body.dataset.zones === '9'`)

	t.Run("alert with markup name, station and alarm", func(t *testing.T) {
		item := `.alert[data-id="alert-x"]`
		browsertest.WaitJS(t, ctx, "the alert", count(item)+` === 1`)
		if got := browsertest.Eval[string](t, ctx, text(item+" .alert-vessel")); got != xssName+" · MMSI 413000004" {
			t.Errorf("alert names the vessel %q", got)
		}
		browsertest.WaitJS(t, ctx, "the nearest station", text(item+" .alert-station")+` === '吉林水上救助站 Jilin water rescue station'`)
		if got := browsertest.Eval[string](t, ctx, text(item+" .alert-rescue")); !strings.Contains(got, "4200 m") || !strings.Contains(got, "11 分钟") {
			t.Errorf("rescue line %q, want 4200 m and 11 分钟", got)
		}
		browsertest.WaitJS(t, ctx, "alarm on", `document.body.dataset.alarm === 'sounding' || document.body.dataset.alarm === 'blocked'`)
		browsertest.Do(t, ctx, "show on map", chromedp.Click(chromedp.CSS(item+" .alert-show")))
		browsertest.WaitJS(t, ctx, "rescue path drawn", count("path.rescue-path")+` === 1`)
		browsertest.WaitJS(t, ctx, "map label as text", fmt.Sprintf(`rw.fleet.layer.labels.includes(%q)`, xssName))
		browsertest.WaitJS(t, ctx, "the card's changes, newest first", `[...document.querySelectorAll('.card-changes li')].map(e => e.textContent).join('|').includes('目的地 Destination <script>alert(2)</script> · 船上人数 Persons 12|')`)
		if got := browsertest.Eval[string](t, ctx, `document.querySelector('.card-changes').textContent`); !strings.Contains(got, "OLD NAME") || !strings.Contains(got, "2.5 m") {
			t.Errorf("changes %q lack the older entry", got)
		}
		browsertest.WaitJS(t, ctx, "the card's alerts", count(`.card-alerts li[data-id="alert-x"]`)+` === 1`)
		browsertest.Do(t, ctx, "comment", chromedp.SendKeys(chromedp.CSS(item+" .alert-comment"), "已通知 notified"))
		browsertest.Do(t, ctx, "acknowledge", chromedp.Click(chromedp.CSS(item+" .alert-ack")))
		browsertest.WaitJS(t, ctx, "acknowledged", `document.querySelector('.alert[data-id="alert-x"]').dataset.state === 'acknowledged'`)
		browsertest.WaitJS(t, ctx, "alarm off", `document.body.dataset.alarm === 'silent'`)
		if got := api.actions(); !slices.Contains(got, "ack alert-x 已通知 notified tok123") {
			t.Errorf("acknowledgements %q, want the comment and the CSRF token", got)
		}
		browsertest.Do(t, ctx, "close card", chromedp.Click(chromedp.CSS("#details .close")))
	})

	t.Run("resolve with a comment", func(t *testing.T) {
		item := `.alert[data-id="alert-y"]`
		if got := browsertest.Eval[[]string](t, ctx, `[...document.querySelectorAll('.alert')].map(e => e.dataset.id)`); fmt.Sprint(got) != "[alert-x alert-y]" {
			t.Errorf("alerts in order %v, want the alarm before the warning", got)
		}
		browsertest.Do(t, ctx, "comment", chromedp.SendKeys(chromedp.CSS(item+" .alert-comment"), "误报 false alarm"))
		browsertest.Do(t, ctx, "resolve", chromedp.Click(chromedp.CSS(item+" .alert-resolve")))
		browsertest.WaitJS(t, ctx, "gone from the panel", count(item)+` === 0 && `+text("#alert-count")+` === '1'`)
		if got := api.actions(); !slices.Contains(got, "resolve alert-y 误报 false alarm tok123") {
			t.Errorf("actions %q, want the resolution with its comment", got)
		}
	})

	t.Run("km on request", func(t *testing.T) {
		setInput(t, ctx, "#units", "km")
		browsertest.WaitJS(t, ctx, "kilometres", `String(`+text(`.alert[data-id="alert-x"] .alert-rescue`)+`).includes('4.20 km')`)
		setInput(t, ctx, "#units", "m")
		browsertest.WaitJS(t, ctx, "metres", `String(`+text(`.alert[data-id="alert-x"] .alert-rescue`)+`).includes('4200 m')`)
	})

	t.Run("ban editor", func(t *testing.T) {
		browsertest.Do(t, ctx, "open", chromedp.Click(chromedp.CSS("#open-bans")))
		browsertest.WaitJS(t, ctx, "listed ban", count(`.ban-item[data-id="ban-fog"]`)+` === 1`)
		browsertest.Do(t, ctx, "pick a zone from the list", chromedp.Click(chromedp.CSS(`.ban-zone[data-zone="anchor-1"] input`)))
		browsertest.WaitJS(t, ctx, "picked on the map", `document.querySelector('path[data-zone="anchor-1"]').classList.contains('zone-picked')`)
		// Picking on the map: a click on a zone toggles it.
		browsertest.Eval[bool](t, ctx, `rw.map.setView([43.75, 126.62], 11, {animate: false}), true`)
		browsertest.Do(t, ctx, "pick mode", chromedp.Click(chromedp.CSS(".ban-pick")))
		lake := browsertest.Eval[[]float64](t, ctx, `(() => { const r = document.querySelector('path[data-zone="lake-1"]').getBoundingClientRect(); return [r.left + 8, r.bottom - 8]; })()`)
		browsertest.Do(t, ctx, "click the lake", chromedp.MouseClickXY(lake[0], lake[1]))
		browsertest.WaitJS(t, ctx, "lake picked", `document.querySelector('path[data-zone="lake-1"]').classList.contains('zone-picked') && document.querySelector('.ban-zone[data-zone="lake-1"] input').checked`)
		browsertest.Do(t, ctx, "click it again", chromedp.MouseClickXY(lake[0], lake[1]))
		browsertest.WaitJS(t, ctx, "lake unpicked", `!document.querySelector('path[data-zone="lake-1"]').classList.contains('zone-picked')`)
		browsertest.Eval[bool](t, ctx, `rw.map.setView([43.86, 126.6], 11, {animate: false}), true`)
		browsertest.Do(t, ctx, "draw", chromedp.Click(chromedp.CSS(".ban-draw")))
		m := browsertest.Eval[[]float64](t, ctx, `(() => { const r = document.getElementById('map').getBoundingClientRect(); return [r.left, r.top]; })()`)
		for _, p := range [][2]float64{{200, 300}, {320, 300}, {320, 420}, {200, 420}} {
			browsertest.Do(t, ctx, "vertex", chromedp.MouseClickXY(m[0]+p[0], m[1]+p[1]))
		}
		browsertest.WaitJS(t, ctx, "four vertices", `document.body.dataset.banVertices === '4'`)
		browsertest.Do(t, ctx, "finish", chromedp.Click(chromedp.CSS(".ban-finish")))
		setInput(t, ctx, ".ban-from", "2026-12-24T08:00")
		setInput(t, ctx, ".ban-until", "2027-03-31T18:30")
		setInput(t, ctx, ".ban-reason", "ice")
		browsertest.Do(t, ctx, "the rest", chromedp.SendKeys(chromedp.CSS(".ban-allowed"), "51, 55"),
			chromedp.Click(chromedp.CSS(".ban-yearly")), chromedp.SendKeys(chromedp.CSS(".ban-note"), "封江 freeze-up"),
			chromedp.Click(chromedp.CSS(".ban-submit")))
		browsertest.WaitJS(t, ctx, "set", `document.body.dataset.lastBan === 'ban-new'`)
		zs, bans := api.posted("/api/v1/zones"), api.posted("/api/v1/bans")
		if len(zs) != 1 || len(bans) != 1 {
			t.Fatalf("posted %d zones and %d bans", len(zs), len(bans))
		}
		zb, _ := json.Marshal(zs[0])
		if !strings.Contains(string(zb), `"kind":"river_section"`) || !strings.Contains(string(zb), `"type":"Polygon"`) || zs[0]["csrf"] != "tok123" {
			t.Errorf("zone posted %s", zb)
		}
		drawnID := zs[0]["properties"].(map[string]any)["id"]
		b := bans[0]
		bb, _ := json.Marshal(b)
		if fmt.Sprint(b["zone_ids"]) != fmt.Sprintf("[anchor-1 %v]", drawnID) || b["from"] != "2026-12-24T08:00:00+08:00" || b["until"] != "2027-03-31T18:30:00+08:00" ||
			b["reason"] != "ice" || b["yearly"] != true || fmt.Sprint(b["allowed_types"]) != "[51 55]" || b["note"] != "封江 freeze-up" || b["csrf"] != "tok123" {
			t.Errorf("ban posted %s", bb)
		}
		browsertest.Do(t, ctx, "lift", chromedp.Click(chromedp.CSS(`.ban-item[data-id="ban-fog"] .ban-lift`)))
		browsertest.WaitJS(t, ctx, "lifted", count(`.ban-item[data-id="ban-fog"]`)+` === 0`)
		if got := api.actions(); !slices.Contains(got, "lift ban-fog tok123") {
			t.Errorf("actions %q, want the lift", got)
		}
		browsertest.Screenshot(t, ctx, "-bans")
		browsertest.Do(t, ctx, "close", chromedp.Click(chromedp.CSS("#bans .close")))
	})

	t.Run("filters", func(t *testing.T) {
		rows := `[...document.querySelectorAll('.row')].map(r => Number(r.dataset.mmsi)).sort()`
		for _, c := range []struct {
			sel, value string
			want       []uint32
		}{
			{"#f-type", "cargo", []uint32{413000002}},
			{"#f-class", "B", []uint32{413000003}},
			{"#f-state", "stale", []uint32{413000005}},
			{"#f-river", "lake-a", nil},
		} {
			setInput(t, ctx, c.sel, c.value)
			if got := browsertest.Eval[[]uint32](t, ctx, rows); fmt.Sprint(got) != fmt.Sprint(c.want) && !(len(got) == 0 && len(c.want) == 0) {
				t.Errorf("%s=%s lists %v, want %v", c.sel, c.value, got, c.want)
			}
			setInput(t, ctx, c.sel, "")
		}
		setInput(t, ctx, "#f-river", "river-a")
		if got := browsertest.Eval[[]uint32](t, ctx, rows); !slices.Contains(got, 413000001) || slices.Contains(got, 413000006) {
			t.Errorf("on the Second Songhua: %v", got)
		}
		setInput(t, ctx, "#f-river", "")
	})

	t.Run("replay", func(t *testing.T) {
		browsertest.Eval[bool](t, ctx, `rw.map.setView([43.86, 126.6], 11, {animate: false}), true`)
		setInput(t, ctx, ".replay-range", "60")
		browsertest.WaitJS(t, ctx, "replaying", `document.getElementById('replay').dataset.count === '2' && rw.fleet.override !== null && `+drawnCount+` === 2`)
		browsertest.Do(t, ctx, "live", chromedp.Click(chromedp.CSS(".replay-live")))
		browsertest.WaitJS(t, ctx, "live again", `rw.fleet.override === null && `+drawnCount+` === 6`)
	})

	t.Run("clusters at province scale", func(t *testing.T) {
		browsertest.Eval[bool](t, ctx, `rw.map.setView([43.86, 126.6], 7, {animate: false}), true`)
		browsertest.WaitJS(t, ctx, "clustered", `Number(document.getElementById('map').dataset.clusters) >= 1 && `+drawnCount+` < 6 && Number(document.getElementById('map').dataset.vesselsShown) === 6`)
		c := browsertest.Eval[[]float64](t, ctx, `(() => { const m = document.getElementById('map').getBoundingClientRect(); const c = rw.fleet.layer.clusters[0]; return [m.left + c.x, m.top + c.y]; })()`)
		browsertest.Do(t, ctx, "click the cluster", chromedp.MouseClickXY(c[0], c[1]))
		browsertest.WaitJS(t, ctx, "zoomed in", `rw.map.getZoom() > 7`)
		browsertest.Eval[bool](t, ctx, `rw.map.setView([43.86, 126.6], 11, {animate: false}), true`)
	})

	t.Run("stats", func(t *testing.T) {
		browsertest.Do(t, ctx, "open", chromedp.Click(chromedp.CSS("#open-stats")))
		ferry := `String(` + text(`.stats-ferries tr[data-zone="ferry-1"]`) + `)`
		browsertest.WaitJS(t, ctx, "ferry occupancy", ferry+`.includes('江南渡口') && `+ferry+`.includes('126')`)
		browsertest.WaitJS(t, ctx, "per river", count(`.stats-rivers tr[data-river="river-a"]`)+` === 1 && document.querySelector('.stats-alerts-today').dataset.count === '2'`)
		browsertest.Do(t, ctx, "close", chromedp.Click(chromedp.CSS("#stats .close")))
	})

	t.Run("english and night theme persist", func(t *testing.T) {
		browsertest.Do(t, ctx, "night", chromedp.Click(chromedp.CSS("#theme")))
		browsertest.Do(t, ctx, "english", chromedp.Click(chromedp.CSS("#lang")))
		browsertest.WaitAcrossNavigation(t, ctx, "reloaded in English", `document.body.dataset.ready === '1' && document.documentElement.lang === 'en' && document.getElementById('conn').dataset.state === 'live'`)
		for sel, want := range map[string]string{"#conn": "Live", "#open-bans": "Bans", "#lang": "中文", ".alerts-head": "Alerts"} {
			if got := browsertest.Eval[string](t, ctx, text(sel)); !strings.HasPrefix(got, want) {
				t.Errorf("%s = %q, want %q…", sel, got, want)
			}
		}
		if got := browsertest.Eval[string](t, ctx, `document.documentElement.dataset.theme`); got != "dark" {
			t.Errorf("theme %q after reload, want dark", got)
		}
		browsertest.WaitJS(t, ctx, "names kept as sent", fmt.Sprintf(`[...document.querySelectorAll('.row-name')].some(e => e.textContent === %q)`, xssName))
		browsertest.Screenshot(t, ctx, "-night-en")
		browsertest.Do(t, ctx, "chinese", chromedp.Click(chromedp.CSS("#lang")))
		browsertest.WaitAcrossNavigation(t, ctx, "reloaded in Chinese", `document.body.dataset.ready === '1' && document.documentElement.lang === 'zh-CN'`)
	})
	browsertest.CheckClean(t, ctx, log, "/favicon.ico")
}

// setInput sets a form control's value and fires its change and input
// events, as a user's choice does.
func setInput(t *testing.T, ctx context.Context, sel, value string) {
	t.Helper()
	browsertest.Eval[bool](t, ctx, fmt.Sprintf(`(() => { const e = document.querySelector(%q); e.value = %q;
		e.dispatchEvent(new Event('input', {bubbles: true})); return e.dispatchEvent(new Event('change', {bubbles: true})); })()`, sel, value))
}

// TestBoardViewer: a viewer (a wall screen) sees the alerts and vessels
// but is offered no acknowledgement, resolution, ban editor or audit log.
func TestBoardViewer(t *testing.T) {
	ctx, log := browsertest.New(t)
	now := time.Now().UTC().Truncate(time.Second)
	api := newFakeAPI(t, boardWaterways(t), boardVessels(now), nil)
	api.user = map[string]any{"username": "wall-1", "roles": []string{"viewer"}, "station": ""}
	api.setAlerts([]zones.Alert{boardAlert("alert-v", zones.AlertSpeeding, zones.SeverityWarning, 413000001, "", 43.86, 126.56, now)}, nil)
	browsertest.Do(t, ctx, "open board", chromedp.Navigate(api.url()))
	browsertest.WaitJS(t, ctx, "live with the alert", `document.getElementById('conn').dataset.state === 'live' && `+count(`.alert[data-id="alert-v"]`)+` === 1`)
	for _, sel := range []string{".alert-ack", ".alert-resolve", ".alert-comment"} {
		if n := browsertest.Eval[int](t, ctx, count(sel)); n != 0 {
			t.Errorf("a viewer is offered %d %s", n, sel)
		}
	}
	for _, id := range []string{"open-bans", "open-audit"} {
		if !browsertest.Eval[bool](t, ctx, fmt.Sprintf(`document.getElementById(%q).hidden`, id)) {
			t.Errorf("a viewer is offered #%s", id)
		}
	}
	if got := browsertest.Eval[string](t, ctx, text("#user-role")); got != "只读 Viewer" {
		t.Errorf("role shown %q", got)
	}

	// A click whose press and release straddle a repaint still counts:
	// the list repaints in place, the alert panel remembers the button.
	centre := func(sel string) (x, y float64) {
		xy := browsertest.Eval[[]float64](t, ctx, fmt.Sprintf(`(() => { const r = document.querySelector(%q).getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()`, sel))
		return xy[0], xy[1]
	}
	press := func(sel string) (x, y float64) {
		x, y = centre(sel)
		browsertest.Do(t, ctx, "press "+sel, chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, x, y, chromedp.ButtonLeft, chromedp.ClickCount(1)))
		return x, y
	}
	release := func(x, y float64) {
		browsertest.Do(t, ctx, "release", chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, x, y, chromedp.ButtonLeft, chromedp.ClickCount(1)))
	}
	x, y := press(row(413000002))
	browsertest.Eval[bool](t, ctx, `(rw.list.refresh(true), true)`)
	release(x, y)
	browsertest.WaitJS(t, ctx, "the card despite the repaint", text(".details-title")+` === 'SONGHUA CARGO 7'`)
	// What the page saw of the second click, told if it does not count.
	browsertest.Eval[bool](t, ctx, `(window.__seen = [], ['pointerdown', 'pointerup', 'click'].forEach((k) => document.addEventListener(k, (e) => window.__seen.push(k + ' ' + e.target.tagName + '.' + e.target.className + ' at ' + e.clientX + ',' + e.clientY), true)), true)`)
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		seen, err := chromedp.Run(sctx, chromedp.Evaluate[string](`JSON.stringify(window.__seen) + ' title ' + String((document.querySelector(".details-title") || {}).textContent)`))
		t.Logf("what the page saw of the click: %s (%v)", seen, err)
	})
	x, y = press(`.alert[data-id="alert-v"] .alert-show`)
	upd := boardAlert("alert-v", zones.AlertSpeeding, zones.SeverityWarning, 413000001, "", 43.86, 126.56, now)
	upd.MessageEN = "updated while pressed"
	api.push(map[string]any{"type": "alert_updated", "alert": upd, "at": now})
	browsertest.WaitJS(t, ctx, "redrawn", `document.querySelector('.alert[data-id="alert-v"] .alert-msg-en').textContent === 'updated while pressed'`)
	// The pointer stays on the button: released over its redrawn copy,
	// wherever the longer message has moved it.
	if nx, ny := centre(`.alert[data-id="alert-v"] .alert-show`); nx != x || ny != y {
		t.Logf("the redraw moved the button from (%.0f, %.0f) to (%.0f, %.0f)", x, y, nx, ny)
		x, y = nx, ny
	}
	release(x, y)
	browsertest.WaitJS(t, ctx, "shown despite the redraw", text(".details-title")+` === 'JI HANG 101' && document.querySelector('.alert[data-id="alert-v"]').classList.contains('selected')`)
	browsertest.CheckClean(t, ctx, log)
}
