package ais

import (
	"encoding/binary"
	"math/bits"
)

// The checks every sentence goes through, eight bytes at a time: on the
// ingest path a byte-at-a-time loop over the ~45 bytes of a sentence
// and again over its payload cost more than the rest of framing. The
// tricks are the classic ones for finding bytes in a word (Hacker's
// Delight, ch. 6), in their exact per-byte forms, so that every flagged
// byte is a real one; scan_test.go holds them to the plain loops.

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
	lows  = 0x7f7f7f7f7f7f7f7f
)

// zeroBytes has the high bit set in exactly the bytes of w that are zero.
func zeroBytes(w uint64) uint64 {
	t := (w & lows) + lows
	return ^(t | w | lows)
}

// outsidePrintable reports whether w has a byte outside 0x20..0x7e.
func outsidePrintable(w uint64) bool {
	below := (w - 0x20*ones) & ^w & highs         // some byte < 0x20 (exact as a whole)
	above := ((w & lows) + 0x01*ones | w) & highs // some byte >= 0x7f
	return below|above != 0
}

// above has the high bit set in the bytes of w greater than n; every byte
// of w must be below 0x80.
func above(w uint64, n byte) uint64 { return (w + uint64(0x7f-n)*ones) & highs }

// scanBody is the framing loop of ParseSentence over the bytes between the
// start delimiter and '*': it reports whether they are all printable ASCII
// and, if so, their XOR checksum and where the first len(commas) commas
// are (n of them).
func scanBody(body []byte, commas *[8]int) (sum byte, n int, ok bool) {
	var x uint64
	i := 0
	for ; i+8 <= len(body); i += 8 {
		w := binary.LittleEndian.Uint64(body[i:])
		if outsidePrintable(w) {
			return 0, 0, false
		}
		x ^= w
		for m := zeroBytes(w ^ ','*ones); m != 0 && n < len(commas); m &= m - 1 {
			commas[n] = i + bits.TrailingZeros64(m)>>3
			n++
		}
	}
	for ; i < len(body); i++ {
		c := body[i]
		if c-0x20 > 0x7e-0x20 {
			return 0, 0, false
		}
		x ^= uint64(c)
		if c == ',' && n < len(commas) {
			commas[n] = i
			n++
		}
	}
	x ^= x >> 32
	x ^= x >> 16
	x ^= x >> 8
	return byte(x), n, true
}

// armoured reports whether every byte of p, all printable ASCII, is one
// of the 64 characters of AIS 6-bit armouring: '0'..'W' and '`'..'w'.
func armoured(p []byte) bool {
	if len(p) < 8 {
		for _, c := range p {
			if !armour[c] {
				return false
			}
		}
		return true
	}
	bad := func(w uint64) bool {
		// below '0', between 'W' and '`', or above 'w'
		return (^above(w, '0'-1)|above(w, 'W')&^above(w, '`'-1)|above(w, 'w'))&highs != 0
	}
	for i := 0; i+8 <= len(p); i += 8 {
		if bad(binary.LittleEndian.Uint64(p[i:])) {
			return false
		}
	}
	// The last eight bytes, overlapping what was checked: a check may
	// look at a byte twice.
	return !bad(binary.LittleEndian.Uint64(p[len(p)-8:]))
}
