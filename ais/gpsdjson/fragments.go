package gpsdjson

import "strconv"

// Coded members with their legends ("status" and "status_text", ...) and
// the scaled rate of turn take few values: each value's JSON is written
// once, by the general code, and copied from then on.
var (
	statusJSON   = fragments(16, func(dst []byte, v int) []byte { return appendStatusSlow(dst, uint8(v)) })
	epfdJSON     = fragments(16, func(dst []byte, v int) []byte { return appendEPFDSlow(dst, uint8(v)) })
	aidTypeJSON  = fragments(32, func(dst []byte, v int) []byte { return appendAidTypeSlow(dst, uint8(v)) })
	shipTypeJSON = fragments(256, func(dst []byte, v int) []byte { return appendShipTypeSlow(dst, uint8(v)) })
	// turnJSON is indexed by the raw rate of turn + 128.
	turnJSON = fragments(256, func(dst []byte, v int) []byte { return appendTurnSlow(dst, v-128) })
)

func fragments(n int, write func(dst []byte, v int) []byte) []string {
	t := make([]string, n)
	for v := range t {
		t[v] = string(write(nil, v))
	}
	return t
}

func appendStatus(dst []byte, v uint8) []byte {
	if int(v) < len(statusJSON) {
		return append(dst, statusJSON[v]...)
	}
	return appendStatusSlow(dst, v)
}

func appendStatusSlow(dst []byte, v uint8) []byte {
	dst = appendUint(dst, `,"status":`, uint64(v))
	return appendString(dst, `,"status_text":`, navStatusText[v&15])
}

func appendEPFD(dst []byte, v uint8) []byte {
	if int(v) < len(epfdJSON) {
		return append(dst, epfdJSON[v]...)
	}
	return appendEPFDSlow(dst, v)
}

func appendEPFDSlow(dst []byte, v uint8) []byte {
	dst = appendUint(dst, `,"epfd":`, uint64(v))
	return appendString(dst, `,"epfd_text":`, epfdLegend(int(v)))
}

func appendAidType(dst []byte, v uint8) []byte {
	if int(v) < len(aidTypeJSON) {
		return append(dst, aidTypeJSON[v]...)
	}
	return appendAidTypeSlow(dst, v)
}

func appendAidTypeSlow(dst []byte, v uint8) []byte {
	dst = appendUint(dst, `,"aid_type":`, uint64(v))
	return appendString(dst, `,"aid_type_text":`, navaidTypeText[v&31])
}

func appendShipType(dst []byte, v uint8) []byte { return append(dst, shipTypeJSON[v]...) }

func appendShipTypeSlow(dst []byte, v uint8) []byte {
	dst = appendUint(dst, `,"shiptype":`, uint64(v))
	return appendString(dst, `,"shiptype_text":`, shipTypeLegend(int(v)))
}

// appendTurn writes the scaled rate of turn: gpsd's "n/a", "fastleft",
// "fastright", or degrees per minute as a string with two decimals.
func appendTurn(dst []byte, turn int) []byte {
	if turn >= -128 && turn < 128 {
		return append(dst, turnJSON[turn+128]...)
	}
	return appendTurnSlow(dst, turn)
}

func appendTurnSlow(dst []byte, turn int) []byte {
	switch {
	case turn <= -128 || turn >= 128:
		return append(dst, `,"turn":"n/a"`...)
	case turn == -127:
		return append(dst, `,"turn":"fastleft"`...)
	case turn == 127:
		return append(dst, `,"turn":"fastright"`...)
	}
	rot := float64(turn) / 4.733
	rot *= rot
	if turn < 0 {
		rot = -rot
	}
	dst = append(dst, `,"turn":"`...)
	dst = strconv.AppendFloat(dst, rot, 'f', 2, 64)
	return append(dst, '"')
}
