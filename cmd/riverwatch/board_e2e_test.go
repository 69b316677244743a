package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/riverwatch/riverwatch/web/browsertest"
)

// TestBoardShowsSimulatedTraffic is `make run` as a newcomer sees it: serve
// on its embedded defaults (the simulator, no tiles reachable), a real
// Chromium opens the board, and vessels appear on Jilin's waterways and
// move with the live push.
func TestBoardShowsSimulatedTraffic(t *testing.T) {
	ctx, pageLog := browsertest.New(t)
	srv := startServer(t, "--simulate", "on")
	base := "http://" + srv.api.Addr()

	browserLogin(t, ctx, base, "admin", testAdminPassword)
	browsertest.Do(t, ctx, "open board", chromedp.Navigate(base+"/"))
	browsertest.WaitJS(t, ctx, "the waterways drawn", `Number(document.body.dataset.waterways || 0) >= 30`)
	browsertest.WaitJS(t, ctx, "80 vessels on the map", `rw.fleet.size >= 80 && Number(document.getElementById('map').dataset.vesselsShown) >= 80`)
	browsertest.WaitJS(t, ctx, "the live connection", `document.querySelector('#conn').dataset.state === 'live'`)

	// Open a moving class A vessel from the list; the live push moves it
	// (an underway class A reports every 10 s), and the details follow.
	var moving struct {
		Vessels []vesselJSON `json:"vessels"`
	}
	getJSON(t, base+"/api/v1/vessels?class=A", &moving)
	var pick uint32
	for _, v := range moving.Vessels {
		if v.SOG != nil && *v.SOG >= 4 && v.Lat != nil {
			pick = v.MMSI
			break
		}
	}
	if pick == 0 {
		t.Fatal("no class A vessel under way")
	}
	browsertest.Eval[bool](t, ctx, fmt.Sprintf(`(() => { const s = document.querySelector('#search');
		s.value = '%d'; s.dispatchEvent(new Event('input')); return true; })()`, pick))
	row := fmt.Sprintf(`document.querySelector('.row[data-mmsi="%d"]')`, pick)
	browsertest.WaitJS(t, ctx, "the vessel found by search", row+" !== null")
	browsertest.Eval[bool](t, ctx, row+".click(), true")
	where := `(document.querySelector('#details [data-field="lat"]') || {}).textContent + ' ' +
		(document.querySelector('#details [data-field="lon"]') || {}).textContent`
	browsertest.WaitJS(t, ctx, "its details", `/[0-9]/.test(`+where+`)`)
	first := browsertest.Eval[string](t, ctx, where)
	browsertest.WaitJS(t, ctx, "its position to change live", where+` !== `+fmt.Sprintf("%q", first))

	// Every vessel the board shows lies in Jilin's waterway box.
	var list struct {
		Count   int          `json:"count"`
		Vessels []vesselJSON `json:"vessels"`
	}
	if code := getJSON(t, base+"/api/v1/vessels", &list); code != http.StatusOK || list.Count < 80 {
		t.Fatalf("vessels: %d, count %d", code, list.Count)
	}
	for _, v := range list.Vessels {
		if v.Lat == nil || v.Lon == nil {
			continue
		}
		if *v.Lon < 121 || *v.Lon > 131.5 || *v.Lat < 40 || *v.Lat > 46.5 {
			t.Errorf("vessel %d (%s) at %v,%v is outside Jilin's waterways", v.MMSI, v.Name, *v.Lat, *v.Lon)
		}
	}
	// Chromium asks for /favicon.ico on the page browserLogin opens.
	browsertest.CheckClean(t, ctx, pageLog, "/favicon.ico", "/changes?") // changes: 404 until the history branch is merged
	browsertest.Screenshot(t, ctx, fmt.Sprintf("-e2e-%d", list.Count))
}

// browserLogin logs the browser in through the API from a page of the
// server's origin, so that it holds the session and CSRF cookies.
func browserLogin(t *testing.T, ctx context.Context, base, username, password string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"username": username, "password": password})
	browsertest.Do(t, ctx, "open the origin", chromedp.Navigate(base+"/healthz"))
	browsertest.Eval[bool](t, ctx, fmt.Sprintf(`(fetch('/api/v1/login', {method: 'POST',
		headers: {'Content-Type': 'application/json'}, body: %q}).then(r => { window.rwLogin = r.status; }), true)`, body))
	browsertest.WaitJS(t, ctx, "the login", `window.rwLogin === 200`)
}
