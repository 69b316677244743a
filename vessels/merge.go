package vessels

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/riverwatch/riverwatch/ais"
)

// Flag names a Vessel can carry.
const (
	FlagInvalidMMSI         = "invalid_mmsi"
	FlagPositionJump        = "position_jump"
	FlagPositionUnavailable = "position_unavailable"
)

// Navigational status "not defined", what class B and non-ship stations
// report and what a record starts with.
const navStatusUndefined = 15

// longRangeHold is how long a precise position is protected from being
// overwritten by a coarse type 27 one.
const longRangeHold = 5 * time.Minute

// jumpSlackM is the distance any two reports may differ by whatever the time
// between them: GPS noise and the 1/10 minute resolution of type 27.
const jumpSlackM = 500.0

// merged is what merging one message did, for the Tracker's counters and
// history.
type merged struct {
	point       TrackPoint // accepted position, for the history, if accepted
	accepted    bool
	jump        bool // position refused as an impossible jump
	jumpAccept  bool // position accepted after enough consistent jumps
	unavailable bool // position report without a position
	late        bool // position older than the accepted one
	held        bool // type 27 refused over a recent precise position
}

// merge applies m, heard at at, to v. st is the Tracker's hidden state of
// the vessel.
func (t *Tracker) merge(v *Vessel, m *ais.Message, st *trackState, at time.Time) merged {
	var res merged
	station := m.Station
	if station == "" {
		station = m.Source
	}
	if v.LastSeen.IsZero() {
		v.NavStatus = navStatusUndefined
	}
	if !at.Before(v.LastSeen) {
		v.LastSeen = at
		v.Station = cleanStation(station, v.Station)
	}
	if c := classOf(m, v.Class); c != v.Class {
		v.Class = c
	}
	if m.Position != nil {
		res = t.mergePosition(v, m, st, at, station)
	}
	if m.Static != nil && !at.Before(v.StaticAt) {
		mergeStatic(v, m.Type, m.Static)
		v.StaticAt = at
		v.StaticStation = cleanStation(station, v.StaticStation)
	}
	if m.Inland != nil && !at.Before(v.InlandAt) {
		mergeInland(v, m.Inland)
		v.InlandAt = at
	}
	if m.Persons != nil && !at.Before(v.InlandAt) {
		v.Persons = persons(m.Persons)
		v.InlandAt = at
	}
	v.Flags = setFlag(v.Flags, FlagInvalidMMSI, !ValidMMSI(v.MMSI, classFromString(v.Class)))
	return res
}

// classOf is the class a record has after message m: by message type (A for
// 1, 2, 3, 5; B for 18, 19, 24; base 4; AtoN 21; SAR 9); any other type (27,
// binary messages) keeps the known class and only fills in an unknown one.
func classOf(m *ais.Message, known string) string {
	c := ais.ClassUnknown
	switch m.Type {
	case 1, 2, 3, 5:
		c = ais.ClassA
	case 18, 19, 24:
		c = ais.ClassB
	case 4:
		c = ais.ClassBase
	case 21:
		c = ais.ClassAtoN
	case 9:
		c = ais.ClassSARAircraft
	default:
		if known != "" {
			return known
		}
		c = m.Class
	}
	return c.String()
}

func classFromString(s string) ais.Class {
	for c := ais.ClassA; c <= ais.ClassSARAircraft; c++ {
		if c.String() == s {
			return c
		}
	}
	return ais.ClassUnknown
}

// mergePosition applies a position report: sanity checks first, then the
// position, speed, course and heading as one consistent set.
func (t *Tracker) mergePosition(v *Vessel, m *ais.Message, st *trackState, at time.Time, station string) merged {
	p := m.Position
	longRange := p.LongRange || m.Type == 27
	hasPos := v.Lat != nil && v.Lon != nil
	switch {
	case hasPos && at.Before(v.PositionAt):
		return merged{late: true}
	case longRange && hasPos && !v.LongRange && Elapsed(v.PositionAt, at) < longRangeHold:
		return merged{held: true}
	}
	d := t.dynamics.take(p)
	if !p.PosValid || !validLatLon(p.Lat, p.Lon) || (p.Lat == 0 && p.Lon == 0) {
		// Keep the last good position (PositionAt says how old it is) but
		// take the rest of the report: it is the vessel's latest word.
		v.SOG, v.COG, v.Heading = d.sogPtr(), d.cogPtr(), d.hdgPtr()
		v.NavStatus = navStatus(m.Type, p)
		v.Flags = setFlag(v.Flags, FlagPositionUnavailable, true)
		return merged{unavailable: true}
	}
	var res merged
	if hasPos && m.Class != ais.ClassSARAircraft && m.Type != 9 &&
		t.impossible(*v.Lat, *v.Lon, v.PositionAt, p.Lat, p.Lon, at) {
		if st.jumps > 0 && !t.impossible(st.jumpLat, st.jumpLon, st.jumpAt, p.Lat, p.Lon, at) {
			st.jumps++
		} else {
			st.jumps = 1
		}
		st.jumpLat, st.jumpLon, st.jumpAt = p.Lat, p.Lon, at
		if st.jumps < t.cfg.JumpConfirm {
			v.Flags = setFlag(v.Flags, FlagPositionJump, true)
			return merged{jump: true}
		}
		res.jumpAccept = true // the vessel really is over there
	}
	st.jumps = 0
	d.lat, d.lon = p.Lat, p.Lon
	v.Lat, v.Lon = &d.lat, &d.lon
	v.SOG, v.COG, v.Heading = d.sogPtr(), d.cogPtr(), d.hdgPtr()
	v.NavStatus = navStatus(m.Type, p)
	v.Accuracy = p.Accuracy
	v.LongRange = longRange
	v.PositionAt = at
	v.PositionStation = cleanStation(station, v.PositionStation)
	v.Flags = setFlag(v.Flags, FlagPositionJump, false)
	v.Flags = setFlag(v.Flags, FlagPositionUnavailable, false)
	res.accepted = true
	res.point = TrackPoint{Time: at, Lat: d.lat, Lon: d.lon, SOG: d.or(d.sogOK, d.sog), COG: d.or(d.cogOK, d.cog), Heading: -1}
	if d.hdgOK {
		res.point.Heading = d.hdg
	}
	return res
}

