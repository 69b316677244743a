package gpsdjson

import (
	"math"
	"strconv"
	"unicode/utf8"
)

func appendUint(dst []byte, key string, v uint64) []byte {
	return appendDecimal(append(dst, key...), v)
}

func appendInt(dst []byte, key string, v int64) []byte {
	dst = append(dst, key...)
	if v < 0 {
		return strconv.AppendInt(dst, v, 10)
	}
	return appendDecimal(dst, uint64(v))
}

// appendDecimal is strconv.AppendUint(dst, v, 10) with the numbers most
// members hold (below 1000) written in place.
func appendDecimal(dst []byte, v uint64) []byte {
	switch {
	case v < 10:
		return append(dst, byte('0'+v))
	case v < 100:
		return append(dst, byte('0'+v/10), byte('0'+v%10))
	case v < 1000:
		return append(dst, byte('0'+v/100), byte('0'+v/10%10), byte('0'+v%10))
	}
	return strconv.AppendUint(dst, v, 10)
}

func appendBool(dst []byte, key string, v bool) []byte {
	return strconv.AppendBool(append(dst, key...), v)
}

// appendPadded writes v with at least width digits, like printf's %0Nu.
func appendPadded(dst []byte, v uint64, width int) []byte {
	for d, p := 1, uint64(10); d < width; d, p = d+1, p*10 {
		if v < p {
			dst = append(dst, '0')
		}
	}
	return strconv.AppendUint(dst, v, 10)
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// appendString writes key and s as a JSON string. Control characters,
// quotes, backslashes and the HTML-significant <, >, & are escaped; invalid
// UTF-8 becomes U+FFFD.
func appendString(dst []byte, key, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, key...)
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf && !needsEscape[c] {
			i++
			continue
		}
		dst = append(dst, s[start:i]...)
		if c < utf8.RuneSelf {
			if c == '"' || c == '\\' {
				dst = append(dst, '\\', c)
			} else {
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, `\u202`...)
			dst = append(dst, hex[r&15])
		default:
			dst = append(dst, s[i:i+size]...)
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// needsEscape marks the ASCII bytes appendString escapes.
var needsEscape = func() (t [utf8.RuneSelf]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	for _, c := range `"\\<>&` + "\x7f" {
		t[c] = true
	}
	return t
}()

// appendFixed writes num/den with dec decimals, rounded, as printf's %.Nf
// prints the float quotient. It works in integers: unless the exact
// quotient is a decimal tie (then the float formatter decides), it lies at
// least 1/(2·den) of a unit from one, far beyond float64 error, so both
// round the same way.
func appendFixed(dst []byte, num, den int64, dec int) []byte {
	if num < 0 {
		dst = append(dst, '-')
		num = -num
	}
	scale := int64(1)
	for i := 0; i < dec; i++ {
		scale *= 10
	}
	if (num*scale)%den*2 == den {
		// An exact tie in decimal is not one in binary: let the float
		// formatter round it the way printf does.
		return strconv.AppendFloat(dst, float64(num)/float64(den), 'f', dec, 64)
	}
	q := (num*scale*2 + den) / (2 * den)
	dst = strconv.AppendInt(dst, q/scale, 10)
	if dec == 0 {
		return dst
	}
	dst = append(dst, '.')
	frac := q % scale
	for p := scale / 10; p > 1 && frac < p; p /= 10 {
		dst = append(dst, '0')
	}
	return strconv.AppendInt(dst, frac, 10)
}

// appendMinutes7 is appendFixed(dst, num, 600000, 7), the degrees of a
// position in 1/10000 minutes, in fewer steps: the positions of every
// report go through it. num·10⁷/600000 is num·100/6, never a tie.
func appendMinutes7(dst []byte, num int64) []byte {
	if num > math.MaxInt32 || num < -math.MaxInt32 {
		return appendFixed(dst, num, 600000, 7) // far off the globe, but the same
	}
	if num < 0 {
		dst = append(dst, '-')
		num = -num
	}
	q := (num*100 + 3) / 6
	dst = appendDecimal(dst, uint64(q/10000000))
	frac := q % 10000000
	var b [8]byte
	b[0] = '.'
	for i := 7; i > 0; i-- {
		b[i] = byte('0' + frac%10)
		frac /= 10
	}
	return append(dst, b[:]...)
}

// appendTenth is appendFixed(dst, num, 10, 1): tenths as "whole.tenth".
func appendTenth(dst []byte, num int64) []byte {
	if num > math.MaxInt32 || num < -math.MaxInt32 {
		return appendFixed(dst, num, 10, 1)
	}
	if num < 0 {
		dst = append(dst, '-')
		num = -num
	}
	dst = appendDecimal(dst, uint64(num/10))
	return append(dst, '.', byte('0'+num%10))
}
