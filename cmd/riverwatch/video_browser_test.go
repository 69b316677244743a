package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/riverwatch/riverwatch/video/videobench"
	"github.com/riverwatch/riverwatch/video/videotest"
	"github.com/riverwatch/riverwatch/web/browsertest"
)

// browserClip is the camera of the browser test: keyframes 10 s apart, as
// the issue asks, small so that ffmpeg makes it in a few seconds.
var browserClip = videobench.ClipSpec{Width: 480, Height: 270, FPS: 25, Keyframe: 10 * time.Second, Duration: 20 * time.Second, BitrateKbps: 600, FrameCode: true}

// TestVideoViewerInChromium is the browser check, through `serve`
// as a user runs it: a camera with a 10 s keyframe interval is added by
// the API, and a real Chromium joins 4 s into a keyframe group with the
// viewer page (video/index.html). It must decode its first frame within
// a second (the catch-up; plain forwarding would wait about 6 s for the
// next keyframe), and what it shows must never move visibly faster than
// the camera (the frames carry their index, read back from what the page
// presents: the first picture, held, then the live one); then the camera's
// RTSP server is stopped and started again, and the same WHEP session
// plays on.
//
// It runs in a network namespace of its own with only loopback
// (videotest.InNetNS): serve offers loopback candidates (--video-loopback)
// and Chromium takes them (--allow-loopback-in-peer-connection); nothing
// can leave the namespace.
func TestVideoViewerInChromium(t *testing.T) {
	if !videotest.InNetNS(t) {
		return
	}
	clip := mustBrowserClip(t)
	cam, err := videobench.StartCamera(clip)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cam.Close)
	srv := startServer(t, "--demo-camera", "off", "--video-loopback")
	base := "http://" + srv.api.Addr()
	const id = "quay-browser"
	body := fmt.Sprintf(`{"id":%q,"name":"Browser test quay","name_zh":"浏览器测试码头","river":"Second Songhua",
		"lat":43.85,"lon":126.58,"rtsp_url":%q,"transport":"tcp","on_demand":false,"stations":["rs-jiutai"]}`, id, cam.URL())
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/cameras", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(authorize(req))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("POST camera: %s", res.Status)
	}
	waitCameraState(t, base, id, "online")
	waitCameraKeyframe(t, base, id)

	ctx := newVideoBrowser(t)
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: videobench.PlaybackProbe}); err != nil {
		t.Fatalf("inject the playback probe: %v", err)
	}
	browserLogin(t, ctx, base, "admin", testAdminPassword)
	wctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := cam.WaitIntoGroup(wctx, 4*time.Second); err != nil {
		t.Fatal(err)
	}
	browsertest.Do(t, ctx, "open the viewer page", chromedp.Navigate(base+"/video/index.html?camera="+id))
	browsertest.WaitJS(t, ctx, "the first frame", `document.querySelector('#video').dataset.firstFrameMs !== undefined`)
	ms, _ := strconv.Atoi(browsertest.Eval[string](t, ctx, `document.querySelector('#video').dataset.firstFrameMs`))
	since := browsertest.Eval[string](t, ctx, `document.querySelector('#video').dataset.sinceOfferMs || ''`)
	t.Logf("first frame %d ms after playWHEP began, %s ms after the offer was POSTed, 4 s into a 10 s keyframe group", ms, since)
	// A functional bound, as the issue asks ("the first frame within 1 s");
	// the precise figure is the benchmark's.
	if ms > 1000 {
		t.Errorf("first frame after %d ms, want within 1 s (the next keyframe was 6 s away)", ms)
	}
	browsertest.WaitJS(t, ctx, "frames decoded by WebRTC", `Number(document.querySelector('#video').dataset.framesDecoded || 0) > 25`)
	// What the viewer saw in its first seconds: the catch-up (4 s of the
	// group) must not show as fast playback, and the picture must be live
	// at the end. The bounds are functional: a catch-up played back shows
	// for 0.9 to 1.4 s at 6 to 27 times real time; Chromium's own start
	// can move 2.4 times real time for a quarter second under load, with
	// plain forwarding too (the benchmark's figures).
	time.Sleep(3 * time.Second)
	pb := videobench.AnalysePlayback(browsertest.Eval[[][2]float64](t, ctx, `window.__rwFrames || []`), float64(browserClip.FPS), int64(len(clip.AUs)))
	loop := int64(len(clip.AUs))
	behind := float64(((cam.Frame()-pb.Last)%loop+loop)%loop) / float64(browserClip.FPS)
	t.Logf("shown: %d frames, fastest %.2f× real time, %.0f ms faster than %.1f×, %d jumps, %.2f s behind the camera; still held %s ms",
		pb.Frames, pb.MaxSpeed, pb.FastMs, videobench.FastSpeed, pb.Jumps, behind,
		browsertest.Eval[string](t, ctx, `document.querySelector('#video').dataset.stillMs || '-'`))
	if pb.FastMs > 300 {
		t.Errorf("the picture moved faster than %.1f× real time for %.0f ms (fastest %.1f×): the catch-up shows as fast playback", videobench.FastSpeed, pb.FastMs, pb.MaxSpeed)
	}
	if behind > 1 {
		t.Errorf("the picture is %.2f s behind the camera after the catch-up", behind)
	}
	// A whole picture from the keyframe on: the decoder never had to ask
	// for a keyframe (PLI or FIR), as it does when frames lack references.
	stats := browsertest.Eval[map[string]string](t, ctx, `Object.assign({}, document.querySelector('#video').dataset)`)
	t.Logf("receiver: %v", stats)
	if stats["pliCount"] != "0" || stats["firCount"] != "0" || stats["keyFramesDecoded"] == "0" {
		t.Errorf("the decoder asked for a keyframe or decoded none: %v", stats)
	}
	if w := browsertest.Eval[int](t, ctx, `document.querySelector('#video').videoWidth`); w != browserClip.Width {
		t.Errorf("video width %d, want %d", w, browserClip.Width)
	}
	if st := browsertest.Eval[string](t, ctx, `document.querySelector('#state').dataset.state`); st != "playing" {
		t.Errorf("page state %q, want playing", st)
	}
	// The player takes STUN and TURN servers from the endpoint's Link
	// headers (RFC 9725 4.4); its parser, in the page's own module.
	links, err := chromedp.Run(ctx, chromedp.Evaluate[string](`import('/video/whep.js').then((m) => JSON.stringify(m.parseICELinks(
		'<stun:stun.example.org:3478>; rel="ice-server", <turn:turn.example.org:3478?transport=tcp>; rel="ice-server"; ' +
		'username="1733111111:rs-jiutai"; credential="a,b\\"c="; credential-type="password", </x>; rel="next"')))`, chromedp.EvalAwaitPromise))
	const wantLinks = `[{"urls":"stun:stun.example.org:3478"},{"urls":"turn:turn.example.org:3478?transport=tcp","username":"1733111111:rs-jiutai","credential":"a,b\"c="}]`
	if err != nil || links != wantLinks {
		t.Errorf("parseICELinks = %s (%v), want %s", links, err, wantLinks)
	}
	session := browsertest.Eval[string](t, ctx, `document.querySelector('#video').dataset.session`)
	if !strings.Contains(session, "/api/v1/cameras/"+id+"/whep/") {
		t.Errorf("WHEP session URL %q", session)
	}

	// The camera goes away and comes back: same session, frames again.
	cam.Stop()
	waitCameraState(t, base, id, "offline")
	browsertest.WaitJS(t, ctx, "the page to see the picture stall", `document.querySelector('#state').dataset.state === 'stalled'`)
	before := browsertest.Eval[int](t, ctx, `Number(document.querySelector('#video').dataset.framesDecoded || 0)`)
	if err := cam.Start(); err != nil {
		t.Fatal(err)
	}
	waitCameraState(t, base, id, "online")
	browsertest.WaitJS(t, ctx, "frames again after the restart",
		fmt.Sprintf(`Number(document.querySelector('#video').dataset.framesDecoded || 0) > %d + 25`, before))
	browsertest.WaitJS(t, ctx, "the page playing again", `document.querySelector('#state').dataset.state === 'playing'`)
	if n := browsertest.Eval[string](t, ctx, `document.querySelector('#video').dataset.sessions`); n != "1" {
		t.Errorf("the page opened %s WHEP sessions, want the first one only", n)
	}
	if s := browsertest.Eval[string](t, ctx, `document.querySelector('#video').dataset.session`); s != session {
		t.Errorf("session %q after the restart, want %q", s, session)
	}
	var info struct {
		Viewers int `json:"viewers"`
	}
	getJSON(t, base+"/api/v1/cameras/"+id, &info)
	if info.Viewers != 1 {
		t.Errorf("camera has %d viewers, want 1", info.Viewers)
	}
	checkVideoPageClean(t, ctx)
	browsertest.Screenshot(t, ctx, "-video")
}

