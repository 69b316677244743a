package video_test

import (
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/riverwatch/riverwatch/video"
	"github.com/riverwatch/riverwatch/video/democam"
	"github.com/riverwatch/riverwatch/video/videotest"
)

// TestSenderReportsAndNACK: a viewer gets RTCP sender reports on its
// video track (lip sync), and the packets it NACKs again, once each.
func TestSenderReportsAndNACK(t *testing.T) {
	if !videotest.InNetNS(t) {
		return
	}
	cam := videotest.StartCamera(t, democam.Config{})
	r := newRelay(t, nil)
	mustPut(t, r, video.Camera{ID: "rtcp", Name: "rtcp", RTSPURL: cam.URL()})
	// The packets NACKed here did arrive: without replay protection the
	// viewer's SRTP takes them again (a browser NACKs only what it lost).
	v, err := videotest.DialViewerWith(func(se *webrtc.SettingEngine) { se.DisableSRTPReplayProtection(true) }, whepOf(r, "rtcp"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = v.PC.Close() })
	if _, err := v.WaitAUs(30, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 3*time.Second, "a sender report on the video track", func() bool { return v.VideoReports() > 0 })

	last := v.LastSeq()
	if err := v.SendNACK(last-3, last-4); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 2*time.Second, "the 2 NACKed packets again", func() bool { return v.Repeats() >= 2 })
	time.Sleep(200 * time.Millisecond)
	if n := v.Repeats(); n != 2 {
		t.Errorf("%d packets came again, want the 2 NACKed", n)
	}
	if g := v.SeqGaps(); g != 0 {
		t.Errorf("%d sequence gaps", g)
	}
}