// impossible reports whether going from the first point to the second in
// the time between them needs more than MaxSpeedKnots (with jumpSlackM of
// slack).
func (t *Tracker) impossible(lat1, lon1 float64, t1 time.Time, lat2, lon2 float64, t2 time.Time) bool {
	dt := math.Abs(Elapsed(t1, t2).Seconds())
	allowed := t.cfg.MaxSpeedKnots*metresPerNM/3600*dt + jumpSlackM
	// A flat-earth distance is within a fraction of a percent at river
	// scales and costs no trigonometry but one cosine; the great circle
	// decides only near the limit.
	//
	// Most reports move a vessel a small part of what it may: an upper
	// bound of the flat distance with no cosine at all (taking it as 1)
	// settles them first.
	if flatDistanceBoundM(lat1, lon1, lat2, lon2) < allowed*0.98 {
		return false
	}
	approx := flatDistanceM(lat1, lon1, lat2, lon2)
	if approx < allowed*0.98 || approx > allowed*1.02 {
		return approx > allowed
	}
	return DistanceM(lat1, lon1, lat2, lon2) > allowed
}

// dynamic holds the values of one position report; the Vessel's pointer
// fields point into it, so a report costs one allocation (a sixteenth of
// one: see dynamicPool).
type dynamic struct {
	lat, lon, sog, cog  float64
	hdg                 int
	sogOK, cogOK, hdgOK bool
}

// dynamicChunk is how many dynamics a dynamicPool allocates at once: a
// sixteenth of the allocations, while a record whose vessel fell silent
// keeps at most 15 others' old values (768 bytes) alive with its own.
const dynamicChunk = 16

// dynamicPool hands out dynamics from chunks allocated dynamicChunk at a
// time. A dynamic is never handed out twice: records and the events that
// copied them share its values read-only, and the garbage collector frees
// a chunk once none of them points into it.
type dynamicPool struct{ free []dynamic }

// take returns a new dynamic holding p's values.
func (dp *dynamicPool) take(p *ais.Position) *dynamic {
	if len(dp.free) == 0 {
		dp.free = make([]dynamic, dynamicChunk)
	}
	d := &dp.free[0]
	dp.free = dp.free[1:]
	*d = dynamicOf(p)
	return d
}

// dynamicOf is p's values, checked.
func dynamicOf(p *ais.Position) dynamic {
	d := dynamic{sog: p.SOG, cog: p.COG, hdg: p.Heading}
	d.sogOK = p.SOGValid && p.SOG >= 0 && p.SOG < 102.25 // 102.3 is "not available"
	d.cogOK = p.COGValid && p.COG >= 0 && p.COG < 360
	d.hdgOK = p.HeadingValid && p.Heading >= 0 && p.Heading < 360
	return d
}

func (d *dynamic) sogPtr() *float64 { return ptrIf(d.sogOK, &d.sog) }
func (d *dynamic) cogPtr() *float64 { return ptrIf(d.cogOK, &d.cog) }
func (d *dynamic) hdgPtr() *int     { return ptrIf(d.hdgOK, &d.hdg) }
func (d *dynamic) or(ok bool, x float64) float64 {
	if ok {
		return x
	}
	return -1
}

func ptrIf[T any](ok bool, p *T) *T {
	if ok {
		return p
	}
	return nil
}

// navStatus is the navigational status a report carries: only class A
// position reports (1, 2, 3, 27) have one.
func navStatus(typ int, p *ais.Position) int {
	switch typ {
	case 1, 2, 3, 27:
		if p.NavStatus >= 0 && p.NavStatus <= 15 {
			return p.NavStatus
		}
	}
	return navStatusUndefined
}

