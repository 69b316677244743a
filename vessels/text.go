package vessels

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Bounds of the text fields, in characters. AIS text is attacker-controlled:
// whatever the decoder hands over is cut to what the standard allows.
const (
	// MaxNameLen is an aid to navigation's name with its extension (20
	// characters plus 14, ITU-R M.1371 message 21); a ship's name has 20.
	MaxNameLen        = 34
	MaxCallSignLen    = 7
	MaxDestinationLen = 20
	MaxENILen         = 8
	MaxStationLen     = 64
)

// CleanText makes untrusted AIS text safe to keep and show as plain text:
// invalid UTF-8, control and formatting characters (including bidirectional
// overrides) and the AIS padding character '@' are dropped, other white
// space becomes a plain space, the trailing padding (spaces) goes, and the
// result is cut to at most max characters. Spaces inside the text, runs of
// them included, are kept: they are part of what the vessel sends ("HE  PING
// 7"), as gpsd and AIS-catcher keep them. It never interprets the text
// (markup stays literal; escaping is the renderer's job).
func CleanText(s string, max int) string {
	if max <= 0 {
		return ""
	}
	if isClean(s, max) {
		return s // the common case: no allocation
	}
	var b strings.Builder
	b.Grow(min(len(s), max*utf8.UTFMax))
	n := 0
	for _, r := range s {
		if n == max {
			break
		}
		switch {
		case r == utf8.RuneError, r == '@':
			continue
		case unicode.IsSpace(r):
			r = ' '
		case !unicode.IsPrint(r):
			continue
		}
		b.WriteRune(r)
		n++
	}
	return strings.TrimRight(b.String(), " ")
}

// isClean reports whether s is already what CleanText would return: short
// printable ASCII without '@' or a trailing space.
func isClean(s string, max int) bool {
	if len(s) > max || (len(s) > 0 && s[len(s)-1] == ' ') {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '@' {
			return false
		}
	}
	return true
}

// foldSpaces upper-cases s and collapses its runs of spaces into one, so
// that a search for "HE PING" finds "HE  PING 7".
func foldSpaces(s string) string {
	s = strings.ToUpper(s)
	if !strings.Contains(s, "  ") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}
