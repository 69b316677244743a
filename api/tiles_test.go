package api

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/riverwatch/riverwatch/web/mbtiles"
	"github.com/riverwatch/riverwatch/web/mbtiles/mbtilestest"
)

// tileFixture serves the tiles of a small MBTiles file made for the test.
func tileFixture(t *testing.T, format string, tiles []mbtilestest.Tile) *fixture {
	t.Helper()
	r, err := mbtiles.Open(context.Background(), mbtilestest.Write(t, map[string]string{"format": format}, tiles))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return newFixture(t, func(c *Config, d *Deps) {
		d.Tiles = r
		c.TileURL = TilePath(r.Format())
	})
}

func TestTilesFromMBTiles(t *testing.T) {
	png := mbtilestest.PNG(t, 7, 108, 46)
	fx := tileFixture(t, "png", []mbtilestest.Tile{{Z: 7, X: 108, Y: 46, Data: png}})
	res := fx.do(t, "GET", "/tiles/7/108/46.png", nil)
	if res.status != 200 || res.body != string(png) {
		t.Fatalf("tile: %d, %d bytes", res.status, len(res.body))
	}
	for h, want := range map[string]string{"Content-Type": "image/png", "Cache-Control": "private, max-age=86400", "Content-Encoding": ""} {
		if got := res.header.Get(h); got != want {
			t.Errorf("%s: %q, want %q", h, got, want)
		}
	}
	if res := fx.do(t, "GET", "/tiles/7/108/46.png", map[string]string{"If-None-Match": res.header.Get("ETag")}); res.status != 304 {
		t.Errorf("revalidation: %d", res.status)
	}
	for target, status := range map[string]int{
		"/tiles/7/108/81.png":  404, // the TMS row of 46: XYZ asks for another tile
		"/tiles/7/108/46.jpg":  404,
		"/tiles/7/108/46":      404,
		"/tiles/8/0/0.png":     404,
		"/tiles/7/-1/46.png":   400,
		"/tiles/x/108/46.png":  400,
		"/tiles/7/108/4e1.png": 400,
	} {
		res := fx.do(t, "GET", target, nil)
		if res.status != status || !strings.HasPrefix(res.body, `{"error":`) {
			t.Errorf("%s: %d %q, want %d with a JSON error", target, res.status, res.body, status)
		}
	}
	// The board is told to load its tiles from here, same origin.
	res = fx.do(t, "GET", "/api/v1/config", nil)
	if !strings.Contains(res.body, `"tile_url":"/tiles/{z}/{x}/{y}.png"`) || !strings.Contains(res.body, `"tile_gcj02":false`) {
		t.Errorf("config: %s", res.body)
	}
}

func TestVectorTilesGzipped(t *testing.T) {
	gz := []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	fx := tileFixture(t, "pbf", []mbtilestest.Tile{{Z: 0, X: 0, Y: 0, Data: gz}})
	res := fx.do(t, "GET", "/tiles/0/0/0.pbf", nil)
	if res.status != 200 || res.header.Get("Content-Type") != "application/x-protobuf" || res.header.Get("Content-Encoding") != "gzip" {
		t.Errorf("pbf: %d %q %q", res.status, res.header.Get("Content-Type"), res.header.Get("Content-Encoding"))
	}
	if !bytes.Equal([]byte(res.body), gz) {
		t.Errorf("pbf body changed: % x", res.body)
	}
}

// Tiles sit behind the login like the API.
func TestTilesNeedLogin(t *testing.T) {
	r, err := mbtiles.Open(context.Background(), mbtilestest.Write(t, map[string]string{"format": "png"},
		[]mbtilestest.Tile{{Z: 0, X: 0, Y: 0, Data: mbtilestest.PNG(t, 0, 0, 0)}}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })
	fx := newFixture(t, func(c *Config, d *Deps) { d.Tiles, c.Auth = r, denyAll{} })
	if res := fx.do(t, "GET", "/tiles/0/0/0.png", nil); res.status != 401 {
		t.Errorf("without login: %d", res.status)
	}
	if res := newFixture(t, nil).do(t, "GET", "/tiles/0/0/0.png", nil); res.status == 200 {
		t.Errorf("without tiles: %d", res.status)
	}
}
