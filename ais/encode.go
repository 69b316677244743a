package ais

import (
	"fmt"

	goais "github.com/BertoldVdb/go-ais"
)

// maxFragmentChars is how many armoured characters go in one sentence: 60
// keeps a five-slot message within NMEA's 82-character line limit.
const maxFragmentChars = 60

// EncodeSentences encodes p with go-ais and frames it as NMEA 0183 sentences
// ("!AIVDM,..." with checksum, no line ending), splitting into fragments of
// at most 60 payload characters; seqID 0..9 is used for multi-fragment
// messages. talker is the two-letter talker ("AI", "AB") or a full address
// ("AIVDO"); channel is 'A', 'B' or 0 for none. Errors wrap ErrMalformed.
func EncodeSentences(p goais.Packet, talker string, channel byte, seqID int) ([]string, error) {
	if p == nil {
		return nil, fmt.Errorf("%w: nil packet", ErrMalformed)
	}
	bits := goais.CodecNew(false, false).EncodePacket(p)
	if bits == nil {
		return nil, fmt.Errorf("%w: go-ais cannot encode %T type %d", ErrMalformed, p, p.GetHeader().MessageID)
	}
	return EncodeBits(bits, talker, channel, seqID)
}

// EncodeBits frames a whole message's raw bits (one byte per bit, header
// included) as sentences; it sends the inland DAC 200 FI 10/55 messages the
// project encodes itself. See EncodeSentences for the other arguments.
func EncodeBits(bits []byte, talker string, channel byte, seqID int) ([]string, error) {
	address, err := sentenceAddress(talker)
	if err != nil {
		return nil, err
	}
	switch channel {
	case 0, 'A', 'B', '1', '2':
	default:
		return nil, fmt.Errorf("%w: channel %q", ErrMalformed, channel)
	}
	if len(bits) < 38 || len(bits) > maxPayloadBits {
		return nil, fmt.Errorf("%w: %d bits cannot be a message", ErrMalformed, len(bits))
	}
	armoured, fill := AppendArmoured(make([]byte, 0, (len(bits)+5)/6), bits)
	n := (len(armoured) + maxFragmentChars - 1) / maxFragmentChars
	if n > 9 {
		return nil, fmt.Errorf("%w: message needs %d sentences", ErrMalformed, n)
	}
	if n > 1 && (seqID < 0 || seqID > 9) {
		return nil, fmt.Errorf("%w: sequential message id %d", ErrMalformed, seqID)
	}
	out := make([]string, 0, n)
	line := make([]byte, 0, 96)
	for i := 0; i < n; i++ {
		chunk := armoured[i*maxFragmentChars : min((i+1)*maxFragmentChars, len(armoured))]
		f := 0
		if i == n-1 {
			f = fill
		}
		line = append(line[:0], '!')
		line = append(line, address...)
		line = append(line, ',', byte('0'+n), ',', byte('0'+i+1), ',')
		if n > 1 {
			line = append(line, byte('0'+seqID))
		}
		line = append(line, ',')
		if channel != 0 {
			line = append(line, channel)
		}
		line = append(line, ',')
		line = append(line, chunk...)
		line = append(line, ',', byte('0'+f))
		line = appendChecksum(line)
		out = append(out, string(line))
	}
	return out, nil
}

// sentenceAddress turns a talker into the sentence address ("AI" becomes
// "AIVDM").
func sentenceAddress(talker string) (string, error) {
	upper := func(s string) bool {
		for i := 0; i < len(s); i++ {
			if s[i] < 'A' || s[i] > 'Z' {
				return false
			}
		}
		return true
	}
	switch {
	case len(talker) == 2 && upper(talker):
		return talker + "VDM", nil
	case len(talker) == 5 && upper(talker) && (talker[2:] == "VDM" || talker[2:] == "VDO"):
		return talker, nil
	}
	return "", fmt.Errorf("%w: talker %q", ErrMalformed, talker)
}

// appendChecksum appends "*HH", the XOR of everything after the leading '!'.
func appendChecksum(line []byte) []byte {
	var sum byte
	for _, c := range line[1:] {
		sum ^= c
	}
	const hex = "0123456789ABCDEF"
	return append(line, '*', hex[sum>>4], hex[sum&15])
}

// InlandMessageBits builds a whole type 8 (broadcast) DAC 200 message with
// the given function identifier and application data, ready for EncodeBits.
func InlandMessageBits(mmsi uint32, fi int, app []byte) []byte {
	out := make([]byte, 0, 56+len(app)+7)
	out = appendUint(out, 8, 6)
	out = appendUint(out, 0, 2)
	out = appendUint(out, mmsi, 30)
	out = appendUint(out, 0, 2)
	out = appendUint(out, 200, 10)
	out = appendUint(out, uint32(fi), 6)
	out = append(out, app...)
	for len(out)%8 != 0 {
		out = append(out, 0)
	}
	return out
}
