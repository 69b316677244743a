package ais

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// nmeaSum appends the NMEA checksum to a sentence written without one:
// nmeaSum("!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0") → "...,0*23".
func nmeaSum(tb testing.TB, s string) string {
	tb.Helper()
	if len(s) < 2 {
		tb.Fatalf("nmeaSum(%q): too short", s)
	}
	var x byte
	for i := 1; i < len(s); i++ {
		x ^= s[i]
	}
	return fmt.Sprintf("%s*%02X", s, x)
}

// lowerNmeaSum is nmeaSum with the checksum in lower-case hex.
func lowerNmeaSum(tb testing.TB, s string) string {
	tb.Helper()
	full := nmeaSum(tb, s)
	return full[:len(s)] + strings.ToLower(full[len(s):])
}

// tagWrap returns a tag block with its checksum around body: "\body*hh\".
func tagWrap(tb testing.TB, body string) string {
	tb.Helper()
	var x byte
	for i := 0; i < len(body); i++ {
		x ^= body[i]
	}
	return fmt.Sprintf("\\%s*%02X\\", body, x)
}

// Real sentences from the gpsd corpus.
const (
	vdmType1  = "!AIVDM,1,1,,B,13nUgBWP01PkHvDU7<kC4wvJ2>`<,0*27"
	vdmType5a = "!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C"
	vdmType5b = "!AIVDM,2,2,1,A,88888888880,2*25"
	vdoOwn    = "!AIVDO,1,1,4,B,8>jR06@0Bk3:wOli;<`WPhh<1rqVBQf2V@Pdt0J82avIM2b<<Rv1t<ot=@1,2*54"
	vdmUSCG   = "!AIVDM,1,1,,B,:6TMCD1GOS60,0*5B"
)

type sentenceCase struct {
	name string
	line string
	err  error // sentinel, nil for success
	// checks on success
	talker  string
	count   int
	number  int
	seq     int
	channel byte
	payload string
	fill    int
	own     bool
	raw     string
	station string
	tagTime int64 // unix ms, 0 none
	recv    int64 // unix ms, 0 none
}

