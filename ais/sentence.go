package ais

import (
	"bytes"
	"errors"
	"fmt"
	"time"
)

// MaxLineLength is the longest line ParseSentence accepts, tag block and
// trailing fields included. A standard sentence is at most 82 characters;
// the slack is for tag blocks and receiver metadata. Sources should size
// their read buffers to it and Reject longer lines with ReasonTooLong.
const MaxLineLength = 1024

// ErrNoSentence is returned by ParseSentence for blank lines and '#'
// comments: they carry nothing and are skipped without being counted as
// rejects.
var ErrNoSentence = errors.New("ais: blank or comment line")

// Framing errors, made once so rejecting a line does not allocate.
var (
	errLineTooLong              = fmt.Errorf("%w: over MaxLineLength", ErrTooLong)
	errUnterminatedTagBlock     = fmt.Errorf("%w: unterminated tag block", ErrMalformed)
	errNoStartDelimiter         = fmt.Errorf("%w: no start delimiter", ErrMalformed)
	errNoChecksum               = fmt.Errorf("%w: no checksum", ErrMalformed)
	errBadChecksumDigits        = fmt.Errorf("%w: bad checksum digits", ErrMalformed)
	errBadByte                  = fmt.Errorf("%w: control or non-ASCII byte", ErrMalformed)
	errSentenceChecksum         = fmt.Errorf("%w: sentence", ErrChecksum)
	errJunkAfterChecksum        = fmt.Errorf("%w: junk after checksum", ErrMalformed)
	errBadAddressField          = fmt.Errorf("%w: bad address field", ErrMalformed)
	errNotVDM                   = fmt.Errorf("%w: not a VDM or VDO sentence", ErrUnsupported)
	errFieldCount               = fmt.Errorf("%w: want 7 fields", ErrMalformed)
	errFragmentCount            = fmt.Errorf("%w: fragment count", ErrMalformed)
	errFragmentNumber           = fmt.Errorf("%w: fragment number", ErrMalformed)
	errSeqID                    = fmt.Errorf("%w: sequential message id", ErrMalformed)
	errChannel                  = fmt.Errorf("%w: channel", ErrMalformed)
	errEmptyPayload             = fmt.Errorf("%w: empty payload", ErrMalformed)
	errPayloadCharacter         = fmt.Errorf("%w: payload character", ErrMalformed)
	errFillBits                 = fmt.Errorf("%w: fill bits", ErrMalformed)
	errTimestampWithoutSentence = fmt.Errorf("%w: timestamp without sentence", ErrMalformed)
	errBadLeadingTimestamp      = fmt.Errorf("%w: bad leading timestamp", ErrMalformed)
)

// Sentence is one framed NMEA 0183 VDM or VDO sentence. Its byte slices
// reference the line it was parsed from and are only valid as long as that
// line is.
type Sentence struct {
	Talker   [2]byte // talker ID: AI, AB, AN, BS, SA, ...
	Own      bool    // VDO (own vessel) rather than VDM
	Count    int     // number of fragments of the message, 1..9
	Number   int     // this fragment's number, 1..Count
	SeqID    int     // sequential message ID 0..9, -1 when empty
	Channel  byte    // 'A', 'B', '1', '2', or 0 when empty
	Payload  []byte  // 6-bit armoured payload of this fragment
	FillBits int     // 0..5
	// Raw is the sentence from its start delimiter to the checksum digits,
	// without tag block, leading timestamp or trailing fields: what is
	// re-served to NMEA clients.
	Raw []byte
	// Tag is the NMEA 4.0 tag block in front of the sentence, if any.
	Tag TagBlock
	// Received is the receive time written in front of the line
	// ("1452470400.123 !AIVDM,..." or an RFC 3339 time); zero if none.
	Received time.Time
}

