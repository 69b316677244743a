// Package browsertest starts a real headless Chromium for tests of the
// board. It finds the browser on the machine, and skips the test with the
// install step when there is none — or fails it under
// RIVERWATCH_REQUIRE_SERVICES=1, as `make test` runs.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"

	"github.com/chromedp/chromedp"
)

// candidates are the browser commands tried in order after
// $RIVERWATCH_CHROMIUM.
var candidates = []string{"chromium", "chromium-headless-shell", "chromium-browser", "google-chrome"}

// Find returns the path of a Chromium binary, or "" if there is none.
func Find() string {
	if p := os.Getenv("RIVERWATCH_CHROMIUM"); p != "" {
		return p
	}
	for _, c := range candidates {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	return ""
}

// New starts a headless Chromium with a fresh profile and returns a
// chromedp context for it; both end with the test.
func New(tb testing.TB) context.Context {
	tb.Helper()
	path := Find()
	if path == "" {
		msg := "no Chromium found: apt-get install -y chromium (or set RIVERWATCH_CHROMIUM)"
		if os.Getenv("RIVERWATCH_REQUIRE_SERVICES") == "1" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(tb.TempDir()),
		chromedp.WindowSize(1366, 768),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	tb.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil { // starts the browser now
		tb.Fatalf("start %s: %v", path, err)
	}
	return ctx
}
