// Package browsertest drives a real headless Chromium in tests of the
// board: it starts the browser the way every board test needs it (Chinese
// locale, a 1366×768 window, a Content-Security-Policy probe, console
// errors and dialogs captured) and offers the few steps those tests repeat —
// evaluate, wait, act, check the page stayed clean, take a screenshot.
//
// With no Chromium on the machine a test is skipped with the install step,
// or failed under RIVERWATCH_REQUIRE_SERVICES=1, as `make test` runs.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// stepTimeout bounds a single Eval, Do or WaitJS, so that a stuck page fails
// the test with the step's name rather than the test binary's timeout.
const stepTimeout = 20 * time.Second

// Find returns the path of the Chromium the tests drive:
// $RIVERWATCH_CHROMIUM, else chromium, chromium-headless-shell or
// chromium-browser on PATH; "" when there is none.
func Find() string {
	if p := os.Getenv("RIVERWATCH_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-headless-shell", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// mustFind is Find for a test: a $RIVERWATCH_CHROMIUM that does not exist
// fails it, and no browser at all skips it (fails it under
// RIVERWATCH_REQUIRE_SERVICES=1).
func mustFind(tb testing.TB) string {
	tb.Helper()
	p := Find()
	if p == "" {
		const msg = "no Chromium found: apt-get install -y chromium (or set RIVERWATCH_CHROMIUM)"
		if os.Getenv("RIVERWATCH_REQUIRE_SERVICES") == "1" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	if env := os.Getenv("RIVERWATCH_CHROMIUM"); env != "" {
		if _, err := os.Stat(env); err != nil {
			tb.Fatalf("RIVERWATCH_CHROMIUM=%s: %v", env, err)
		}
	}
	return p
}

// PageLog collects what the page must not do: throw, log errors, open
// dialogs. CheckClean reads it.
type PageLog struct {
	mu      sync.Mutex
	errors  []string
	dialogs []string
}

// Snapshot returns copies of the page errors and dialogs seen so far.
func (l *PageLog) Snapshot() (errs, dialogs []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.errors...), append([]string(nil), l.dialogs...)
}

func (l *PageLog) addError(s string) {
	l.mu.Lock()
	l.errors = append(l.errors, s)
	l.mu.Unlock()
}

func (l *PageLog) addDialog(s string) {
	l.mu.Lock()
	l.dialogs = append(l.dialogs, s)
	l.mu.Unlock()
}

// cspProbe records Content-Security-Policy violations (test servers may
// send the policy report-only) where CheckClean can read them.
const cspProbe = `window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber);
});`

// New starts headless Chromium with a fresh profile, locale zh-CN and a
// 1366×768 window, and returns a tab context and the tab's PageLog. The
// browser lives at most two minutes and ends with the test. extra adds
// flags (or overrides these), such as the WebRTC tests' loopback ones.
func New(tb testing.TB, extra ...chromedp.ExecAllocatorOption) (context.Context, *PageLog) {
	tb.Helper()
	path := mustFind(tb)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	tb.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx, append([]chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.UserDataDir(tb.TempDir()),
		// Chromium puts its singleton socket in a folder of its own under
		// TMPDIR and leaves it behind when killed: keep it in the test's.
		chromedp.Env("TMPDIR=" + tb.TempDir()),
		chromedp.WindowSize(1366, 768),
	}, extra...)...)
	tb.Cleanup(acancel)
	tctx, tcancel := chromedp.NewContext(actx, chromedp.WithLogf(tb.Logf))
	tb.Cleanup(tcancel)
	if err := chromedp.Do(tctx); err != nil {
		tb.Fatalf("start browser %s: %v", path, err)
	}
	if err := chromedp.Do(tctx, chromedp.EmulateViewport(1366, 768)); err != nil {
		tb.Fatalf("viewport: %v", err)
	}
	if _, err := chromedp.Call(tctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: cspProbe}); err != nil {
		tb.Fatalf("inject probe: %v", err)
	}

	log := &PageLog{}
	console := chromedp.Console(tctx)
	go func() {
		for m, err := range console {
			if err != nil {
				return
			}
			if m.IsException() || m.Type == "error" || m.Type == "assert" {
				log.addError(m.String() + " @ " + m.URL)
			}
		}
	}()
	dialogs := chromedp.Events(tctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			log.addDialog(string(ev.Type) + ": " + ev.Message)
			// Close it so the page does not hang.
			go chromedp.Call(tctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	return tctx, log
}

// Eval runs a JavaScript expression and returns its value, or fails the
// test.
func Eval[T any](tb testing.TB, ctx context.Context, expr string) T {
	tb.Helper()
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		tb.Fatalf("eval %s: %v", expr, err)
	}
	return v
}

// WaitJS polls until the expression is truthy, or fails the test naming
// what it waited for.
func WaitJS(tb testing.TB, ctx context.Context, what, expr string) {
	tb.Helper()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](expr,
		chromedp.WithPollingInterval(20*time.Millisecond),
		chromedp.WithPollingTimeout(stepTimeout)))
	if err != nil {
		tb.Fatalf("waiting for %s (%s): %v", what, expr, err)
	}
}

// Do runs actions, or fails the test naming what they were for.
func Do(tb testing.TB, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.Fatalf("%s: %v", what, err)
	}
}

// CheckClean fails the test on page errors, dialogs and CSP violations.
// Errors that contain one of expected (such as a dead tile server's
// address) are allowed.
func CheckClean(tb testing.TB, ctx context.Context, log *PageLog, expected ...string) {
	tb.Helper()
	errs, dialogs := log.Snapshot()
next:
	for _, e := range errs {
		for _, x := range expected {
			if strings.Contains(e, x) {
				continue next
			}
		}
		tb.Errorf("page error: %s", e)
	}
	for _, d := range dialogs {
		tb.Errorf("page opened a dialog: %s", d)
	}
	for _, v := range Eval[[]string](tb, ctx, `window.__csp || []`) {
		tb.Errorf("CSP violation: %s", v)
	}
}

// Screenshot saves a PNG of the viewport into a temporary directory and, if
// $RIVERWATCH_SCREENSHOT is set, to that path with suffix before ".png".
func Screenshot(tb testing.TB, ctx context.Context, suffix string) {
	tb.Helper()
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tb.Fatalf("screenshot: %v", err)
	}
	paths := []string{filepath.Join(tb.TempDir(), "board"+suffix+".png")}
	if p := os.Getenv("RIVERWATCH_SCREENSHOT"); p != "" {
		paths = append(paths, strings.TrimSuffix(p, ".png")+suffix+".png")
	}
	for _, p := range paths {
		if err := os.WriteFile(p, buf, 0o644); err != nil {
			tb.Fatalf("write screenshot: %v", err)
		}
		tb.Logf("screenshot: %s", p)
	}
}

// WaitAcrossNavigation polls expr until it is true while the page may be
// navigating away: a poll inside the page (WaitJS) dies with the page, this
// one asks again from outside. It fails the test after 20 s.
func WaitAcrossNavigation(tb testing.TB, ctx context.Context, what, expr string) {
	tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("waiting for %s (%s): %v", what, expr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
