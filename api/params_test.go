package api

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// paramCases are parser inputs with whether they must parse; they also seed
// the fuzzers.
var bboxCases = []struct {
	in string
	ok bool
}{
	{"124,40,131,46", true},
	{"-180,-90,180,90", true},
	{"126.5,43.9,126.5,43.9", true},
	{" 124 , 40 , 131 , 46 ", true},
	{"124,40,131", false},
	{"124,40,131,46,1", false},
	{"131,40,124,46", false},
	{"124,46,131,40", false},
	{"124,40,181,46", false},
	{"124,-91,131,46", false},
	{"NaN,40,131,46", false},
	{"Inf,40,131,46", false},
	{"1e400,40,131,46", false},
	{"0x7e,40,131,46", false},
	{"", false},
}

func TestParseBBox(t *testing.T) {
	for _, tc := range bboxCases {
		b, err := parseBBox(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("parseBBox(%q) = %v, %v; want ok=%v", tc.in, b, err, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrBadParam) {
			t.Errorf("parseBBox(%q) error %v is not ErrBadParam", tc.in, err)
		}
	}
}

func FuzzParseBBox(f *testing.F) {
	for _, tc := range bboxCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		b, err := parseBBox(in)
		if err != nil {
			if !errors.Is(err, ErrBadParam) || !strings.Contains(err.Error(), `"bbox"`) {
				t.Fatalf("error %v does not name bbox", err)
			}
			return
		}
		if b.West > b.East || b.South > b.North || b.West < -180 || b.East > 180 || b.South < -90 || b.North > 90 {
			t.Fatalf("accepted bad box %+v", b)
		}
	})
}

var shipTypeCases = []struct {
	in   string
	want []int
	ok   bool
}{
	{"70", []int{70}, true},
	{"70-72", []int{70, 71, 72}, true},
	{"30,52,60-62", []int{30, 52, 60, 61, 62}, true},
	{"60-62,61,60", []int{60, 61, 62}, true},
	{"0,255", []int{0, 255}, true},
	{"0-255", nil, true},
	{"72-70", nil, false},
	{"256", nil, false},
	{"-1", nil, false},
	{"+7", nil, false},
	{"70-", nil, false},
	{"70,,71", nil, false},
	{"cargo", nil, false},
	{strings.Repeat("1,", 33) + "1", nil, false},
}

func TestParseShipTypes(t *testing.T) {
	for _, tc := range shipTypeCases {
		got, err := parseShipTypes(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("parseShipTypes(%q) error %v, want ok=%v", tc.in, err, tc.ok)
			continue
		}
		if tc.want != nil && !equalInts(got, tc.want) {
			t.Errorf("parseShipTypes(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func FuzzParseShipTypes(f *testing.F) {
	for _, tc := range shipTypeCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := parseShipTypes(in)
		if err != nil {
			return
		}
		seen := map[int]bool{}
		for _, v := range got {
			if v < 0 || v > 255 || seen[v] {
				t.Fatalf("parseShipTypes(%q) = %v", in, got)
			}
			seen[v] = true
		}
	})
}

var mmsiCases = []struct {
	in   string
	want uint32
}{
	{"412000001", 412000001},
	{"1", 1},
	{"999999999", 999999999},
	{"000000001", 1},
	{"0", 0},
	{"", 0},
	{"1234567890", 0},
	{"-1", 0},
	{"+1", 0},
	{"4120000 1", 0},
	{"٤١٢", 0}, // Arabic-Indic digits are not digits here
}

func TestParseMMSI(t *testing.T) {
	for _, tc := range mmsiCases {
		got, err := parseMMSI(tc.in)
		if got != tc.want || (err == nil) != (tc.want != 0) {
			t.Errorf("parseMMSI(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
}

func FuzzParseMMSI(f *testing.F) {
	for _, tc := range mmsiCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := parseMMSI(in)
		if err == nil && (got < 1 || got > 999999999) {
			t.Fatalf("parseMMSI(%q) = %d", in, got)
		}
	})
}

var timeCases = []struct {
	in   string
	want time.Time
	ok   bool
}{
	{"1751342400", testNow, true},
	{"0", time.Unix(0, 0).UTC(), true},
	{"2025-07-01T12:00:00+08:00", testNow, true},
	{"2025-07-01T04:00:00.5Z", testNow.Add(500 * time.Millisecond), true},
	{"2025-07-01", time.Time{}, false},
	{"2025-07-01 04:00:00Z", time.Time{}, false},
	{"-1", time.Time{}, false},
	{"99999999999999999999", time.Time{}, false},
	{"253402300800", time.Time{}, false},
	{"now", time.Time{}, false},
	{"", time.Time{}, false},
}

func TestParseTime(t *testing.T) {
	for _, tc := range timeCases {
		got, err := parseTime("since", tc.in)
		if (err == nil) != tc.ok || (tc.ok && !got.Equal(tc.want)) {
			t.Errorf("parseTime(%q) = %v, %v; want %v ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func FuzzParseTime(f *testing.F) {
	for _, tc := range timeCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := parseTime("until", in)
		if err != nil {
			if !strings.Contains(err.Error(), `"until"`) {
				t.Fatalf("error %v does not name until", err)
			}
			return
		}
		// Whatever is accepted must come out again as JSON.
		if _, err := got.MarshalJSON(); err != nil {
			t.Fatalf("parseTime(%q) = %v, not encodable: %v", in, got, err)
		}
	})
}

func TestTileSource(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"", "", true},
		{"/tiles/{z}/{x}/{y}.png", "", true},
		{"https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org", true},
		{"https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", "https://*.tile.openstreetmap.org", true},
		{"https://webrd0{s}.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}", "https://*.is.autonavi.com", true},
		{"http://127.0.0.1:8081/{z}/{x}/{y}.png", "http://127.0.0.1:8081", true},
		{"HTTPS://Tiles.Example.ORG/{z}", "", false},
		{"https://Tiles.Example.ORG/{z}", "https://tiles.example.org", true},
		{"//tiles.example.org/{z}", "", false},
		{"ftp://tiles.example.org/{z}", "", false},
		{"https://{s}/{z}", "", false},
		{"https://user@tiles.example.org/{z}", "", false},
		{"https://tiles.example.org:99999/{z}", "", false},
		{"https://tiles.example.org;script-src/{z}", "", false},
		{"https://tiles..example.org/{z}", "", false},
	} {
		got, err := tileSource(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("tileSource(%q) = %q, %v; want %q ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}
