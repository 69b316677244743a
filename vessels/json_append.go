package vessels

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// The wire form of a Vessel, written by hand: a listing of 100,000 vessels
// is mostly this. It is byte for byte what encoding/json writes for the
// vesselWire of json.go (the tests hold it to that): the same keys in the
// same order, the same nulls, the same numbers, and the same escaping of
// AIS text, which anyone with a transmitter can choose. MarshalJSON uses
// it; the listing calls AppendJSON straight, which also spares it the pass
// encoding/json makes over what a Marshaler returns.

// errNotFinite is the error of a Vessel holding a NaN or an infinity,
// which JSON cannot carry (encoding/json refuses them too).
var errNotFinite = errors.New("vessels: NaN or infinite number has no JSON form")

// AppendJSON appends the JSON form of v, as MarshalJSON writes it, to b.
// On error b is returned as it was.
func (v *Vessel) AppendJSON(b []byte) ([]byte, error) {
	if !v.finite() {
		return b, fmt.Errorf("vessels: vessel %d: %w", v.MMSI, errNotFinite)
	}
	n := len(b)
	b = append(b, `{"mmsi":`...)
	b = strconv.AppendUint(b, uint64(v.MMSI), 10)
	b = appendString(append(b, `,"class":`...), v.Class)
	b = appendString(append(b, `,"name":`...), v.Name)
	b = appendString(append(b, `,"callsign":`...), v.CallSign)
	if v.Destination != "" {
		b = appendString(append(b, `,"destination":`...), v.Destination)
	}
	if v.ETA != "" {
		b = appendString(append(b, `,"eta":`...), v.ETA)
	}
	if v.Length != 0 {
		b = appendFloat(append(b, `,"length":`...), v.Length)
	}
	if v.Beam != 0 {
		b = appendFloat(append(b, `,"beam":`...), v.Beam)
	}
	if v.Draught != 0 {
		b = appendFloat(append(b, `,"draught":`...), v.Draught)
	}
	b = appendFloatPtr(append(b, `,"lat":`...), v.Lat)
	b = appendFloatPtr(append(b, `,"lon":`...), v.Lon)
	b = appendFloatPtr(append(b, `,"sog":`...), v.SOG)
	b = appendFloatPtr(append(b, `,"cog":`...), v.COG)
	b = appendIntPtr(append(b, `,"heading":`...), v.Heading)
	if v.Accuracy {
		b = append(b, `,"accuracy":true`...)
	}
	if v.Inland != nil {
		b = v.Inland.appendJSON(append(b, `,"inland":`...))
	}
	if p := v.Persons; p != nil {
		b = appendIntPtr(append(b, `,"persons":{"crew":`...), p.Crew)
		b = appendIntPtr(append(b, `,"passengers":`...), p.Passengers)
		b = appendIntPtr(append(b, `,"personnel":`...), p.Personnel)
		b = append(b, '}')
	}
	if len(v.Flags) > 0 {
		b = append(b, `,"flags":[`...)
		for i, f := range v.Flags {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, f)
		}
		b = append(b, ']')
	}
	var err error
	if b, err = appendTime(append(b, `,"last_seen":`...), v.LastSeen); err != nil {
		return b[:n], fmt.Errorf("vessels: vessel %d: last_seen: %w", v.MMSI, err)
	}
	for _, t := range [...]struct {
		key string
		t   time.Time
	}{{`,"position_at":`, v.PositionAt}, {`,"static_at":`, v.StaticAt}, {`,"inland_at":`, v.InlandAt}} {
		if t.t.IsZero() {
			continue
		}
		if b, err = appendTime(append(b, t.key...), t.t); err != nil {
			return b[:n], fmt.Errorf("vessels: vessel %d: %s: %w", v.MMSI, t.key[2:len(t.key)-2], err)
		}
	}
	b = appendString(append(b, `,"station":`...), v.Station)
	if v.PositionStation != "" {
		b = appendString(append(b, `,"position_station":`...), v.PositionStation)
	}
	if v.StaticStation != "" {
		b = appendString(append(b, `,"static_station":`...), v.StaticStation)
	}
	if v.LongRange {
		b = append(b, `,"long_range":true`...)
	}
	b = strconv.AppendBool(append(b, `,"stale":`...), v.Stale)
	b = strconv.AppendBool(append(b, `,"lost":`...), v.Lost)
	b = append(b, `,"imo":`...)
	if v.IMO != 0 {
		b = strconv.AppendUint(b, uint64(v.IMO), 10)
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"ship_type":`...)
	if v.ShipType != 0 {
		b = strconv.AppendInt(b, int64(v.ShipType), 10)
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"nav_status":`...)
	if v.NavStatus != navStatusUndefined {
		b = strconv.AppendInt(b, int64(v.NavStatus), 10)
	} else {
		b = append(b, "null"...)
	}
	return append(b, '}'), nil
}

