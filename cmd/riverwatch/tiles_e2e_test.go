package main

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/riverwatch/riverwatch/web/browsertest"
	"github.com/riverwatch/riverwatch/web/mbtiles/mbtilestest"
)

// jilinTiles are the z7 tiles over Jilin City and its neighbours, and the
// world tile, as a small MBTiles file made for the test.
func jilinTiles(t *testing.T) string {
	var tiles []mbtilestest.Tile
	for x := 106; x <= 110; x++ {
		for y := 44; y <= 49; y++ {
			tiles = append(tiles, mbtilestest.Tile{Z: 7, X: x, Y: y, Data: mbtilestest.PNG(t, 7, x, y)})
		}
	}
	tiles = append(tiles, mbtilestest.Tile{Z: 0, X: 0, Y: 0, Data: mbtilestest.PNG(t, 0, 0, 0)})
	return mbtilestest.Write(t, map[string]string{"name": "jilin test", "format": "png", "attribution": "测试底图 test tiles"}, tiles)
}

// serve --tiles-mbtiles serves the file's tiles on /tiles behind the login,
// tells the board so, and the board in Chromium draws them.
func TestServeTilesFromMBTiles(t *testing.T) {
	srv := startServer(t, "--tiles-mbtiles", jilinTiles(t), "--tiles-gcj02")
	base := "http://" + srv.api.Addr()

	var cfg struct {
		TileURL         string `json:"tile_url"`
		TileAttribution string `json:"tile_attribution"`
		TileGCJ02       bool   `json:"tile_gcj02"`
	}
	getJSON(t, base+"/api/v1/config", &cfg)
	if cfg.TileURL != "/tiles/{z}/{x}/{y}.png" || cfg.TileAttribution != "测试底图 test tiles" || !cfg.TileGCJ02 {
		t.Errorf("config %+v, want the local tiles, their attribution and GCJ-02", cfg)
	}
	for _, c := range []struct {
		path   string
		auth   bool
		status int
		ctype  string
	}{
		{"/tiles/7/108/46.png", true, 200, "image/png"},
		{"/tiles/7/108/46.png", false, 401, "application/json"},
		{"/tiles/7/100/46.png", true, 404, "application/json"},
		{"/tiles/7/108/46.jpg", true, 404, "application/json"},
	} {
		req, _ := http.NewRequest(http.MethodGet, base+c.path, nil)
		if c.auth {
			req = authorize(req)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.status || !strings.HasPrefix(resp.Header.Get("Content-Type"), c.ctype) {
			t.Errorf("%s (auth %v): %d %s, want %d %s", c.path, c.auth, resp.StatusCode, resp.Header.Get("Content-Type"), c.status, c.ctype)
		}
		if c.status == 200 && string(body) != string(mbtilestest.PNG(t, 7, 108, 46)) {
			t.Errorf("%s: not the tile in the file", c.path)
		}
	}

	ctx, pageLog := browsertest.New(t)
	browserLogin(t, ctx, base, "admin", testAdminPassword)
	browsertest.Do(t, ctx, "open board", chromedp.Navigate(base+"/"))
	browsertest.WaitJS(t, ctx, "the waterways drawn", `Number(document.body.dataset.waterways || 0) >= 30`)
	browsertest.WaitJS(t, ctx, "tiles from /tiles loaded",
		`[...document.querySelectorAll('img.leaflet-tile-loaded')].some((i) => new URL(i.src).pathname.startsWith('/tiles/'))`)
	// Tiles the file lacks 404; the board goes on.
	browsertest.CheckClean(t, ctx, pageLog, "/favicon.ico", "/tiles/", "404")
	browsertest.Screenshot(t, ctx, "-mbtiles")
}

// serve names the nearest rescue station along the river for any spot and
// lists the stations with their areas.
func TestServeRescue(t *testing.T) {
	srv := startServer(t, "--rescue-boat-speed", "20")
	base := "http://" + srv.api.Addr()
	var fc struct {
		BoatSpeedKn float64 `json:"boat_speed_kn"`
		Features    []struct {
			Geometry struct {
				Type string `json:"type"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if code := getJSON(t, base+"/api/v1/rescue/stations", &fc); code != 200 || fc.BoatSpeedKn != 20 || len(fc.Features) != 16 {
		t.Fatalf("stations: %d, %v kn, %d features; want 8 points and 8 areas at 20 kn", code, fc.BoatSpeedKn, len(fc.Features))
	}
	var r struct {
		Station struct {
			ID string `json:"id"`
		} `json:"station"`
		DistanceM float64      `json:"distance_m"`
		ETAS      float64      `json:"eta_s"`
		Path      [][2]float64 `json:"path"`
	}
	// Jilin City's quay: the Songhua Lake station, 32 km up the river
	// (rescue_test.go holds the hand-checked cases).
	if code := getJSON(t, base+"/api/v1/rescue/nearest?lat=43.85083&lon=126.56028", &r); code != 200 {
		t.Fatalf("nearest: %d", code)
	}
	if r.Station.ID != "rs-songhua-lake" || r.DistanceM < 30000 || r.DistanceM > 35000 || len(r.Path) < 10 {
		t.Errorf("nearest: %+v", r)
	}
	if want := r.DistanceM / (20 * 1852.0 / 3600); r.ETAS < want-1 || r.ETAS > want+1 {
		t.Errorf("eta %v s, want %.0f", r.ETAS, want)
	}
	if code := getJSON(t, base+"/api/v1/rescue/nearest?lat=43.9&lon=125.3", &r); code != 404 {
		t.Errorf("nearest far from water: %d, want 404", code)
	}
}
