package videobench

import (
	"context"
	"os"
	"sync"
	"testing"
)

// clipCache makes each clip once per test binary: encoding 720p takes a
// while on a shared machine.
var (
	clipMu    sync.Mutex
	clipDir   string
	clipPaths = map[ClipSpec]string{}
)

// RemoveClips removes the clips MustClip made (call it from TestMain).
func RemoveClips() {
	clipMu.Lock()
	defer clipMu.Unlock()
	if clipDir != "" {
		os.RemoveAll(clipDir)
		clipDir, clipPaths = "", map[ClipSpec]string{}
	}
}

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
