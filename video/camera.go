package video

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strings"
)

// Errors of the relay, checked with errors.Is. Their messages are written
// for the client: they never carry a camera URL's credentials.
var (
	// ErrNotFound is an unknown camera or WHEP session.
	ErrNotFound = errors.New("video: not found")
	// ErrInvalid is a camera record, SDP offer or trickle fragment that
	// cannot be used; the wrapping error names the field.
	ErrInvalid = errors.New("video: invalid")
	// ErrUnsupported is a stream this viewer cannot play (an H.265 camera
	// for a browser whose offer has no H.265).
	ErrUnsupported = errors.New("video: unsupported")
	// ErrNoPicture is a snapshot asked for before any keyframe arrived, or
	// without ffmpeg installed.
	ErrNoPicture = errors.New("video: no picture yet")
	// ErrBusy is a viewer over Config.MaxViewers.
	ErrBusy = errors.New("video: too many viewers")
	// ErrStale is a PATCH whose If-Match names an ICE session the WHEP
	// session has left by an ICE restart (RFC 9725 section 4.3.1).
	ErrStale = errors.New("video: stale ICE session")
	// ErrClosed is any call after Close.
	ErrClosed = errors.New("video: relay closed")
)

// Transports of the RTSP pull.
const (
	TransportTCP = "tcp"
	TransportUDP = "udp"
)

// Camera is one camera of the registry: where it is, how to pull it and who
// may watch it. RTSPURL holds the credentials; it never leaves the relay
// except through Redacted.
type Camera struct {
	ID     string  `json:"id" yaml:"id"`
	Name   string  `json:"name" yaml:"name"`
	NameZh string  `json:"name_zh" yaml:"name_zh"`
	ZoneID string  `json:"zone_id" yaml:"zone_id"` // the quay or crossing it watches
	River  string  `json:"river" yaml:"river"`
	Lat    float64 `json:"lat" yaml:"lat"`
	Lon    float64 `json:"lon" yaml:"lon"`
	// RTSPURL is rtsp://[user:password@]host[:port]/path.
	RTSPURL   string `json:"rtsp_url,omitempty" yaml:"rtsp_url"`
	Transport string `json:"transport" yaml:"transport"` // "tcp" (default) or "udp"
	// OnDemand cameras are pulled only while watched; the others always.
	OnDemand bool `json:"on_demand" yaml:"on_demand"`
	// Stations are the rescue stations (waterway ids like "rs-jiutai")
	// allowed to watch; officers may watch every camera.
	Stations []string `json:"stations" yaml:"stations"`
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// Limits of a camera record's text, so that a client cannot make the
// registry hold megabytes of names.
const (
	maxName     = 200
	maxURL      = 2048
	maxStations = 64
)

// Normalize checks c and fills its defaults; the error wraps ErrInvalid and
// names the field (never the URL's credentials).
func (c Camera) Normalize() (Camera, error) {
	bad := func(field, format string, args ...any) (Camera, error) {
		return c, fmt.Errorf("%w: %s: %s", ErrInvalid, field, fmt.Sprintf(format, args...))
	}
	if !idPattern.MatchString(c.ID) {
		return bad("id", "want 1 to 64 of a-z 0-9 _ -, starting with a letter or digit")
	}
	c.Name, c.NameZh = strings.TrimSpace(c.Name), strings.TrimSpace(c.NameZh)
	if c.Name == "" && c.NameZh == "" {
		return bad("name", "name or name_zh is required")
	}
	if len(c.Name) > maxName || len(c.NameZh) > maxName || len(c.River) > maxName || len(c.ZoneID) > maxName {
		return bad("name", "names are at most %d bytes", maxName)
	}
	if math.IsNaN(c.Lat) || math.IsNaN(c.Lon) || c.Lat < -90 || c.Lat > 90 || c.Lon < -180 || c.Lon > 180 {
		return bad("lat/lon", "out of range")
	}
	if len(c.RTSPURL) > maxURL {
		return bad("rtsp_url", "longer than %d bytes", maxURL)
	}
	u, err := url.Parse(c.RTSPURL)
	if err != nil || (u.Scheme != "rtsp" && u.Scheme != "rtsps") || u.Host == "" {
		return bad("rtsp_url", "want rtsp://[user:password@]host[:port]/path")
	}
	switch c.Transport {
	case "":
		c.Transport = TransportTCP
	case TransportTCP, TransportUDP:
	default:
		return bad("transport", "want tcp or udp, not %q", clip(c.Transport, 16))
	}
	if len(c.Stations) > maxStations {
		return bad("stations", "at most %d", maxStations)
	}
	for _, s := range c.Stations {
		if !idPattern.MatchString(s) {
			return bad("stations", "%q is not a station id", clip(s, 64))
		}
	}
	if c.Stations == nil {
		c.Stations = []string{}
	}
	return c, nil
}

// Redacted is c as clients and logs may see it: the URL without user and
// password (rtsp://host:port/path, no query).
func (c Camera) Redacted() Camera {
	c.RTSPURL = RedactURL(c.RTSPURL)
	c.Stations = append([]string{}, c.Stations...)
	return c
}

// RedactURL drops the credentials and query of an RTSP URL; "" for a URL
// that does not parse (it may be a password pasted in the wrong field).
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()
}

// redactError rewrites err's text with every form of the camera URL and
// its password removed: gortsplib's errors may quote the whole URL.
func redactError(err error, rawURL string) string {
	if err == nil {
		return ""
	}
	msg := err.Error()
	u, perr := url.Parse(rawURL)
	if perr != nil {
		return "camera error"
	}
	safe := RedactURL(rawURL)
	msg = strings.ReplaceAll(msg, rawURL, safe)
	if u.User != nil {
		msg = strings.ReplaceAll(msg, u.User.String()+"@", "")
		if pw, ok := u.User.Password(); ok && pw != "" {
			msg = strings.ReplaceAll(msg, pw, "***")
			msg = strings.ReplaceAll(msg, url.QueryEscape(pw), "***")
		}
		if name := u.User.Username(); name != "" {
			msg = strings.ReplaceAll(msg, name+":", "")
		}
	}
	if u.RawQuery != "" {
		msg = strings.ReplaceAll(msg, u.RawQuery, "")
	}
	return clip(msg, 300)
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