// finite reports whether every number of v has a JSON form.
func (v *Vessel) finite() bool {
	ok := isFinite(v.Length) && isFinite(v.Beam) && isFinite(v.Draught)
	for _, p := range [...]*float64{v.Lat, v.Lon, v.SOG, v.COG} {
		ok = ok && (p == nil || isFinite(*p))
	}
	if in := v.Inland; in != nil {
		ok = ok && isFinite(in.Length) && isFinite(in.Beam) && isFinite(in.Draught)
	}
	return ok
}

func isFinite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// appendJSON appends the wire form of the inland data, as its MarshalJSON
// writes it; its numbers are finite (Vessel.finite checked them).
func (in *Inland) appendJSON(b []byte) []byte {
	// Optional members each end in a comma: the last two are always there.
	b = append(b, '{')
	if in.ENI != "" {
		b = append(appendString(append(b, `"eni":`...), in.ENI), ',')
	}
	if in.Length != 0 {
		b = append(appendFloat(append(b, `"length":`...), in.Length), ',')
	}
	if in.Beam != 0 {
		b = append(appendFloat(append(b, `"beam":`...), in.Beam), ',')
	}
	if in.ERIType != 0 {
		b = append(strconv.AppendInt(append(b, `"eri_type":`...), int64(in.ERIType), 10), ',')
	}
	if in.Draught != 0 {
		b = append(appendFloat(append(b, `"draught":`...), in.Draught), ',')
	}
	b = appendString(append(b, `"loaded":`...), in.Loaded)
	b = append(b, `,"hazardous_cones":`...)
	if in.HazardousCones != hazardUnknown {
		b = strconv.AppendInt(b, int64(in.HazardousCones), 10)
	} else {
		b = append(b, "null"...)
	}
	return append(b, '}')
}

// appendFloat writes a finite f as encoding/json does: the shortest
// decimal that reads back as f, with an exponent only below 1e-6 or from
// 1e21 on, and the exponent without leading zeros.
func appendFloat(b []byte, f float64) []byte {
	// Speeds, courses, draughts and dimensions come in tenths. When f is
	// the double nearest to n/10, that decimal is the shortest one that
	// reads back as f: below 2^49 doubles lie closer than 0.1 apart, so
	// no decimal with fewer digits reads back as f.
	if a := math.Abs(f); a >= 0.1 && a < 1<<49 {
		// a*10 is n up to rounding, so truncated it is n or n-1; the
		// comparison decides, and a miss takes the general path.
		i := int64(a * 10)
		if float64(i)/10 != a {
			i++
		}
		if float64(i)/10 == a {
			if f < 0 {
				b = append(b, '-')
			}
			b = strconv.AppendInt(b, i/10, 10)
			if d := i % 10; d != 0 {
				b = append(b, '.', byte('0'+d))
			}
			return b
		}
	}
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		b = strconv.AppendFloat(b, f, 'e', -1, 64)
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
		return b
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}

func appendFloatPtr(b []byte, p *float64) []byte {
	if p == nil {
		return append(b, "null"...)
	}
	return appendFloat(b, *p)
}

