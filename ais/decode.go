package ais

import (
	"fmt"
	"math"
	"strings"

	goais "github.com/BertoldVdb/go-ais"
)

// Text bounds, in characters, for attacker-controlled AIS strings.
const (
	maxName        = 20
	maxAtoNName    = 34 // 20 + the 14-character name extension of type 21
	maxCallSign    = 7
	maxDestination = 20
	maxVendorID    = 7
	maxENI         = 8
)

// Decoder turns assembled armoured payloads into Messages: the common
// types through its own field decoders (decodefast.go), the rest through
// go-ais's generated (reflection-free) decoder, plus the project's own
// Inland AIS decoders. It keeps its buffers between calls.
type Decoder struct {
	codec  *goais.Codec
	bits   []byte // one bit per byte, for go-ais
	packed packedBits
	text   []byte // the strings of one message, before they become one string
}

// NewDecoder returns a Decoder ready for use.
func NewDecoder() *Decoder {
	return &Decoder{
		codec: goais.CodecNewFast(false, false, true),
		bits:  make([]byte, 0, maxPayloadBits+8),
		text:  make([]byte, 0, 64),
	}
}

// minBits is the length go-ais insists on per type (type 24: part B). Real
// transmitters sometimes send a few bits less (a missing spare or partial
// radio field); Decode pads such payloads with zeros, up to padTolerance
// bits, rather than lose the message.
var minBits = [28]int{1: 168, 2: 168, 3: 168, 4: 168, 5: 424, 9: 168, 11: 168,
	18: 168, 19: 312, 21: 272, 24: 168, 27: 96}

const padTolerance = 8

// Decode decodes an assembled armoured payload (all fragments concatenated)
// with the fill bits of the last fragment.
// It fills m's Type, Repeat, MMSI, Class, its Packet, and Position / Static /
// Inland / Persons / Binary as the type carries them.
// Errors wrap ErrMalformed (bad characters, too short for its type) or
// ErrUnsupported (a type it does not decode). Not safe for concurrent use.
func (d *Decoder) Decode(payload []byte, fillBits int, m *Message) error {
	m.packet, m.fast, m.Position, m.Static, m.Inland, m.Persons, m.Binary = nil, 0, nil, nil, nil, nil, nil
	b := &d.packed
	if err := b.unarmour(payload, fillBits); err != nil {
		return err
	}
	if b.n < 38 {
		return fmt.Errorf("%w: %d bits is shorter than a message header", ErrMalformed, b.n)
	}
	// The header: type 6, repeat 2, MMSI 30.
	r := bitReader{b: b}
	m.Type = int(r.u(6))
	m.Repeat = int(r.u(2))
	m.MMSI = r.u(30)
	m.Class = classOf(m.Type)
	if m.Type < 1 || m.Type > 27 {
		return fmt.Errorf("%w: message type %d", ErrUnsupported, m.Type)
	}
	need := minBits[m.Type]
	short := need > b.n && need-b.n <= padTolerance
	if fastBits[m.Type] != 0 {
		if d.decodeFast(m, b.n) || short && d.decodeFast(m, need) {
			return nil
		}
		return fmt.Errorf("%w: type %d of %d bits rejected by the decoder", ErrMalformed, m.Type, b.n)
	}
	bits, err := AppendUnarmoured(d.bits[:0], payload, fillBits)
	d.bits = bits[:0]
	if err != nil {
		return err
	}
	pkt := d.codec.DecodePacket(bits)
	if pkt == nil && short {
		bits = append(bits, make([]byte, need-len(bits))...)
		d.bits = bits[:0]
		pkt = d.codec.DecodePacket(bits)
	}
	if pkt == nil {
		return fmt.Errorf("%w: type %d of %d bits rejected by the decoder", ErrMalformed, m.Type, b.n)
	}
	m.packet = fill(m, pkt)
	return nil
}

// classOf gives the station class a message type implies.
func classOf(t int) Class {
	switch t {
	case 1, 2, 3, 5:
		return ClassA
	case 18, 19, 24:
		return ClassB
	case 4:
		return ClassBase
	case 21:
		return ClassAtoN
	case 9:
		return ClassSARAircraft
	}
	return ClassUnknown
}

