package ais

import (
	"fmt"

	goais "github.com/BertoldVdb/go-ais"
)

// The message types almost all traffic consists of are decoded here
// straight from the packed payload bits into the same go-ais packets
// go-ais's own decoder builds, field for field (TestFastDecodeMatchesGoAIS
// holds them to that). go-ais reads fields a bit at a time from one byte
// per bit, looks up each type's minimum length in a map and allocates
// every string: that made static reports, with their long text fields, the
// slowest part of decoding. Every other type still goes through go-ais.

// payloadWords holds the longest payload with a spare word at the end, so
// that a read may always take two words.
const payloadWords = (maxPayloadBits+5+63)/64 + 1

// packedBits is a payload's bits, most significant first, 64 to a word.
// Bits at and past n read as zero, the way go-ais treats a short message.
type packedBits struct {
	w [payloadWords]uint64
	n int
}

// unarmour fills b from an armoured payload with fillBits padding bits at
// the end. It checks what AppendUnarmoured checks, with the same errors.
func (b *packedBits) unarmour(payload []byte, fillBits int) error {
	if fillBits < 0 || fillBits > 5 {
		return fmt.Errorf("%w: fill bits %d", ErrMalformed, fillBits)
	}
	n := len(payload)*6 - fillBits
	if n < 0 {
		return fmt.Errorf("%w: %d fill bits in an empty payload", ErrMalformed, fillBits)
	}
	if n > maxPayloadBits {
		return fmt.Errorf("%w: payload of %d bits", ErrMalformed, n)
	}
	b.w = [payloadWords]uint64{}
	// Ten characters make 60 bits, gathered in a register and stored with
	// at most two word writes; an invalid character (0xff) is looked for
	// only once the OR of all of them shows there is one.
	var bad byte
	pos, i := uint(0), 0
	for ; i+10 <= len(payload); i += 10 {
		acc, b10 := unarmour10(payload[i : i+10 : i+10])
		bad |= b10
		b.put(acc, pos, 60)
		pos += 60
	}
	if i < len(payload) {
		// The last characters, padded with '0' (zero bits) to ten.
		tail := [10]byte{'0', '0', '0', '0', '0', '0', '0', '0', '0', '0'}
		k := copy(tail[:], payload[i:])
		acc, b10 := unarmour10(tail[:])
		bad |= b10
		b.put(acc, pos, uint(6*k))
	}
	if bad&0xc0 != 0 { // a valid character is below 64
		for j, c := range payload {
			if sixbit[c] == 0xff {
				return fmt.Errorf("%w: payload character %q at %d", ErrMalformed, c, j)
			}
		}
	}
	// The fill bits (at most five, so within two words) must read as zero.
	k := uint(n) >> 6
	b.w[k] &= ^uint64(0) << (64 - uint(n)&63)
	b.w[k+1] = 0
	b.n = n
	return nil
}

// unarmour10 is the 60 bits of ten armoured characters, left-aligned, and
// the OR of their six-bit values (0xff marks a character that is not
// armour: the OR is then 64 or more).
func unarmour10(c []byte) (uint64, byte) {
	c = c[:10]
	v0, v1, v2, v3, v4 := sixbit[c[0]], sixbit[c[1]], sixbit[c[2]], sixbit[c[3]], sixbit[c[4]]
	v5, v6, v7, v8, v9 := sixbit[c[5]], sixbit[c[6]], sixbit[c[7]], sixbit[c[8]], sixbit[c[9]]
	return uint64(v0)<<58 | uint64(v1)<<52 | uint64(v2)<<46 | uint64(v3)<<40 | uint64(v4)<<34 |
			uint64(v5)<<28 | uint64(v6)<<22 | uint64(v7)<<16 | uint64(v8)<<10 | uint64(v9)<<4,
		v0 | v1 | v2 | v3 | v4 | v5 | v6 | v7 | v8 | v9
}

// put ORs the left-aligned width bits of acc (at most 64) in at bit pos.
func (b *packedBits) put(acc uint64, pos, width uint) {
	k, o := pos>>6, pos&63
	b.w[k] |= acc >> o
	if o+width > 64 {
		b.w[k+1] |= acc << (64 - o)
	}
}

