package video_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/pion/webrtc/v4"

	"github.com/riverwatch/riverwatch/video"
	"github.com/riverwatch/riverwatch/video/democam"
	"github.com/riverwatch/riverwatch/video/videotest"
)

// newRelay is a relay limited to loopback with its UDP mux on a free port.
func newRelay(t *testing.T, logger *slog.Logger) *video.Relay {
	t.Helper()
	r, err := video.New(video.Config{
		ICE:         video.ICEConfig{UDPMux: "127.0.0.1:0", Tune: videotest.LoopbackOnly},
		Backoff:     []time.Duration{100 * time.Millisecond, 200 * time.Millisecond},
		ReadTimeout: 2 * time.Second,
		Logger:      logger,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r
}

func mustPut(t *testing.T, r *video.Relay, cam video.Camera) video.Probe {
	t.Helper()
	p, err := r.Put(context.Background(), cam)
	if err != nil {
		t.Fatalf("Put %s: %v", cam.ID, err)
	}
	return p
}

// waitFor polls cond every 20 ms until it holds or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func whepOf(r *video.Relay, camID string) videotest.WHEPFunc {
	return func(offer string) (string, error) {
		a, _, err := r.WHEP(context.Background(), camID, offer, video.ViewerInfo{Name: "test"})
		return a, err
	}
}

func state(t *testing.T, r *video.Relay, id string) video.CameraInfo {
	t.Helper()
	c, err := r.Camera(id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// slices are an access unit's picture NAL units, without parameter sets.
func slicesOf(au [][]byte) [][]byte {
	var out [][]byte
	for _, n := range au {
		switch h264.NALUType(n[0] & 0x1f) {
		case h264.NALUTypeIDR, h264.NALUTypeNonIDR:
			out = append(out, n)
		}
	}
	return out
}

func sameSlices(a, b [][]byte) bool {
	a, b = slicesOf(a), slicesOf(b)
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

func TestLateJoinerGetsWholeGroupThenLive(t *testing.T) {
	if !videotest.InNetNS(t) {
		return
	}
	clip, err := democam.Demo()
	if err != nil {
		t.Fatal(err)
	}
	cam := videotest.StartCamera(t, democam.Config{InBandParams: true})
	r := newRelay(t, nil)
	mustPut(t, r, video.Camera{ID: "jilin-quay", Name: "Jilin quay", RTSPURL: cam.URL()})
	waitFor(t, 5*time.Second, "online", func() bool { return state(t, r, "jilin-quay").State == video.StateOnline })
	time.Sleep(1500 * time.Millisecond) // join ~1.5 s into the 10 s group

	v := videotest.NewViewer(t, whepOf(r, "jilin-quay"))
	aus, err := v.WaitAUs(60, 5*time.Second)
	if err != nil {
		t.Fatalf("%v: got %d access units", err, len(aus))
	}
	first := aus[0]
	if !first.Key {
		t.Fatal("first access unit is not a keyframe")
	}
	var sps, pps bool
	for _, n := range first.NALUs {
		switch h264.NALUType(n[0] & 0x1f) {
		case h264.NALUTypeSPS:
			sps = bytes.Equal(n, clip.SPS)
		case h264.NALUTypePPS:
			pps = bytes.Equal(n, clip.PPS)
		}
	}
	if !sps || !pps {
		t.Fatalf("keyframe without the camera's SPS/PPS (sps %v pps %v)", sps, pps)
	}
	// The camera rewound to its first keyframe for the relay: the viewer
	// must get clip AUs 0, 1, 2, ... with none missing or repeated across
	// the switch from catch-up to live.
	for i, au := range aus {
		if !sameSlices(au.NALUs, clip.AUs[i%len(clip.AUs)]) {
			t.Fatalf("access unit %d is not the clip's unit %d", i, i)
		}
		if i > 0 && int32(au.Timestamp-aus[i-1].Timestamp) <= 0 {
			t.Fatalf("timestamp of unit %d does not advance", i)
		}
	}
	if g := v.SeqGaps(); g != 0 {
		t.Fatalf("%d RTP sequence gaps", g)
	}
	// The catch-up (about 37 units) came faster than real time.
	if span := aus[36].At.Sub(aus[0].At); span > 1200*time.Millisecond {
		t.Errorf("catch-up of 37 units took %s, not faster than real time", span)
	}
}

func TestUnknownCameraAndMalformedOffer(t *testing.T) {
	r := newRelay(t, nil)
	if _, _, err := r.WHEP(context.Background(), "nope", "v=0", video.ViewerInfo{}); !errors.Is(err, video.ErrNotFound) {
		t.Fatalf("unknown camera: %v, want ErrNotFound", err)
	}
	mustPut(t, r, video.Camera{ID: "c1", Name: "c1", RTSPURL: "rtsp://127.0.0.1:1/x", OnDemand: true})
	for _, offer := range []string{"", "hello", "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"} {
		if _, _, err := r.WHEP(context.Background(), "c1", offer, video.ViewerInfo{}); !errors.Is(err, video.ErrInvalid) {
			t.Errorf("offer %q: %v, want ErrInvalid", offer, err)
		}
	}
}

var _ = webrtc.MimeTypeH264
