package ais

import (
	"bufio"
	"errors"
	"math"
	"os"
	"strings"
	"testing"

	goais "github.com/BertoldVdb/go-ais"

	"github.com/riverwatch/riverwatch/ais/aistest"
)

// decodeCase is one payload with what Decode must make of it. Expected
// values come from gpsd's decodes of the same payloads in the shared corpus.
type decodeCase struct {
	name    string
	payload string
	fill    int
	err     error // nil: must decode
	check   func(t *testing.T, m *Message)
}

func decodeCases() []decodeCase {
	return []decodeCase{
		{name: "type 1 (sample.aivdm)", payload: "15RTgt0PAso;90TKcjM8h6g208CQ", check: func(t *testing.T, m *Message) {
			want(t, m.Type == 1 && m.MMSI == 371798000 && m.Class == ClassA, "header %d %d %v", m.Type, m.MMSI, m.Class)
			p := m.Position
			want(t, p != nil && p.PosValid && near(p.Lat, 48.3816333) && near(p.Lon, -123.3953833), "position %+v", p)
			want(t, p.SOGValid && near(p.SOG, 12.3) && p.COGValid && near(p.COG, 224), "motion %+v", p)
			want(t, p.HeadingValid && p.Heading == 215 && p.Second == 33 && p.ROT == -127 && p.Accuracy, "fields %+v", p)
		}},
		{name: "type 1 not available", payload: "16SteH0P00Jt63hHaa6SagvJ087r", check: func(t *testing.T, m *Message) {
			p := m.Position
			want(t, p.SOGValid && p.SOG == 0 && !p.HeadingValid && p.ROT == -128, "%+v", p)
		}},
		// Regression: type 9 speed is in whole knots; it was divided by 10
		// (gpsd's sample.aivdm line 488: speed 42).
		{name: "type 9 SAR aircraft", payload: "91b55wi;hbOS@OdQAC062Ch2089h", check: func(t *testing.T, m *Message) {
			p := m.Position
			want(t, m.Type == 9 && m.MMSI == 111232511 && m.Class == ClassSARAircraft, "header %d %d", m.Type, m.MMSI)
			want(t, p != nil && p.SOGValid && p.SOG == 42 && near(p.COG, 154.5) && near(p.Lat, 58.144), "position %+v", p)
		}},
		{name: "type 5 two fragments", payload: "55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp888888888880", fill: 2,
			check: func(t *testing.T, m *Message) {
				s := m.Static
				want(t, s != nil && s.Part == 0 && s.Name != "" && !strings.ContainsAny(s.Name, "@") && len(s.Name) <= 20, "static %+v", s)
				want(t, m.Class == ClassA && m.Position == nil, "class %v", m.Class)
			}},
		{name: "type 5 of 420 bits padded", payload: "55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp88888888888", fill: 0,
			check: func(t *testing.T, m *Message) { want(t, m.Static != nil, "no static") }},
		{name: "type 8 DAC 200 FI 10", payload: "83aDChPj2d<dL<uM=hhhI?a@6HP0", check: func(t *testing.T, m *Message) {
			v := m.Inland
			want(t, m.Binary != nil && m.Binary.DAC == 200 && m.Binary.FI == 10 && len(m.Binary.Bits) == 112, "binary %+v", m.Binary)
			want(t, v != nil && v.ENI == "02103547" && near(v.Length, 39) && near(v.Beam, 5) && v.ERIType == 8010, "inland %+v", v)
			want(t, v.HazardousCones == 0 && near(v.Draught, 2.04) && v.Loaded == 1, "inland %+v", v)
		}},
		{name: "type 6 DAC 200 FI 55", payload: "63aGD6@0RW?8<SL4000000000000", check: func(t *testing.T, m *Message) {
			want(t, m.Persons != nil && *m.Persons == PersonsOnBoard{Crew: 4}, "persons %+v", m.Persons)
			want(t, m.Binary.Dest == 2268402, "dest %d", m.Binary.Dest)
		}},
		{name: "type 6 FI 55 not available", payload: "640UrH@0RW?<<SOwwwwp00000000", check: func(t *testing.T, m *Message) {
			want(t, m.Persons != nil && *m.Persons == PersonsOnBoard{-1, -1, -1}, "persons %+v", m.Persons)
		}},
		{name: "type 18", payload: "B3KLehP0B@LTN6`Vl;rrBE063P06", check: func(t *testing.T, m *Message) {
			p := m.Position
			want(t, m.Class == ClassB && near(p.SOG, 7.3) && near(p.COG, 298) && p.Heading == 298, "%+v", p)
			want(t, near(p.Lon, 14978829/600000.0) && near(p.Lat, 36098238/600000.0), "%+v", p)
		}},
		{name: "type 24 A of 162 bits", payload: "H3KLehQ=DtddT00000000000000", check: func(t *testing.T, m *Message) {
			want(t, m.Static != nil && m.Static.Part == 'A' && m.Static.Name != "", "static %+v", m.Static)
		}},
		{name: "type 24 B of 174 bits", payload: "H3KLehdt00000000?6ekkjm000000", check: func(t *testing.T, m *Message) {
			want(t, m.Static != nil && m.Static.Part == 'B', "static %+v", m.Static)
		}},
		{name: "type 27", payload: "K3KLehP0rPTJ10Qr", check: func(t *testing.T, m *Message) {
			p := m.Position
			want(t, p.LongRange && near(p.Lon, 14978/600.0) && near(p.Lat, 36098/600.0), "%+v", p)
			want(t, p.SOGValid && p.SOG == 1 && p.COGValid && p.COG == 30 && !p.HeadingValid, "%+v", p)
		}},
		{name: "bad character", payload: "15RTgt0PAso;90TK!jM8h6g208CQ", err: ErrMalformed},
		{name: "shorter than a header", payload: "15RTgt", err: ErrMalformed},
		{name: "fill bits out of range", payload: "15RTgt0PAso;90TKcjM8h6g208CQ", fill: 6, err: ErrMalformed},
		{name: "type 1 too short", payload: "15RTgt0PAso;90TKcjM8h6g", err: ErrMalformed},
		{name: "type 0", payload: "05RTgt0PAso;90TKcjM8h6g208CQ", err: ErrUnsupported},
		{name: "type 60", payload: "t5RTgt0PAso;90TKcjM8h6g208CQ", err: ErrUnsupported},
	}
}

