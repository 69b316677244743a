package vessels

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Bounds of the text fields, in characters. AIS text is attacker-controlled:
// whatever the decoder hands over is cut to what the standard allows.
const (
	MaxNameLen        = 20
	MaxCallSignLen    = 7
	MaxDestinationLen = 20
	MaxENILen         = 8
	MaxStationLen     = 64
)

// CleanText makes untrusted AIS text safe to keep and show as plain text:
// invalid UTF-8, control and formatting characters (including bidirectional
// overrides) and the AIS padding character '@' are dropped, runs of spaces
// are collapsed, the ends trimmed, and the result cut to at most max
// characters. It never interprets the text (markup stays literal; escaping
// is the renderer's job).
func CleanText(s string, max int) string {
	if max <= 0 {
		return ""
	}
	if isClean(s, max) {
		return s // the common case: no allocation
	}
	var b strings.Builder
	b.Grow(min(len(s), max*utf8.UTFMax))
	n, space := 0, false
	for _, r := range s {
		if n == max {
			break
		}
		switch {
		case r == utf8.RuneError, r == '@', !unicode.IsPrint(r) && !unicode.IsSpace(r):
			continue
		case unicode.IsSpace(r):
			space = n > 0
			continue
		}
		if space {
			if n+1 == max {
				break
			}
			b.WriteByte(' ')
			n++
			space = false
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// isClean reports whether s is already what CleanText would return: short
// printable ASCII without '@', double spaces or spaces at the ends.
func isClean(s string, max int) bool {
	if len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '@' {
			return false
		}
		if c == ' ' && (i == 0 || i == len(s)-1 || s[i-1] == ' ') {
			return false
		}
	}
	return true
}
