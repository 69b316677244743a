// Package web holds the browser board for maritime officers: a static,
// embedded, no-build-step page that draws the Jilin waterways and the live
// vessels with the vendored Leaflet map library (BSD-2-Clause, licence kept in
// static/vendor/leaflet/LICENSE).
//
// The board needs these endpoints from the server that mounts it:
// GET /api/v1/config, /api/v1/waterways, /api/v1/vessels,
// /api/v1/vessels/{mmsi}/track and the WebSocket /api/v1/live. It runs under
// a Content-Security-Policy of script-src 'self': no inline script or style
// attribute is used, and AIS text is only ever set as DOM text.
package web

import (
	"embed"
	"io/fs"
)

//go:embed static
var static embed.FS

// ContentSecurityPolicy is the policy the board is written to run under; the
// server should send it with every static response.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data: https: http:; connect-src 'self'; object-src 'none'; " +
	"base-uri 'none'; frame-ancestors 'none'; form-action 'none'"

// Static returns the board's files with index.html at the root.
func Static() fs.FS {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		// fs.Sub only fails on an invalid path; "static" is a constant.
		panic("web: " + err.Error())
	}
	return sub
}
