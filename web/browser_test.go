package web

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

// requireServices is set by `make test`: a missing browser or corpus then
// fails the test instead of skipping it.
func requireServices() bool { return os.Getenv("RIVERWATCH_REQUIRE_SERVICES") == "1" }

// mustChromium finds the browser the board tests drive: $RIVERWATCH_CHROMIUM,
// else chromium, chromium-headless-shell or chromium-browser on PATH.
func mustChromium(tb testing.TB) string {
	tb.Helper()
	if p := os.Getenv("RIVERWATCH_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			tb.Fatalf("RIVERWATCH_CHROMIUM=%s: %v", p, err)
		}
		return p
	}
	for _, name := range []string{"chromium", "chromium-headless-shell", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	const msg = "no Chromium found: apt-get install -y chromium (or set RIVERWATCH_CHROMIUM)"
	if requireServices() {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
	return ""
}

// pageLog collects what the page must not do: throw, log errors, open
// dialogs.
type pageLog struct {
	mu      sync.Mutex
	errors  []string
	dialogs []string
}

func (l *pageLog) snapshot() (errs, dialogs []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.errors...), append([]string(nil), l.dialogs...)
}

// cspProbe records Content-Security-Policy violations (the fake sends the
// policy report-only) where the test can read them.
const cspProbe = `window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber);
});`

// mustBrowser starts headless Chromium with a 1366×768 window and returns a
// tab context and the tab's error log.
func mustBrowser(tb testing.TB) (context.Context, *pageLog) {
	tb.Helper()
	path := mustChromium(tb)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	tb.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx,
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
		chromedp.WindowSize(1366, 768),
	)
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

	log := &pageLog{}
	console := chromedp.Console(tctx)
	go func() {
		for m, err := range console {
			if err != nil {
				return
			}
			if m.IsException() || m.Type == "error" || m.Type == "assert" {
				log.mu.Lock()
				log.errors = append(log.errors, m.String()+" @ "+m.URL)
				log.mu.Unlock()
			}
		}
	}()
	dialogs := chromedp.Events(tctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			log.mu.Lock()
			log.dialogs = append(log.dialogs, string(ev.Type)+": "+ev.Message)
			log.mu.Unlock()
			// Close it so the page does not hang.
			go chromedp.Call(tctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	return tctx, log
}

// eval runs a JavaScript expression and returns its value.
func eval[T any](tb testing.TB, ctx context.Context, expr string) T {
	tb.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		tb.Fatalf("eval %s: %v", expr, err)
	}
	return v
}

// waitJS polls until the expression is truthy; what names it in the failure.
func waitJS(tb testing.TB, ctx context.Context, what, expr string) {
	tb.Helper()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](expr,
		chromedp.WithPollingInterval(20*time.Millisecond),
		chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil {
		tb.Fatalf("waiting for %s (%s): %v", what, expr, err)
	}
}

// do runs actions or fails.
func do(tb testing.TB, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.Fatalf("%s: %v", what, err)
	}
}

// checkClean fails on page errors, dialogs and CSP violations. Errors that
// contain one of expected (such as a dead tile server's address) are allowed.
func checkClean(tb testing.TB, ctx context.Context, log *pageLog, expected ...string) {
	tb.Helper()
	errs, dialogs := log.snapshot()
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
	for _, v := range eval[[]string](tb, ctx, `window.__csp || []`) {
		tb.Errorf("CSP violation: %s", v)
	}
}

// screenshot saves a PNG of the viewport into a temporary directory and, if
// $RIVERWATCH_SCREENSHOT is set, to that path with suffix before ".png".
func screenshot(tb testing.TB, ctx context.Context, suffix string) {
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

// moduleRoot walks up from the working directory to go.mod.
func moduleRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// sharedFile returns a file of ../shared beside the checkout, skipping (or
// failing under RIVERWATCH_REQUIRE_SERVICES=1) when it is absent.
func sharedFile(tb testing.TB, rel string) string {
	tb.Helper()
	p := filepath.Join(moduleRoot(tb), "..", "shared", filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		msg := "shared corpus absent (" + p + "): check out riverwatch's shared data beside the module"
		if requireServices() {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	return p
}