func want(t *testing.T, ok bool, format string, args ...any) {
	t.Helper()
	if !ok {
		t.Errorf(format, args...)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

func TestDecode(t *testing.T) {
	d := NewDecoder()
	for _, c := range decodeCases() {
		t.Run(c.name, func(t *testing.T) {
			var m Message
			err := d.Decode([]byte(c.payload), c.fill, &m)
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("err = %v, want %v", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if m.Packet() == nil {
				t.Fatal("no packet")
			}
			if c.check != nil {
				c.check(t, &m)
			}
		})
	}
}

// TestDecodeKeepsNoScratch checks that binary data survives the next
// Decode, which reuses the bit buffer.
func TestDecodeKeepsNoScratch(t *testing.T) {
	d := NewDecoder()
	var m1, m2 Message
	if err := d.Decode([]byte("83aDChPj2d<dL<uM=hhhI?a@6HP0"), 0, &m1); err != nil {
		t.Fatal(err)
	}
	before := string(m1.Binary.Bits)
	if err := d.Decode([]byte("63aGD6@0RW?8<SL4000000000000"), 0, &m2); err != nil {
		t.Fatal(err)
	}
	if string(m1.Binary.Bits) != before || string(m1.Packet().(goais.BinaryBroadcastMessage).BinaryData) != before {
		t.Fatal("binary data of an earlier message changed")
	}
}

func TestCleanText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"ABC@@@@", "ABC"},
		{"ABC  @DEF", "ABC"},
		{"AB\x01C", "AB?C"},
		{"VERY LONG NAME THAT GOES ON", "VERY LONG NAME THAT"},
		{"", ""},
	} {
		if got := CleanText(c.in, 20); got != c.want {
			t.Errorf("CleanText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := AtoNName("SAN PABLO BAY CHL 12", "ABC@@"); got != "SAN PABLO BAY CHL 12ABC" {
		t.Errorf("AtoNName = %q", got)
	}
	if got := AtoNName("SHORT@@@@@@@@@@@@@@@", "XYZ"); got != "SHORT" {
		t.Errorf("AtoNName = %q", got)
	}
}

func FuzzDecode(f *testing.F) {
	for _, c := range decodeCases() {
		f.Add(c.payload, c.fill)
	}
	d := NewDecoder()
	f.Fuzz(func(t *testing.T, payload string, fill int) {
		var m Message
		err := d.Decode([]byte(payload), fill, &m)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnsupported) {
				t.Fatalf("unexpected error class: %v", err)
			}
			return
		}
		if m.Packet() == nil {
			t.Fatal("decoded without a packet")
		}
		if s := m.Static; s != nil && (len(s.Name) > maxAtoNName || len(s.CallSign) > maxCallSign) {
			t.Fatalf("unbounded text %+v", s)
		}
		if diff := sameDecode(NewDecoder(), []byte(payload), fill); diff != "" {
			t.Fatalf("differs from go-ais: %s", diff)
		}
	})
}

// corpusPayloads reads the single- and multi-sentence payloads of the
// simpleais capture (a real San Francisco Bay mix of types).
func corpusPayloads(tb testing.TB) (payloads [][]byte, fills []int) {
	tb.Helper()
	f, err := os.Open(aistest.SharedFile(tb, "corpus/ais/simpleais/sample.ais"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var pending []byte
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Bytes()
		if i := strings.IndexByte(string(line), ' '); i >= 0 {
			line = line[i+1:]
		}
		s, err := ParseSentence(line)
		if err != nil {
			continue
		}
		if s.Number == 1 {
			pending = pending[:0]
		}
		pending = append(pending, s.Payload...)
		if s.Number == s.Count {
			payloads = append(payloads, append([]byte(nil), pending...))
			fills = append(fills, s.FillBits)
		}
	}
	return payloads, fills
}

func BenchmarkDecode(b *testing.B) {
	payloads, fills := corpusPayloads(b)
	d := NewDecoder()
	var m Message
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := i % len(payloads)
		_ = d.Decode(payloads[k], fills[k], &m)
	}
}
