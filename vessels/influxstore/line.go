package influxstore

import (
	"strconv"
	"strings"
	"time"

	"github.com/riverwatch/riverwatch/vessels"
)

// Position is one point of the position measurement: a track point with
// its tags and navigational status. Empty Class and Station leave the
// tags out; NavStatus < 0 leaves the field out.
type Position = vessels.Report

// Static is one point of the static measurement. AppendStatic writes it
// only when it differs from the vessel's last one.
type Static = vessels.StaticRecord

// Alert is one point of the alert measurement: one state change of an
// alert (opened, acknowledged, resolved), at Time.
type Alert = vessels.AlertRecord

// ZoneEntry is one point of the zone_entry measurement.
type ZoneEntry = vessels.ZoneEntry

// appendPosition appends p as one line of line protocol.
//
// Tag keys are written sorted (class, mmsi, station) as InfluxDB prefers.
// SOG, COG and heading of -1 (not available) are left out, so that they
// are null in InfluxDB and aggregates skip them; Track returns -1 for them.
func appendPosition(b []byte, p *Position) []byte {
	b = append(b, "position"...)
	if p.Class != "" {
		b = append(b, ",class="...)
		b = appendTag(b, p.Class)
	}
	b = append(b, ",mmsi="...)
	b = strconv.AppendUint(b, uint64(p.MMSI), 10)
	if p.Station != "" {
		b = append(b, ",station="...)
		b = appendTag(b, p.Station)
	}
	b = append(b, " lat="...)
	b = strconv.AppendFloat(b, p.Lat, 'f', -1, 64)
	b = append(b, ",lon="...)
	b = strconv.AppendFloat(b, p.Lon, 'f', -1, 64)
	if p.SOG >= 0 {
		b = append(b, ",sog="...)
		b = strconv.AppendFloat(b, p.SOG, 'f', -1, 64)
	}
	if p.COG >= 0 {
		b = append(b, ",cog="...)
		b = strconv.AppendFloat(b, p.COG, 'f', -1, 64)
	}
	if p.Heading >= 0 {
		b = append(b, ",heading="...)
		b = strconv.AppendInt(b, int64(p.Heading), 10)
		b = append(b, 'i')
	}
	if p.NavStatus >= 0 {
		b = append(b, ",nav_status="...)
		b = strconv.AppendInt(b, int64(p.NavStatus), 10)
		b = append(b, 'i')
	}
	return appendTime(b, p.Time)
}

// appendStatic appends s as one line of line protocol. Empty strings and
// zero numbers are left out.
func appendStatic(b []byte, s *Static) []byte {
	b = append(b, "static"...)
	if s.Class != "" {
		b = append(b, ",class="...)
		b = appendTag(b, s.Class)
	}
	b = append(b, ",mmsi="...)
	b = strconv.AppendUint(b, uint64(s.MMSI), 10)
	f := fieldWriter{b: append(b, ' ')}
	f.str("name", s.Name)
	f.str("callsign", s.CallSign)
	f.str("destination", s.Destination)
	f.str("eta", s.ETA)
	f.int("imo", int64(s.IMO), s.IMO != 0)
	f.int("ship_type", int64(s.ShipType), s.ShipType != 0)
	f.float("length", s.Length, s.Length > 0)
	f.float("beam", s.Beam, s.Beam > 0)
	f.float("draught", s.Draught, s.Draught > 0)
	f.int("persons", int64(s.Persons), s.Persons >= 0)
	if f.n == 0 { // a line needs a field
		f.int("persons", -1, true)
	}
	return appendTime(f.b, s.Time)
}

// appendAlert appends a as one line of line protocol.
func appendAlert(b []byte, a *Alert) []byte {
	b = append(b, "alert"...)
	for _, t := range [...]struct{ k, v string }{{"kind", a.Kind}, {"severity", a.Severity}, {"state", a.State}, {"zone", a.Zone}} {
		if t.v != "" {
			b = append(b, ',')
			b = append(b, t.k...)
			b = append(b, '=')
			b = appendTag(b, t.v)
		}
	}
	f := fieldWriter{b: append(b, ' ')}
	f.str("id", a.ID)
	f.int("mmsi", int64(a.MMSI), true)
	f.int("other_mmsi", int64(a.OtherMMSI), a.OtherMMSI != 0)
	f.float("lat", a.Lat, true)
	f.float("lon", a.Lon, true)
	f.str("message", a.Message)
	return appendTime(f.b, a.Time)
}

// appendZoneEntry appends e as one line of line protocol. The MMSI is a
// tag as well as in position, so that two vessels entering one zone at
// the same instant are two points, not one overwriting the other.
func appendZoneEntry(b []byte, e *ZoneEntry) []byte {
	b = append(b, "zone_entry"...)
	if e.Kind != "" {
		b = append(b, ",kind="...)
		b = appendTag(b, e.Kind)
	}
	b = append(b, ",mmsi="...)
	b = strconv.AppendUint(b, uint64(e.MMSI), 10)
	b = append(b, ",zone="...)
	b = appendTag(b, e.Zone)
	b = append(b, " n=1i"...)
	return appendTime(b, e.Time)
}

func appendTime(b []byte, t time.Time) []byte {
	b = append(b, ' ')
	b = strconv.AppendInt(b, t.UnixNano(), 10)
	return append(b, '\n')
}

// appendTag appends a tag value with line protocol's escapes (comma, equals
// sign, space); line breaks, which cannot be escaped, become spaces.
func appendTag(b []byte, v string) []byte {
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case ',', '=', ' ':
			b = append(b, '\\', c)
		case '\n', '\r':
			b = append(b, '\\', ' ')
		case '\\':
			if i == len(v)-1 { // a trailing backslash would escape the separator
				b = append(b, '\\', '\\')
			} else {
				b = append(b, c)
			}
		default:
			b = append(b, c)
		}
	}
	return b
}

// fieldEscaper escapes a string field value; line breaks become spaces so
// that every point stays one line (the spill files rely on it).
var fieldEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", " ", "\r", " ")

// fieldWriter appends a field set, commas between fields.
type fieldWriter struct {
	b []byte
	n int
}

func (f *fieldWriter) key(k string) {
	if f.n > 0 {
		f.b = append(f.b, ',')
	}
	f.n++
	f.b = append(f.b, k...)
	f.b = append(f.b, '=')
}

func (f *fieldWriter) str(k, v string) {
	if v == "" {
		return
	}
	f.key(k)
	f.b = append(f.b, '"')
	f.b = append(f.b, fieldEscaper.Replace(v)...)
	f.b = append(f.b, '"')
}

func (f *fieldWriter) int(k string, v int64, ok bool) {
	if !ok {
		return
	}
	f.key(k)
	f.b = strconv.AppendInt(f.b, v, 10)
	f.b = append(f.b, 'i')
}

func (f *fieldWriter) float(k string, v float64, ok bool) {
	if !ok {
		return
	}
	f.key(k)
	f.b = strconv.AppendFloat(f.b, v, 'f', -1, 64)
}
