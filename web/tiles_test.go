package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/riverwatch/riverwatch/web/browsertest"
)

// TestBoardTileServerDown: a configured tile server that fails must not
// break the board, and its attribution is shown as text only.
func TestBoardTileServerDown(t *testing.T) {
	ctx, log := browsertest.New(t)
	tiles := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "tiles down", http.StatusServiceUnavailable)
	}))
	t.Cleanup(tiles.Close)

	now := time.Now().UTC().Truncate(time.Second)
	api := newFakeAPI(t, boardWaterways(t), boardVessels(now)[:2], nil)
	api.config["tile_url"] = tiles.URL + "/{z}/{x}/{y}.png"
	api.config["tile_attribution"] = `&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors <img src=x onerror=alert(9)>`

	browsertest.Do(t, ctx, "open board", chromedp.Navigate(api.url()))
	browsertest.WaitJS(t, ctx, "live connection", `document.getElementById('conn').dataset.state === 'live'`)
	browsertest.WaitJS(t, ctx, "vessels and waterways", `rw.fleet.size === 2 && `+drawnCount+` === 2 && document.body.dataset.waterways === '7'`)
	browsertest.WaitJS(t, ctx, "tile layer tried", count(".leaflet-tile")+` > 0`)
	browsertest.WaitJS(t, ctx, "base map notice", text("#notice")+` === '底图不可用，仅显示水系 Base map unavailable, waterways only'`)
	attr := browsertest.Eval[string](t, ctx, text(".leaflet-control-attribution"))
	if want := "© OpenStreetMap contributors"; !strings.Contains(attr, want) {
		t.Errorf("attribution %q lacks %q", attr, want)
	}
	for _, sel := range []string{".leaflet-control-attribution img", `a[href*="openstreetmap"]`, "[onerror]"} {
		if n := browsertest.Eval[int](t, ctx, count(sel)); n != 0 {
			t.Errorf("%d elements match %s", n, sel)
		}
	}
	browsertest.CheckClean(t, ctx, log, tiles.URL, "503")
}