// ParseSentence frames one line of input: optional receive timestamp,
// optional NMEA 4.0 tag block, then a VDM or VDO sentence with a valid
// checksum. Fields after the checksum (USCG ",s36310,d-081,T59.01", or an
// AIS-catcher ",1700000000") and escaped line endings ("\x0d\x0a") are
// ignored; anything else after it is malformed.
//
// A line without the '!' or '$' start delimiter is malformed: without it
// text cannot be told from a sentence. gpsd does the same (the unprefixed
// fragment in its sample.aivdm yields nothing).
//
// Errors wrap ErrNoSentence (blank or comment line), ErrTooLong,
// ErrChecksum, ErrUnsupported (a well-formed sentence other than VDM/VDO)
// or ErrMalformed. ParseSentence does not allocate on success.
func ParseSentence(line []byte) (Sentence, error) {
	var s Sentence
	if len(line) > MaxLineLength {
		return s, errLineTooLong
	}
	line = trimSpace(line)
	if len(line) == 0 || line[0] == '#' {
		return s, ErrNoSentence
	}
	if c := line[0]; c >= '0' && c <= '9' {
		t, rest, err := parseLeadingTime(line)
		if err != nil {
			return s, err
		}
		s.Received = t
		line = rest
	}
	if len(line) > 0 && line[0] == '\\' {
		end := bytes.IndexByte(line[1:], '\\')
		if end < 0 {
			return s, errUnterminatedTagBlock
		}
		tag, err := ParseTagBlock(line[1 : 1+end])
		if err != nil {
			return s, err
		}
		s.Tag = tag
		line = line[end+2:]
	}
	if len(line) == 0 || (line[0] != '!' && line[0] != '$') {
		return s, errNoStartDelimiter
	}
	star := bytes.IndexByte(line, '*')
	if star < 0 || len(line) < star+3 {
		return s, errNoChecksum
	}
	want, ok := hexByte(line[star+1], line[star+2])
	if !ok {
		return s, errBadChecksumDigits
	}
	// One pass: checksum, byte check, and where the first 8 commas are.
	body := line[1:star]
	var commas [8]int
	sum, n, ok := scanBody(body, &commas)
	if !ok {
		return s, errBadByte
	}
	if sum != want {
		return s, errSentenceChecksum
	}
	// A logger that escaped the line ending ("...*47\x0d\x0a", as in gpsd's
	// sample.aivdm) leaves a backslash after a good checksum: the sentence
	// is intact, so it is accepted as gpsd accepts it.
	if tail := line[star+3:]; len(tail) > 0 && tail[0] != ',' && tail[0] != ' ' && tail[0] != '\t' && tail[0] != '\\' {
		return s, errJunkAfterChecksum
	}
	s.Raw = line[:star+3]
	if err := s.parseFields(body, &commas, n); err != nil {
		return Sentence{}, err
	}
	return s, nil
}

// parseFields parses "AIVDM,2,1,3,B,payload,0" (body between the start
// delimiter and '*'), given where its first n commas are. The fields are
// read in place between the commas: this runs on every sentence.
func (s *Sentence) parseFields(body []byte, commas *[8]int, n int) error {
	addr := body
	if n > 0 {
		addr = body[:commas[0]]
	}
	if !isAddress(addr) {
		return errBadAddressField
	}
	switch {
	case len(addr) == 5 && string(addr[2:]) == "VDM":
	case len(addr) == 5 && string(addr[2:]) == "VDO":
		s.Own = true
	default:
		return errNotVDM
	}
	if n != 6 {
		return errFieldCount
	}
	s.Talker = [2]byte{addr[0], addr[1]}
	c := commas[:6]
	// one reports whether field i (1..5, between c[i-1] and c[i]) is one
	// character, and which.
	one := func(i int) (byte, bool) {
		if c[i]-c[i-1] != 2 {
			return 0, false
		}
		return body[c[i-1]+1], true
	}
	count, ok := one(1)
	if !ok || count < '1' || count > '9' {
		return errFragmentCount
	}
	s.Count = int(count - '0')
	number, ok := one(2)
	if !ok || number < '1' || int(number-'0') > s.Count {
		return errFragmentNumber
	}
	s.Number = int(number - '0')
	switch seq, ok := one(3); {
	case c[3] == c[2]+1:
		s.SeqID = -1
	case ok && seq >= '0' && seq <= '9':
		s.SeqID = int(seq - '0')
	default:
		return errSeqID
	}
	switch ch, ok := one(4); {
	case c[4] == c[3]+1:
	case ok && (ch == 'A' || ch == 'B' || ch == '1' || ch == '2'):
		s.Channel = ch
	default:
		return errChannel
	}
	payload := body[c[4]+1 : c[5]]
	if len(payload) == 0 {
		return errEmptyPayload
	}
	if !armoured(payload) {
		return errPayloadCharacter
	}
	s.Payload = payload
	fill := body[c[5]+1:]
	if len(fill) != 1 || fill[0] < '0' || fill[0] > '5' {
		return errFillBits
	}
	s.FillBits = int(fill[0] - '0')
	return nil
}