// mergeStatic applies identity and voyage data. Identity (name, call sign,
// IMO, type, dimensions) that the message gives as "not available" keeps
// the value already known, which is how the two parts of a type 24 join
// over time; a type 5's voyage data (destination, ETA, draught) is taken as
// sent.
func mergeStatic(v *Vessel, typ int, s *ais.Static) {
	if name := CleanText(s.Name, MaxNameLen); name != "" {
		v.Name = name
	}
	if cs := CleanText(s.CallSign, MaxCallSignLen); cs != "" {
		v.CallSign = cs
	}
	if s.IMO > 0 && s.IMO <= 9_999_999 {
		v.IMO = s.IMO
	}
	if s.ShipType > 0 && s.ShipType <= 99 {
		v.ShipType = s.ShipType
	}
	if s.MothershipMMSI == 0 { // a type 24 B of an auxiliary craft carries no dimensions
		if l := s.ToBow + s.ToStern; l > 0 && s.ToBow >= 0 && s.ToStern >= 0 {
			v.Length = float64(l)
		}
		if b := s.ToPort + s.ToStarboard; b > 0 && s.ToPort >= 0 && s.ToStarboard >= 0 {
			v.Beam = float64(b)
		}
	}
	if typ == 5 {
		v.Destination = CleanText(s.Destination, MaxDestinationLen)
		v.ETA = formatETA(s.ETAMonth, s.ETADay, s.ETAHour, s.ETAMinute)
		v.Draught = 0
		if s.Draught > 0 && s.Draught < 30 {
			v.Draught = s.Draught
		} else if v.Inland != nil {
			v.Draught = v.Inland.Draught
		}
	}
}

// formatETA is "MM-DD HH:MM", or "" unless every part is available and in
// range.
func formatETA(month, day, hour, minute int) string {
	if month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 {
		return ""
	}
	return fmt.Sprintf("%02d-%02d %02d:%02d", month, day, hour, minute)
}

// mergeInland applies Inland AIS voyage data (FI 10). Its length, beam and
// draught stand in for the ship's own when those were never given.
func mergeInland(v *Vessel, in *ais.InlandVoyage) {
	prev := v.Inland
	n := &Inland{
		ENI:            CleanText(in.ENI, MaxENILen),
		Length:         metres(in.Length, 1000),
		Beam:           metres(in.Beam, 200),
		ERIType:        max(in.ERIType, 0),
		HazardousCones: in.HazardousCones,
		Draught:        metres(in.Draught, 30),
	}
	if n.HazardousCones < 0 || n.HazardousCones > hazardUnknown {
		n.HazardousCones = hazardUnknown
	}
	if strings.Trim(n.ENI, "0") == "" {
		n.ENI = "" // "00000000": no ENI assigned
	}
	switch in.Loaded {
	case 1:
		n.Loaded = "loaded"
	case 2:
		n.Loaded = "unloaded"
	}
	fill := func(cur *float64, old, nu float64) {
		if nu > 0 && (*cur == 0 || *cur == old) {
			*cur = nu
		}
	}
	var oldL, oldB, oldD float64
	if prev != nil {
		oldL, oldB, oldD = prev.Length, prev.Beam, prev.Draught
	}
	fill(&v.Length, oldL, n.Length)
	fill(&v.Beam, oldB, n.Beam)
	fill(&v.Draught, oldD, n.Draught)
	v.Inland = n
}

// metres is x if it is a plausible positive size below hi, else 0.
func metres(x, hi float64) float64 {
	if x > 0 && x < hi {
		return x
	}
	return 0
}

// persons converts a persons-on-board report; counts out of their wire
// range are "not available".
func persons(p *ais.PersonsOnBoard) *Persons {
	count := func(n, hi int) *int {
		if n < 0 || n > hi {
			return nil
		}
		return &n
	}
	return &Persons{Crew: count(p.Crew, 254), Passengers: count(p.Passengers, 8190), Personnel: count(p.Personnel, 254)}
}

// setFlag returns flags with f present or absent. It never modifies the
// slice it is given: records share their Flags with copies handed out.
func setFlag(flags []string, f string, on bool) []string {
	i := slices.Index(flags, f)
	switch {
	case on && i < 0:
		out := make([]string, len(flags), len(flags)+1)
		copy(out, flags)
		return append(out, f)
	case !on && i >= 0:
		if len(flags) == 1 {
			return nil
		}
		return slices.Delete(slices.Clone(flags), i, i+1)
	}
	return flags
}

// cleanStation bounds a receiving station's name; old is returned when it
// is unchanged, to avoid cleaning the same name on every message.
func cleanStation(s, old string) string {
	if s == old {
		return old
	}
	return CleanText(s, MaxStationLen)
}
