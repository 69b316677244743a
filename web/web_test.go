package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

func mustRead(tb testing.TB, fsys fs.FS, name string) string {
	tb.Helper()
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		tb.Fatalf("read %s: %v", name, err)
	}
	return string(b)
}

func TestStaticFiles(t *testing.T) {
	fsys := Static()
	for _, name := range []string{
		"index.html", "favicon.svg", "css/board.css", "js/main.js", "login.html", "login.js", "style.css",
		"vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css", "vendor/leaflet/LICENSE",
		"vendor/leaflet/images/layers.png", "vendor/leaflet/images/marker-icon.png",
	} {
		if _, err := fs.Stat(fsys, name); err != nil {
			t.Errorf("missing %s: %v", name, err)
		}
	}
	if lic := mustRead(t, fsys, "vendor/leaflet/LICENSE"); !strings.Contains(lic, "BSD 2-Clause") || !strings.Contains(lic, "Volodymyr Agafonkin") {
		t.Error("vendor/leaflet/LICENSE is not Leaflet's BSD-2-Clause licence")
	}
}

var (
	scriptTag = regexp.MustCompile(`(?is)<script\b([^>]*)>(.*?)</script>`)
	srcAttr   = regexp.MustCompile(`\bsrc="([^"]+)"`)
	hrefAttr  = regexp.MustCompile(`<link\b[^>]*\bhref="([^"]+)"`)
	jsImport  = regexp.MustCompile(`(?m)^import .* from '(\./[^']+)';`)
)

// badHTML is markup the CSP would block or that reaches off the machine.
var badHTML = []struct {
	name string
	re   *regexp.Regexp
}{
	{"inline style", regexp.MustCompile(`(?i)\sstyle=|<style`)},
	{"inline handler", regexp.MustCompile(`(?i)\son[a-z]+=`)},
	{"javascript: URL", regexp.MustCompile(`(?i)javascript:`)},
	{"remote resource (CDN)", regexp.MustCompile(`(?i)(src|href)="(https?:)?//`)},
}

// TestIndexRunsUnderCSP checks the page needs neither inline script nor
// inline style, and that everything it references is embedded.
func TestIndexRunsUnderCSP(t *testing.T) {
	for _, page := range []string{"index.html", "login.html"} {
		t.Run(page, func(t *testing.T) { checkPageCSP(t, page) })
	}
	for _, want := range []string{"script-src 'self'", "object-src 'none'"} {
		if !strings.Contains(ContentSecurityPolicy, want) {
			t.Errorf("ContentSecurityPolicy lacks %q", want)
		}
	}
	if strings.Contains(ContentSecurityPolicy, "unsafe-") {
		t.Error("ContentSecurityPolicy allows unsafe-*")
	}
}

func checkPageCSP(t *testing.T, page string) {
	fsys := Static()
	html := mustRead(t, fsys, page)
	tags := scriptTag.FindAllStringSubmatch(html, -1)
	if len(tags) == 0 {
		t.Fatal("no script tags")
	}
	for _, m := range tags {
		if strings.TrimSpace(m[2]) != "" {
			t.Errorf("inline script: %q", m[0])
		}
		src := srcAttr.FindStringSubmatch(m[1])
		if src == nil {
			t.Errorf("script without src: %q", m[0])
			continue
		}
		if _, err := fs.Stat(fsys, src[1]); err != nil {
			t.Errorf("script %s not embedded", src[1])
		}
	}
	for _, m := range hrefAttr.FindAllStringSubmatch(html, -1) {
		if _, err := fs.Stat(fsys, m[1]); err != nil {
			t.Errorf("link %s not embedded", m[1])
		}
	}
	for _, bad := range badHTML {
		if m := bad.re.FindString(html); m != "" {
			t.Errorf("%s: %s: %q", page, bad.name, m)
		}
	}
}

// unsafeSinks are code patterns that would let AIS text become markup or
// code. Each case is a line that must be caught.
var unsafeSinks = []struct {
	name    string
	pattern *regexp.Regexp
	example string
}{
	{"innerHTML write", regexp.MustCompile(`\.(inner|outer)HTML\s*[+]?=[^=]`), `row.innerHTML = v.name;`},
	{"insertAdjacentHTML", regexp.MustCompile(`insertAdjacentHTML`), `el.insertAdjacentHTML('beforeend', s)`},
	{"document.write", regexp.MustCompile(`document\.write`), `document.write(s)`},
	{"eval", regexp.MustCompile(`\beval\(|new Function\(`), `eval(code)`},
	{"string timer", regexp.MustCompile(`set(Timeout|Interval)\(\s*['"` + "`" + `]`), `setTimeout("go()", 1)`},
	{"popup", regexp.MustCompile(`bindPopup\(|openPopup\(`), `m.bindPopup(name)`},
	{"string tooltip", regexp.MustCompile(`(bindTooltip|setContent)\(\s*['"` + "`" + `]|(bindTooltip|setContent)\(\s*[a-z.]*\.(name|callsign|destination)`), `m.bindTooltip(v.name)`},
	{"string divIcon html", regexp.MustCompile(`html:\s*['"` + "`" + `]`), "L.divIcon({html: `<b>${n}</b>`})"},
	{"createContextualFragment", regexp.MustCompile(`createContextualFragment|DOMParser\(\)\.parseFromString\([^)]*\)\.body\.innerHTML`), `r.createContextualFragment(s)`},
}

func TestUnsafeSinkPatterns(t *testing.T) {
	for _, c := range unsafeSinks {
		if !c.pattern.MatchString(c.example) {
			t.Errorf("%s: pattern does not catch %q", c.name, c.example)
		}
	}
}

// TestNoUnsafeSinks keeps the board's own scripts free of HTML sinks; the
// vendored Leaflet is checked by the browser test instead.
func TestNoUnsafeSinks(t *testing.T) {
	fsys := Static()
	files, err := fs.Glob(fsys, "js/*.js")
	if err != nil || len(files) == 0 {
		t.Fatalf("no board scripts: %v", err)
	}
	files = append(files, "login.js")
	for _, name := range files {
		src := mustRead(t, fsys, name)
		for i, line := range strings.Split(src, "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "//") {
				continue
			}
			for _, c := range unsafeSinks {
				if c.pattern.MatchString(line) {
					t.Errorf("%s:%d: %s: %s", name, i+1, c.name, strings.TrimSpace(line))
				}
			}
		}
		for _, m := range jsImport.FindAllStringSubmatch(src, -1) {
			if _, err := fs.Stat(fsys, "js/"+strings.TrimPrefix(m[1], "./")); err != nil {
				t.Errorf("%s imports missing %s", name, m[1])
			}
		}
		if n := strings.Count(src, "\n"); n > 400 {
			t.Errorf("%s has %d lines; split it (house style: files under 400 lines)", name, n)
		}
	}
}
