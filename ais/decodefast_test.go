package ais

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	goais "github.com/BertoldVdb/go-ais"
)

// referenceDecode is Decode done entirely by go-ais, as it was before the
// common types got their own decoders: the behaviour they must keep.
func referenceDecode(payload []byte, fillBits int, m *Message) error {
	*m = Message{}
	bits, err := AppendUnarmoured(nil, payload, fillBits)
	if err != nil {
		return err
	}
	if len(bits) < 38 {
		return fmt.Errorf("%w: short", ErrMalformed)
	}
	m.Type = int(ubits(bits, 0, 6))
	m.Repeat = int(ubits(bits, 6, 2))
	m.MMSI = ubits(bits, 8, 30)
	m.Class = classOf(m.Type)
	if m.Type < 1 || m.Type > 27 {
		return fmt.Errorf("%w: type", ErrUnsupported)
	}
	codec := goais.CodecNewFast(false, false, true)
	pkt := codec.DecodePacket(bits)
	if need := minBits[m.Type]; pkt == nil && need > len(bits) && need-len(bits) <= padTolerance {
		pkt = codec.DecodePacket(append(bits, make([]byte, need-len(bits))...))
	}
	if pkt == nil {
		return fmt.Errorf("%w: rejected", ErrMalformed)
	}
	m.SetPacket(fill(m, pkt))
	return nil
}

// sameDecode decodes payload with Decode and with referenceDecode and
// reports the first difference, "" when there is none.
func sameDecode(d *Decoder, payload []byte, fillBits int) string {
	var got, want Message
	gotErr := d.Decode(payload, fillBits, &got)
	wantErr := referenceDecode(payload, fillBits, &want)
	switch {
	case (gotErr == nil) != (wantErr == nil):
		return fmt.Sprintf("error %v, go-ais %v", gotErr, wantErr)
	case gotErr != nil:
		if ReasonOf(gotErr) != ReasonOf(wantErr) {
			return fmt.Sprintf("error %v, go-ais %v", gotErr, wantErr)
		}
		return ""
	}
	if got.Type != want.Type || got.Repeat != want.Repeat || got.MMSI != want.MMSI || got.Class != want.Class {
		return fmt.Sprintf("header %d/%d/%d/%v, go-ais %d/%d/%d/%v", got.Type, got.Repeat, got.MMSI, got.Class,
			want.Type, want.Repeat, want.MMSI, want.Class)
	}
	if !reflect.DeepEqual(got.Packet(), want.Packet()) {
		return fmt.Sprintf("packet\n%#v\ngo-ais\n%#v", got.Packet(), want.Packet())
	}
	for _, part := range []struct {
		name      string
		got, want any
	}{
		{"position", got.Position, want.Position}, {"static", got.Static, want.Static},
		{"inland", got.Inland, want.Inland}, {"persons", got.Persons, want.Persons},
		{"binary", got.Binary, want.Binary},
	} {
		if !reflect.DeepEqual(part.got, part.want) {
			return fmt.Sprintf("%s %+v, go-ais %+v", part.name, part.got, part.want)
		}
	}
	return ""
}

// TestFastDecodeMatchesGoAIS decodes random messages of every type the
// Decoder reads itself, at and around each type's length (short ones that
// go-ais rejects or Decode pads, long ones, type 21 name extensions, every
// type 24 part number), and requires exactly what go-ais makes of them.
func TestFastDecodeMatchesGoAIS(t *testing.T) {
	rng := rand.New(rand.NewPCG(24, 5))
	d := NewDecoder()
	checked := 0
	for typ, need := range fastBits {
		if need == 0 {
			continue
		}
		lengths := []int{need - 9, need - 8, need - 7, need - 1, need, need + 1, need + 2, need + 8, need + 30}
		if typ == 24 {
			lengths = append(lengths, 161, 166, 167, 168, 169, 174)
		}
		if typ == 21 {
			lengths = append(lengths, 278, 283, 284, 350, 356, 360)
		}
		for _, n := range lengths {
			for i := 0; i < 300; i++ {
				bits := randomBits(rng, typ, n)
				payload, fillBits := AppendArmoured(nil, bits)
				if diff := sameDecode(d, payload, fillBits); diff != "" {
					t.Fatalf("type %d, %d bits, %s fill %d: %s", typ, n, payload, fillBits, diff)
				}
				checked++
			}
		}
	}
	// Text: every six-bit value in every position of a type 5's strings.
	for v := 0; v < 64; v++ {
		bits := randomBits(rng, 5, 424)
		for i := 70; i < 422; i++ {
			bits[i] = byte(v >> (5 - (i-70)%6) & 1)
		}
		payload, fillBits := AppendArmoured(nil, bits)
		if diff := sameDecode(d, payload, fillBits); diff != "" {
			t.Fatalf("type 5 text of %d: %s", v, diff)
		}
	}
	t.Logf("%d messages", checked)
}