func sentenceCases(tb testing.TB) []sentenceCase {
	tb.Helper()
	long := "!AIVDM,1,1,,A," + strings.Repeat("0", MaxLineLength) + ",0*00"
	cases := []sentenceCase{
		{name: "vdmType1", line: vdmType1, talker: "AI", count: 1, number: 1, seq: -1, channel: 'B',
			payload: "13nUgBWP01PkHvDU7<kC4wvJ2>`<", raw: vdmType1},
		{name: "fragment 1 of 2", line: vdmType5a, talker: "AI", count: 2, number: 1, seq: 1, channel: 'A',
			payload: "55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8", raw: vdmType5a},
		{name: "fragment 2 of 2", line: vdmType5b, talker: "AI", count: 2, number: 2, seq: 1, channel: 'A',
			payload: "88888888880", fill: 2, raw: vdmType5b},
		{name: "VDO", line: vdoOwn, talker: "AI", count: 1, number: 1, seq: 4, channel: 'B', own: true, fill: 2,
			payload: "8>jR06@0Bk3:wOli;<`WPhh<1rqVBQf2V@Pdt0J82avIM2b<<Rv1t<ot=@1", raw: vdoOwn},
		{name: "USCG trailing fields", line: vdmUSCG + ",s36310,d-081,T59.01777335", talker: "AI", count: 1, number: 1,
			seq: -1, channel: 'B', payload: ":6TMCD1GOS60", raw: vdmUSCG},
		{name: "AIS-catcher trailing time", line: vdmType1 + ",1700000000", talker: "AI", count: 1, number: 1,
			seq: -1, channel: 'B', payload: "13nUgBWP01PkHvDU7<kC4wvJ2>`<", raw: vdmType1},
		{name: "CRLF and blanks", line: "  " + vdmType1 + "\r\n", talker: "AI", count: 1, number: 1, seq: -1,
			channel: 'B', payload: "13nUgBWP01PkHvDU7<kC4wvJ2>`<", raw: vdmType1},
		{name: "lower-case checksum", line: lowerNmeaSum(tb, "!AIVDM,1,1,,A,15N2Wl?P02oRV=nCBrNn3gvJ2@7T,0"), talker: "AI",
			count: 1, number: 1, seq: -1, channel: 'A', payload: "15N2Wl?P02oRV=nCBrNn3gvJ2@7T",
			raw: "!AIVDM,1,1,,A,15N2Wl?P02oRV=nCBrNn3gvJ2@7T,0*1a"},
		{name: "simpleais timestamp", line: "1452468552.938 !AIVDM,1,1,,B,14Wtnn002SGLde:BbrBmdTLF0Vql,0*6E",
			talker: "AI", count: 1, number: 1, seq: -1, channel: 'B', payload: "14Wtnn002SGLde:BbrBmdTLF0Vql",
			raw: "!AIVDM,1,1,,B,14Wtnn002SGLde:BbrBmdTLF0Vql,0*6E", recv: 1452468552938},
		{name: "RFC 3339 timestamp", line: "2023-05-01T10:00:00.5Z\t" + vdmType1, talker: "AI", count: 1, number: 1,
			seq: -1, channel: 'B', payload: "13nUgBWP01PkHvDU7<kC4wvJ2>`<", raw: vdmType1, recv: 1682935200500},
		{name: "tag block", line: tagWrap(tb, "s:songhua-1,c:1700000000") + vdmType1, talker: "AI", count: 1, number: 1,
			seq: -1, channel: 'B', payload: "13nUgBWP01PkHvDU7<kC4wvJ2>`<", raw: vdmType1, station: "songhua-1",
			tagTime: 1700000000000},
		{name: "tag block ms", line: tagWrap(tb, "c:1700000000123,s:nen") + vdmType1, talker: "AI", count: 1, number: 1,
			seq: -1, channel: 'B', payload: "13nUgBWP01PkHvDU7<kC4wvJ2>`<", raw: vdmType1, station: "nen",
			tagTime: 1700000000123},
		{name: "timestamp and tag block", line: "1452468552 " + tagWrap(tb, "s:yalu") + vdmType1, talker: "AI", count: 1,
			number: 1, seq: -1, channel: 'B', payload: "13nUgBWP01PkHvDU7<kC4wvJ2>`<", raw: vdmType1, station: "yalu",
			recv: 1452468552000},
		{name: "dollar start", line: nmeaSum(tb, "$AIVDM,1,1,,2,13nUgBWP01PkHvDU7<kC4wvJ2>`<,0"), talker: "AI", count: 1,
			number: 1, seq: -1, channel: '2', payload: "13nUgBWP01PkHvDU7<kC4wvJ2>`<",
			raw: nmeaSum(tb, "$AIVDM,1,1,,2,13nUgBWP01PkHvDU7<kC4wvJ2>`<,0")},
		{name: "no channel", line: nmeaSum(tb, "!AIVDM,1,1,,,13nUgBWP01PkHvDU7<kC4wvJ2>`<,0"), talker: "AI", count: 1,
			number: 1, seq: -1, payload: "13nUgBWP01PkHvDU7<kC4wvJ2>`<",
			raw: nmeaSum(tb, "!AIVDM,1,1,,,13nUgBWP01PkHvDU7<kC4wvJ2>`<,0")},

		{name: "blank", line: "   \r", err: ErrNoSentence},
		{name: "comment", line: "# !AIVDM,1,1,,A,13aIkM@P00PJ@qPNL=e@0?wJ28JO,0*66", err: ErrNoSentence},
		{name: "bad checksum", line: "!AIVDM,1,1,,B,13nUgBWP01PkHvDU7<kC4wvJ2>`<,0*28", err: ErrChecksum},
		{name: "bad tag block checksum", line: `\s:x,c:1700000000*00\` + vdmType1, err: ErrChecksum},
		{name: "truncated", line: "!AIVDM,1,1,,B,13nUgBWP01Pk", err: ErrMalformed},
		{name: "truncated checksum", line: "!AIVDM,1,1,,B,13nUgBWP01PkHvDU7<kC4wvJ2>`<,0*2", err: ErrMalformed},
		{name: "oversized", line: long, err: ErrTooLong},
		{name: "binary garbage", line: "\x00\xff\x13!AIVDM\x01\x02*\x80", err: ErrMalformed},
		{name: "binary in sentence", line: nmeaSum(tb, "!AIVDM,1,1,,B,13nU\x01gBWP,0"), err: ErrMalformed},
		{name: "escaped CRLF after checksum", line: `!AIVDM,2,2,8,B,00,4*19\x0d\x0a`, talker: "AI", count: 2, number: 2,
			seq: 8, channel: 'B', payload: "00", fill: 4, raw: "!AIVDM,2,2,8,B,00,4*19"},
		{name: "missing start delimiter", line: "AIVDM,2,2,1,B,00000000000,2*26", err: ErrMalformed},
		{name: "GPGGA", line: "$GPGGA,092750.000,5321.6802,N,00630.3372,W,1,8,1.03,61.7,M,55.2,M,,*76", err: ErrUnsupported},
		{name: "proprietary", line: nmeaSum(tb, "$PGRMT,GPS 15x-W software ver. 4.20,,,,,,,,"), err: ErrUnsupported},
		{name: "count 0", line: nmeaSum(tb, "!AIVDM,0,1,,A,13nUgBWP,0"), err: ErrMalformed},
		{name: "number above count", line: nmeaSum(tb, "!AIVDM,2,3,1,A,13nUgBWP,0"), err: ErrMalformed},
		{name: "two-digit seq", line: nmeaSum(tb, "!AIVDM,2,1,12,A,13nUgBWP,0"), err: ErrMalformed},
		{name: "bad channel", line: nmeaSum(tb, "!AIVDM,1,1,,C,13nUgBWP,0"), err: ErrMalformed},
		{name: "bad payload char", line: nmeaSum(tb, "!AIVDM,1,1,,A,13nU|BWP,0"), err: ErrMalformed},
		{name: "empty payload", line: nmeaSum(tb, "!AIVDM,1,1,,A,,0"), err: ErrMalformed},
		{name: "fill 6", line: nmeaSum(tb, "!AIVDM,1,1,,A,13nUgBWP,6"), err: ErrMalformed},
		{name: "too few fields", line: nmeaSum(tb, "!AIVDM,1,1,,A,13nUgBWP"), err: ErrMalformed},
		{name: "too many fields", line: nmeaSum(tb, "!AIVDM,1,1,,A,13nUgBWP,0,0"), err: ErrMalformed},
		{name: "unterminated tag block", line: `\s:x*00!AIVDM`, err: ErrMalformed},
		{name: "tag block only", line: tagWrap(tb, "s:x"), err: ErrMalformed},
		{name: "timestamp only", line: "1452468552.938", err: ErrMalformed},
		{name: "bad timestamp", line: "1452x468552 " + vdmType1, err: ErrMalformed},
		{name: "junk after checksum", line: vdmType1 + "x", err: ErrMalformed},
	}
	for _, talker := range []string{"AB", "AD", "AI", "AN", "AR", "AS", "AT", "AX", "BS", "SA", "WS", "RA"} {
		for _, f := range []string{"VDM", "VDO"} {
			raw := nmeaSum(tb, "!"+talker+f+",1,1,,A,15N2Wl?P02oRV=nCBrNn3gvJ2@7T,0")
			cases = append(cases, sentenceCase{name: "talker " + talker + f, line: raw, talker: talker,
				count: 1, number: 1, seq: -1, channel: 'A', payload: "15N2Wl?P02oRV=nCBrNn3gvJ2@7T",
				own: f == "VDO", raw: raw})
		}
	}
	return cases
}

func TestParseSentence(t *testing.T) {
	for _, tc := range sentenceCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseSentence([]byte(tc.line))
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			checkSentence(t, s, tc)
		})
	}
}