func appendIntPtr(b []byte, p *int) []byte {
	if p == nil {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, int64(*p), 10)
}

// appendTime writes t as time.Time.MarshalJSON does: RFC 3339 with the
// nanoseconds' trailing zeros dropped and Z for a zero offset; a year
// outside 0..9999 or an offset of a day or more is an error. A listing
// writes three times per vessel, so the common case, years 0001..9998 at
// an offset under a day, is written here two digits at a time, and the
// rest by time itself.
func appendTime(b []byte, t time.Time) ([]byte, error) {
	const (
		minSec = -62135596800 + 86400 // 0001-01-02T00:00:00Z
		maxSec = 253370764800 - 86400 // 9998-12-31T00:00:00Z
	)
	_, off := t.Zone()
	sec := t.Unix()
	// With the offset under a day, the local date stays within 0001..9998.
	if sec < minSec || sec >= maxSec || off <= -86400 || off >= 86400 {
		b = append(b, '"')
		text, err := t.AppendText(b)
		if err != nil {
			return b[:len(b)-1], err
		}
		return append(text, '"'), nil
	}
	sec += int64(off) + 62135596800 // seconds since 0001-01-01 at the offset, >= 0
	y, m, d := civilDate(sec / 86400)
	hms := int(sec % 86400)
	b = append(b, '"')
	b = append2(append2(b, y/100), y%100)
	b = append2(append(b, '-'), m)
	b = append2(append(b, '-'), d)
	b = append2(append(b, 'T'), hms/3600)
	b = append2(append(b, ':'), hms/60%60)
	b = append2(append(b, ':'), hms%60)
	if ns := t.Nanosecond(); ns != 0 {
		var frac [10]byte
		frac[0] = '.'
		for i := 9; i > 0; i-- {
			frac[i] = byte('0' + ns%10)
			ns /= 10
		}
		n := 10
		for frac[n-1] == '0' {
			n--
		}
		b = append(b, frac[:n]...)
	}
	if off == 0 {
		return append(b, 'Z', '"'), nil
	}
	zone := off / 60 // minutes, toward zero as time does
	sign := byte('+')
	if zone < 0 {
		sign, zone = '-', -zone
	}
	b = append2(append(b, sign), zone/60)
	b = append2(append(b, ':'), zone%60)
	return append(b, '"'), nil
}

// civilDate is the proleptic Gregorian date of the day counted from
// 0001-01-01 (day 0), days >= 0.
func civilDate(days int64) (year, month, day int) {
	// Count from 0000-03-01 so that the leap day ends each year
	// (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms").
	z := days + 306
	era := z / 146097
	doe := z - era*146097                                  // day of the 400-year era
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365 // year of the era
	doy := doe - (365*yoe + yoe/4 - yoe/100)               // day of the year from March 1
	mp := (5*doy + 2) / 153                                // month from March, 0..11
	day = int(doy - (153*mp+2)/5 + 1)
	month = int(mp + 3)
	if month > 12 {
		month -= 12
	}
	year = int(yoe + era*400)
	if month <= 2 {
		year++
	}
	return year, month, day
}

// append2 writes 0 <= n < 100 as two digits.
func append2(b []byte, n int) []byte {
	return append(b, byte('0'+n/10), byte('0'+n%10))
}

// appendString writes s as a JSON string exactly as encoding/json does
// with HTML escaping (json.Marshal's default): quotes, backslashes and
// control characters escaped, and <, >, & as well so that attacker-chosen
// AIS text is inert inside HTML; U+2028 and U+2029 escaped for
// JavaScript; invalid UTF-8 replaced by U+FFFD.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// jsonSafe marks the ASCII bytes appendString copies as they are: all
// but the control characters, '"', '\\', '<', '>' and '&'. DEL (0x7f)
// is copied, as encoding/json does.
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = true
	}
	for _, c := range `"\<>&` {
		t[c] = false
	}
	return t
}()
