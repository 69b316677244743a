package ais

import (
	"encoding/binary"
	"fmt"
)

// maxPayloadBits bounds an assembled payload: the longest AIS message is
// five slots (1,008 bits for types 6, 8 and 26 including their headers);
// anything longer is not a real message.
const maxPayloadBits = 1100

// sixbit maps an armoured character to its 6-bit value, or 0xff when the
// character is not part of the armour alphabet ('0'..'W' and '`'..'w').
var sixbit = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for c := byte('0'); c <= 'W'; c++ {
		t[c] = c - '0'
	}
	for c := byte('`'); c <= 'w'; c++ {
		t[c] = c - '0' - 8
	}
	return t
}()

// armourChars is the inverse of sixbit.
const armourChars = "0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVW`abcdefghijklmnopqrstuvw"

// AppendUnarmoured appends the bits of an armoured AIS payload to dst, one
// byte per bit (0 or 1), dropping the fillBits padding bits at the end, as
// go-ais's DecodePacket wants them. Errors wrap ErrMalformed.
func AppendUnarmoured(dst, payload []byte, fillBits int) ([]byte, error) {
	if fillBits < 0 || fillBits > 5 {
		return dst, fmt.Errorf("%w: fill bits %d", ErrMalformed, fillBits)
	}
	n := len(payload)*6 - fillBits
	if n < 0 {
		return dst, fmt.Errorf("%w: %d fill bits in an empty payload", ErrMalformed, fillBits)
	}
	if n > maxPayloadBits {
		return dst, fmt.Errorf("%w: payload of %d bits", ErrMalformed, n)
	}
	start := len(dst)
	// Each character's six bits are written as one 8-byte store (the two
	// spare bytes are overwritten by the next character): two bytes of
	// slack at the end make room for the last one.
	dst = grow(dst, len(payload)*6+2)
	out := dst[start:]
	for i, c := range payload {
		v := sixbit[c]
		if v == 0xff {
			return dst[:start], fmt.Errorf("%w: payload character %q at %d", ErrMalformed, c, i)
		}
		binary.LittleEndian.PutUint64(out[i*6:], bitBytes[v])
	}
	return dst[:start+n], nil
}

// bitBytes[v] holds the six bits of v, most significant first, one per
// byte, as a little-endian word for AppendUnarmoured's single store.
var bitBytes = func() (t [64]uint64) {
	for v := range t {
		for j := 0; j < 6; j++ {
			t[v] |= uint64(v>>(5-j)&1) << (8 * j)
		}
	}
	return t
}()

// AppendArmoured appends the armoured form of bits (one byte per bit, any
// non-zero byte counts as 1) to dst and returns the number of fill bits the
// last character carries (0..5).
func AppendArmoured(dst, bits []byte) ([]byte, int) {
	fill := (6 - len(bits)%6) % 6
	for i := 0; i < len(bits); i += 6 {
		var v byte
		for j := i; j < i+6; j++ {
			v <<= 1
			if j < len(bits) && bits[j] != 0 {
				v |= 1
			}
		}
		dst = append(dst, armourChars[v])
	}
	return dst, fill
}

// grow extends b by n bytes, reusing its capacity when it can.
func grow(b []byte, n int) []byte {
	if cap(b)-len(b) >= n {
		return b[:len(b)+n]
	}
	nb := make([]byte, len(b)+n, 2*cap(b)+n)
	copy(nb, b)
	return nb
}

// ubits reads width bits (at most 32) of bits starting at start as an
// unsigned big-endian number. Bits past the end read as 0, the way receivers
// treat a short final slot.
func ubits(bits []byte, start, width int) uint32 {
	var v uint32
	for i := start; i < start+width; i++ {
		v <<= 1
		if i < len(bits) && bits[i] != 0 {
			v |= 1
		}
	}
	return v
}

// appendUint appends the width low bits of v, most significant first.
func appendUint(dst []byte, v uint32, width int) []byte {
	for i := width - 1; i >= 0; i-- {
		dst = append(dst, byte(v>>uint(i)&1))
	}
	return dst
}

// SixbitText decodes n six-bit characters (bits one per byte) starting at
// bit start the way receivers display them: '@' ends the text, trailing
// spaces are dropped, at most 64 characters.
func SixbitText(bits []byte, start, n int) string {
	var buf [64]byte
	if n > len(buf) {
		n = len(buf)
	}
	k := 0
	for ; k < n; k++ {
		v := byte(ubits(bits, start+6*k, 6))
		if v == 0 {
			break
		}
		if v < 32 {
			v += 64
		}
		buf[k] = v
	}
	for k > 0 && buf[k-1] == ' ' {
		k--
	}
	return string(buf[:k])
}

// appendSixbitText appends s as n six-bit characters padded with '@'. Letters
// are upper-cased; characters outside the AIS alphabet are an error.
func appendSixbitText(dst []byte, s string, n int) ([]byte, error) {
	if len(s) > n {
		return dst, fmt.Errorf("%w: text %q longer than %d characters", ErrMalformed, s, n)
	}
	for i := 0; i < n; i++ {
		var c byte = '@'
		if i < len(s) {
			c = s[i]
		}
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		switch {
		case c >= '@' && c <= '_':
			c -= '@'
		case c >= ' ' && c <= '?':
		default:
			return dst, fmt.Errorf("%w: character %q not in the AIS alphabet", ErrMalformed, c)
		}
		dst = appendUint(dst, uint32(c), 6)
	}
	return dst, nil
}
