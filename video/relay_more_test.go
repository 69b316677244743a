package video_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/riverwatch/riverwatch/video"
	"github.com/riverwatch/riverwatch/video/democam"
	"github.com/riverwatch/riverwatch/video/videotest"
)

func TestTwentyViewersOneUpstreamSession(t *testing.T) {
	if !videotest.InNetNS(t) {
		return
	}
	cam := videotest.StartCamera(t, democam.Config{})
	r := newRelay(t, nil)
	mustPut(t, r, video.Camera{ID: "c20", Name: "c20", RTSPURL: cam.URL(), OnDemand: true})
	var wg sync.WaitGroup
	viewers := make([]*videotest.Viewer, 20)
	for i := range viewers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := videotest.DialViewer(whepOf(r, "c20"))
			if err != nil {
				t.Errorf("viewer %d: %v", i, err)
				return
			}
			viewers[i] = v
		}()
	}
	wg.Wait()
	for _, v := range viewers {
		if v != nil {
			t.Cleanup(func() { _ = v.PC.Close() })
		}
	}
	if t.Failed() {
		return
	}
	for i, v := range viewers {
		aus, err := v.WaitAUs(10, 10*time.Second)
		if err != nil {
			t.Fatalf("viewer %d: %v (%d units)", i, err, len(aus))
		}
		if !aus[0].Key {
			t.Errorf("viewer %d: first unit is not a keyframe", i)
		}
	}
	// One UDP port for every peer: each viewer's pair ends at the mux.
	for i, v := range viewers {
		pair, err := v.PC.SCTP().Transport().ICETransport().GetSelectedCandidatePair()
		if err != nil || pair == nil || pair.Remote.Port != uint16(portOf(t, r.UDPAddr())) {
			t.Fatalf("viewer %d: pair %v (%v), want the relay's UDP mux %s", i, pair, err, r.UDPAddr())
		}
	}
	if n := cam.Sessions(); n != 1 {
		t.Fatalf("camera saw %d RTSP sessions for 20 viewers, want 1", n)
	}
	if got := state(t, r, "c20").Viewers; got != 20 {
		t.Fatalf("status shows %d viewers, want 20", got)
	}
}

func TestCameraRestartViewerResumes(t *testing.T) {
	if !videotest.InNetNS(t) {
		return
	}
	cam := videotest.StartCamera(t, democam.Config{})
	r := newRelay(t, nil)
	mustPut(t, r, video.Camera{ID: "cr", Name: "cr", RTSPURL: cam.URL()})
	waitFor(t, 5*time.Second, "online", func() bool { return state(t, r, "cr").State == video.StateOnline })
	v := videotest.NewViewer(t, whepOf(r, "cr"))
	if _, err := v.WaitAUs(10, 5*time.Second); err != nil {
		t.Fatal(err)
	}

	cam.Stop()
	waitFor(t, 5*time.Second, "offline", func() bool { return state(t, r, "cr").State == video.StateOffline })
	if e := state(t, r, "cr").LastError; e == "" {
		t.Error("offline without last_error")
	}
	before := len(v.AUs())
	cam.Restart()
	waitFor(t, 10*time.Second, "online again", func() bool { return state(t, r, "cr").State == video.StateOnline })
	aus, err := v.WaitAUs(before+10, 10*time.Second)
	if err != nil {
		t.Fatalf("viewer did not resume: %v (%d units before, %d now)", err, before, len(aus))
	}
	if !aus[before].Key {
		t.Error("first unit after the restart is not a keyframe")
	}
	for i := 1; i < len(aus); i++ {
		if int32(aus[i].Timestamp-aus[i-1].Timestamp) <= 0 {
			t.Fatalf("timestamps go back at unit %d (restart at %d)", i, before)
		}
	}
	if g := v.SeqGaps(); g != 0 {
		t.Errorf("%d sequence gaps across the restart", g)
	}
	if c := state(t, r, "cr"); c.Viewers != 1 || c.Reconnects == 0 {
		t.Errorf("viewers %d reconnects %d, want 1 and > 0", c.Viewers, c.Reconnects)
	}
	if c := state(t, r, "cr"); len(c.ViewerList) != 1 || c.ViewerList[0].BytesSent == 0 || c.ViewerList[0].Lost != 0 {
		t.Errorf("viewer status %+v: want bytes sent and nothing lost on loopback", c.ViewerList)
	}
}

