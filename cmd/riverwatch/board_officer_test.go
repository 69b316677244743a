package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/riverwatch/riverwatch/web/browsertest"
	"github.com/riverwatch/riverwatch/zones"
)

// The board tests' vessels lie on the Second Songhua below the Jiutai
// rescue station, away from the default zones' quays and crossings.
const (
	bBanned  = 412300001 // inside the ban the officer draws
	bOutside = 412300002 // on the river, outside it
	bMarkupA = 412300003 // a class A name of markup (20 characters, all AIS carries)
	// xssA is markup as AIS carries it: upper case, 20 characters. The
	// whole lower-case <img src=x onerror=alert(1)> is checked in package
	// web's tests against the same board.
	xssA = `<IMG SRC=X ONERROR=>`
)

func boardFleet() []boardVessel {
	return []boardVessel{
		{mmsi: bBanned, name: "JI BAN 1", shipType: 70, lat: 44.19758, lon: 126.4677, sog: 2, cog: 45},
		{mmsi: bOutside, name: "JI FREE 2", shipType: 60, lat: 44.16873, lon: 126.43214, sog: 6, cog: 30},
		{mmsi: bMarkupA, name: xssA, shipType: 80, lat: 44.22175, lon: 126.48776, sog: 4, cog: 20},
	}
}

