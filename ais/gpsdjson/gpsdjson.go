// Package gpsdjson writes decoded AIS messages as gpsd's AIS JSON objects
// (class "AIS"), the format gpsd and gpsdecode -j print, so riverwatch's
// output can feed tools built for gpsd. Writing is hand-rolled with
// strconv.Append* for speed: no reflection, no allocation per message.
//
// scaled=true prints plain units as gpsdecode -j does (degrees, knots,
// metres); scaled=false prints the raw integers of the wire, as gpsd's
// daemon does by default. AIS text is untrusted: every string is escaped,
// including the characters that matter when JSON lands inside HTML.
package gpsdjson

import (
	"math"

	goais "github.com/BertoldVdb/go-ais"

	"github.com/riverwatch/riverwatch/ais"
)

// Append appends one gpsd AIS JSON object for m to dst, without a line
// ending, and returns the extended buffer. A message without a decoded
// packet gets only the common header fields.
func Append(dst []byte, m *ais.Message, scaled bool) []byte {
	return AppendDevice(dst, m, scaled, "")
}

// AppendDevice is Append with gpsd's "device" member, naming the input the
// message came from ("stdin" for gpsdecode); none when device is "".
func AppendDevice(dst []byte, m *ais.Message, scaled bool, device string) []byte {
	dst = appendHead(dst, device)
	return appendBody(dst, m, scaled)
}

// Encoder appends messages from one device in one choice of units, as
// AppendDevice does, with the opening members that never change between
// them written out once.
type Encoder struct {
	head   []byte
	scaled bool
}

// NewEncoder returns an Encoder for AppendDevice's device and scaled.
func NewEncoder(device string, scaled bool) *Encoder {
	return &Encoder{head: appendHead(nil, device), scaled: scaled}
}

// Append appends the object for m to dst, as AppendDevice does.
func (e *Encoder) Append(dst []byte, m *ais.Message) []byte {
	return appendBody(append(dst, e.head...), m, e.scaled)
}

// appendHead writes the members before the message type.
func appendHead(dst []byte, device string) []byte {
	dst = append(dst, `{"class":"AIS"`...)
	if device != "" {
		dst = appendString(dst, `,"device":`, device)
	}
	return append(dst, `,"type":`...)
}

// appendBody writes the rest of the object from the message type on.
func appendBody(dst []byte, m *ais.Message, scaled bool) []byte {
	dst = appendInt(dst, "", int64(m.Type))
	dst = appendUint(dst, `,"repeat":`, uint64(m.Repeat))
	dst = appendUint(dst, `,"mmsi":`, uint64(m.MMSI))
	if scaled {
		dst = append(dst, `,"scaled":true`...)
	} else {
		dst = append(dst, `,"scaled":false`...)
	}
	switch p := m.Packet().(type) {
	case goais.PositionReport:
		dst = appendType1(dst, &p, scaled)
	case goais.BaseStationReport:
		dst = appendType4(dst, &p, scaled)
	case goais.ShipStaticData:
		dst = appendType5(dst, &p, scaled)
	case goais.StandardSearchAndRescueAircraftReport:
		dst = appendType9(dst, &p, scaled)
	case goais.StandardClassBPositionReport:
		dst = appendType18(dst, &p, scaled)
	case goais.ExtendedClassBPositionReport:
		dst = appendType19(dst, &p, scaled)
	case goais.AidsToNavigationReport:
		dst = appendType21(dst, &p, scaled)
	case goais.StaticDataReport:
		dst = appendType24(dst, m.MMSI, &p)
	case goais.LongRangeAisBroadcastMessage:
		dst = appendType27(dst, &p, scaled)
	default:
		dst = appendOther(dst, m, scaled)
	}
	return append(dst, '}')
}

// Raw wire values back from go-ais's scaled floats.
func fine(v goais.FieldLatLonFine) int64     { return int64(math.Round(float64(v) * 600000)) }
func coarse(v goais.FieldLatLonCoarse) int64 { return int64(math.Round(float64(v) * 600)) }
func tenths(v goais.Field10) int64           { return int64(math.Round(float64(v) * 10)) }

// appendFine writes a 1/10000-minute position as gpsd does: raw integer, or
// degrees with 7 decimals.
func appendFine(dst []byte, key string, v goais.FieldLatLonFine, scaled bool) []byte {
	if scaled {
		return appendMinutes7(append(dst, key...), fine(v))
	}
	return appendInt(dst, key, fine(v))
}

