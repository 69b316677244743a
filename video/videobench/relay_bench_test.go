package videobench

import (
	"context"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/video"
	"github.com/riverwatch/riverwatch/video/videotest"
)

// startRelay is riverwatch's relay limited to loopback, pulling cam.
func startRelay(tb testing.TB, cam *Camera) *video.Relay {
	tb.Helper()
	r, err := video.New(video.Config{ICE: video.ICEConfig{UDPMux: "127.0.0.1:0", Tune: videotest.LoopbackOnly}})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = r.Close() })
	if _, err := r.Put(context.Background(), video.Camera{ID: "cam", Name: "bench", NameZh: "测试", RTSPURL: cam.URL(), Transport: video.TransportTCP}); err != nil {
		tb.Fatal(err)
	}
	// Wait for a keyframe the relay saw (its size is known from it), so
	// that "into the group" means a group the relay holds.
	deadline := time.Now().Add(30 * time.Second)
	for r.Cameras()[0].Status.Width == 0 {
		if time.Now().After(deadline) {
			tb.Fatalf("relay saw no keyframe: %+v", r.Cameras()[0].Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return r
}

var relayViewer = video.ViewerInfo{Name: "bench"}

// relayWatch joins r's camera with v by WHEP (in-process).
func relayWatch(ctx context.Context, r *video.Relay, v *Viewer) error {
	offer, err := v.Offer()
	if err != nil {
		return err
	}
	ans, _, err := r.WHEP(ctx, "cam", offer, video.ViewerInfo{Name: "bench"})
	if err != nil {
		return err
	}
	return v.SetAnswer(ans)
}

// TestRelayWholeAtOnce: joining 1 s into a 4 s group, the relay's viewer
// has its whole picture long before the next keyframe, and nothing broken
// after it.
func TestRelayWholeAtOnce(t *testing.T) {
	if !videotest.InNetNS(t) {
		return
	}
	cam, err := StartCamera(MustClip(t, midClip))
	if err != nil {
		t.Fatal(err)
	}
	defer cam.Close()
	r := startRelay(t, cam)
	api, err := NewAPI()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := cam.WaitIntoGroup(ctx, 2*time.Second); err != nil {
		t.Fatal(err)
	}
	v, err := NewViewer(api, time.Now(), true)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if err := relayWatch(ctx, r, v); err != nil {
		t.Fatal(err)
	}
	select {
	case <-v.Picture().Whole():
	case <-ctx.Done():
		t.Fatalf("no whole picture: %+v", v.Picture().Result())
	}
	time.Sleep(3 * time.Second) // past the next keyframe
	res := v.Picture().Result()
	t.Logf("riverwatch: %+v", res)
	if res.FirstWhole > time.Second || res.Broken != 0 || res.BrokenAfter != 0 {
		t.Errorf("want a whole picture at once and nothing broken: %+v", res)
	}
}
