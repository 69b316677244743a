// Package ais turns raw AIS input into decoded messages: NMEA 0183 VDM/VDO
// framing, NMEA 4.0 tag blocks, multi-sentence reassembly per source,
// de-duplication across receivers, payload decoding (through go-ais and the
// project's own inland AIS decoders) and per-source counters of what was
// accepted and rejected.
//
// The package knows nothing of HTTP, storage or the rest of riverwatch: it
// takes Lines and hands out Messages.
package ais

import (
	"errors"
	"time"

	goais "github.com/BertoldVdb/go-ais"
)

// Line is one raw line of input as a source read it.
type Line struct {
	// Source is the name of the input that read the line.
	Source string
	// Data is the line without its terminator. It is only valid during the
	// call that receives it: keep a copy, never the slice.
	Data []byte
	// Received is when the source read the line (or the receive time a file
	// carries in front of it).
	Received time.Time
}

// Reason says why a line or sentence was rejected. Every rejection is counted
// by reason and never stops a source.
type Reason uint8

// Rejection reasons, in the order they are reported.
const (
	ReasonChecksum    Reason = iota // the NMEA or tag-block checksum does not match
	ReasonMalformed                 // not a well-formed VDM/VDO sentence or payload
	ReasonOrphan                    // a fragment whose other parts never arrived
	ReasonTooLong                   // a line longer than the source accepts
	ReasonUnsupported               // a well-formed sentence or message type we do not decode
	NumReasons                      // number of reasons; not a reason itself
)

// String names the reason as it appears in metrics and the API.
func (r Reason) String() string {
	switch r {
	case ReasonChecksum:
		return "checksum"
	case ReasonMalformed:
		return "malformed"
	case ReasonOrphan:
		return "orphan_fragment"
	case ReasonTooLong:
		return "too_long"
	case ReasonUnsupported:
		return "unsupported"
	}
	return "unknown"
}

// Sentinel errors. Parsers wrap them with detail; check with errors.Is.
var (
	ErrChecksum    = errors.New("ais: checksum mismatch")
	ErrMalformed   = errors.New("ais: malformed")
	ErrOrphan      = errors.New("ais: orphan fragment")
	ErrTooLong     = errors.New("ais: line too long")
	ErrUnsupported = errors.New("ais: unsupported")
)

// ReasonOf maps an error from this package to the reason it is counted under.
func ReasonOf(err error) Reason {
	switch {
	case errors.Is(err, ErrChecksum):
		return ReasonChecksum
	case errors.Is(err, ErrOrphan):
		return ReasonOrphan
	case errors.Is(err, ErrTooLong):
		return ReasonTooLong
	case errors.Is(err, ErrUnsupported):
		return ReasonUnsupported
	}
	return ReasonMalformed
}

// Class is the kind of AIS station that sent a message.
type Class uint8

// Station classes.
const (
	ClassUnknown     Class = iota
	ClassA                 // class A shipborne (types 1, 2, 3, 5)
	ClassB                 // class B shipborne (types 18, 19, 24)
	ClassBase              // base station (type 4)
	ClassAtoN              // aid to navigation (type 21)
	ClassSARAircraft       // SAR aircraft (type 9)
)

// String gives the class as the API shows it: "A", "B", "base", "aton", "sar".
func (c Class) String() string {
	switch c {
	case ClassA:
		return "A"
	case ClassB:
		return "B"
	case ClassBase:
		return "base"
	case ClassAtoN:
		return "aton"
	case ClassSARAircraft:
		return "sar"
	}
	return ""
}

// Message is one decoded AIS message with where and when it was heard.
// Exactly the parts its type carries are non-nil.
type Message struct {
	Type     int       // AIS message type, 1..27
	Repeat   int       // repeat indicator
	MMSI     uint32    // sender
	Source   string    // input that delivered it
	Station  string    // receiving station: tag block s:, else the source name
	Received time.Time // tag block c:, else the time the source read it
	Channel  byte      // radio channel 'A' or 'B', 0 if not given
	Own      bool      // VDO: our own vessel's report
	Class    Class     // station class implied by the type

	// packet is go-ais's decode of the payload, kept for complete output
	// (gpsd JSON); see Packet.
	packet goais.Packet

	Position *Position       // types 1, 2, 3, 4, 9, 18, 19, 21, 27
	Static   *Static         // types 5, 19, 21, 24
	Inland   *InlandVoyage   // type 6 or 8, DAC 200 FI 10
	Persons  *PersonsOnBoard // type 6 or 8, DAC 200 FI 55
	Binary   *Binary         // types 6 and 8 (also when Inland or Persons is set)

	// pos and stat are where Position and Static point for the messages
	// Decode makes: one allocation for the message and its parts on the
	// ingest path.
	pos  Position
	stat Static

	// The position reports of class A and B, by far the most frequent,
	// keep their go-ais form here until Packet asks for it: boxing it in
	// the interface on every message would cost an allocation each.
	fast   byte // 1: classA holds the packet, 18: classB does
	classA goais.PositionReport
	classB goais.StandardClassBPositionReport
}

