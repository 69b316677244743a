package web

import (
	"io/fs"
	"path"
	"strings"
	"testing"
)

// TestVideoPageRunsUnderCSP checks the camera viewer page (video/) the way
// TestIndexRunsUnderCSP checks the board: scripts only by src, everything
// it references embedded, no inline style or handler, and its scripts free
// of HTML sinks (camera names and errors are text).
func TestVideoPageRunsUnderCSP(t *testing.T) {
	fsys := Static()
	html := mustRead(t, fsys, "video/index.html")
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
		if _, err := fs.Stat(fsys, path.Join("video", src[1])); err != nil {
			t.Errorf("script %s not embedded", src[1])
		}
	}
	for _, m := range hrefAttr.FindAllStringSubmatch(html, -1) {
		if _, err := fs.Stat(fsys, path.Clean(path.Join("video", m[1]))); err != nil {
			t.Errorf("link %s not embedded", m[1])
		}
	}
	for _, bad := range badHTML {
		if m := bad.re.FindString(html); m != "" {
			t.Errorf("video/index.html: %s: %q", bad.name, m)
		}
	}
	for _, name := range []string{"video/viewer.js", "video/whep.js"} {
		src := mustRead(t, fsys, name)
		for _, m := range jsImport.FindAllStringSubmatch(src, -1) {
			if _, err := fs.Stat(fsys, path.Join("video", m[1])); err != nil {
				t.Errorf("%s imports %s, not embedded", name, m[1])
			}
		}
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
	}
	// The board's video wall imports the player by this contract.
	if !strings.Contains(mustRead(t, fsys, "video/whep.js"), "export async function playWHEP(videoEl, whepURL, {") {
		t.Error("whep.js does not export playWHEP(videoEl, whepURL, {onState})")
	}
}
