package web

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/riverwatch/riverwatch/web/browsertest"
)

// benchFleet is n vessels scattered over the Songhua near Jilin City, from a
// fixed seed.
func benchFleet(n int, now time.Time) []vesselJSON {
	rng := rand.New(rand.NewPCG(1, 2))
	out := make([]vesselJSON, n)
	types := []int{30, 37, 52, 60, 70, 80, 0}
	for i := range out {
		out[i] = vesselJSON{
			MMSI: uint32(413100000 + i), Class: []string{"A", "B"}[i%2],
			Name: fmt.Sprintf("VESSEL %04d", i), CallSign: fmt.Sprintf("BV%04d", i),
			ShipType: types[i%len(types)], NavStatus: 0,
			Lat: ptr(43.5 + rng.Float64()*0.8), Lon: ptr(126.0 + rng.Float64()*1.2),
			SOG: ptr(rng.Float64() * 12), COG: ptr(rng.Float64() * 359), Heading: ptr(rng.IntN(360)),
			LastSeen: now, PositionAt: now, Station: "JL-01",
		}
	}
	return out
}

// loadBoard starts a browser and a fake serving n vessels; open loads the
// page and waits until every vessel is drawn and listed.
func loadBoard(b *testing.B, n int) (ctx context.Context, api *fakeAPI, fleet []vesselJSON, open func()) {
	b.Helper()
	ctx, _ = browsertest.New(b)
	fleet = benchFleet(n, time.Now().UTC())
	api = newFakeAPI(b, boardWaterways(b), fleet, nil)
	open = func() {
		browsertest.Do(b, ctx, "open board", chromedp.Navigate(api.url()))
		browsertest.WaitJS(b, ctx, "live", `document.getElementById('conn').dataset.state === 'live'`)
		browsertest.WaitJS(b, ctx, "all vessels", fmt.Sprintf(`rw.fleet.size === %d && rw.fleet.layer.frame === 0 && %s === '%d'`, n, text("#list-count"), n))
	}
	return ctx, api, fleet, open
}

// BenchmarkBoardLoad is one page load showing 5,000 vessels: config,
// waterways, listing, snapshot, canvas and list. It reports the first
// contentful paint and the time until every vessel is drawn, from
// Chromium's own performance timings.
func BenchmarkBoardLoad(b *testing.B) {
	const n = 5000
	ctx, _, _, open := loadBoard(b, n)
	var fcp, drawn float64
	for b.Loop() {
		open()
		t := browsertest.Eval[[]float64](b, ctx, `[(performance.getEntriesByName('first-contentful-paint')[0] || {startTime: -1}).startTime, performance.now()]`)
		fcp += t[0]
		drawn += t[1]
	}
	b.ReportMetric(fcp/float64(b.N), "ms-first-paint")
	b.ReportMetric(drawn/float64(b.N), "ms-all-drawn")
	b.ReportMetric(float64(n), "vessels")
}

// BenchmarkBoardFrame redraws the canvas of 5,000 vessels, at reach scale
// (each vessel its own symbol, names drawn) and at province scale
// (clustered), and reports the cost of one frame in the page.
func BenchmarkBoardFrame(b *testing.B) {
	const n = 5000
	ctx, _, _, open := loadBoard(b, n)
	open()
	for _, c := range []struct {
		name string
		zoom int
	}{{"reach", 11}, {"province", 7}} {
		b.Run(c.name, func(b *testing.B) {
			browsertest.Eval[bool](b, ctx, fmt.Sprintf(`rw.map.setView([43.9, 126.6], %d, {animate: false}), true`, c.zoom))
			var ms float64
			for b.Loop() {
				ms += browsertest.Eval[float64](b, ctx, `(rw.fleet.layer.draw(), rw.fleet.layer.lastDrawMs)`)
			}
			b.ReportMetric(ms/float64(b.N), "ms/frame")
			b.ReportMetric(browsertest.Eval[float64](b, ctx, `Number(document.getElementById('map').dataset.clusters)`), "clusters")
		})
	}
}

// BenchmarkBoardList re-sorts and repaints the vessel list of 5,000
// vessels, as every burst of live updates does (at most every 250 ms).
func BenchmarkBoardList(b *testing.B) {
	const n = 5000
	ctx, _, _, open := loadBoard(b, n)
	open()
	var ms float64
	for b.Loop() {
		ms += browsertest.Eval[float64](b, ctx, `(() => { const t = performance.now(); rw.list.refresh(true); return performance.now() - t; })()`)
	}
	b.ReportMetric(ms/float64(b.N), "ms/refresh")
}

// BenchmarkBoardLiveUpdates pushes 500 position updates over the WebSocket
// per op to a board showing 5,000 vessels and waits until the last one is
// drawn.
func BenchmarkBoardLiveUpdates(b *testing.B) {
	const n, batch = 5000, 500
	ctx, api, fleet, open := loadBoard(b, n)
	open()
	rng := rand.New(rand.NewPCG(3, 4))
	round := 0
	frames := browsertest.Eval[float64](b, ctx, `rw.fleet.layer.frames`)
	for b.Loop() {
		round++
		var last vesselJSON
		for i := range batch {
			v := fleet[rng.IntN(n)]
			v.Lat, v.Lon = ptr(*v.Lat+0.001), ptr(*v.Lon+0.001)
			if i == batch-1 {
				v = fleet[0]
				v.Heading = ptr(round % 360)
			}
			api.push(map[string]any{"type": "update", "vessel": v})
			last = v
		}
		browsertest.WaitJS(b, ctx, "last update drawn", fmt.Sprintf(`rw.fleet.record(%d).deg === %d && rw.fleet.layer.frame === 0`, last.MMSI, *last.Heading))
	}
	frames = browsertest.Eval[float64](b, ctx, `rw.fleet.layer.frames`) - frames
	b.ReportMetric(float64(batch)*float64(b.N)/b.Elapsed().Seconds(), "updates/s")
	b.ReportMetric(float64(batch)*float64(b.N)/frames, "updates/frame")
}