// appendTenths writes a 0.1-unit value (speed, course, draught).
func appendTenths(dst []byte, key string, v goais.Field10, scaled bool) []byte {
	if scaled {
		return appendTenth(append(dst, key...), tenths(v))
	}
	return appendInt(dst, key, tenths(v))
}

func appendType1(dst []byte, p *goais.PositionReport, scaled bool) []byte {
	dst = appendStatus(dst, p.NavigationalStatus)
	turn := int(p.RateOfTurn)
	speed := tenths(p.Sog)
	if scaled {
		dst = appendTurn(dst, turn)
		switch speed {
		case 1023:
			dst = append(dst, `,"speed":"n/a"`...)
		case 1022:
			dst = append(dst, `,"speed":"fast"`...)
		default:
			dst = appendTenth(append(dst, `,"speed":`...), speed)
		}
	} else {
		dst = appendInt(dst, `,"turn":`, int64(turn))
		dst = appendInt(dst, `,"speed":`, speed)
	}
	dst = appendBool(dst, `,"accuracy":`, p.PositionAccuracy)
	dst = appendFine(dst, `,"lon":`, p.Longitude, scaled)
	dst = appendFine(dst, `,"lat":`, p.Latitude, scaled)
	dst = appendTenths(dst, `,"course":`, p.Cog, scaled)
	dst = appendUint(dst, `,"heading":`, uint64(p.TrueHeading))
	dst = appendUint(dst, `,"second":`, uint64(p.Timestamp))
	dst = appendUint(dst, `,"maneuver":`, uint64(p.SpecialManoeuvreIndicator))
	dst = appendBool(dst, `,"raim":`, p.Raim)
	return appendUint(dst, `,"radio":`, uint64(p.CommunicationState))
}

func appendType4(dst []byte, p *goais.BaseStationReport, scaled bool) []byte {
	dst = append(dst, `,"timestamp":"`...)
	dst = appendPadded(dst, uint64(p.UtcYear), 4)
	dst = append(dst, '-')
	dst = appendPadded(dst, uint64(p.UtcMonth), 2)
	dst = append(dst, '-')
	dst = appendPadded(dst, uint64(p.UtcDay), 2)
	dst = append(dst, 'T')
	dst = appendPadded(dst, uint64(p.UtcHour), 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, uint64(p.UtcMinute), 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, uint64(p.UtcSecond), 2)
	dst = append(dst, `Z"`...)
	dst = appendBool(dst, `,"accuracy":`, p.PositionAccuracy)
	dst = appendFine(dst, `,"lon":`, p.Longitude, scaled)
	dst = appendFine(dst, `,"lat":`, p.Latitude, scaled)
	dst = appendEPFD(dst, p.FixType)
	dst = appendBool(dst, `,"raim":`, p.Raim)
	return appendUint(dst, `,"radio":`, uint64(p.CommunicationState))
}

func appendType5(dst []byte, p *goais.ShipStaticData, scaled bool) []byte {
	dst = appendUint(dst, `,"imo":`, uint64(p.ImoNumber))
	dst = appendUint(dst, `,"ais_version":`, uint64(p.AisVersion))
	dst = appendString(dst, `,"callsign":`, ais.CleanText(p.CallSign, 7))
	dst = appendString(dst, `,"shipname":`, ais.CleanText(p.Name, 20))
	dst = appendShipType(dst, p.Type)
	dst = appendDims(dst, p.Dimension)
	dst = appendEPFD(dst, p.FixType)
	dst = append(dst, `,"eta":"`...)
	dst = appendPadded(dst, uint64(p.Eta.Month), 2)
	dst = append(dst, '-')
	dst = appendPadded(dst, uint64(p.Eta.Day), 2)
	dst = append(dst, 'T')
	dst = appendPadded(dst, uint64(p.Eta.Hour), 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, uint64(p.Eta.Minute), 2)
	dst = append(dst, `Z"`...)
	dst = appendTenths(dst, `,"draught":`, p.MaximumStaticDraught, scaled)
	dst = appendString(dst, `,"destination":`, ais.CleanText(p.Destination, 20))
	return appendUint(dst, `,"dte":`, b2u(p.Dte))
}

