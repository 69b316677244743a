package api

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// contentSecurityPolicy builds the CSP for the board: scripts only from this
// origin (the board has no inline script), images and tile fetches also from
// the tile host of tileURL.
func contentSecurityPolicy(tileURL string) (string, error) {
	tiles, err := tileSource(tileURL)
	if err != nil {
		return "", err
	}
	if tiles != "" {
		tiles = " " + tiles
	}
	return "default-src 'self'; " +
		"script-src 'self'; " +
		// The board sets styles through the DOM only (Leaflet does too),
		// which style-src does not restrict.
		"style-src 'self'; " +
		"img-src 'self' data: blob:" + tiles + "; " +
		"connect-src 'self'" + tiles + "; " +
		"worker-src 'self' blob:; " +
		"font-src 'self'; " +
		"object-src 'none'; " +
		"base-uri 'none'; " +
		"form-action 'none'; " +
		"frame-ancestors 'none'", nil
}

// tileSource turns a tile URL template into a CSP source expression:
// "https://{s}.tile.example.org/{z}/{x}/{y}.png" gives
// "https://*.tile.example.org". A relative template needs none ('self').
func tileSource(tileURL string) (string, error) {
	if tileURL == "" || (strings.HasPrefix(tileURL, "/") && !strings.HasPrefix(tileURL, "//")) {
		return "", nil
	}
	bad := func(why string) error {
		return fmt.Errorf("%w: TileURL %s: %s", ErrConfig, quote(tileURL), why)
	}
	scheme, rest, ok := strings.Cut(tileURL, "://")
	if !ok || (scheme != "https" && scheme != "http") {
		return "", bad("want an http(s) URL or a path")
	}
	host := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		host = rest[:i]
	}
	host = strings.ToLower(host)
	port := ""
	if h, p, ok := strings.Cut(host, ":"); ok {
		if _, err := strconv.ParseUint(p, 10, 16); err != nil {
			return "", bad("bad port")
		}
		host, port = h, ":"+p
	}
	// A template label ({s}, a{s}) and everything left of it become "*".
	labels := strings.Split(host, ".")
	for i := len(labels) - 1; i >= 0; i-- {
		if strings.ContainsAny(labels[i], "{}") {
			labels = append([]string{"*"}, labels[i+1:]...)
			break
		}
	}
	if len(labels) < 2 && labels[0] == "*" {
		return "", bad("host is all template")
	}
	for i, l := range labels {
		if l == "*" && i == 0 {
			continue
		}
		if l == "" || strings.Trim(l, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			return "", bad("bad host")
		}
	}
	return scheme + "://" + strings.Join(labels, ".") + port, nil
}

// securityHeaders go on every response.
func (s *Server) securityHeaders(c *fiber.Ctx) error {
	h := &c.Response().Header
	h.Set(fiber.HeaderContentSecurityPolicy, s.csp)
	h.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	// Tile servers ask for the origin as referrer; nothing more leaves.
	h.Set(fiber.HeaderReferrerPolicy, "strict-origin-when-cross-origin")
	h.Set(fiber.HeaderXFrameOptions, "DENY")
	return c.Next()
}

// static serves the board from Config.Static, index.html for directories.
func (s *Server) static(c *fiber.Ctx) error {
	name := strings.TrimPrefix(path.Clean("/"+c.Params("*")), "/")
	if name == "" {
		name = "index.html"
	}
	if !fs.ValidPath(name) {
		return fiber.ErrNotFound
	}
	if st, err := fs.Stat(s.cfg.Static, name); err == nil && st.IsDir() {
		name = path.Join(name, "index.html")
	}
	data, err := fs.ReadFile(s.cfg.Static, name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrInvalid) {
			return fiber.ErrNotFound
		}
		return fmt.Errorf("api: static %s: %w", name, err)
	}
	sum := fnv.New64a()
	_, _ = sum.Write(data)
	etag := `"` + strconv.FormatUint(sum.Sum64(), 16) + `"`
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set(fiber.HeaderETag, etag)
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Type(path.Ext(name))
	return c.Send(data)
}

// waterways is the GeoJSON the board draws under the vessels, checked and
// tagged once.
type waterways struct {
	data []byte
	etag string
}

const emptyFeatureCollection = `{"type":"FeatureCollection","features":[]}`

func newWaterways(data []byte) (waterways, error) {
	if len(data) == 0 {
		data = []byte(emptyFeatureCollection)
	}
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(data, &head); err != nil || head.Type != "FeatureCollection" {
		return waterways{}, fmt.Errorf("%w: Waterways is not a GeoJSON FeatureCollection", ErrConfig)
	}
	sum := sha256.Sum256(data)
	return waterways{data: data, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}, nil
}

// waterways serves the GeoJSON, cacheable and revalidated by ETag.
func (s *Server) waterways(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	c.Set(fiber.HeaderETag, s.ways.etag)
	if c.Get(fiber.HeaderIfNoneMatch) == s.ways.etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, "application/geo+json")
	return c.Send(s.ways.data)
}