// TestBoardOfficer is the officer check in a real Chromium against
// a real serve: sign in on the login page, vessels sent over UDP on the
// map within 2 s, a click on one shows its card and track, a ban drawn on
// the map raises a ban_violation for the vessel inside, the alert panel
// shows it with the nearest rescue station and it is acknowledged there.
func TestBoardOfficer(t *testing.T) {
	ctx, pageLog := browsertest.New(t)
	srv := startServer(t)
	base := "http://" + srv.api.Addr()
	udp := srv.sourceAddr(t, "udp")
	loginPage(t, ctx, base, "admin", testAdminPassword)

	fleet := boardFleet()
	reportUDP(t, udp, fleet...)
	took := waitWithin(t, ctx, "the vessels on the map", fmt.Sprintf(
		`[%d, %d, %d].every(m => rw.fleet.record(m) && rw.fleet.record(m).lat !== null) && rw.fleet.layer.frame === 0`, bBanned, bOutside, bMarkupA),
		2*time.Second)
	t.Logf("UDP to the map: %v", took)
	browsertest.WaitJS(t, ctx, "the names", fmt.Sprintf(`rw.fleet.get(%d).name === %q && rw.fleet.get(%d).name === 'JI BAN 1'`, bMarkupA, xssA, bBanned))

	// The officer zooms to the reach; every vessel drawn on its own.
	browsertest.Eval[bool](t, ctx, `rw.map.setView([44.19758, 126.4677], 13, {animate: false}), true`)
	browsertest.WaitJS(t, ctx, "drawn at reach scale", fmt.Sprintf(`rw.fleet.drawn(%d) !== null && rw.fleet.drawn(%d) !== null && rw.fleet.layer.frame === 0`, bBanned, bMarkupA))

	t.Run("click shows card and track", func(t *testing.T) {
		x, y := canvasXY(t, ctx, bOutside)
		browsertest.Do(t, ctx, "click the vessel", chromedp.MouseClickXY(x, y))
		browsertest.WaitJS(t, ctx, "its card", `document.querySelector('.details-title') && document.querySelector('.details-title').textContent === 'JI FREE 2'`)
		browsertest.WaitJS(t, ctx, "its track", `document.querySelectorAll('path.vessel-track').length === 1 && /[0-9]+ 点/.test(document.querySelector('[data-field="track"]').textContent)`)
		v := waitVessel(t, base, bOutside)
		for field, want := range map[string]string{"mmsi": fmt.Sprint(bOutside), "ship_type": "60 客船 Passenger", "station": v.Station, "name": "JI FREE 2"} {
			if got := browsertest.Eval[string](t, ctx, fmt.Sprintf(`document.querySelector('[data-field=%q]').textContent`, field)); got != want {
				t.Errorf("card %s = %q, want %q", field, got, want)
			}
		}
		browsertest.Do(t, ctx, "close the card", chromedp.Click(chromedp.CSS("#details .close")))
	})

	t.Run("a drawn ban raises a ban violation", func(t *testing.T) {
		browsertest.Do(t, ctx, "open the ban editor", chromedp.Click(chromedp.CSS("#open-bans")))
		browsertest.Do(t, ctx, "draw mode", chromedp.Click(chromedp.CSS(".ban-draw")))
		x, y := canvasXY(t, ctx, bBanned)
		for _, d := range [][2]float64{{-50, -50}, {50, -50}, {50, 50}, {-50, 50}} {
			browsertest.Do(t, ctx, "a vertex", chromedp.MouseClickXY(x+d[0], y+d[1]))
		}
		browsertest.WaitJS(t, ctx, "four vertices", `document.body.dataset.banVertices === '4'`)
		browsertest.Do(t, ctx, "finish and set", chromedp.Click(chromedp.CSS(".ban-finish")),
			chromedp.SetValue(chromedp.CSS(".ban-reason"), "fog"),
			chromedp.SendKeys(chromedp.CSS(".ban-allowed"), "51, 55"),
			chromedp.Click(chromedp.CSS(".ban-submit")))
		browsertest.WaitJS(t, ctx, "the ban set", `(document.body.dataset.lastBan || '') !== ''`)
		var bans struct {
			Bans []struct {
				zones.Ban
				Active bool `json:"active"`
			} `json:"bans"`
		}
		getJSON(t, base+"/api/v1/bans?active=true", &bans)
		if len(bans.Bans) != 1 || len(bans.Bans[0].ZoneIDs) != 1 || !strings.HasPrefix(bans.Bans[0].ZoneIDs[0], "drawn-") ||
			bans.Bans[0].Reason != zones.ReasonFog || fmt.Sprint(bans.Bans[0].AllowedTypes) != "[51 55]" || bans.Bans[0].CreatedBy != "admin" {
			t.Fatalf("active bans %+v, want the drawn one", bans.Bans)
		}
		waitAlert(t, base, zones.AlertBanViolation, bBanned, 10*time.Second)
		if l := alerts(t, base, fmt.Sprintf("kind=ban_violation&mmsi=%d", bOutside)); l.Count != 0 {
			t.Errorf("the vessel outside the drawn area has %d ban violations", l.Count)
		}
		item := fmt.Sprintf(`[...document.querySelectorAll('.alert')].find(e => e.dataset.kind === 'ban_violation' && e.dataset.mmsi === '%d')`, bBanned)
		browsertest.WaitJS(t, ctx, "the alert in the panel", item+` !== undefined`)
		browsertest.WaitJS(t, ctx, "its nearest station", item+`.querySelector('.alert-station') !== null && `+item+`.querySelector('.alert-station').textContent.includes('九台水上救助站')`)
		browsertest.WaitJS(t, ctx, "the alarm for it", `document.body.dataset.alarm !== 'silent'`)
		browsertest.Screenshot(t, ctx, "-officer-ban")

		browsertest.Do(t, ctx, "type a comment", chromedp.SendKeys(chromedp.CSS(`.alert[data-kind="ban_violation"] .alert-comment`), "已联系船长 called the master"))
		browsertest.Eval[bool](t, ctx, item+`.querySelector('.alert-ack').click(), true`)
		browsertest.WaitJS(t, ctx, "acknowledged", item+`.dataset.state === 'acknowledged'`)
		l := alerts(t, base, fmt.Sprintf("kind=ban_violation&mmsi=%d", bBanned))
		if l.Count != 1 || l.Alerts[0].State != zones.StateAcknowledged || l.Alerts[0].AckedBy != "admin" {
			t.Errorf("after the click the API has %+v", l.Alerts)
		}
		browsertest.WaitJS(t, ctx, "the alarm silent once acknowledged", `document.body.dataset.alarm === 'silent' || [...document.querySelectorAll('.alert.loud')].length > 0`)
	})

	t.Run("the audit log shows the ban", func(t *testing.T) {
		browsertest.Do(t, ctx, "open the audit log", chromedp.Click(chromedp.CSS("#open-audit")))
		browsertest.WaitJS(t, ctx, "the ban in it", `[...document.querySelectorAll('.audit-entry[data-action="ban_set"]')].some(e => e.querySelector('.audit-actor-name').textContent === 'admin')`)
		browsertest.Do(t, ctx, "close it", chromedp.Click(chromedp.CSS("#audit .close")))
	})

	t.Run("replay an hour back", func(t *testing.T) {
		browsertest.Eval[bool](t, ctx, `(() => { const r = document.querySelector('.replay-range'); r.value = '60'; return r.dispatchEvent(new Event('input')); })()`)
		// With the history store the river as it was; without it (the
		// history branch not merged) the slider says so and stays live.
		browsertest.WaitJS(t, ctx, "replayed or refused", `document.getElementById('replay').dataset.count !== undefined || document.querySelector('.replay-text').textContent.includes('No history store')`)
		browsertest.Do(t, ctx, "back to live", chromedp.Click(chromedp.CSS(".replay-live")))
		browsertest.WaitJS(t, ctx, "live", `rw.fleet.override === null`)
	})

	t.Run("markup names stay text", func(t *testing.T) {
		for _, c := range []struct {
			mmsi uint32
			name string
		}{{bMarkupA, xssA}} {
			browsertest.Eval[bool](t, ctx, fmt.Sprintf(`(() => { const s = document.getElementById('search'); s.value = '%d'; return s.dispatchEvent(new Event('input')); })()`, c.mmsi))
			row := fmt.Sprintf(`document.querySelector('.row[data-mmsi="%d"] .row-name')`, c.mmsi)
			browsertest.WaitJS(t, ctx, "the row", row+` !== null`)
			if got := browsertest.Eval[string](t, ctx, row+`.textContent`); got != c.name {
				t.Errorf("list shows %q, want %q", got, c.name)
			}
			browsertest.Eval[bool](t, ctx, row+`.click(), true`)
			browsertest.WaitJS(t, ctx, "the card", fmt.Sprintf(`document.querySelector('.details-title').textContent === %q`, c.name))
			browsertest.WaitJS(t, ctx, "the label on the map", fmt.Sprintf(`rw.fleet.layer.labels.includes(%q)`, c.name))
		}
		if n := browsertest.Eval[int](t, ctx, `document.querySelectorAll('img, [onerror], svg[onload]').length`); n != 0 {
			t.Errorf("%d injected elements", n)
		}
	})
	// The history endpoints come with the history branch; until then the
	// card says so, and Chromium logs their 404s.
	browsertest.CheckClean(t, ctx, pageLog, "/changes?", "/api/v1/snapshot")
	browsertest.Screenshot(t, ctx, "-officer")
}