func TestSilentCameraGoesOffline(t *testing.T) {
	// A TCP listener that accepts and never answers: the RTSP client must
	// give up, the camera show offline with the reason, and nothing crash.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	r, err := video.New(video.Config{ProbeTimeout: 300 * time.Millisecond, ReadTimeout: 300 * time.Millisecond,
		Backoff: []time.Duration{50 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	p := mustPut(t, r, video.Camera{ID: "mute", Name: "mute", RTSPURL: "rtsp://" + ln.Addr().String() + "/x"})
	if p.Error == "" {
		t.Error("probe of a silent camera reports no error")
	}
	waitFor(t, 5*time.Second, "offline with an error", func() bool {
		c := state(t, r, "mute")
		return c.State == video.StateOffline && c.LastError != ""
	})
	refused := mustPut(t, r, video.Camera{ID: "gone", Name: "gone", RTSPURL: "rtsp://127.0.0.1:1/x"})
	if refused.Error == "" {
		t.Error("probe of a closed port reports no error")
	}
}

func TestCredentialsNeverShown(t *testing.T) {
	if !videotest.InNetNS(t) {
		return
	}
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewJSONHandler(&lockedWriter{w: &logs, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cam := videotest.StartCamera(t, democam.Config{})
	r := newRelay(t, logger)
	const secret = "Zq7-s3cret-PW"
	withCreds := strings.Replace(cam.URL(), "rtsp://", "rtsp://admin:"+secret+"@", 1)
	mustPut(t, r, video.Camera{ID: "cred", Name: "cred", RTSPURL: withCreds})
	// And one that fails, so the error paths log too.
	mustPut(t, r, video.Camera{ID: "cred-down", Name: "down", RTSPURL: "rtsp://admin:" + secret + "@127.0.0.1:1/x"})
	waitFor(t, 5*time.Second, "online", func() bool { return state(t, r, "cred").State == video.StateOnline })
	waitFor(t, 5*time.Second, "offline", func() bool { return state(t, r, "cred-down").LastError != "" })
	v := videotest.NewViewer(t, whepOf(r, "cred"))
	if _, err := v.WaitAUs(5, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(r.Cameras())
	if bytes.Contains(out, []byte(secret)) || bytes.Contains(out, []byte("admin:")) {
		t.Fatalf("credentials in the status: %s", out)
	}
	if !bytes.Contains(out, []byte(`"rtsp_url":"`+cam.URL()+`"`)) {
		t.Errorf("status lacks the redacted URL %s: %s", cam.URL(), out)
	}
	mu.Lock()
	defer mu.Unlock()
	if bytes.Contains(logs.Bytes(), []byte(secret)) {
		t.Fatalf("credentials in the log:\n%s", logs.String())
	}
	if logs.Len() == 0 {
		t.Fatal("nothing logged: the check above checked nothing")
	}
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestOnDemandPulledOnlyWhileWatched(t *testing.T) {
	if !videotest.InNetNS(t) {
		return
	}
	cam := videotest.StartCamera(t, democam.Config{})
	r, err := video.New(video.Config{ICE: video.ICEConfig{Tune: videotest.LoopbackOnly}, IdleTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	mustPut(t, r, video.Camera{ID: "od", Name: "od", RTSPURL: cam.URL(), OnDemand: true})
	time.Sleep(300 * time.Millisecond)
	if s := state(t, r, "od").State; s != video.StateIdle || cam.Active() != 0 {
		t.Fatalf("unwatched on-demand camera: state %s, %d sessions playing", s, cam.Active())
	}
	var session string
	v := videotest.NewViewer(t, func(offer string) (string, error) {
		a, id, err := r.WHEP(context.Background(), "od", offer, video.ViewerInfo{Name: "t"})
		session = id
		return a, err
	})
	if _, err := v.WaitAUs(5, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if cam.Active() != 1 {
		t.Fatalf("%d sessions playing while watched, want 1", cam.Active())
	}
	if err := r.End("od", session); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, "released after the idle timeout", func() bool {
		return state(t, r, "od").State == video.StateIdle && cam.Active() == 0
	})
}

// TestAudioIsLiveDuringCatchUp: the audio that arrives while a viewer
// catches up on the video goes out at once, at the camera's pace, not
// queued behind the catch-up and then sent in a burst (a browser would
// then play it late, and hold the picture back to keep them in step).
func TestAudioIsLiveDuringCatchUp(t *testing.T) {
	if !videotest.InNetNS(t) {
		return
	}
	cam := videotest.StartCamera(t, democam.Config{Audio: true})
	// A slow catch-up (about 0.7 s for the 2 s group) so that "audio during
	// the catch-up" is told apart from the receiver's goroutine timing.
	r, err := video.New(video.Config{ICE: video.ICEConfig{UDPMux: "127.0.0.1:0", Tune: videotest.LoopbackOnly}, CatchupBitrate: 1.5e6})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	mustPut(t, r, video.Camera{ID: "av", Name: "av", RTSPURL: cam.URL()})
	waitFor(t, 5*time.Second, "online", func() bool { return state(t, r, "av").State == video.StateOnline })
	time.Sleep(2 * time.Second) // a 50-unit group to catch up on
	if a := state(t, r, "av").Audio; a != "PCMU" {
		t.Fatalf("audio %q, want PCMU", a)
	}
	v := videotest.NewViewer(t, whepOf(r, "av"))
	aus, err := v.WaitAUs(60, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	n, _, mime := v.Audio()
	if n < 20 || !strings.EqualFold(mime, "audio/PCMU") {
		t.Fatalf("%d audio packets (%s)", n, mime)
	}
	at := v.AudioTimes()
	// Live during the catch-up: the first audio before the catch-up's
	// unit 40, and 20 packets (0.4 s of the camera's audio) spread over
	// most of their real time, not a burst.
	if !at[0].Before(aus[40].At) {
		t.Errorf("first audio at %s, after the catch-up's unit 40 at %s", at[0].Format(time.StampMicro), aus[40].At.Format(time.StampMicro))
	}
	if span := at[19].Sub(at[0]); span < 250*time.Millisecond {
		t.Errorf("20 audio packets came within %s: a queued burst, not live", span)
	}
	// In step after the catch-up: a browser lines audio up with video by
	// the sender reports, which must map both tracks' latest packets to
	// the same wall time, within a frame, once the catch-up's reports are
	// past. (That the video is then live, not a backlog behind the audio,
	// is the browser test's check on what is shown.)
	time.Sleep(2500 * time.Millisecond) // reports after the catch-up
	for i := range 5 {
		lv, okv := v.CaptureLag(webrtc.RTPCodecTypeVideo)
		la, oka := v.CaptureLag(webrtc.RTPCodecTypeAudio)
		if !okv || !oka {
			t.Fatalf("no sender reports and packets for both tracks (video %v, audio %v)", okv, oka)
		}
		if d := lv - la; d > 60*time.Millisecond || d < -60*time.Millisecond {
			t.Errorf("sample %d: video captured %s before it arrived, audio %s: %s out of step", i, lv, la, d)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// TestPictureLossResendsTheGroup: a PLI (the browser's decoder lost the
// picture) makes the relay send the cached group again from its keyframe,
// long before the camera's next one.
func TestPictureLossResendsTheGroup(t *testing.T) {
	if !videotest.InNetNS(t) {
		return
	}
	cam := videotest.StartCamera(t, democam.Config{})
	r := newRelay(t, nil)
	mustPut(t, r, video.Camera{ID: "pli", Name: "pli", RTSPURL: cam.URL()})
	v := videotest.NewViewer(t, whepOf(r, "pli"))
	if _, err := v.WaitAUs(50, 5*time.Second); err != nil { // 2 s into the 10 s group
		t.Fatal(err)
	}
	if err := v.SendPLI(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for {
		keys := 0
		aus := v.AUs()
		for _, au := range aus {
			if au.Key {
				keys++
			}
		}
		if keys >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no keyframe resent after the PLI (%d units, %d keyframes)", len(aus), keys)
		}
		time.Sleep(20 * time.Millisecond)
	}
	aus := v.AUs()
	for i := 1; i < len(aus); i++ {
		if int32(aus[i].Timestamp-aus[i-1].Timestamp) <= 0 {
			t.Fatalf("timestamps go back at unit %d", i)
		}
	}
	if c := state(t, r, "pli"); len(c.ViewerList) != 1 || c.ViewerList[0].Repairs != 1 {
		t.Fatalf("viewer status %+v, want 1 repair", c.ViewerList)
	}
	waitFor(t, 3*time.Second, "the viewer's reported loss in its status", func() bool {
		// Sent again each time: the viewer's own reports (nothing lost) go too.
		if err := v.SendLossReport(7); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
		c := state(t, r, "pli")
		return len(c.ViewerList) == 1 && c.ViewerList[0].Lost == 7
	})
}
