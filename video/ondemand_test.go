package video_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/riverwatch/riverwatch/video"
	"github.com/riverwatch/riverwatch/video/democam"
	"github.com/riverwatch/riverwatch/video/videotest"
)

// TestOnDemandPullStartsWithTheOffer: an on-demand camera is dialled as
// soon as an offer for it arrives, while the relay still gathers its ICE
// candidates (here: a STUN server that never answers holds the answer
// back), so the RTSP setup overlaps ICE instead of following it; an offer
// whose viewer never comes releases the pull after the idle timeout.
func TestOnDemandPullStartsWithTheOffer(t *testing.T) {
	if !videotest.InNetNS(t) {
		return
	}
	stun, err := net.ListenPacket("udp4", "127.0.0.1:0") // reads nothing, answers nothing
	if err != nil {
		t.Fatal(err)
	}
	defer stun.Close()
	cam := videotest.StartCamera(t, democam.Config{})
	r, err := video.New(video.Config{
		ICE: video.ICEConfig{UDPMux: "127.0.0.1:0", STUN: []string{"stun:" + stun.LocalAddr().String()}, Tune: func(se *webrtc.SettingEngine) {
			videotest.LoopbackOnly(se)
			se.SetSTUNGatherTimeout(time.Hour)
		}},
		GatherTimeout: time.Hour, IdleTimeout: 200 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	mustPut(t, r, video.Camera{ID: "od", Name: "od", RTSPURL: cam.URL(), OnDemand: true})
	pc, err := webrtc.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	if _, err := pc.AddTransceiverFromKind(webrtc.RTPCodecTypeVideo, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
		t.Fatal(err)
	}
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, _, err := r.WHEP(ctx, "od", offer.SDP, video.ViewerInfo{})
		done <- err
	}()
	waitFor(t, 10*time.Second, "the camera pulled", func() bool {
		select {
		case err := <-done:
			t.Fatalf("WHEP answered (%v) before the gathering it was held on", err)
		default:
		}
		return cam.Sessions() == 1
	})
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("WHEP after its context ended: %v", err)
	}
	waitFor(t, 10*time.Second, "the pull released", func() bool { return state(t, r, "od").State == video.StateIdle })
}

// TestOnDemandReleaseForgetsPicture: once an on-demand camera is released,
// its cached group is gone: the next viewer is not caught up on (and a
// snapshot does not show) the picture from when it was last watched.
func TestOnDemandReleaseForgetsPicture(t *testing.T) {
	if !videotest.InNetNS(t) {
		return
	}
	needFFmpeg(t)
	cam := videotest.StartCamera(t, democam.Config{})
	r, err := video.New(video.Config{ICE: video.ICEConfig{UDPMux: "127.0.0.1:0", Tune: videotest.LoopbackOnly}, IdleTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	mustPut(t, r, video.Camera{ID: "od", Name: "od", RTSPURL: cam.URL(), OnDemand: true})
	v := videotest.NewViewer(t, whepOf(r, "od"))
	if _, err := v.WaitAUs(5, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Snapshot(context.Background(), "od"); err != nil {
		t.Fatalf("snapshot while watched: %v", err)
	}
	_ = v.PC.Close()
	waitFor(t, 10*time.Second, "the pull released", func() bool { return state(t, r, "od").State == video.StateIdle })
	if _, err := r.Snapshot(context.Background(), "od"); !errors.Is(err, video.ErrNoPicture) {
		t.Fatalf("snapshot of a released camera: %v, want ErrNoPicture", err)
	}
}
