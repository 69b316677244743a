package main

import (
	"context"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	goais "github.com/BertoldVdb/go-ais"
	"github.com/chromedp/chromedp"

	"github.com/riverwatch/riverwatch/web/browsertest"
)

// boardVessel is a vessel of the board tests: it reports its position over
// UDP every 300 ms while the test runs, timed now, so that the rules judge
// it again after every change a test makes.
type boardVessel struct {
	mmsi     uint32
	name     string
	shipType uint8
	lat, lon float64
	sog, cog float64
}

func (v boardVessel) lines(tb testing.TB, seq int) []string {
	tb.Helper()
	pos := goais.PositionReport{Header: goais.Header{MessageID: 1, UserID: v.mmsi}, Valid: true,
		Sog: goais.Field10(v.sog), Longitude: goais.FieldLatLonFine(v.lon), Latitude: goais.FieldLatLonFine(v.lat),
		Cog: goais.Field10(v.cog), TrueHeading: uint16(v.cog) % 360, Timestamp: 60}
	out := []string{tagBlock(fmt.Sprintf("s:board,c:%d", time.Now().UnixMilli())) + mustEncode(tb, pos, 0)[0]}
	if seq%10 == 0 {
		stat := goais.ShipStaticData{Header: goais.Header{MessageID: 5, UserID: v.mmsi}, Valid: true,
			Name: v.name, CallSign: "BX" + fmt.Sprint(v.mmsi%1000), Type: v.shipType, Destination: "JILIN"}
		out = append(out, mustEncode(tb, stat, seq%10)...)
	}
	return out
}

// reportUDP sends the vessels' reports to addr until the test ends.
func reportUDP(t *testing.T, addr string, vs ...boardVessel) {
	t.Helper()
	c, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	t.Cleanup(func() { cancel(); wg.Wait(); c.Close() })
	send := func(seq int) {
		for _, v := range vs {
			for _, l := range v.lines(t, seq) {
				_, _ = c.Write([]byte(l + "\r\n"))
			}
		}
	}
	send(0)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(300 * time.Millisecond)
		defer tick.Stop()
		for seq := 1; ; seq++ {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				send(seq)
			}
		}
	}()
}

// loginPage signs in through the board's own login page, as a user does:
// the board sends a browser without a session there.
func loginPage(t *testing.T, ctx context.Context, base, username, password string) {
	t.Helper()
	browsertest.Do(t, ctx, "open the board", chromedp.Navigate(base+"/"))
	browsertest.WaitAcrossNavigation(t, ctx, "the login page", `location.pathname === '/login.html' && document.body.dataset.ready === '1'`)
	browsertest.Do(t, ctx, "sign in",
		chromedp.SendKeys(chromedp.CSS("#username"), username),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS("#login-submit")))
	browsertest.WaitAcrossNavigation(t, ctx, "the board after login", `location.pathname === '/' && document.body.dataset.ready === '1'`)
	if got := browsertest.Eval[string](t, ctx, `document.getElementById('user-name').textContent`); got != username {
		t.Errorf("header names %q, want %q", got, username)
	}
	browsertest.WaitJS(t, ctx, "the live connection", `document.getElementById('conn').dataset.state === 'live'`)
}

// canvasXY is where on the page the board drew a vessel.
func canvasXY(t *testing.T, ctx context.Context, mmsi uint32) (x, y float64) {
	t.Helper()
	// Read where the last frame drew it once no frame is pending and the
	// map is at rest.
	browsertest.WaitJS(t, ctx, "the canvas at rest", `rw.fleet.layer.frame === 0 && !document.getElementById('map').dataset.moving`)
	xy := browsertest.Eval[[]float64](t, ctx, fmt.Sprintf(`(() => { const d = rw.fleet.drawn(%d);
		const m = document.getElementById('map').getBoundingClientRect();
		return d ? [m.left + d.x, m.top + d.y] : []; })()`, mmsi))
	if len(xy) != 2 {
		t.Fatalf("vessel %d is not drawn", mmsi)
	}
	return xy[0], xy[1]
}

// waitWithin polls expr until it holds, failing if that takes longer than
// d; it returns how long it took.
func waitWithin(t *testing.T, ctx context.Context, what, expr string, d time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for !browsertest.Eval[bool](t, ctx, expr) {
		if time.Since(start) > d {
			t.Fatalf("%s: not within %v (%s)", what, d, expr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(start)
}
