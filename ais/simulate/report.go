package simulate

import (
	"time"

	goais "github.com/BertoldVdb/go-ais"

	"github.com/riverwatch/riverwatch/ais"
)

const staticEvery = 6 * time.Minute

// send builds and emits the report `what` that v owes at t, then schedules
// the next one. A vessel an incident silences owes its reports all the
// same, but none is heard.
func (s *Simulator) send(v *vessel, what int, t time.Time, emit func([]byte)) {
	heard := t.Before(v.muteFrom) || !t.Before(v.muteUntil)
	switch what {
	case duePosition:
		if heard {
			pos := v.pos
			if v.jumpM > 0 {
				v.pos = destination(pos, v.jumpBrg, v.jumpM)
				v.jumpM = 0
			}
			s.emit(v.positionPacket(t), nil, emit)
			v.pos = pos
			s.stats.Positions++
		}
		v.changed = false
		v.nextPos = t.Add(v.interval())
	case dueStatic:
		if heard {
			s.emit(v.staticPacket(t), nil, emit)
			s.stats.Statics++
		}
		switch {
		case !v.classB:
			v.nextStatic = t.Add(staticEvery)
		case v.staticB: // part A just went; B follows within a minute
			v.nextStatic = t.Add(5 * time.Second)
		default:
			v.nextStatic = t.Add(staticEvery - 5*time.Second)
		}
	case dueInland:
		if bits := v.inlandBits(); bits != nil && heard {
			s.emit(nil, bits, emit)
			s.stats.Inland++
		}
		v.podOnce = false
		v.nextInland = t.Add(staticEvery)
	case dueLegEnd:
		// Nothing to send: advance has started the next leg and, if the
		// state changed, brought the next position report forward.
	}
}

// emit encodes a packet (or raw message bits) and hands each sentence to
// out, alternating the radio channel as a receiver hears both.
func (s *Simulator) emit(p goais.Packet, bits []byte, out func([]byte)) {
	ch := byte('A')
	if s.chanB {
		ch = 'B'
	}
	s.chanB = !s.chanB
	var lines []string
	var err error
	if p != nil {
		lines, err = ais.EncodeSentences(p, "AI", ch, s.seq)
	} else {
		lines, err = ais.EncodeBits(bits, "AI", ch, s.seq)
	}
	if err != nil {
		// Only a bug here can cause this; say so rather than send junk.
		s.log.Error("cannot encode simulated message", "err", err)
		return
	}
	if len(lines) > 1 {
		s.seq = (s.seq + 1) % 10
	}
	for _, l := range lines {
		s.buf = append(s.buf[:0], l...)
		s.stats.Sentences++
		out(s.buf)
	}
}

func (v *vessel) positionPacket(t time.Time) goais.Packet {
	heading := uint16(v.heading)
	if v.classB {
		if v.kind == pleasure { // small craft rarely have a heading sensor
			heading = 511
		}
		return goais.StandardClassBPositionReport{
			Header:           goais.Header{MessageID: 18, UserID: v.mmsi},
			Valid:            true,
			Sog:              goais.Field10(round1(v.sog)),
			PositionAccuracy: false,
			Longitude:        goais.FieldLatLonFine(v.pos[0]),
			Latitude:         goais.FieldLatLonFine(v.pos[1]),
			Cog:              goais.Field10(courseOut(v.cog)),
			TrueHeading:      heading,
			Timestamp:        uint8(t.UTC().Second()),
			ClassBUnit:       true, // "CS" unit
			ClassBBand:       true,
			ClassBMsg22:      true,
			CommunicationStateItdma: goais.CommunicationStateItdma{
				CommunicationStateIsItdma: true,
			},
		}
	}
	id := uint8(1)
	if v.changed {
		id = 3 // ITDMA report on a change of state
	}
	return goais.PositionReport{
		Header:             goais.Header{MessageID: id, UserID: v.mmsi},
		Valid:              true,
		NavigationalStatus: uint8(v.nav),
		RateOfTurn:         0,
		Sog:                goais.Field10(round1(v.sog)),
		PositionAccuracy:   true,
		Longitude:          goais.FieldLatLonFine(v.pos[0]),
		Latitude:           goais.FieldLatLonFine(v.pos[1]),
		Cog:                goais.Field10(courseOut(v.cog)),
		TrueHeading:        heading,
		Timestamp:          uint8(t.UTC().Second()),
	}
}