// at returns the 64 bits starting at bit off.
func (b *packedBits) at(off uint) uint64 {
	k, o := off>>6, off&63
	return b.w[k]<<o | b.w[k+1]>>(63-o)>>1
}

// uAt reads the unsigned field of width bits (1..32) at bit off.
func (b *packedBits) uAt(off, width uint) uint32 { return uint32(b.at(off) >> (64 - width)) }

// sAt reads the two's complement field of width bits at bit off.
func (b *packedBits) sAt(off, width uint) int64 { return int64(b.at(off)) >> (64 - width) }

// bitReader reads consecutive fields of a packedBits, as go-ais's
// generated decoders do.
type bitReader struct {
	b   *packedBits
	off uint
}

// next64 returns the 64 bits starting at the read offset and moves it on
// by width.
func (r *bitReader) next64(width uint) uint64 {
	k, o := r.off>>6, r.off&63
	v := r.b.w[k]<<o | r.b.w[k+1]>>(63-o)>>1
	r.off += width
	return v
}

// u reads an unsigned field of width bits (1..32).
func (r *bitReader) u(width uint) uint32 { return uint32(r.next64(width) >> (64 - width)) }

// s reads a two's complement field of width bits.
func (r *bitReader) s(width uint) int64 { return int64(r.next64(width)) >> (64 - width) }

// flag reads a one-bit field.
func (r *bitReader) flag() bool { return r.next64(1)>>63 != 0 }

// text appends the n six-bit characters at the read offset as go-ais
// decodes them: values below 32 are '@' and the letters, and trailing
// '@'s are dropped (nothing else is).
func (r *bitReader) text(dst []byte, n int) []byte {
	start := len(dst)
	for n > 0 {
		k := min(n, 10) // ten characters to a read
		v := r.next64(uint(6 * k))
		for i := 0; i < k; i++ {
			dst = append(dst, sixbitASCII[v>>58])
			v <<= 6
		}
		n -= k
	}
	end := len(dst)
	for end > start && dst[end-1] == '@' {
		end--
	}
	return dst[:end]
}

// sixbitASCII maps a six-bit character to ASCII: 0..31 are '@', the
// letters and [\]^_; 32..63 (space, digits, punctuation) are themselves.
var sixbitASCII = func() (t [64]byte) {
	for v := range t {
		t[v] = byte(v)
		if v < 32 {
			t[v] += 64
		}
	}
	return t
}()

func (r *bitReader) header() goais.Header {
	return goais.Header{MessageID: uint8(r.u(6)), RepeatIndicator: uint8(r.u(2)), UserID: r.u(30)}
}

func (r *bitReader) fine() goais.FieldLatLonFine {
	return goais.FieldLatLonFine(r.s(28)) / 10000 / 60
}

func (r *bitReader) fineLat() goais.FieldLatLonFine {
	return goais.FieldLatLonFine(r.s(27)) / 10000 / 60
}

func (r *bitReader) tenths(width uint) goais.Field10 { return goais.Field10(r.u(width)) / 10 }

func (r *bitReader) dims() goais.FieldDimension {
	return goais.FieldDimension{A: uint16(r.u(9)), B: uint16(r.u(9)), C: uint8(r.u(6)), D: uint8(r.u(6))}
}

func (r *bitReader) itdma() goais.CommunicationStateItdma {
	return goais.CommunicationStateItdma{CommunicationStateIsItdma: r.flag(), CommunicationState: r.u(19)}
}

func (r *bitReader) noItdma() goais.CommunicationStateNoItdma {
	return goais.CommunicationStateNoItdma{CommunicationState: r.u(19)}
}

// fastBits is the length each fast-decoded type needs, 0 for the types
// left to go-ais. go-ais rejects a shorter message; type 24 needs 160 bits
// for part A and 168 for part B, checked in decodeFast.
var fastBits = [28]int{1: 168, 2: 168, 3: 168, 4: 168, 5: 424, 9: 168, 11: 168,
	18: 168, 19: 312, 21: 272, 24: 160, 27: 96}