// armour[c] is isArmour(c).
var armour = func() (t [256]bool) {
	for c := range t {
		t[c] = isArmour(byte(c))
	}
	return t
}()

// isArmour reports whether c is one of the 64 characters of AIS 6-bit
// armouring: '0'..'W' and '`'..'w'.
func isArmour(c byte) bool {
	return (c >= '0' && c <= 'W') || (c >= '`' && c <= 'w')
}

func isAddress(b []byte) bool {
	if len(b) < 2 || len(b) > 8 {
		return false
	}
	for _, c := range b {
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

func hexByte(hi, lo byte) (byte, bool) {
	h, ok1 := hexDigit(hi)
	l, ok2 := hexDigit(lo)
	return h<<4 | l, ok1 && ok2
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func trimSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// parseLeadingTime parses the receive time in front of a line, up to the
// first blank: unix seconds with an optional fraction (simpleais) or an
// RFC 3339 time. It returns the rest of the line with blanks removed.
func parseLeadingTime(line []byte) (time.Time, []byte, error) {
	end := 0
	for end < len(line) && !isSpace(line[end]) {
		end++
	}
	tok, rest := line[:end], trimSpace(line[end:])
	if len(rest) == 0 {
		return time.Time{}, nil, errTimestampWithoutSentence
	}
	if t, ok := parseUnixTime(tok); ok {
		return t, rest, nil
	}
	if len(tok) <= 40 && bytes.IndexByte(tok, 'T') > 0 {
		if t, err := time.Parse(time.RFC3339Nano, string(tok)); err == nil {
			return t, rest, nil
		}
	}
	return time.Time{}, nil, errBadLeadingTimestamp
}

// parseUnixTime parses "1452470400", "1452470400.123" or milliseconds
// "1700000000123" (values above 1e11 are taken as milliseconds, as gpsd and
// AIS-catcher both emit). At most 9 fraction digits are used.
func parseUnixTime(b []byte) (time.Time, bool) {
	intPart, frac := b, []byte(nil)
	if i := bytes.IndexByte(b, '.'); i >= 0 {
		intPart, frac = b[:i], b[i+1:]
		if len(frac) == 0 {
			return time.Time{}, false
		}
	}
	v, ok := parseUint(intPart, 15)
	if !ok {
		return time.Time{}, false
	}
	var nanos int64
	scale := int64(1e8)
	for _, c := range frac {
		if c < '0' || c > '9' {
			return time.Time{}, false
		}
		nanos += int64(c-'0') * scale
		scale /= 10
	}
	if v > 1e11 {
		return time.UnixMilli(int64(v)).Add(time.Duration(nanos / 1000)), true
	}
	return time.Unix(int64(v), nanos), true
}

// parseUint parses a non-empty run of at most maxDigits decimal digits.
func parseUint(b []byte, maxDigits int) (uint64, bool) {
	if len(b) == 0 || len(b) > maxDigits {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	return v, true
}