// fill maps a go-ais packet onto m's plain parts and returns the packet to
// keep. Byte slices in go-ais packets point into the decoder's reused bit
// buffer, so packets carrying them are copied. It knows every type, also
// those decodeFast reads, which go-ais decodes only in the tests that hold
// decodeFast to go-ais.
func fill(m *Message, pkt goais.Packet) goais.Packet {
	switch p := pkt.(type) {
	case goais.PositionReport:
		fillPositionReport(m, &p)
	case goais.BaseStationReport:
		fillBaseStation(m, &p)
	case goais.ShipStaticData:
		fillShipStatic(m, &p)
	case goais.StandardSearchAndRescueAircraftReport:
		fillSARAircraft(m, &p)
	case goais.StandardClassBPositionReport:
		fillClassB(m, &p)
	case goais.ExtendedClassBPositionReport:
		fillExtendedClassB(m, &p)
	case goais.AidsToNavigationReport:
		fillAtoN(m, &p)
	case goais.StaticDataReport:
		fillType24(m, &p)
	case goais.LongRangeAisBroadcastMessage:
		fillLongRange(m, &p)
	case goais.AddressedBinaryMessage:
		p.BinaryData = clone(p.BinaryData)
		m.Binary = &Binary{DAC: int(p.ApplicationID.DesignatedAreaCode),
			FI: int(p.ApplicationID.FunctionIdentifier), Dest: p.DestinationID,
			Seq: int(p.SequenceNumber), Retrans: p.Retransmission, Bits: p.BinaryData}
		fillInland(m)
		return p
	case goais.BinaryBroadcastMessage:
		p.BinaryData = clone(p.BinaryData)
		m.Binary = &Binary{DAC: int(p.ApplicationID.DesignatedAreaCode),
			FI: int(p.ApplicationID.FunctionIdentifier), Bits: p.BinaryData}
		fillInland(m)
		return p
	case goais.GnssBroadcastBinaryMessage:
		p.Data = clone(p.Data)
		return p
	case goais.SingleSlotBinaryMessage:
		p.Payload = clone(p.Payload)
		return p
	case goais.MultiSlotBinaryMessage:
		p.Payload = clone(p.Payload)
		return p
	}
	return pkt
}

func fillPositionReport(m *Message, p *goais.PositionReport) {
	m.Position = m.setPosition(Position{
		NavStatus: int(p.NavigationalStatus),
		ROT:       int(p.RateOfTurn),
		Accuracy:  p.PositionAccuracy,
		RAIM:      p.Raim,
		Second:    int(p.Timestamp),
	})
	setLatLon(m.Position, float64(p.Latitude), float64(p.Longitude))
	setMotion(m.Position, float64(p.Sog), tenthsAvailable(float64(p.Sog)), float64(p.Cog), int(p.TrueHeading))
}

// fillBaseStation gives type 4 a position; type 11 (a UTC response) has
// none to show.
func fillBaseStation(m *Message, p *goais.BaseStationReport) {
	if m.Type == 4 {
		m.Position = m.setPosition(Position{NavStatus: 15, ROT: -128, Heading: 511,
			Accuracy: p.PositionAccuracy, RAIM: p.Raim, Second: int(p.UtcSecond)})
		setLatLon(m.Position, float64(p.Latitude), float64(p.Longitude))
	}
}

func fillShipStatic(m *Message, p *goais.ShipStaticData) {
	m.Static = m.setStatic(Static{
		Name:        CleanText(p.Name, maxName),
		CallSign:    CleanText(p.CallSign, maxCallSign),
		Destination: CleanText(p.Destination, maxDestination),
		IMO:         p.ImoNumber,
		ShipType:    int(p.Type),
		Draught:     float64(p.MaximumStaticDraught),
		ETAMonth:    int(p.Eta.Month), ETADay: int(p.Eta.Day),
		ETAHour: int(p.Eta.Hour), ETAMinute: int(p.Eta.Minute),
		AISVersion: int(p.AisVersion),
		EPFD:       int(p.FixType),
		DTE:        p.Dte,
	})
	setDims(m.Static, p.Dimension)
}

func fillSARAircraft(m *Message, p *goais.StandardSearchAndRescueAircraftReport) {
	m.Position = m.setPosition(Position{NavStatus: 15, ROT: -128, Accuracy: p.PositionAccuracy,
		RAIM: p.Raim, Second: int(p.Timestamp)})
	setLatLon(m.Position, float64(p.Latitude), float64(p.Longitude))
	// Type 9 sends speed in whole knots, not the tenths of types 1-3
	// and 18; 1023 still means not available.
	setMotion(m.Position, float64(p.Sog), p.Sog != 1023, float64(p.Cog), 511)
}

func fillClassB(m *Message, p *goais.StandardClassBPositionReport) {
	m.Position = m.setPosition(Position{NavStatus: 15, ROT: -128, Accuracy: p.PositionAccuracy,
		RAIM: p.Raim, Second: int(p.Timestamp)})
	setLatLon(m.Position, float64(p.Latitude), float64(p.Longitude))
	setMotion(m.Position, float64(p.Sog), tenthsAvailable(float64(p.Sog)), float64(p.Cog), int(p.TrueHeading))
}

func fillExtendedClassB(m *Message, p *goais.ExtendedClassBPositionReport) {
	m.Position = m.setPosition(Position{NavStatus: 15, ROT: -128, Accuracy: p.PositionAccuracy,
		RAIM: p.Raim, Second: int(p.Timestamp)})
	setLatLon(m.Position, float64(p.Latitude), float64(p.Longitude))
	setMotion(m.Position, float64(p.Sog), tenthsAvailable(float64(p.Sog)), float64(p.Cog), int(p.TrueHeading))
	m.Static = m.setStatic(Static{Name: CleanText(p.Name, maxName), ShipType: int(p.Type),
		EPFD: int(p.FixType), DTE: p.Dte})
	setDims(m.Static, p.Dimension)
}

