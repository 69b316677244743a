package gpsdjson

import (
	"encoding/json"
	"math/rand"
	"strconv"
	"strings"
	"testing"

	goais "github.com/BertoldVdb/go-ais"

	"github.com/riverwatch/riverwatch/ais"
	"github.com/riverwatch/riverwatch/ais/aistest"
)

// jsonCase is a payload with the gpsd JSON it must give (gpsd's own output
// for the same payload, from the shared corpus).
type jsonCase struct {
	name    string
	payload string
	fill    int
	scaled  bool
	want    string
}

func jsonCases() []jsonCase {
	return []jsonCase{
		{"type 1 scaled", "15RTgt0PAso;90TKcjM8h6g208CQ", 0, true,
			`{"class":"AIS","type":1,"repeat":0,"mmsi":371798000,"scaled":true,"status":0,"status_text":"Under way using engine","turn":"fastleft","speed":12.3,"accuracy":true,"lon":-123.3953833,"lat":48.3816333,"course":224.0,"heading":215,"second":33,"maneuver":0,"raim":false,"radio":34017}`},
		{"type 8 FI 10 unscaled", "83aIj>0j2d<tLL=MM1T0a?a@0000", 0, false,
			`{"class":"AIS","type":8,"repeat":0,"mmsi":244740664,"scaled":false,"dac":200,"fid":10,"vin":"03110554","length":800,"beam":82,"shiptype":8010,"shiptype_text":"Motor freighter","hazard":0,"hazard_text":"0 blue cones/lights","draught":0,"loaded":0,"loaded_text":"N/A (default)","speed_q":false,"course_q":false,"heading_q":false}`},
		{"type 6 FI 55 not available", "640UrH@0RW?<<SOwwwwp00000000", 0, false,
			`{"class":"AIS","type":6,"repeat":0,"mmsi":269056609,"scaled":false,"seqno":0,"dest_mmsi":2268403,"retransmit":false,"dac":200,"fid":55,"crew":255,"passengers":8191,"personnel":255}`},
		{"type 27 unscaled", "K3KLehP0rPTJ10Qr", 0, false,
			`{"class":"AIS","type":27,"repeat":0,"mmsi":230108610,"scaled":false,"status":0,"accuracy":false,"lon":14978,"lat":36098,"speed":1,"course":30,"raim":false,"gnss":true}`},
		{"type 6 unknown application", "6>jR0600V:C0>da4P106P00", 2, true, ""},
	}
}

func decodeForTest(tb testing.TB, payload string, fill int) *ais.Message {
	tb.Helper()
	var m ais.Message
	if err := ais.NewDecoder().Decode([]byte(payload), fill, &m); err != nil {
		tb.Fatalf("%s: %v", payload, err)
	}
	return &m
}

