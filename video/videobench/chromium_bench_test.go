package videobench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/riverwatch/riverwatch/web"
	"github.com/riverwatch/riverwatch/web/browsertest"
)

// BenchmarkFirstFrameChromium is the real decode figure: Debian's headless
// Chromium opens the viewer page (web/static/video, the player the board
// uses) against riverwatch's relay and against plain forwarding, joining
// 4 s into a 10 s keyframe group of the 720p camera, and the page reports
// when the first frame was decoded and presented (requestVideoFrameCallback):
// first-ms from the page's start of the offer, offer-ms from its POST.
// Chromium shows nothing it cannot decode, so plain forwarding's first
// frame is the camera's next keyframe.
func BenchmarkFirstFrameChromium(b *testing.B) {
	needBenchVideo(b)
	path := browsertest.Find()
	if path == "" {
		b.Skip("no Chromium found: apt-get install -y chromium")
	}
	cam, err := StartCamera(MustClip(b, hdClip))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(cam.Close)
	for _, name := range []string{RoleRiverwatch, RolePlain} {
		b.Run(name, func(b *testing.B) {
			var h http.Handler
			if name == RoleRiverwatch {
				h = relayWHEP{startRelay(b, cam)}
			} else {
				p, err := StartPlain(cam.URL())
				if err != nil {
					b.Fatal(err)
				}
				b.Cleanup(p.Close)
				h = p
			}
			srv := httptest.NewServer(viewerSite(h))
			b.Cleanup(srv.Close)
			ctx := chromium(b, path)
			if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument,
				page.AddScriptToEvaluateOnNewDocumentParams{Source: PlaybackProbe}); err != nil {
				b.Fatal(err)
			}
			wctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			if err := cam.WaitNextKeyframe(wctx); err != nil {
				b.Fatal(err)
			}
			var first, offer, fast, speed, behinds []float64
			b.ResetTimer()
			for range b.N {
				if err := cam.WaitIntoGroup(wctx, joinAt); err != nil {
					b.Fatal(err)
				}
				if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/video/index.html?camera=cam")); err != nil {
					b.Fatal(err)
				}
				if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector('#video').dataset.firstFrameMs !== undefined`,
					chromedp.WithPollingInterval(10*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second))); err != nil {
					b.Fatalf("no frame in Chromium in 20 s: %v", err)
				}
				ds, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]string](`Object.assign({}, document.querySelector('#video').dataset)`))
				if err != nil {
					b.Fatal(err)
				}
				f, _ := strconv.ParseFloat(ds["firstFrameMs"], 64)
				o, _ := strconv.ParseFloat(ds["sinceOfferMs"], 64)
				first, offer = append(first, f), append(offer, o)
				// Watch long enough for the catch-up to end, then judge what
				// was shown: how fast it moved and how far behind live.
				time.Sleep(watchFor)
				pairs, err := chromedp.Run(ctx, chromedp.Evaluate[[][2]float64](`window.__rwFrames`))
				if err != nil {
					b.Fatal(err)
				}
				camAt := cam.Frame()
				if testing.Verbose() {
					var sb []string
					for _, p := range pairs {
						sb = append(sb, fmt.Sprintf("%.0f:%d", p[0]-pairs[0][0], int(p[1])))
					}
					b.Logf("frames: %s", strings.Join(sb, " "))
				}
				pb := AnalysePlayback(pairs, float64(hdClip.FPS), int64(len(cam.clip.AUs)))
				loop := int64(len(cam.clip.AUs))
				behind := float64(((camAt-pb.Last)%loop+loop)%loop) * 1000 / float64(hdClip.FPS)
				fast, speed, behinds = append(fast, pb.FastMs), append(speed, pb.MaxSpeed), append(behinds, behind)
				b.Logf("%s in Chromium: first frame %.0f ms after the page began its offer, %.0f ms after the POST; "+
					"%d frames shown in %v, fastest %.2f× real time, %.0f ms faster than %.1f×, %d jumps, %.0f ms behind the camera",
					name, f, o, pb.Frames, watchFor, pb.MaxSpeed, pb.FastMs, FastSpeed, pb.Jumps, behind)
				if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(0, "ns/op")
			b.ReportMetric(median(first), "first-ms")
			b.ReportMetric(median(offer), "offer-ms")
			b.ReportMetric(median(fast), "fast-ms")
			b.ReportMetric(median(speed), "max-speed")
			b.ReportMetric(median(behinds), "behind-ms")
		})
	}
}

// watchFor is how long each viewer watches before its playback is judged.
const watchFor = 3 * time.Second

// viewerSite serves the viewer page and, for camera "cam", a record and
// WHEP by h (which answers POST /whep and DELETE /whep/{id}).
func viewerSite(h http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/video/", http.FileServerFS(web.Static()))
	mux.HandleFunc("GET /api/v1/cameras/cam", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"id": "cam", "name": "Bench camera", "name_zh": "测试摄像头", "state": "online", "fps": 25})
	})
	mux.Handle("/api/v1/cameras/cam/whep", http.StripPrefix("/api/v1/cameras/cam", h))
	mux.Handle("/whep/", h)
	return mux
}

// chromium starts headless Chromium for WebRTC on loopback, as the
// browser test does.
func chromium(b *testing.B, path string) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("allow-loopback-in-peer-connection", true),
		chromedp.Flag("disable-features", "WebRtcHideLocalIpsWithMdns"),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
		chromedp.UserDataDir(b.TempDir()),
		chromedp.Env("TMPDIR="+b.TempDir()), // its singleton folder goes with the benchmark
	)
	b.Cleanup(acancel)
	tctx, tcancel := chromedp.NewContext(actx)
	b.Cleanup(tcancel)
	if err := chromedp.Do(tctx); err != nil {
		if os.Getenv("RIVERWATCH_REQUIRE_SERVICES") != "1" {
			b.Skipf("start Chromium: %v", err)
		}
		b.Fatalf("start Chromium: %v", err)
	}
	return tctx
}