// Packet is go-ais's decode of the payload, for complete output (gpsd
// JSON); nil for types go-ais does not know.
func (m *Message) Packet() goais.Packet {
	switch {
	case m.packet != nil:
		return m.packet
	case m.fast == 1:
		return m.classA
	case m.fast == 18:
		return m.classB
	}
	return nil
}

// SetPacket sets what Packet returns.
func (m *Message) SetPacket(p goais.Packet) { m.packet, m.fast = p, 0 }

// Clone returns a deep copy of m that stays valid after the pipeline's
// OnMessage returns. The go-ais packet is shared: it is never modified.
func (m *Message) Clone() *Message {
	c := *m
	if m.Position != nil {
		c.pos = *m.Position
		c.Position = &c.pos
	}
	if m.Static != nil {
		s := *m.Static
		c.Static = &s
	}
	if m.Inland != nil {
		in := *m.Inland
		c.Inland = &in
	}
	if m.Persons != nil {
		pb := *m.Persons
		c.Persons = &pb
	}
	if m.Binary != nil {
		b := *m.Binary
		b.Bits = append([]byte(nil), b.Bits...)
		c.Binary = &b
	}
	return &c
}

// setPosition stores p in the message's own storage and returns a pointer
// to it, for Position.
func (m *Message) setPosition(p Position) *Position {
	m.pos = p
	return &m.pos
}

// setStatic stores s in the message's own storage and returns a pointer to
// it, for Static.
func (m *Message) setStatic(s Static) *Static {
	m.stat = s
	return &m.stat
}

// Position is a position report in plain units. A field whose Valid flag is
// false was "not available" in the message and must not be shown as real.
type Position struct {
	Lat, Lon     float64 // degrees WGS84
	PosValid     bool    // false for lat 91 / lon 181 or out of range
	SOG          float64 // knots
	SOGValid     bool    // false for 102.3 (1023)
	COG          float64 // degrees true
	COGValid     bool    // false for 360 (3600)
	Heading      int     // degrees true
	HeadingValid bool    // false for 511
	NavStatus    int     // 0..15; 15 = not defined (class B reports 15)
	ROT          int     // raw rate of turn, -128 = not available
	Accuracy     bool    // position accuracy flag (true = high, < 10 m)
	RAIM         bool
	Second       int  // UTC second of the fix; 60 and above mean not available
	LongRange    bool // type 27: coarse (1/10 minute) position
}

// Static is a station's identity and voyage data. A type 24 message carries
// only one part: Part is 'A' (name) or 'B' (type, call sign, dimensions);
// types 5, 19 and 21 have Part 0 and carry all they have.
type Static struct {
	Part        byte
	Name        string // trimmed, at most 20 characters
	CallSign    string // trimmed, at most 7 characters
	Destination string // trimmed, at most 20 characters
	VendorID    string // type 24 B
	IMO         uint32 // 0 = not available
	ShipType    int    // ITU ship and cargo type, 0 = not available
	ToBow       int    // metres from reference point
	ToStern     int
	ToPort      int
	ToStarboard int
	Draught     float64 // metres, 0 = not available
	// ETA month, day, hour, minute as sent (0/24/60 mean not available).
	ETAMonth, ETADay, ETAHour, ETAMinute int
	AISVersion                           int
	EPFD                                 int // position fixing device type
	DTE                                  bool
	MothershipMMSI                       uint32 // type 24 B auxiliary craft
}

// InlandVoyage is Inland AIS static and voyage data (DAC 200, FI 10).
type InlandVoyage struct {
	ENI            string  // European vessel identification number, 8 characters
	Length         float64 // metres (0.1 m resolution), 0 = not available
	Beam           float64 // metres (0.1 m resolution), 0 = not available
	ERIType        int     // ERI ship or combination type, 0 = not available
	HazardousCones int     // blue cones 0-3, 4 = B-flag, 5 = unknown
	Draught        float64 // metres (0.01 m resolution), 0 = not available
	Loaded         int     // 0 not available, 1 loaded, 2 unloaded
	SpeedQuality   bool    // true = high
	CourseQuality  bool
	HeadingQuality bool
}

// PersonsOnBoard is the Inland AIS persons-on-board report (DAC 200, FI 55).
// A count of -1 means not available (255, 8191 and 255 on the wire).
type PersonsOnBoard struct {
	Crew       int
	Passengers int
	Personnel  int
}

// Binary is the application payload of a type 6 or 8 message, kept raw.
type Binary struct {
	DAC     int
	FI      int
	Dest    uint32 // type 6 destination MMSI
	Seq     int    // type 6 sequence number
	Retrans bool   // type 6 retransmit flag
	Bits    []byte // application data, one bit per byte (0 or 1)
}