func TestAppend(t *testing.T) {
	for _, c := range jsonCases() {
		t.Run(c.name, func(t *testing.T) {
			got := Append(nil, decodeForTest(t, c.payload, c.fill), c.scaled)
			if !json.Valid(got) {
				t.Fatalf("invalid JSON %s", got)
			}
			if c.want != "" && string(got) != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

// TestAppendEscapes feeds hostile text through every string path.
func TestAppendEscapes(t *testing.T) {
	hostile := "</script><b>\"x\"\\\x01\u2028\xff&"
	m := &ais.Message{Type: 14, MMSI: 1}
	m.SetPacket(goais.SafetyBroadcastMessage{Header: goais.Header{MessageID: 14, UserID: 1}, Text: hostile})
	got := Append(nil, m, true)
	if !json.Valid(got) {
		t.Fatalf("invalid JSON %s", got)
	}
	if strings.ContainsAny(string(got), "<>\x01") || strings.Contains(string(got), "\u2028") {
		t.Fatalf("unescaped markup or control characters: %s", got)
	}
	var o map[string]any
	if err := json.Unmarshal(got, &o); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(o["text"].(string), "</script><b>\"x\"\\?") {
		t.Fatalf("text %q", o["text"])
	}
}

// TestEncoder checks that an Encoder writes what AppendDevice does, for
// every message of gpsd's sample, scaled and not, with a device name that
// needs escaping.
func TestEncoder(t *testing.T) {
	msgs := decodeFile(t, aistest.SharedFile(t, "corpus/ais/gpsd/sample.aivdm"))
	for _, scaled := range []bool{false, true} {
		for _, device := range []string{"", "stdin", `C:\logs\"ais"<1>.nmea`} {
			e := NewEncoder(device, scaled)
			for _, m := range msgs {
				if got, want := e.Append(nil, m), AppendDevice(nil, m, scaled, device); string(got) != string(want) {
					t.Fatalf("Encoder wrote\n%s\nAppendDevice\n%s", got, want)
				}
			}
		}
	}
}

func TestAppendNoAllocs(t *testing.T) {
	m := decodeForTest(t, "15RTgt0PAso;90TKcjM8h6g208CQ", 0)
	buf := make([]byte, 0, 1024)
	if n := testing.AllocsPerRun(100, func() { buf = Append(buf[:0], m, true) }); n != 0 {
		t.Fatalf("%v allocations per message", n)
	}
}

func FuzzAppend(f *testing.F) {
	for _, c := range jsonCases() {
		f.Add(c.payload, c.fill, c.scaled)
	}
	d := ais.NewDecoder()
	f.Fuzz(func(t *testing.T, payload string, fill int, scaled bool) {
		var m ais.Message
		if d.Decode([]byte(payload), fill, &m) != nil {
			return
		}
		if out := Append(nil, &m, scaled); !json.Valid(out) {
			t.Fatalf("invalid JSON %s", out)
		}
	})
}

// BenchmarkGpsdJSON writes every message of sample.aivdm and the inland
// capture, unscaled and scaled in turn.
func BenchmarkGpsdJSON(b *testing.B) {
	dir := aistest.SharedFile(b, "corpus/ais/gpsd")
	var msgs []*ais.Message
	for _, f := range []string{"sample.aivdm", "ais-nmea-type6-fid55.log", "ais-18-27.log"} {
		msgs = append(msgs, decodeFile(b, dir+"/"+f)...)
	}
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf = Append(buf[:0], msgs[i%len(msgs)], i&1 == 0)
	}
}

// TestAppendFixedMatchesFloat checks the integer formatter against
// strconv's correctly rounded float formatting (what printf does) over the
// whole range of each field.
func TestAppendFixedMatchesFloat(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for _, c := range []struct {
		den  int64
		dec  int
		span int64
	}{{600000, 7, 1 << 27}, {600, 4, 1 << 17}, {600, 6, 1 << 17}, {600, 1, 1 << 17}, {10, 1, 4096}} {
		for i := 0; i < 200000; i++ {
			num := rng.Int63n(2*c.span) - c.span
			got := string(appendFixed(nil, num, c.den, c.dec))
			want := strconv.FormatFloat(float64(num)/float64(c.den), 'f', c.dec, 64)
			if got != want {
				t.Fatalf("%d/%d %%.%df: got %s, want %s", num, c.den, c.dec, got, want)
			}
		}
	}
}

func TestAppendDecimal(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	for i := 0; i < 100000; i++ {
		v := uint64(i)
		if i > 20000 {
			v = rng.Uint64() >> uint(rng.Intn(64))
		}
		if got, want := string(appendDecimal(nil, v)), strconv.FormatUint(v, 10); got != want {
			t.Fatalf("appendDecimal(%d) = %s", v, got)
		}
		n := int64(v) * (1 - 2*int64(i&1))
		if got, want := string(appendInt(nil, "", n)), strconv.FormatInt(n, 10); got != want {
			t.Fatalf("appendInt(%d) = %s", n, got)
		}
	}
}

// TestFixedShortcuts holds the position and tenths writers to appendFixed.
func TestFixedShortcuts(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for i := 0; i < 200000; i++ {
		var num int64
		switch i % 4 {
		case 0:
			num = int64(i/4) - 25000
		case 1:
			num = rng.Int63n(1<<28) - 1<<27
		case 2:
			num = rng.Int63n(1<<12) - 1<<11
		default:
			num = rng.Int63() >> uint(rng.Intn(63)) * (1 - 2*rng.Int63n(2))
		}
		if got, want := string(appendMinutes7(nil, num)), string(appendFixed(nil, num, 600000, 7)); got != want {
			t.Fatalf("appendMinutes7(%d) = %s, want %s", num, got, want)
		}
		if got, want := string(appendTenth(nil, num)), string(appendFixed(nil, num, 10, 1)); got != want {
			t.Fatalf("appendTenth(%d) = %s, want %s", num, got, want)
		}
	}
}