// randomBits is n random bits with the header's type set to typ; the
// string fields get '@' runs and spaces now and then, as real ones do.
func randomBits(rng *rand.Rand, typ, n int) []byte {
	bits := make([]byte, max(n, 0))
	for i := range bits {
		bits[i] = byte(rng.IntN(2))
	}
	for i := 0; i < 6 && i < n; i++ {
		bits[i] = byte(typ >> (5 - i) & 1)
	}
	if rng.IntN(3) == 0 { // a run of '@' (0) or ' ' (32) characters
		start := 38 + 6*rng.IntN(max(1, (n-38)/6))
		c := 32 * rng.IntN(2)
		for i := start; i < min(n, start+6*rng.IntN(20)); i++ {
			bits[i] = byte(c >> (5 - (i-start)%6) & 1)
		}
	}
	return bits
}

// TestFastDecodeCorpus checks the own decoders against go-ais on every
// message of the San Francisco Bay capture.
func TestFastDecodeCorpus(t *testing.T) {
	payloads, fills := corpusPayloads(t)
	d := NewDecoder()
	for i, p := range payloads {
		if diff := sameDecode(d, p, fills[i]); diff != "" {
			t.Fatalf("%s fill %d: %s", p, fills[i], diff)
		}
	}
}

func TestUnarmourPacked(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var b packedBits
	for n := 0; n <= maxPayloadBits; n++ {
		bits := make([]byte, n)
		for i := range bits {
			bits[i] = byte(rng.IntN(2))
		}
		payload, fillBits := AppendArmoured(nil, bits)
		// Set the fill bits: they must not be read.
		if fillBits > 0 {
			v := sixbit[payload[len(payload)-1]] | (1<<fillBits - 1)
			payload[len(payload)-1] = armourChars[v]
		}
		b.w[len(b.w)-1] = ^uint64(0) // left over from a longer payload
		if err := b.unarmour(payload, fillBits); err != nil {
			t.Fatalf("%d bits: %v", n, err)
		}
		if b.n != n {
			t.Fatalf("%d bits: n = %d", n, b.n)
		}
		r := bitReader{b: &b}
		for i := 0; i < min(n+64, 64*(len(b.w)-1)); i++ {
			want := uint32(0)
			if i < n {
				want = uint32(bits[i])
			}
			if got := r.u(1); got != want {
				t.Fatalf("%d bits: bit %d is %d", n, i, got)
			}
		}
		if n >= 40 {
			r = bitReader{b: &b, off: 3}
			if got, want := r.u(32), ubits(bits, 3, 32); got != want {
				t.Fatalf("%d bits: 32 bits at 3: %x, want %x", n, got, want)
			}
			r = bitReader{b: &b, off: 5}
			if got, want := r.s(28), int64(int32(ubits(bits, 5, 28)<<4)>>4); got != want {
				t.Fatalf("%d bits: signed 28 bits at 5: %d", n, got)
			}
		}
	}
	for _, bad := range []struct {
		p    string
		fill int
	}{{"0X", 0}, {"0 ", 0}, {"", 1}, {"00", -1}, {"00", 6}} {
		if err := b.unarmour([]byte(bad.p), bad.fill); !errors.Is(err, ErrMalformed) {
			t.Errorf("%q fill %d: err = %v", bad.p, bad.fill, err)
		}
	}
}
