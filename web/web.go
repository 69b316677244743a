// Package web holds the browser board for maritime officers and rescue
// stations: a static, embedded, no-build-step page that draws the Jilin
// waterways, the zones and the live vessels with the vendored Leaflet map
// library (BSD-2-Clause, licence kept in static/vendor/leaflet/LICENSE).
// Vessels are drawn on one canvas, redrawn at most once per animation
// frame and clustered at province scale, so 5,000 vessels update live.
//
// The board signs in on login.html (POST /api/v1/login; login.js and
// style.css are the files it needs without a session) and then needs:
// GET /api/v1/me, /api/v1/config, /api/v1/waterways, /api/v1/zones,
// /api/v1/vessels, /api/v1/vessels/{mmsi}/track and /changes,
// /api/v1/alerts, /api/v1/alerts/{id}/rescue, /api/v1/rescue/stations,
// /api/v1/snapshot, /api/v1/zones/{id}/vessels, /api/v1/sources,
// /api/v1/audit, /api/v1/cameras, the WebSocket /api/v1/live, and for
// officers POST /api/v1/zones, /api/v1/bans, /api/v1/alerts/{id}/ack and
// /resolve, DELETE /api/v1/bans/{id}. Every write carries X-CSRF-Token,
// the value of the rw_csrf cookie. History, rescue and camera endpoints
// that answer 404 are shown as unavailable, not as errors.
//
// It runs under a Content-Security-Policy of script-src 'self': no inline
// script or style attribute is used, and AIS text is only ever set as DOM
// text or drawn with the canvas's fillText.
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