func appendType9(dst []byte, p *goais.StandardSearchAndRescueAircraftReport, scaled bool) []byte {
	if scaled {
		switch p.Altitude {
		case 4095:
			dst = append(dst, `,"alt":"nan"`...)
		case 4094:
			dst = append(dst, `,"alt":"high"`...)
		default:
			dst = appendUint(dst, `,"alt":`, uint64(p.Altitude))
		}
		switch p.Sog {
		case 1023:
			dst = append(dst, `,"speed":"nan"`...)
		case 1022:
			dst = append(dst, `,"speed":"fast"`...)
		default:
			dst = appendUint(dst, `,"speed":`, uint64(p.Sog))
		}
	} else {
		dst = appendUint(dst, `,"alt":`, uint64(p.Altitude))
		dst = appendUint(dst, `,"speed":`, uint64(p.Sog))
	}
	dst = appendBool(dst, `,"accuracy":`, p.PositionAccuracy)
	dst = appendFine(dst, `,"lon":`, p.Longitude, scaled)
	dst = appendFine(dst, `,"lat":`, p.Latitude, scaled)
	dst = appendTenths(dst, `,"course":`, p.Cog, scaled)
	dst = appendUint(dst, `,"second":`, uint64(p.Timestamp))
	// gpsd's 8 "regional" bits are go-ais's altitude-sensor flag and spare.
	dst = appendUint(dst, `,"regional":`, b2u(p.AltFromBaro)<<7|uint64(p.Spare1))
	dst = appendUint(dst, `,"dte":`, b2u(p.Dte))
	dst = appendBool(dst, `,"raim":`, p.Raim)
	return appendUint(dst, `,"radio":`, itdma(p.CommunicationStateItdma))
}

func itdma(c goais.CommunicationStateItdma) uint64 {
	return b2u(c.CommunicationStateIsItdma)<<19 | uint64(c.CommunicationState)
}

// appendClassB writes the fields types 18 and 19 share.
func appendClassB(dst []byte, spare1 uint8, sog goais.Field10, acc bool, lon, lat goais.FieldLatLonFine,
	cog goais.Field10, heading uint16, second uint8, regional uint8, scaled bool) []byte {
	dst = appendUint(dst, `,"reserved":`, uint64(spare1))
	dst = appendTenths(dst, `,"speed":`, sog, scaled)
	dst = appendBool(dst, `,"accuracy":`, acc)
	dst = appendFine(dst, `,"lon":`, lon, scaled)
	dst = appendFine(dst, `,"lat":`, lat, scaled)
	dst = appendTenths(dst, `,"course":`, cog, scaled)
	dst = appendUint(dst, `,"heading":`, uint64(heading))
	dst = appendUint(dst, `,"second":`, uint64(second))
	return appendUint(dst, `,"regional":`, uint64(regional))
}

func appendType18(dst []byte, p *goais.StandardClassBPositionReport, scaled bool) []byte {
	dst = appendClassB(dst, p.Spare1, p.Sog, p.PositionAccuracy, p.Longitude, p.Latitude,
		p.Cog, p.TrueHeading, p.Timestamp, p.Spare2, scaled)
	dst = appendBool(dst, `,"cs":`, p.ClassBUnit)
	dst = appendBool(dst, `,"display":`, p.ClassBDisplay)
	dst = appendBool(dst, `,"dsc":`, p.ClassBDsc)
	dst = appendBool(dst, `,"band":`, p.ClassBBand)
	dst = appendBool(dst, `,"msg22":`, p.ClassBMsg22)
	dst = appendBool(dst, `,"raim":`, p.Raim)
	return appendUint(dst, `,"radio":`, itdma(p.CommunicationStateItdma))
}

func appendType19(dst []byte, p *goais.ExtendedClassBPositionReport, scaled bool) []byte {
	dst = appendClassB(dst, p.Spare1, p.Sog, p.PositionAccuracy, p.Longitude, p.Latitude,
		p.Cog, p.TrueHeading, p.Timestamp, p.Spare2, scaled)
	dst = appendString(dst, `,"shipname":`, ais.CleanText(p.Name, 20))
	dst = appendShipType(dst, p.Type)
	dst = appendDims(dst, p.Dimension)
	dst = appendEPFD(dst, p.FixType)
	dst = appendBool(dst, `,"raim":`, p.Raim)
	dst = appendUint(dst, `,"dte":`, b2u(p.Dte))
	return appendBool(dst, `,"assigned":`, p.AssignedMode)
}