func fillAtoN(m *Message, p *goais.AidsToNavigationReport) {
	m.Position = m.setPosition(Position{NavStatus: 15, ROT: -128, Heading: 511,
		Accuracy: p.PositionAccuracy, RAIM: p.Raim, Second: int(p.Timestamp)})
	setLatLon(m.Position, float64(p.Latitude), float64(p.Longitude))
	m.Static = m.setStatic(Static{Name: AtoNName(p.Name, p.NameExtension), EPFD: int(p.Fixtype)})
	setDims(m.Static, p.Dimension)
}

func fillLongRange(m *Message, p *goais.LongRangeAisBroadcastMessage) {
	m.Position = m.setPosition(Position{NavStatus: int(p.NavigationalStatus), ROT: -128, Heading: 511,
		Accuracy: p.PositionAccuracy, RAIM: p.Raim, Second: 60, LongRange: true})
	setLatLon(m.Position, float64(p.Latitude), float64(p.Longitude))
	// Type 27 has coarse units: knots 0..62 (63 = n/a), degrees 0..359 (511 = n/a).
	m.Position.SOG, m.Position.SOGValid = float64(p.Sog), p.Sog != 63
	m.Position.COG, m.Position.COGValid = float64(p.Cog), p.Cog < 360
}

// fillType24 maps one part of a class B static data report. Auxiliary
// craft (MMSI 98xxxxxxx) send their mothership's MMSI in place of the
// dimensions, which go-ais decodes as dimensions regardless.
func fillType24(m *Message, p *goais.StaticDataReport) {
	if !p.PartNumber {
		m.Static = m.setStatic(Static{Part: 'A', Name: CleanText(p.ReportA.Name, maxName)})
		return
	}
	b := &p.ReportB
	m.Static = m.setStatic(Static{Part: 'B', ShipType: int(b.ShipType),
		CallSign: CleanText(b.CallSign, maxCallSign),
		VendorID: CleanText(b.VendorIDName, maxVendorID), EPFD: int(b.FixType)})
	if m.MMSI/10000000 == 98 {
		d := b.Dimension
		m.Static.MothershipMMSI = uint32(d.A)<<21 | uint32(d.B)<<12 | uint32(d.C)<<6 | uint32(d.D)
		return
	}
	setDims(m.Static, b.Dimension)
}

// fillInland decodes DAC 200 FI 10 and FI 55 application data. A payload
// that does not fit the layout stays raw in m.Binary only.
func fillInland(m *Message) {
	b := m.Binary
	if b.DAC != 200 {
		return
	}
	switch b.FI {
	case 10:
		m.Inland, _ = DecodeInlandVoyage(b.Bits)
	case 55:
		m.Persons, _ = DecodePersonsOnBoard(b.Bits)
	}
}

func setLatLon(p *Position, lat, lon float64) {
	p.Lat, p.Lon = lat, lon
	p.PosValid = lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180
}

// setMotion sets speed, course and heading from go-ais's scaled values,
// judging "not available" on the raw wire values.
func setMotion(p *Position, sog float64, sogValid bool, cog float64, heading int) {
	rawCOG := int(math.Round(cog * 10))
	p.SOG, p.SOGValid = sog, sogValid
	p.COG, p.COGValid = cog, rawCOG < 3600
	p.Heading, p.HeadingValid = heading, heading < 360
}

// tenthsAvailable reports whether a speed sent in tenths of a knot is real:
// 102.3 (1023 on the wire) means not available.
func tenthsAvailable(sog float64) bool { return int(math.Round(sog*10)) != 1023 }

func setDims(s *Static, d goais.FieldDimension) {
	s.ToBow, s.ToStern, s.ToPort, s.ToStarboard = int(d.A), int(d.B), int(d.C), int(d.D)
}

func clone(b []byte) []byte {
	return append([]byte(nil), b...)
}

// CleanText makes a six-bit AIS string safe to show: it ends at the first
// '@' (the padding character), loses trailing spaces, is cut to max
// characters and has control characters replaced by '?'. Six-bit text only
// holds printable ASCII, but Messages may also be built from other sources.
func CleanText(s string, max int) string {
	if i := strings.IndexByte(s, '@'); i >= 0 {
		s = s[:i]
	}
	if len(s) > max {
		s = s[:max]
	}
	s = strings.TrimRight(s, " ")
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return strings.Map(func(r rune) rune {
				if r < 0x20 || r >= 0x7f {
					return '?'
				}
				return r
			}, s)
		}
	}
	return s
}

// AtoNName joins a type 21 name and its extension as receivers show them:
// the extension only continues a name that fills all 20 characters.
func AtoNName(name, ext string) string {
	if i := strings.IndexByte(name, '@'); i >= 0 || len(name) < 20 {
		return CleanText(name, maxAtoNName)
	}
	return CleanText(name+ext, maxAtoNName)
}
