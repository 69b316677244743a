package main

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/riverwatch/riverwatch/web/browsertest"
)

// paintProbe runs in every page before its own scripts: on each animation
// frame it looks whether the board holds loadVessels vessels, and records
// the time of the frame after that (when the vessel layer has drawn them),
// in milliseconds since navigation start.
const paintProbe = `(() => {
  const want = %d;
  const tick = () => {
    const f = window.rw && window.rw.fleet;
    if (f && f.size >= want) {
      requestAnimationFrame(() => { window.rwPainted = performance.now(); });
      return;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();`

// BenchmarkBoardFirstPaint opens the board in headless Chromium against a
// `riverwatch serve` child process holding loadVessels vessels (fed live
// over UDP, each every 2 s, as in BenchmarkLiveLoad), one navigation per
// iteration, logged in as admin. Run with
//
//	go test -run XXX -bench BoardFirstPaint -benchtime 5x ./cmd/riverwatch/
//
// Metrics, in milliseconds from navigation start, averaged: fcp_ms (the
// first contentful paint, Chromium's paint timing), dom_ms
// (DOMContentLoaded), vessels_ms (the first frame with every vessel on the
// map: the goal is under 1,000), and when the board asked for and had
// received GET /api/v1/vessels (list_asked_ms, list_got_ms; list_MB its
// size), which tells the server's share from the page's.
func BenchmarkBoardFirstPaint(b *testing.B) {
	ctx, _ := browsertest.New(b)
	srv := startLoadServer(b)
	feedFleet(b, srv.udp, loadVessels, loadPeriod)
	srv.waitVessels(b, loadVessels, 30*time.Second)

	body, _ := json.Marshal(map[string]string{"username": "admin", "password": srv.password})
	browsertest.Do(b, ctx, "open the origin", chromedp.Navigate(srv.base+"/healthz"))
	browsertest.Eval[bool](b, ctx, fmt.Sprintf(`(fetch('/api/v1/login', {method: 'POST',
		headers: {'Content-Type': 'application/json'}, body: %q}).then(r => { window.rwLogin = r.status; }), true)`, body))
	browsertest.WaitJS(b, ctx, "the login", `window.rwLogin === 200`)
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: fmt.Sprintf(paintProbe, loadVessels)}); err != nil {
		b.Fatal(err)
	}
	// One navigation to warm the browser's cache as an officer's board is.
	browsertest.Do(b, ctx, "open the board", chromedp.Navigate(srv.base+"/"))
	browsertest.WaitJS(b, ctx, "every vessel drawn", `typeof window.rwPainted === 'number'`)

	var fcp, dom, vessels, askedAt, gotAt, size float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		browsertest.Do(b, ctx, "open the board", chromedp.Navigate(srv.base+"/"))
		browsertest.WaitJS(b, ctx, "every vessel drawn", `typeof window.rwPainted === 'number'`)
		t := browsertest.Eval[[]float64](b, ctx, `(() => {
		  const p = performance.getEntriesByName('first-contentful-paint')[0];
		  const n = performance.getEntriesByType('navigation')[0];
		  const r = performance.getEntriesByType('resource').find((e) => new URL(e.name).pathname === '/api/v1/vessels');
		  return [p ? p.startTime : -1, n ? n.domContentLoadedEventEnd : -1, window.rwPainted,
		    r ? r.startTime : -1, r ? r.responseEnd : -1, r ? r.encodedBodySize : -1];
		})()`)
		fcp, dom, vessels = fcp+t[0], dom+t[1], vessels+t[2]
		askedAt, gotAt, size = askedAt+t[3], gotAt+t[4], t[5]
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(fcp/n, "fcp_ms")
	b.ReportMetric(dom/n, "dom_ms")
	b.ReportMetric(vessels/n, "vessels_ms")
	b.ReportMetric(askedAt/n, "list_asked_ms")
	b.ReportMetric(gotAt/n, "list_got_ms")
	b.ReportMetric(size/1e6, "list_MB")
	b.ReportMetric(0, "ns/op")
	browsertest.Screenshot(b, ctx, "-firstpaint-5000")
}
