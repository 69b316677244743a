package videobench

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/video/videotest"
)

// clipCache makes each clip once per test binary: encoding 720p takes a
// while on a shared machine.
var (
	clipMu    sync.Mutex
	clipDir   string
	clipPaths = map[ClipSpec]string{}
)

// MustClip returns the clip for spec, made with ffmpeg in a directory of
// the test binary's own; it skips without ffmpeg (fails under
// RIVERWATCH_REQUIRE_SERVICES=1).
func MustClip(tb testing.TB, spec ClipSpec) *Clip {
	tb.Helper()
	clipMu.Lock()
	defer clipMu.Unlock()
	if clipDir == "" {
		d, err := os.MkdirTemp("", "videobench-")
		if err != nil {
			tb.Fatal(err)
		}
		clipDir = d
	}
	path, ok := clipPaths[spec]
	if !ok {
		var err error
		path, err = MakeClip(context.Background(), clipDir, spec)
		if err == ErrNoFFmpeg && os.Getenv("RIVERWATCH_REQUIRE_SERVICES") != "1" {
			tb.Skip(err)
		}
		if err != nil {
			tb.Fatal(err)
		}
		clipPaths[spec] = path
	}
	c, err := LoadClip(path, spec.FPS)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func TestMain(m *testing.M) {
	code := m.Run()
	if clipDir != "" {
		os.RemoveAll(clipDir)
	}
	os.Exit(code)
}

// smallClip: 2 s keyframe interval so the test is quick.
var smallClip = ClipSpec{Width: 320, Height: 240, FPS: 25, Keyframe: 2 * time.Second, Duration: 4 * time.Second, BitrateKbps: 300}

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