// decodeFast decodes m.Type from d.packed, reading it as n bits long (n may
// exceed the payload: the bits past it read as zero). It reports false when
// the message is too short, where go-ais returns nil.
func (d *Decoder) decodeFast(m *Message, n int) bool {
	if n < fastBits[m.Type] {
		return false
	}
	r := bitReader{b: &d.packed}
	switch m.Type {
	case 1, 2, 3:
		// Most of all traffic: read at fixed offsets, which the compiler
		// folds into a load and a shift or two for each field.
		b := &d.packed
		p := goais.PositionReport{
			Header: goais.Header{MessageID: uint8(b.uAt(0, 6)), RepeatIndicator: uint8(b.uAt(6, 2)), UserID: b.uAt(8, 30)},
			Valid:  true, NavigationalStatus: uint8(b.uAt(38, 4)), RateOfTurn: int16(b.sAt(42, 8)),
			Sog: goais.Field10(b.uAt(50, 10)) / 10, PositionAccuracy: b.uAt(60, 1) != 0,
			Longitude: goais.FieldLatLonFine(b.sAt(61, 28)) / 10000 / 60,
			Latitude:  goais.FieldLatLonFine(b.sAt(89, 27)) / 10000 / 60,
			Cog:       goais.Field10(b.uAt(116, 12)) / 10, TrueHeading: uint16(b.uAt(128, 9)),
			Timestamp: uint8(b.uAt(137, 6)), SpecialManoeuvreIndicator: uint8(b.uAt(143, 2)),
			Spare: uint8(b.uAt(145, 3)), Raim: b.uAt(148, 1) != 0,
			CommunicationStateNoItdma: goais.CommunicationStateNoItdma{CommunicationState: b.uAt(149, 19)}}
		m.classA, m.fast = p, 1
		fillPositionReport(m, &p)
	case 4, 11:
		p := goais.BaseStationReport{Header: r.header(), Valid: true,
			UtcYear: uint16(r.u(14)), UtcMonth: uint8(r.u(4)), UtcDay: uint8(r.u(5)), UtcHour: uint8(r.u(5)),
			UtcMinute: uint8(r.u(6)), UtcSecond: uint8(r.u(6)), PositionAccuracy: r.flag(),
			Longitude: r.fine(), Latitude: r.fineLat(), FixType: uint8(r.u(4)), LongRangeEnable: r.flag(),
			Spare: uint16(r.u(9)), Raim: r.flag(), CommunicationStateNoItdma: r.noItdma()}
		m.packet = p
		fillBaseStation(m, &p)
	case 5:
		p := goais.ShipStaticData{Header: r.header(), Valid: true,
			AisVersion: uint8(r.u(2)), ImoNumber: r.u(30)}
		t := r.text(d.text[:0], 7)
		callSign := len(t)
		t = r.text(t, 20)
		name := len(t)
		p.Type, p.Dimension, p.FixType = uint8(r.u(8)), r.dims(), uint8(r.u(4))
		p.Eta = goais.FieldETA{Month: uint8(r.u(4)), Day: uint8(r.u(5)), Hour: uint8(r.u(5)), Minute: uint8(r.u(6))}
		p.MaximumStaticDraught = r.tenths(8)
		t = r.text(t, 20)
		p.Dte, p.Spare = r.flag(), r.flag()
		s := string(t) // one allocation for the three strings
		d.text = t
		p.CallSign, p.Name, p.Destination = s[:callSign], s[callSign:name], s[name:]
		m.packet = p
		fillShipStatic(m, &p)
	case 9:
		p := goais.StandardSearchAndRescueAircraftReport{Header: r.header(), Valid: true,
			Altitude: uint16(r.u(12)), Sog: uint16(r.u(10)), PositionAccuracy: r.flag(),
			Longitude: r.fine(), Latitude: r.fineLat(), Cog: r.tenths(12), Timestamp: uint8(r.u(6)),
			AltFromBaro: r.flag(), Spare1: uint8(r.u(7)), Dte: r.flag(), Spare2: uint8(r.u(3)),
			AssignedMode: r.flag(), Raim: r.flag(), CommunicationStateItdma: r.itdma()}
		m.packet = p
		fillSARAircraft(m, &p)
	case 18:
		p := goais.StandardClassBPositionReport{Header: r.header(), Valid: true,
			Spare1: uint8(r.u(8)), Sog: r.tenths(10), PositionAccuracy: r.flag(),
			Longitude: r.fine(), Latitude: r.fineLat(), Cog: r.tenths(12), TrueHeading: uint16(r.u(9)),
			Timestamp: uint8(r.u(6)), Spare2: uint8(r.u(2)), ClassBUnit: r.flag(), ClassBDisplay: r.flag(),
			ClassBDsc: r.flag(), ClassBBand: r.flag(), ClassBMsg22: r.flag(), AssignedMode: r.flag(),
			Raim: r.flag(), CommunicationStateItdma: r.itdma()}
		m.classB, m.fast = p, 18
		fillClassB(m, &p)
	case 19:
		p := goais.ExtendedClassBPositionReport{Header: r.header(), Valid: true,
			Spare1: uint8(r.u(8)), Sog: r.tenths(10), PositionAccuracy: r.flag(),
			Longitude: r.fine(), Latitude: r.fineLat(), Cog: r.tenths(12), TrueHeading: uint16(r.u(9)),
			Timestamp: uint8(r.u(6)), Spare2: uint8(r.u(4))}
		d.text = r.text(d.text[:0], 20)
		p.Name = string(d.text)
		p.Type, p.Dimension, p.FixType = uint8(r.u(8)), r.dims(), uint8(r.u(4))
		p.Raim, p.Dte, p.AssignedMode, p.Spare3 = r.flag(), r.flag(), r.flag(), uint8(r.u(4))
		m.packet = p
		fillExtendedClassB(m, &p)
	case 21:
		p := goais.AidsToNavigationReport{Header: r.header(), Valid: true, Type: uint8(r.u(5))}
		t := r.text(d.text[:0], 20)
		name := len(t)
		p.PositionAccuracy, p.Longitude, p.Latitude = r.flag(), r.fine(), r.fineLat()
		p.Dimension, p.Fixtype, p.Timestamp = r.dims(), uint8(r.u(4)), uint8(r.u(6))
		p.OffPosition, p.AtoN = r.flag(), uint8(r.u(8))
		p.Raim, p.VirtualAtoN, p.AssignedMode, p.Spare = r.flag(), r.flag(), r.flag(), r.flag()
		// The name extension is whatever whole characters follow.
		t = r.text(t, (n-272)/6)
		s := string(t)
		d.text = t
		p.Name, p.NameExtension = s[:name], s[name:]
		m.packet = p
		fillAtoN(m, &p)
	case 24:
		p := goais.StaticDataReport{Header: r.header(), Valid: true,
			Reserved: uint8(r.u(1)), PartNumber: r.flag()}
		if !p.PartNumber {
			d.text = r.text(d.text[:0], 20)
			p.ReportA = goais.StaticDataReportA{Valid: true, Name: string(d.text)}
		} else {
			if n < 168 {
				return false
			}
			b := &p.ReportB
			b.Valid, b.ShipType = true, uint8(r.u(8))
			t := r.text(d.text[:0], 3)
			vendor := len(t)
			b.VenderIDModel, b.VenderIDSerial = uint8(r.u(4)), r.u(20)
			t = r.text(t, 7)
			b.Dimension, b.FixType, b.Spare = r.dims(), uint8(r.u(4)), uint8(r.u(2))
			s := string(t)
			d.text = t
			b.VendorIDName, b.CallSign = s[:vendor], s[vendor:]
		}
		m.packet = p
		fillType24(m, &p)
	case 27:
		p := goais.LongRangeAisBroadcastMessage{Header: r.header(), Valid: true,
			PositionAccuracy: r.flag(), Raim: r.flag(), NavigationalStatus: uint8(r.u(4))}
		p.Longitude = goais.FieldLatLonCoarse(r.s(18)) / 10 / 60
		p.Latitude = goais.FieldLatLonCoarse(r.s(17)) / 10 / 60
		p.Sog, p.Cog, p.PositionLatency, p.Spare = uint8(r.u(6)), uint16(r.u(9)), r.flag(), r.flag()
		m.packet = p
		fillLongRange(m, &p)
	default:
		return false
	}
	return true
}