func (v *vessel) staticPacket(t time.Time) goais.Packet {
	dim := goais.FieldDimension{A: uint16(v.toBow), B: uint16(v.toStern), C: uint8(v.toPort), D: uint8(v.toStarboard)}
	if v.classB {
		if !v.staticB {
			v.staticB = true
			return goais.StaticDataReport{
				Header:  goais.Header{MessageID: 24, UserID: v.mmsi},
				Valid:   true,
				ReportA: goais.StaticDataReportA{Valid: true, Name: v.name},
			}
		}
		v.staticB = false
		return goais.StaticDataReport{
			Header:     goais.Header{MessageID: 24, UserID: v.mmsi},
			Valid:      true,
			PartNumber: true,
			ReportB: goais.StaticDataReportB{
				Valid: true, ShipType: uint8(v.shipType), VendorIDName: "RWS",
				VenderIDSerial: v.mmsi % 1000000, CallSign: v.callSign, Dimension: dim, FixType: 1,
			},
		}
	}
	eta := goais.FieldETA{Month: 0, Day: 0, Hour: 24, Minute: 60}
	if v.kind == cargo || v.kind == tanker || v.kind == tug {
		at := t.UTC().Add(time.Duration(3+v.mmsi%20) * time.Hour)
		eta = goais.FieldETA{Month: uint8(at.Month()), Day: uint8(at.Day()), Hour: uint8(at.Hour()), Minute: uint8(at.Minute())}
	}
	return goais.ShipStaticData{
		Header:               goais.Header{MessageID: 5, UserID: v.mmsi},
		Valid:                true,
		AisVersion:           2,
		CallSign:             v.callSign,
		Name:                 v.name,
		Type:                 uint8(v.shipType),
		Dimension:            dim,
		FixType:              1, // GPS
		Eta:                  eta,
		MaximumStaticDraught: goais.Field10(v.draught),
		Destination:          v.dest,
	}
}

// inlandBits is the vessel's Inland AIS message: voyage data (FI 10) for
// cargo ships and tankers, persons on board (FI 55) for passenger craft.
func (v *vessel) inlandBits() []byte {
	var app []byte
	var err error
	fi := 10
	switch v.kind {
	case cargo, tanker:
		iv := &ais.InlandVoyage{
			ENI: "00000000", Length: float64(v.toBow + v.toStern), Beam: float64(v.toPort + v.toStarboard),
			ERIType: 8010, Draught: v.draught, Loaded: 1 + int(v.mmsi%2),
			SpeedQuality: true, CourseQuality: true, HeadingQuality: true,
		}
		if v.kind == tanker {
			iv.ERIType, iv.HazardousCones = 8020, 1 // motor tanker, one blue cone
		}
		app, err = ais.InlandVoyageBits(iv)
	default:
		fi = 55
		passengers := v.passengers
		if v.podPersons > 0 {
			passengers = max(0, v.podPersons-v.crew)
		}
		app, err = ais.PersonsOnBoardBits(&ais.PersonsOnBoard{Crew: v.crew, Passengers: passengers, Personnel: 0})
	}
	if err != nil {
		return nil
	}
	return ais.InlandMessageBits(v.mmsi, fi, app)
}

func round1(x float64) float64 { return float64(int(x*10+0.5)) / 10 }

// courseOut is a course as sent, to 0.1°: 359.96° is 0.0°, since 360.0
// means "not available".
func courseOut(c float64) float64 {
	if c = round1(c); c >= 360 {
		c -= 360
	}
	return c
}
