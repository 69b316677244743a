package api

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/riverwatch/riverwatch/web/mbtiles"
	"github.com/riverwatch/riverwatch/web/mbtiles/mbtilestest"
)

var fiberParam = regexp.MustCompile(`:([A-Za-z_]+)`)

// TestOpenAPIMatchesRoutes: every route the server registers (with every
// optional dependency configured) is in the document, and every operation
// of the document is a route.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi %q", doc.OpenAPI)
	}
	tiles, err := mbtiles.Open(context.Background(), mbtilestest.Write(t, map[string]string{"format": "png"}, nil))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tiles.Close() })
	_, relay := newCameraFixture(t, officer)
	fx := newFixture(t, func(c *Config, d *Deps) {
		d.Rescue, d.Tiles, d.Feed, d.Cameras = testLocator(t), tiles, &fakeFeed{}, relay
		c.Static = fstest.MapFS{"index.html": {Data: []byte("<!doctype html>")}}
	})
	routes := map[string]bool{}
	for _, r := range fx.srv.App().GetRoutes(true) {
		if r.Method == "HEAD" || r.Path == "/*" { // HEAD comes with every GET; /* is the board's files
			continue
		}
		key := strings.ToLower(r.Method) + " " + fiberParam.ReplaceAllString(r.Path, "{$1}")
		routes[key] = true
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			documented[method+" "+path] = true
			var o struct {
				Summary   string                     `json:"summary"`
				Responses map[string]json.RawMessage `json:"responses"`
			}
			if err := json.Unmarshal(op, &o); err != nil || o.Summary == "" || len(o.Responses) == 0 {
				t.Errorf("%s %s: no summary or responses", method, path)
			}
		}
	}
	var missing, extra []string
	for r := range routes {
		if !documented[r] {
			missing = append(missing, r)
		}
	}
	for d := range documented {
		if !routes[d] {
			extra = append(extra, d)
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	if len(missing) > 0 {
		t.Errorf("routes missing from openapi.json: %v", missing)
	}
	if len(extra) > 0 {
		t.Errorf("openapi.json operations the server lacks: %v", extra)
	}

	// Served, behind the login.
	if r := fx.do(t, "GET", "/api/v1/openapi.json", nil); r.status != 200 || !strings.Contains(r.body, `"openapi"`) {
		t.Errorf("GET openapi.json: %d", r.status)
	}
}
