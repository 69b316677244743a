package web

import (
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/riverwatch/riverwatch/web/browsertest"
)

// gcjPair is a WGS-84 position and its GCJ-02 counterpart.
type gcjPair struct {
	name                 string
	lat, lon, gLat, gLon float64
	tol                  float64 // degrees
}

// Known pairs. The Beijing one is the reference value every published
// implementation of the transform tests against (wandergis/coordtransform
// and its ports: wgs84togcj02(116.404, 39.915)); outside China's box
// GCJ-02 is WGS-84 (the box is China's bounding box: Seoul and
// Vladivostok are inside it and shifted too, as every implementation does).
var gcjPairs = []gcjPair{
	{"Beijing, the reference pair", 39.915, 116.404, 39.91640428150164, 116.41024449916938, 1e-12},
	{"Tokyo, east of the box", 35.6762, 139.6503, 35.6762, 139.6503, 0},
	{"Yakutsk, north of the box", 62.0355, 129.6755, 62.0355, 129.6755, 0},
}

// TestGCJ02 runs web/static/js/gcj02.js in Chromium: the known pairs, the
// shift's size over Jilin (a few hundred metres, as on every Chinese web
// map) and fromGCJ02 undoing toGCJ02.
func TestGCJ02(t *testing.T) {
	ctx, log := browsertest.New(t)
	mux := http.NewServeMux()
	mux.Handle("/", http.FileServerFS(Static()))
	mux.HandleFunc("/gcj02-test.html", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><link rel="icon" href="data:,"><script src="/vendor/leaflet/leaflet.js"></script><div id="map" style="width:400px;height:300px"></div>`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	browsertest.Do(t, ctx, "open", chromedp.Navigate(srv.URL+"/gcj02-test.html"))
	browsertest.Eval[bool](t, ctx, `(import('/js/gcj02.js').then((m) => { window.gcj = m; }), true)`)
	browsertest.WaitJS(t, ctx, "module", `!!window.gcj`)
	for _, p := range gcjPairs {
		got := browsertest.Eval[[]float64](t, ctx, fmt.Sprintf(`gcj.toGCJ02(%v, %v)`, p.lat, p.lon))
		if math.Abs(got[0]-p.gLat) > p.tol || math.Abs(got[1]-p.gLon) > p.tol {
			t.Errorf("%s: toGCJ02(%v, %v) = %v, want [%v %v]", p.name, p.lat, p.lon, got, p.gLat, p.gLon)
		}
		back := browsertest.Eval[[]float64](t, ctx, fmt.Sprintf(`gcj.fromGCJ02(%v, %v)`, p.gLat, p.gLon))
		if math.Abs(back[0]-p.lat) > 1e-9 || math.Abs(back[1]-p.lon) > 1e-9 {
			t.Errorf("%s: fromGCJ02 = %v, want [%v %v]", p.name, back, p.lat, p.lon)
		}
	}
	// Over Jilin's waters (40–46.5N, 121–131.5E) the shift is 400–700 m (459–664 m measured)
	// and fromGCJ02 undoes it to under a millimetre.
	worst := browsertest.Eval[[]float64](t, ctx, `(() => {
	  let lo = Infinity, hi = 0, err = 0;
	  for (let lat = 40; lat <= 46.5; lat += 0.25) for (let lon = 121; lon <= 131.5; lon += 0.25) {
	    const g = gcj.toGCJ02(lat, lon);
	    const k = 111320;
	    const d = Math.hypot((g[0] - lat) * k, (g[1] - lon) * k * Math.cos(lat * Math.PI / 180));
	    lo = Math.min(lo, d); hi = Math.max(hi, d);
	    const w = gcj.fromGCJ02(g[0], g[1]);
	    err = Math.max(err, Math.hypot((w[0] - lat) * k, (w[1] - lon) * k));
	  }
	  return [lo, hi, err];
	})()`)
	if worst[0] < 400 || worst[1] > 700 || worst[2] > 0.001 {
		t.Errorf("over Jilin: shift %.0f–%.0f m, round trip off by %.6f m; want 400–700 m and < 1 mm", worst[0], worst[1], worst[2])
	}
	t.Logf("GCJ-02 shift over Jilin: %.0f–%.0f m", worst[0], worst[1])
	if id := browsertest.Eval[[]float64](t, ctx, `gcj.shifter(false).show(43.85, 126.56)`); id[0] != 43.85 || id[1] != 126.56 {
		t.Errorf("shifter(false) moved the position: %v", id)
	}
	// The Leaflet CRS: a WGS-84 position lands on the pixel where Web
	// Mercator puts its GCJ-02 counterpart, and a pixel reads back as WGS-84.
	crs := browsertest.Eval[[]float64](t, ctx, `(() => {
	  const crs = gcj.gcj02CRS(L);
	  const p = crs.latLngToPoint(L.latLng(43.85083, 126.56028), 12);
	  const g = gcj.toGCJ02(43.85083, 126.56028);
	  const q = L.CRS.EPSG3857.latLngToPoint(L.latLng(g[0], g[1]), 12);
	  const back = crs.pointToLatLng(p, 12);
	  const map = L.map('map', { crs }).setView([43.85083, 126.56028], 12);
	  const c = map.latLngToContainerPoint(L.latLng(43.85083, 126.56028));
	  return [p.x - q.x, p.y - q.y, back.lat - 43.85083, back.lng - 126.56028, c.x - 200, c.y - 150];
	})()`)
	for i, d := range crs {
		if lim := []float64{1e-6, 1e-6, 1e-9, 1e-9, 1e-6, 1e-6}[i]; math.Abs(d) > lim {
			t.Errorf("gcj02CRS: difference %d is %v, want under %v", i, d, lim)
		}
	}
	browsertest.CheckClean(t, ctx, log)
}

// TestBoardOnGCJ02Tiles: with tile_gcj02 in its config the board projects
// through the GCJ-02 shift, so a vessel is drawn where Web Mercator puts
// its GCJ-02 position (460–660 m off its WGS-84 one over Jilin), and
// without it where Web Mercator puts the WGS-84 position.
func TestBoardOnGCJ02Tiles(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	for _, gcj := range []bool{true, false} {
		t.Run(fmt.Sprintf("gcj02=%v", gcj), func(t *testing.T) {
			ctx, log := browsertest.New(t)
			api := newFakeAPI(t, boardWaterways(t), boardVessels(now)[:1], nil)
			api.config["tile_gcj02"] = gcj
			browsertest.Do(t, ctx, "open board", chromedp.Navigate(api.url()))
			browsertest.WaitJS(t, ctx, "the vessel drawn", `window.rw && rw.fleet.size === 1 && rw.fleet.record(413000001).pz !== undefined`)
			browsertest.Eval[bool](t, ctx, `(import('/js/gcj02.js').then((m) => { window.gcj = m; }), true)`)
			browsertest.WaitJS(t, ctx, "module", `!!window.gcj`)
			got := browsertest.Eval[[]float64](t, ctx, `(() => {
			  const r = rw.fleet.record(413000001);
			  const ll = `+fmt.Sprint(gcj)+` ? gcj.toGCJ02(r.lat, r.lon) : [r.lat, r.lon];
			  const p = L.CRS.EPSG3857.latLngToPoint(L.latLng(ll[0], ll[1]), r.pz);
			  const back = rw.map.containerPointToLatLng([r.x, r.y]);
			  return [r.px - p.x, r.py - p.y, back.lat - r.lat, back.lng - r.lon, rw.map.options.crs.code === 'EPSG:3857-GCJ02' ? 1 : 0];
			})()`)
			if math.Abs(got[0]) > 1e-6 || math.Abs(got[1]) > 1e-6 {
				t.Errorf("vessel drawn %.3f, %.3f px off the expected projection", got[0], got[1])
			}
			if math.Abs(got[2]) > 1e-6 || math.Abs(got[3]) > 1e-6 {
				t.Errorf("a click on the vessel reads back %.7f, %.7f degrees off its WGS-84 position", got[2], got[3])
			}
			if (got[4] == 1) != gcj {
				t.Errorf("CRS GCJ-02 %v, want %v", got[4] == 1, gcj)
			}
			browsertest.CheckClean(t, ctx, log)
		})
	}
}