func mustBrowserClip(t *testing.T) *videobench.Clip {
	t.Helper()
	path, err := videobench.MakeClip(context.Background(), t.TempDir(), browserClip)
	if errors.Is(err, videobench.ErrNoFFmpeg) && os.Getenv("RIVERWATCH_REQUIRE_SERVICES") != "1" {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	clip, err := videobench.LoadClip(path, browserClip.FPS)
	if err != nil {
		t.Fatal(err)
	}
	return clip
}

// waitCameraState polls the API until the camera is in state.
func waitCameraState(t *testing.T, base, id, state string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var cam struct {
		State     string `json:"state"`
		LastError string `json:"last_error"`
	}
	for time.Now().Before(deadline) {
		if getJSON(t, base+"/api/v1/cameras/"+id, &cam) == http.StatusOK && cam.State == state {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("camera %s is %q (%s), want %q", id, cam.State, cam.LastError, state)
}

// waitCameraKeyframe waits until the relay has seen a keyframe of the
// camera (its size is known from the keyframe's SPS), so that joining 4 s
// into a group means a group the relay holds.
func waitCameraKeyframe(t *testing.T, base, id string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var cam struct {
		Width int `json:"width"`
	}
	for time.Now().Before(deadline) {
		if getJSON(t, base+"/api/v1/cameras/"+id, &cam) == http.StatusOK && cam.Width > 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("the relay saw no keyframe of camera %s", id)
}

// videoErrorProbe records page errors for checkVideoPageClean (browsertest's
// own probe records CSP violations in window.__csp).
const videoErrorProbe = `window.__errors = [];
window.addEventListener('error', (e) => { window.__errors.push(String(e.message)); });
window.addEventListener('unhandledrejection', (e) => { window.__errors.push(String(e.reason)); });`

// newVideoBrowser starts headless Chromium for WebRTC as the issue says:
// no sandbox and no GPU, no background networking, a fresh profile,
// loopback allowed in peer connections, and real host candidates instead
// of mDNS names (there is no multicast resolver in the namespace).
func newVideoBrowser(t *testing.T) context.Context {
	t.Helper()
	ctx, _ := browsertest.New(t,
		chromedp.Flag("allow-loopback-in-peer-connection", true),
		chromedp.Flag("disable-features", "WebRtcHideLocalIpsWithMdns"),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
		chromedp.WindowSize(1280, 720),
	)
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: videoErrorProbe}); err != nil {
		t.Fatalf("inject probe: %v", err)
	}
	return ctx
}

// checkVideoPageClean fails the test on CSP violations and uncaught errors.
func checkVideoPageClean(t *testing.T, ctx context.Context) {
	t.Helper()
	for _, v := range browsertest.Eval[[]string](t, ctx, `window.__csp || []`) {
		t.Errorf("CSP violation: %s", v)
	}
	for _, e := range browsertest.Eval[[]string](t, ctx, `window.__errors || []`) {
		t.Errorf("page error: %s", e)
	}
	if msg := browsertest.Eval[string](t, ctx, `document.querySelector('#error').hidden ? '' : document.querySelector('#error').textContent`); msg != "" {
		var b bytes.Buffer
		_ = json.Indent(&b, []byte(strconv.Quote(msg)), "", "")
		t.Errorf("page shows an error: %s", b.String())
	}
}
