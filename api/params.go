package api

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/riverwatch/riverwatch/vessels"
)

// Bounds on what a client may ask for.
const (
	MaxLimit       = 10000 // largest limit= on listings and tracks
	maxQueryLen    = 64    // bytes of q=
	maxTypeParts   = 32    // comma-separated items of type=
	maxShowInError = 32    // bytes of a rejected value echoed in the error
)

// quote shows a rejected value in an error message, bounded in size.
func quote(v string) string {
	if len(v) > maxShowInError {
		v = v[:maxShowInError] + "..."
	}
	return strconv.Quote(v)
}

// parseMMSI reads a path MMSI: 1 to 9 decimal digits, not zero.
func parseMMSI(s string) (uint32, error) {
	if len(s) == 0 || len(s) > 9 {
		return 0, badParam("mmsi", "want 1 to 9 digits, got %s", quote(s))
	}
	var n uint32
	for i := 0; i < len(s); i++ {
		d := s[i]
		if d < '0' || d > '9' {
			return 0, badParam("mmsi", "want 1 to 9 digits, got %s", quote(s))
		}
		n = n*10 + uint32(d-'0')
	}
	if n == 0 {
		return 0, badParam("mmsi", "must be 1..999999999")
	}
	return n, nil
}

// parseBBox reads "west,south,east,north" in degrees; west <= east and
// south <= north (a box across the antimeridian is not supported: Jilin is
// far from it).
func parseBBox(s string) (*vessels.BBox, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return nil, badParam("bbox", "want west,south,east,north, got %s", quote(s))
	}
	var v [4]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, badParam("bbox", "not a number: %s", quote(p))
		}
		v[i] = f
	}
	b := vessels.BBox{West: v[0], South: v[1], East: v[2], North: v[3]}
	switch {
	case b.West < -180 || b.West > 180 || b.East < -180 || b.East > 180:
		return nil, badParam("bbox", "longitudes must be within -180..180")
	case b.South < -90 || b.South > 90 || b.North < -90 || b.North > 90:
		return nil, badParam("bbox", "latitudes must be within -90..90")
	case b.West > b.East:
		return nil, badParam("bbox", "west must not exceed east")
	case b.South > b.North:
		return nil, badParam("bbox", "south must not exceed north")
	}
	return &b, nil
}

// parseClass accepts the station classes as ais.Class.String spells them.
func parseClass(s string) (string, error) {
	switch s {
	case "A", "B", "base", "aton", "sar":
		return s, nil
	}
	return "", badParam("class", "want A, B, base, aton or sar, got %s", quote(s))
}

// parseShipTypes reads "70", "70-79" or "30,52,60-69" into the list of ITU
// ship types (0..255 as the 8-bit field allows), without duplicates.
func parseShipTypes(s string) ([]int, error) {
	parts := strings.Split(s, ",")
	if len(parts) > maxTypeParts {
		return nil, badParam("type", "at most %d items", maxTypeParts)
	}
	var seen [256]bool
	var out []int
	for _, p := range parts {
		p = strings.TrimSpace(p)
		lo, hi, isRange := strings.Cut(p, "-")
		a, err := shipType(lo)
		if err != nil {
			return nil, err
		}
		b := a
		if isRange {
			if b, err = shipType(hi); err != nil {
				return nil, err
			}
			if b < a {
				return nil, badParam("type", "range %s runs backwards", quote(p))
			}
		}
		for t := a; t <= b; t++ {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	return out, nil
}

func shipType(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 255 || s == "" || s[0] == '+' {
		return 0, badParam("type", "want ship types 0..255 such as 70, 70-79 or 30,52,60-69, got %s", quote(s))
	}
	return n, nil
}

// parseBool accepts exactly "true" or "false".
func parseBool(param, s string) (*bool, error) {
	switch s {
	case "true":
		b := true
		return &b, nil
	case "false":
		b := false
		return &b, nil
	}
	return nil, badParam(param, "want true or false, got %s", quote(s))
}

// parseLimit reads a limit in 1..MaxLimit.
func parseLimit(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > MaxLimit || s[0] == '+' {
		return 0, badParam("limit", "want 1..%d, got %s", MaxLimit, quote(s))
	}
	return n, nil
}

// parseQuery bounds the search text; AIS text is at most 20 characters, an
// MMSI 9 digits.
func parseQuery(s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) > maxQueryLen {
		return "", badParam("q", "at most %d bytes", maxQueryLen)
	}
	if !utf8.ValidString(s) {
		return "", badParam("q", "not valid UTF-8")
	}
	return strings.Clone(s), nil
}

// parseTime reads RFC 3339 or unix seconds.
func parseTime(param, s string) (time.Time, error) {
	if s != "" && s[0] >= '0' && s[0] <= '9' && !strings.ContainsAny(s, "-:T") {
		n, err := strconv.ParseInt(s, 10, 64)
		// Beyond year 9999 RFC 3339 cannot show the time.
		if err != nil || n > 253402300799 {
			return time.Time{}, badParam(param, "want RFC 3339 or unix seconds, got %s", quote(s))
		}
		return time.Unix(n, 0).UTC(), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	// A zone offset can push year 9999 past what RFC 3339 can show.
	if y := t.UTC().Year(); err != nil || y < 1 || y > 9999 {
		return time.Time{}, badParam(param, "want RFC 3339 or unix seconds, got %s", quote(s))
	}
	return t, nil
}

// queryGetter is how the parsers see a request's query: fiber's c.Query.
type queryGetter func(key string, def ...string) string

// vesselFilter builds the listing filter from the query.
func vesselFilter(q queryGetter) (vessels.Filter, error) {
	var f vessels.Filter
	var err error
	if v := q("bbox"); v != "" {
		if f.BBox, err = parseBBox(v); err != nil {
			return f, err
		}
	}
	if v := q("class"); v != "" {
		if f.Class, err = parseClass(v); err != nil {
			return f, err
		}
	}
	if v := q("type"); v != "" {
		if f.ShipType, err = parseShipTypes(v); err != nil {
			return f, err
		}
	}
	if v := q("stale"); v != "" {
		if f.Stale, err = parseBool("stale", v); err != nil {
			return f, err
		}
	}
	if v := q("q"); v != "" {
		if f.Query, err = parseQuery(v); err != nil {
			return f, err
		}
	}
	if v := q("limit"); v != "" {
		if f.Limit, err = parseLimit(v); err != nil {
			return f, err
		}
	}
	return f, nil
}

// trackRange is the parsed query of a track request.
type trackRange struct {
	since, until time.Time
	limit        int
}

// parseTrackRange reads since (default now-1h), until (default open) and
// limit (default MaxLimit, newest kept).
func parseTrackRange(q queryGetter, now time.Time) (trackRange, error) {
	r := trackRange{since: now.Add(-time.Hour), limit: MaxLimit}
	var err error
	if v := q("since"); v != "" {
		if r.since, err = parseTime("since", v); err != nil {
			return r, err
		}
	}
	if v := q("until"); v != "" {
		if r.until, err = parseTime("until", v); err != nil {
			return r, err
		}
		if r.until.Before(r.since) {
			return r, badParam("until", "must not be before since")
		}
	}
	if v := q("limit"); v != "" {
		if r.limit, err = parseLimit(v); err != nil {
			return r, err
		}
	}
	return r, nil
}
