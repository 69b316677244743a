package ais

import (
	"bytes"
	"fmt"
	"time"
)

// Tag block errors, made once so rejecting a line does not allocate.
var (
	errTagNoChecksum     = fmt.Errorf("%w: tag block without checksum", ErrMalformed)
	errTagChecksumDigits = fmt.Errorf("%w: bad tag block checksum digits", ErrMalformed)
	errTagBadByte        = fmt.Errorf("%w: bad byte in tag block", ErrMalformed)
	errTagChecksum       = fmt.Errorf("%w: tag block", ErrChecksum)
	errEmptyTagBlock     = fmt.Errorf("%w: empty tag block", ErrMalformed)
	errTagTrailingComma  = fmt.Errorf("%w: trailing comma in tag block", ErrMalformed)
	errTagWithoutKey     = fmt.Errorf("%w: tag without key", ErrMalformed)
	errTagValueTooLong   = fmt.Errorf("%w: tag value too long", ErrMalformed)
	errEmptyStation      = fmt.Errorf("%w: empty s: tag", ErrMalformed)
	errTagTime           = fmt.Errorf("%w: c: tag", ErrMalformed)
	errTagLineCount      = fmt.Errorf("%w: n: tag", ErrMalformed)
	errTagGroup          = fmt.Errorf("%w: g: tag", ErrMalformed)
	errTagGroupNumbers   = fmt.Errorf("%w: g: tag numbers", ErrMalformed)
)

// TagBlock is an NMEA 4.0 tag block ("\s:station,c:1700000000*hh\") as
// receivers and aggregators put in front of sentences. Byte slices reference
// the parsed line. Unknown keys are ignored.
type TagBlock struct {
	Present bool      // a tag block was there
	Source  []byte    // s: source station (receiver) name
	Time    time.Time // c: unix time, seconds or milliseconds; zero if absent
	// g: sentence grouping "1-2-1234": this line's number in the group, the
	// group's size and its id. GroupTotal is 0 when absent.
	GroupNumber, GroupTotal, GroupID int
	LineCount                        int    // n: line count, 0 if absent
	Text                             []byte // t: free text
	Dest                             []byte // d: destination
	RelTime                          []byte // r: relative time, raw
}

// maxTagValue bounds a single tag value; the whole block is already bounded
// by MaxLineLength. Station names longer than this are rejected rather than
// carried into every message.
const maxTagValue = 64

// ParseTagBlock parses the content of a tag block, between its two
// backslashes: comma-separated "key:value" pairs followed by "*hh", the
// XOR checksum of everything before the '*'. Errors wrap ErrChecksum or
// ErrMalformed.
func ParseTagBlock(b []byte) (TagBlock, error) {
	var t TagBlock
	star := bytes.LastIndexByte(b, '*')
	if star < 0 || star+3 != len(b) {
		return t, errTagNoChecksum
	}
	want, ok := hexByte(b[star+1], b[star+2])
	if !ok {
		return t, errTagChecksumDigits
	}
	body := b[:star]
	var sum byte
	for _, c := range body {
		if c < 0x20 || c > 0x7e || c == '\\' {
			return t, errTagBadByte
		}
		sum ^= c
	}
	if sum != want {
		return t, errTagChecksum
	}
	if len(body) == 0 {
		return t, errEmptyTagBlock
	}
	t.Present = true
	for len(body) > 0 {
		var field []byte
		if i := bytes.IndexByte(body, ','); i >= 0 {
			field, body = body[:i], body[i+1:]
			if len(body) == 0 {
				return TagBlock{}, errTagTrailingComma
			}
		} else {
			field, body = body, nil
		}
		colon := bytes.IndexByte(field, ':')
		if colon < 1 {
			return TagBlock{}, errTagWithoutKey
		}
		val := field[colon+1:]
		if len(val) > maxTagValue {
			return TagBlock{}, errTagValueTooLong
		}
		if colon != 1 {
			continue // not an NMEA 4.0 key; ignored
		}
		if err := t.set(field[0], val); err != nil {
			return TagBlock{}, err
		}
	}
	return t, nil
}

func (t *TagBlock) set(key byte, val []byte) error {
	switch key {
	case 's':
		if len(val) == 0 {
			return errEmptyStation
		}
		t.Source = val
	case 'c':
		tm, ok := parseUnixTime(val)
		if !ok {
			return errTagTime
		}
		t.Time = tm
	case 'g':
		if err := t.parseGroup(val); err != nil {
			return err
		}
	case 'n':
		n, ok := parseUint(val, 9)
		if !ok {
			return errTagLineCount
		}
		t.LineCount = int(n)
	case 't':
		t.Text = val
	case 'd':
		t.Dest = val
	case 'r':
		t.RelTime = val
	}
	return nil
}

// parseGroup parses "1-2-1234".
func (t *TagBlock) parseGroup(val []byte) error {
	var parts [3]int
	for i := range parts {
		end := len(val)
		if i < 2 {
			end = bytes.IndexByte(val, '-')
			if end < 0 {
				return errTagGroup
			}
		}
		v, ok := parseUint(val[:end], 9)
		if !ok {
			return errTagGroup
		}
		parts[i] = int(v)
		if i < 2 {
			val = val[end+1:]
		}
	}
	if parts[1] < 1 || parts[0] < 1 || parts[0] > parts[1] || parts[1] > 99 {
		return errTagGroupNumbers
	}
	t.GroupNumber, t.GroupTotal, t.GroupID = parts[0], parts[1], parts[2]
	return nil
}