func appendType21(dst []byte, p *goais.AidsToNavigationReport, scaled bool) []byte {
	dst = appendAidType(dst, p.Type)
	dst = appendString(dst, `,"name":`, ais.AtoNName(p.Name, p.NameExtension))
	dst = appendFine(dst, `,"lon":`, p.Longitude, scaled)
	dst = appendFine(dst, `,"lat":`, p.Latitude, scaled)
	dst = appendBool(dst, `,"accuracy":`, p.PositionAccuracy)
	dst = appendDims(dst, p.Dimension)
	dst = appendEPFD(dst, p.Fixtype)
	dst = appendUint(dst, `,"second":`, uint64(p.Timestamp))
	dst = appendUint(dst, `,"regional":`, uint64(p.AtoN))
	dst = appendBool(dst, `,"off_position":`, p.OffPosition)
	dst = appendBool(dst, `,"raim":`, p.Raim)
	return appendBool(dst, `,"virtual_aid":`, p.VirtualAtoN)
}

func appendType24(dst []byte, mmsi uint32, p *goais.StaticDataReport) []byte {
	if !p.PartNumber {
		dst = append(dst, `,"part":"A"`...)
		return appendString(dst, `,"shipname":`, ais.CleanText(p.ReportA.Name, 20))
	}
	b := &p.ReportB
	dst = append(dst, `,"part":"B"`...)
	dst = appendShipType(dst, b.ShipType)
	// gpsd reads a 7-character vendor ID (ITU-R M.1371-3) over the 3
	// characters, model and serial of later revisions, and prints both.
	var raw [42]byte
	v := raw[:0]
	for i := 0; i < 3; i++ {
		c := byte('@')
		if i < len(b.VendorIDName) {
			c = b.VendorIDName[i]
		}
		v = appendBitsUint(v, uint64(c&63), 6)
	}
	v = appendBitsUint(v, uint64(b.VenderIDModel), 4)
	v = appendBitsUint(v, uint64(b.VenderIDSerial), 20)
	dst = appendString(dst, `,"vendorid":`, ais.SixbitText(v, 0, 7))
	dst = appendUint(dst, `,"model":`, uint64(b.VenderIDModel))
	dst = appendUint(dst, `,"serial":`, uint64(b.VenderIDSerial))
	dst = appendString(dst, `,"callsign":`, ais.CleanText(b.CallSign, 7))
	if mmsi/10000000 == 98 {
		d := b.Dimension
		return appendUint(dst, `,"mothership_mmsi":`,
			uint64(d.A)<<21|uint64(d.B)<<12|uint64(d.C)<<6|uint64(d.D))
	}
	return appendDims(dst, b.Dimension)
}

func appendType27(dst []byte, p *goais.LongRangeAisBroadcastMessage, scaled bool) []byte {
	dst = appendUint(dst, `,"status":`, uint64(p.NavigationalStatus))
	if scaled {
		dst = appendString(dst, `,"status_text":`, navStatusText[p.NavigationalStatus&15])
	}
	dst = appendBool(dst, `,"accuracy":`, p.PositionAccuracy)
	if scaled {
		dst = appendFixed(append(dst, `,"lon":`...), coarse(p.Longitude), 600, 4)
		dst = appendFixed(append(dst, `,"lat":`...), coarse(p.Latitude), 600, 4)
	} else {
		dst = appendInt(dst, `,"lon":`, coarse(p.Longitude))
		dst = appendInt(dst, `,"lat":`, coarse(p.Latitude))
	}
	dst = appendUint(dst, `,"speed":`, uint64(p.Sog))
	dst = appendUint(dst, `,"course":`, uint64(p.Cog))
	dst = appendBool(dst, `,"raim":`, p.Raim)
	return appendBool(dst, `,"gnss":`, p.PositionLatency)
}

func appendDims(dst []byte, d goais.FieldDimension) []byte {
	dst = appendUint(dst, `,"to_bow":`, uint64(d.A))
	dst = appendUint(dst, `,"to_stern":`, uint64(d.B))
	dst = appendUint(dst, `,"to_port":`, uint64(d.C))
	return appendUint(dst, `,"to_starboard":`, uint64(d.D))
}
