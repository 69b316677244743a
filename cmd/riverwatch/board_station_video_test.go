package main

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/riverwatch/riverwatch/video/videotest"
	"github.com/riverwatch/riverwatch/web/browsertest"
)

// TestStationVideoWall: a station's video wall plays the cameras assigned
// to it. Jiutai's station signs in to a serve whose demo camera is shared
// by Jiutai and Songhua Lake; its wall holds that one camera, and the
// browser decodes its picture through the board's own WHEP player. In a
// network namespace of its own, as every WebRTC test.
func TestStationVideoWall(t *testing.T) {
	if !videotest.InNetNS(t) {
		return
	}
	srv := startServer(t, "--demo-camera", "on", "--video-loopback")
	base := "http://" + srv.api.Addr()
	if code, body := post(t, base+"/api/v1/users", map[string]any{"username": "jiutai", "password": "station-secret-1",
		"roles": []string{"station"}, "station": "rs-jiutai"}); code != 201 && code != 200 {
		t.Fatalf("create the station account: %d %s", code, body)
	}
	waitCameraState(t, base, demoCameraID, "online")

	ctx := newVideoBrowser(t)
	loginPage(t, ctx, base, "jiutai", "station-secret-1")
	browsertest.WaitJS(t, ctx, "the station view", `document.body.classList.contains('role-station')`)
	browsertest.Do(t, ctx, "open the video wall", chromedp.Click(chromedp.CSS("#open-video")))
	browsertest.WaitJS(t, ctx, "the wall's cameras", `document.getElementById('video-wall').dataset.cameras !== undefined`)
	if n := browsertest.Eval[string](t, ctx, `document.getElementById('video-wall').dataset.cameras`); n != "1" {
		t.Fatalf("the wall holds %s cameras, want the demo camera", n)
	}
	if id := browsertest.Eval[string](t, ctx, `document.querySelector('#video-wall .video-tile').dataset.camera`); id != demoCameraID {
		t.Errorf("the wall shows %q, want %q", id, demoCameraID)
	}
	// A decoded picture has the clip's size.
	browsertest.WaitJS(t, ctx, "a decoded picture", `(() => { const v = document.querySelector('#video-wall video');
		return v && v.videoWidth === 640 && v.videoHeight === 360; })()`)
	browsertest.Screenshot(t, ctx, "-station-video")
}