func checkSentence(t *testing.T, s Sentence, tc sentenceCase) {
	t.Helper()
	if got := string(s.Talker[:]); got != tc.talker {
		t.Errorf("talker %q, want %q", got, tc.talker)
	}
	if s.Count != tc.count || s.Number != tc.number || s.SeqID != tc.seq {
		t.Errorf("count/number/seq %d/%d/%d, want %d/%d/%d", s.Count, s.Number, s.SeqID, tc.count, tc.number, tc.seq)
	}
	if s.Channel != tc.channel {
		t.Errorf("channel %q, want %q", s.Channel, tc.channel)
	}
	if string(s.Payload) != tc.payload || s.FillBits != tc.fill {
		t.Errorf("payload %q,%d want %q,%d", s.Payload, s.FillBits, tc.payload, tc.fill)
	}
	if s.Own != tc.own {
		t.Errorf("own %v, want %v", s.Own, tc.own)
	}
	if string(s.Raw) != tc.raw {
		t.Errorf("raw %q, want %q", s.Raw, tc.raw)
	}
	if string(s.Tag.Source) != tc.station {
		t.Errorf("station %q, want %q", s.Tag.Source, tc.station)
	}
	if got := unixMsOrZero(s.Tag.Time); got != tc.tagTime {
		t.Errorf("tag time %d, want %d", got, tc.tagTime)
	}
	if got := unixMsOrZero(s.Received); got != tc.recv {
		t.Errorf("received %d, want %d", got, tc.recv)
	}
}

func unixMsOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func TestParseSentenceNoAllocs(t *testing.T) {
	line := []byte(tagWrap(t, "s:songhua-1,c:1700000000") + vdmType1 + ",s36310")
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := ParseSentence(line); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("ParseSentence allocates %v times per call", allocs)
	}
}

func FuzzParseSentence(f *testing.F) {
	for _, tc := range sentenceCases(f) {
		f.Add([]byte(tc.line))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		s, err := ParseSentence(line)
		if err != nil {
			if errors.Is(err, ErrNoSentence) && len(bytes.TrimSpace(line)) > 0 && bytes.TrimSpace(line)[0] != '#' {
				t.Fatalf("ErrNoSentence for %q", line)
			}
			return
		}
		if s.Count < 1 || s.Count > 9 || s.Number < 1 || s.Number > s.Count {
			t.Fatalf("fragment %d of %d", s.Number, s.Count)
		}
		if s.FillBits < 0 || s.FillBits > 5 || len(s.Payload) == 0 {
			t.Fatalf("payload %q fill %d", s.Payload, s.FillBits)
		}
		for _, c := range s.Payload {
			if !isArmour(c) {
				t.Fatalf("payload character %q", c)
			}
		}
		if len(s.Raw) < 10 || (s.Raw[0] != '!' && s.Raw[0] != '$') || !bytes.Contains(line, s.Raw) ||
			!bytes.Contains(s.Raw, s.Payload) {
			t.Fatalf("raw %q of %q", s.Raw, line)
		}
		// Re-parsing the raw sentence alone gives the same fields.
		again, err := ParseSentence(s.Raw)
		if err != nil || again.Count != s.Count || !bytes.Equal(again.Payload, s.Payload) {
			t.Fatalf("raw %q does not re-parse: %v", s.Raw, err)
		}
	})
}
