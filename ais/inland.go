package ais

import (
	"fmt"
	"math"
)

// Inland AIS (DAC 200) application messages, decoded by the project itself
// because go-ais leaves binary payloads raw. Layouts follow the Inland AIS
// standard (ECE/TRANS/SC.3 RIS, "Vessel Tracking and Tracing", tables for
// FI 10 and FI 55); offsets below are relative to the first bit after the
// 16-bit DAC/FI, so the same code serves messages 6 and 8.
//
// Where public decoders disagree (checked against gpsd's expected decodes in
// the corpus, ais-nmea-type6-fid55.log.chk and sample.aivdm.js.chk):
//
//   - Draught (FI 10, 11 bits) is in 0.01 m as the standard says. gpsd
//     prints the raw value (204, 500) and agrees; libais divides by 10,
//     which would make inland barges draw 20 m or more, so it is wrong.
//   - Loaded/unloaded (FI 10, 2 bits): the standard has 1 = loaded,
//     2 = unloaded, and so does InlandVoyage.Loaded. gpsd's legend table
//     reads 1 = "Unloaded", 2 = "Loaded"; the raw number is the same, only
//     its text differs, so the gpsd JSON writer keeps gpsd's texts for
//     compatibility while riverwatch itself follows the standard.
//   - ERI type (14 bits): gpsd matches the value against both the ERI code
//     (8000-8370) and the equivalent ITU ship type, because some units send
//     the latter; we keep the raw value and leave interpretation to callers.
//   - FI 10 length: gpsd and libais accept only a 168-bit message 8
//     (112 bits of application data) and show anything else as raw data;
//     we also accept a unit that drops the 8 spare bits (104..119 bits) but,
//     like gpsd, reject a hazard code above 5 as a false match.
//   - FI 55: gpsd decodes it only from a 168-bit message 6 (80 bits of
//     application data: 29 used, 51 spare); libais only from message 8 with
//     88, 136 or 168 bits. Real feeds carry it in message 6, the standard
//     in message 8: we decode both from any 29..112 bits of application data.

// Inland application data lengths in bits, spare included.
const (
	inlandVoyageBits   = 112 // FI 10
	personsOnBoardBits = 80  // FI 55: 29 used + 51 spare
)

// Not-available values of the FI 55 counts on the wire.
const (
	crewNA       = 255
	passengersNA = 8191
	personnelNA  = 255
)

// DecodeInlandVoyage decodes the application data (the bits after DAC and
// FI, one byte per bit) of an Inland AIS FI 10 "inland ship static and voyage
// related data" message. Errors wrap ErrMalformed.
func DecodeInlandVoyage(app []byte) (*InlandVoyage, error) {
	if len(app) < inlandVoyageBits-8 || len(app) > inlandVoyageBits+7 {
		return nil, fmt.Errorf("%w: inland FI 10 with %d bits of data", ErrMalformed, len(app))
	}
	v := &InlandVoyage{
		ENI:            SixbitText(app, 0, 8),
		Length:         float64(ubits(app, 48, 13)) / 10,
		Beam:           float64(ubits(app, 61, 10)) / 10,
		ERIType:        int(ubits(app, 71, 14)),
		HazardousCones: int(ubits(app, 85, 3)),
		Draught:        float64(ubits(app, 88, 11)) / 100,
		Loaded:         int(ubits(app, 99, 2)),
		SpeedQuality:   ubits(app, 101, 1) == 1,
		CourseQuality:  ubits(app, 102, 1) == 1,
		HeadingQuality: ubits(app, 103, 1) == 1,
	}
	if v.HazardousCones > 5 {
		return nil, fmt.Errorf("%w: inland FI 10 hazard code %d", ErrMalformed, v.HazardousCones)
	}
	return v, nil
}

// DecodePersonsOnBoard decodes the application data of an Inland AIS FI 55
// "number of persons on board" message. Errors wrap ErrMalformed.
func DecodePersonsOnBoard(app []byte) (*PersonsOnBoard, error) {
	if len(app) < 29 || len(app) > 112 {
		return nil, fmt.Errorf("%w: inland FI 55 with %d bits of data", ErrMalformed, len(app))
	}
	return &PersonsOnBoard{
		Crew:       count(ubits(app, 0, 8), crewNA),
		Passengers: count(ubits(app, 8, 13), passengersNA),
		Personnel:  count(ubits(app, 21, 8), personnelNA),
	}, nil
}

func count(v, na uint32) int {
	if v == na {
		return -1
	}
	return int(v)
}

// InlandVoyageBits builds the 112 bits of application data of a DAC 200
// FI 10 message from v, for the traffic simulator. Values that do not fit
// their fields are an error wrapping ErrMalformed.
func InlandVoyageBits(v *InlandVoyage) ([]byte, error) {
	out := make([]byte, 0, inlandVoyageBits)
	out, err := appendSixbitText(out, v.ENI, 8)
	if err != nil {
		return nil, err
	}
	fields := [...]struct {
		name  string
		v     float64
		width int
	}{
		{"length", math.Round(v.Length * 10), 13},
		{"beam", math.Round(v.Beam * 10), 10},
		{"ERI type", float64(v.ERIType), 14},
		{"hazard", float64(v.HazardousCones), 3},
		{"draught", math.Round(v.Draught * 100), 11},
		{"loaded", float64(v.Loaded), 2},
	}
	for _, f := range fields {
		if f.v < 0 || f.v >= float64(uint32(1)<<f.width) {
			return nil, fmt.Errorf("%w: inland %s %v does not fit %d bits", ErrMalformed, f.name, f.v, f.width)
		}
		out = appendUint(out, uint32(f.v), f.width)
	}
	out = appendUint(out, b2u(v.SpeedQuality), 1)
	out = appendUint(out, b2u(v.CourseQuality), 1)
	out = appendUint(out, b2u(v.HeadingQuality), 1)
	return appendUint(out, 0, 8), nil
}

// PersonsOnBoardBits builds the 80 bits of application data of a DAC 200
// FI 55 message from p; a count of -1 is sent as "not available".
func PersonsOnBoardBits(p *PersonsOnBoard) ([]byte, error) {
	out := make([]byte, 0, personsOnBoardBits)
	fields := [...]struct {
		name  string
		v, na int
		width int
	}{
		{"crew", p.Crew, crewNA, 8},
		{"passengers", p.Passengers, passengersNA, 13},
		{"personnel", p.Personnel, personnelNA, 8},
	}
	for _, f := range fields {
		v := f.v
		if v == -1 {
			v = f.na
		}
		if v < 0 || v > f.na {
			return nil, fmt.Errorf("%w: persons on board %s %d out of range", ErrMalformed, f.name, f.v)
		}
		out = appendUint(out, uint32(v), f.width)
	}
	return appendUint(out, 0, 51), nil
}

func b2u(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}
