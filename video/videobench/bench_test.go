package videobench

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/video/videotest"
)

// TestMain runs the whole bench in a network namespace with the veth pair
// Janus needs (benchmarks cannot re-execute themselves as InNetNS does).
func TestMain(m *testing.M) {
	RelayChildMain()
	if videotest.Inside() {
		code := m.Run()
		RemoveClips()
		os.Exit(code)
	}
	videotest.MainInNetNS(m, true)
}

// smallClip: 2 s keyframe interval so the test is quick.
var smallClip = ClipSpec{Width: 320, Height: 240, FPS: 25, Keyframe: 2 * time.Second, Duration: 4 * time.Second, BitrateKbps: 300}

// midClip: 4 s keyframe interval, for Janus, whose viewers take about a
// second to connect.
var midClip = ClipSpec{Width: 320, Height: 240, FPS: 25, Keyframe: 4 * time.Second, Duration: 8 * time.Second, BitrateKbps: 300}

func TestClip(t *testing.T) {
	c := MustClip(t, smallClip)
	if got, want := len(c.AUs), 100; got != want {
		t.Errorf("%d access units, want %d", got, want)
	}
	if c.SPS == nil || c.PPS == nil {
		t.Fatal("no parameter sets")
	}
}

// TestPlainWaitsForKeyframe checks the bench's judge on the baseline: a
// viewer joining 1 s into a 2 s group gets its first whole picture only at
// the next keyframe, about 1 s later, and nothing broken after it.
func TestPlainWaitsForKeyframe(t *testing.T) {
	if !videotest.InNetNS(t) {
		return
	}
	cam, err := StartCamera(MustClip(t, smallClip))
	if err != nil {
		t.Fatal(err)
	}
	defer cam.Close()
	plain, err := StartPlain(cam.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	srv := httptest.NewServer(plain)
	defer srv.Close()

	api, err := NewAPI()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := cam.WaitIntoGroup(ctx, time.Second); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	v, err := NewViewer(api, start, true)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if err := WHEP(ctx, http.DefaultClient, srv.URL+"/whep", v); err != nil {
		t.Fatal(err)
	}
	select {
	case <-v.Picture().Whole():
	case <-ctx.Done():
		t.Fatalf("no whole picture: %+v", v.Picture().Result())
	}
	time.Sleep(500 * time.Millisecond)
	r := v.Picture().Result()
	t.Logf("plain forwarding: %+v", r)
	if r.FirstWhole < 500*time.Millisecond {
		t.Errorf("first whole picture after %v, before the next keyframe could come", r.FirstWhole)
	}
	if r.Broken == 0 {
		t.Error("no broken frames before the keyframe: the judge sees nothing")
	}
	if r.BrokenAfter != 0 || r.LoneIDRs != 0 {
		t.Errorf("broken after the keyframe: %+v", r)
	}
}

// MustJanus starts Janus for the camera, or skips without it (fails under
// RIVERWATCH_REQUIRE_SERVICES=1).
func MustJanus(tb testing.TB, cam *Camera, videobufferkf bool) *Janus {
	tb.Helper()
	j, err := StartJanus(context.Background(), tb.TempDir(), cam.URL(), videobufferkf)
	if err == ErrNoJanus && os.Getenv("RIVERWATCH_REQUIRE_SERVICES") != "1" {
		tb.Skip(err)
	}
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(j.Close)
	return j
}

// TestJanus checks the bench's Janus: without videobufferkf a viewer waits
// for the next keyframe; with it, it gets the cached keyframe at once and
// then a broken chain (a lone IDR) until the next one.
func TestJanus(t *testing.T) {
	if !videotest.InNetNS(t) {
		return
	}
	cam, err := StartCamera(MustClip(t, midClip))
	if err != nil {
		t.Fatal(err)
	}
	defer cam.Close()
	api, err := NewVethAPI()
	if err != nil {
		t.Fatal(err)
	}
	for _, kf := range []bool{false, true} {
		j := MustJanus(t, cam, kf)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		time.Sleep(time.Second) // let it pull and cache a keyframe
		if err := cam.WaitIntoGroup(ctx, time.Second); err != nil {
			t.Fatal(err)
		}
		v, err := NewViewer(api, time.Now(), true)
		if err != nil {
			t.Fatal(err)
		}
		defer v.Close()
		s, err := j.Watch(ctx, v, nil)
		if err != nil {
			t.Fatalf("%v\n%s", err, j.Log(3000))
		}
		defer s.Close(ctx)
		select {
		case <-v.Picture().Whole():
		case <-ctx.Done():
			t.Fatalf("videobufferkf=%t: no whole picture: %+v\n%s", kf, v.Picture().Result(), j.Log(3000))
		}
		r := v.Picture().Result()
		t.Logf("janus videobufferkf=%t: %+v", kf, r)
		// Joined 1 s into a 4 s group: the next keyframe is 3 s away.
		if r.FirstWhole < 2500*time.Millisecond {
			t.Errorf("videobufferkf=%t: whole picture after %v, before the next keyframe", kf, r.FirstWhole)
		}
		if kf && (r.LoneIDRs == 0 || r.FirstAU > r.FirstPacket+100*time.Millisecond) {
			t.Errorf("videobufferkf: want the cached keyframe first, alone: %+v", r)
		}
		j.Close()
	}
}
