package vessels

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// wireJSON is the reference for AppendJSON: what encoding/json writes for
// the vesselWire of v, the way MarshalJSON worked before it was written by
// hand. Inland's MarshalJSON is the hand-written one now too, so the record
// is marshalled without it and the reflection form of its inlandWire put
// where encoding/json puts the field: after heading and accuracy, before
// persons, flags and last_seen (a key with its raw quotes cannot occur
// inside an encoded string, so the first such key is the place).
func wireJSON(v Vessel) ([]byte, error) {
	w := vesselWire{plainVessel: plainVessel(v)}
	w.Inland = nil
	if v.IMO != 0 {
		w.IMO = &v.IMO
	}
	if v.ShipType != 0 {
		w.ShipType = &v.ShipType
	}
	if v.NavStatus != navStatusUndefined {
		w.NavStatus = &v.NavStatus
	}
	b, err := json.Marshal(w)
	if err != nil || v.Inland == nil {
		return b, err
	}
	in, err := inlandJSON(*v.Inland)
	if err != nil {
		return nil, err
	}
	at := len(b)
	for _, key := range []string{`,"persons":`, `,"flags":`, `,"last_seen":`} {
		if i := bytes.Index(b, []byte(key)); i >= 0 && i < at {
			at = i
		}
	}
	return slices.Insert(b, at, append([]byte(`,"inland":`), in...)...), nil
}

// inlandJSON is the reference for Inland's MarshalJSON: encoding/json's
// form of its inlandWire.
func inlandJSON(in Inland) ([]byte, error) {
	w := inlandWire{plainInland: plainInland(in)}
	if in.HazardousCones != hazardUnknown {
		w.HazardousCones = &in.HazardousCones
	}
	return json.Marshal(w)
}

// nasty is AIS text as anyone with a transmitter may send it.
var nasty = []string{
	"", "JI HANG 1", "BQ1234", `"quoted"`, `back\slash\`, "<script>alert(1)</script>",
	"A&B", "]]><!--", "\x00\x01\x1f\x7f", "\b\f\n\r\t\v", "吉林货 123", "\u2028\u2029",
	"\xff\xfe invalid", "truncated \xe5\x90", "😀", "@@@@@@@@@@@@@@@@@@@@", "\u00e9\u0301",
	"\ufffd", "\xed\xa0\x80", "x\u2027\u202a", `{"mmsi":1}`, `,"last_seen":`,
}

func randomText(rng *rand.Rand) string {
	switch rng.IntN(4) {
	case 0: // any bytes
		b := make([]byte, rng.IntN(24))
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		return string(b)
	case 1: // any runes
		var sb strings.Builder
		for range rng.IntN(12) {
			sb.WriteRune(rune(rng.IntN(0x30000)))
		}
		return sb.String()
	}
	return nasty[rng.IntN(len(nasty))]
}

// odd numbers: the exponent cutoffs of encoding/json, signed zero,
// extremes, and what AIS resolution gives.
var oddFloats = []float64{
	0, math.Copysign(0, -1), 1, -1, 0.1, 12.3, 511, 102.3, 360, 43.812345166666664, 126.55,
	1e-6, 9.999999e-7, 1e-7, -1e-7, 1.5e-10, 1e20, 999999999999999999999, 1e21, -1e21, 1.2345e25,
	math.MaxFloat64, math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64, 1 << 53, 123456789.125,
}

func randomFloat(rng *rand.Rand) float64 {
	switch r := rng.IntN(60); {
	case r == 0:
		return math.NaN()
	case r == 1:
		return math.Inf(1 - 2*rng.IntN(2))
	case r < 20:
		return oddFloats[rng.IntN(len(oddFloats))]
	case r < 30:
		if f := math.Float64frombits(rng.Uint64()); isFinite(f) {
			return f
		}
		return 0
	case r < 40:
		return float64(rng.IntN(3600)) / 10
	}
	return (rng.Float64() - 0.5) * math.Pow(10, float64(rng.IntN(12)-4))
}

var oddInts = []int64{0, 0, 5, 15, 15, -1, 1, 511, 8010, 9123456, math.MaxInt32, math.MinInt64, math.MaxInt64}

var zones = []*time.Location{
	time.UTC, time.FixedZone("CST", 8*3600), time.FixedZone("NPT", 5*3600+45*60),
	time.FixedZone("LMT", -(4*3600 + 56*60 + 2)), time.FixedZone("far", 24*3600), time.FixedZone("farwest", -25*3600),
}

func randomTime(rng *rand.Rand) time.Time {
	switch rng.IntN(8) {
	case 0:
		return time.Time{}
	case 1: // beyond what RFC 3339 can show: an error on both sides
		return time.Date(10000+rng.IntN(10), 1, 1, 0, 0, 0, 0, time.UTC)
	case 2:
		return time.Date(-rng.IntN(3), 12, 31, 23, 59, 59, 999999999, time.UTC)
	case 3:
		return time.Now() // with a monotonic reading, which JSON ignores
	}
	t := time.Unix(rng.Int64N(1<<33), rng.Int64N(1e9)*int64(rng.IntN(2)))
	return t.In(zones[rng.IntN(len(zones))])
}

// fill sets every field of val at random, following the type, so that a
// field added to Vessel is covered without changing this test.
func fill(tb testing.TB, rng *rand.Rand, val reflect.Value) {
	tb.Helper()
	switch val.Kind() {
	case reflect.Struct:
		if val.Type() == reflect.TypeFor[time.Time]() {
			val.Set(reflect.ValueOf(randomTime(rng)))
			return
		}
		for i := range val.NumField() {
			fill(tb, rng, val.Field(i))
		}
	case reflect.Pointer:
		if rng.IntN(3) == 0 {
			val.SetZero()
			return
		}
		p := reflect.New(val.Type().Elem())
		fill(tb, rng, p.Elem())
		val.Set(p)
	case reflect.Slice:
		switch rng.IntN(3) {
		case 0:
			val.SetZero()
		case 1:
			val.Set(reflect.MakeSlice(val.Type(), 0, 1))
		default:
			s := reflect.MakeSlice(val.Type(), 1+rng.IntN(3), 3)
			for i := range s.Len() {
				fill(tb, rng, s.Index(i))
			}
			val.Set(s)
		}
	case reflect.String:
		val.SetString(randomText(rng))
	case reflect.Bool:
		val.SetBool(rng.IntN(2) == 0)
	case reflect.Int:
		if rng.IntN(2) == 0 {
			val.SetInt(oddInts[rng.IntN(len(oddInts))])
		} else {
			val.SetInt(rng.Int64N(2000) - 1000)
		}
	case reflect.Uint32:
		val.SetUint([]uint64{0, 0, 1, 9123456, 412000001, math.MaxUint32, uint64(rng.Uint32())}[rng.IntN(7)])
	case reflect.Float64:
		val.SetFloat(randomFloat(rng))
	default:
		tb.Fatalf("fill: no random %s for %s; teach fill and AppendJSON about it", val.Kind(), val.Type())
	}
}

func float(f float64) *float64 { return &f }
func num(n int) *int           { return &n }

// wireCases are named records for every null and escaping case; they
// seed FuzzVesselJSON too.
var wireCases = []struct {
	name string
	v    Vessel
}{
	{"zero", Vessel{}},
	{"class B not available", Vessel{MMSI: 413000001, Class: "B", NavStatus: navStatusUndefined, LastSeen: time.Unix(1751342400, 0).UTC()}},
	{"class A full", Vessel{
		MMSI: 412000001, Class: "A", Name: "JI HANG 1", CallSign: "BQ1234", IMO: 9123456, ShipType: 70,
		Destination: "JILIN", ETA: "07-01 12:00", Length: 85.5, Beam: 11.4, Draught: 2.5,
		Lat: float(43.812345166666664), Lon: float(126.55), SOG: float(6.2), COG: float(45.1), Heading: num(44),
		NavStatus: 0, Accuracy: true, Flags: []string{"position_jump"},
		LastSeen: time.Unix(1751342400, 123456789).UTC(), PositionAt: time.Unix(1751342400, 0).UTC(),
		StaticAt: time.Unix(1751342000, 0).In(time.FixedZone("CST", 8*3600)), Station: "jilin-1",
		PositionStation: "jilin-1", StaticStation: "dandong-2", LongRange: true, Stale: true,
	}},
	{"inland unknown hazard", Vessel{MMSI: 211000001, Inland: &Inland{HazardousCones: hazardUnknown}, NavStatus: navStatusUndefined}},
	{"inland full", Vessel{MMSI: 211000002, Inland: &Inland{ENI: "02345678", Length: 110, Beam: 11.45, ERIType: 8010,
		HazardousCones: 0, Draught: 2.8, Loaded: "loaded"}, InlandAt: time.Unix(1751342400, 0)}},
	{"persons partial", Vessel{MMSI: 211000003, Persons: &Persons{Crew: num(3)}}},
	{"persons none", Vessel{MMSI: 211000004, Persons: &Persons{}, Flags: []string{}}},
	{"zero position", Vessel{MMSI: 1, Lat: float(0), Lon: float(math.Copysign(0, -1)), SOG: float(0), COG: float(0), Heading: num(0)}},
	{"html text", Vessel{Name: "<script>alert(1)</script>", CallSign: "A&B", Destination: `"X" \ Y`, Station: "]]><!--"}},
	{"control text", Vessel{Name: "\x00\x01\x1f\x7f", CallSign: "\b\f\n\r\t\v", Flags: []string{"\u2028\u2029", "x"}}},
	{"unicode text", Vessel{Name: "吉林货 123", CallSign: "😀", Destination: "\u00e9\u0301", ETA: "\ufffd"}},
	{"invalid utf8", Vessel{Name: "\xff\xfe", CallSign: "\xe5\x90", Destination: "\xed\xa0\x80", StaticStation: "a\x80b"}},
	{"exponents", Vessel{Length: 1e-7, Beam: 1e21, Draught: 9.999999e-7, Lat: float(1e20), Lon: float(-1.5e-10),
		SOG: float(math.MaxFloat64), COG: float(math.SmallestNonzeroFloat64)}},
	{"negative codes", Vessel{ShipType: -1, NavStatus: -1, Heading: num(-1), Inland: &Inland{HazardousCones: -1, ERIType: -1}}},
	{"year 10000", Vessel{MMSI: 2, LastSeen: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}},
	{"static year -1", Vessel{MMSI: 3, StaticAt: time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)}},
	{"offset 24h", Vessel{MMSI: 4, PositionAt: time.Unix(0, 0).In(time.FixedZone("far", 24*3600))}},
	{"NaN lat", Vessel{MMSI: 5, Lat: float(math.NaN())}},
	{"infinite inland", Vessel{MMSI: 6, Inland: &Inland{Draught: math.Inf(-1)}}},
}

// checkWire holds AppendJSON and MarshalJSON, alone and inside the listing
// and the live event, to encoding/json's bytes for v.
func checkWire(t *testing.T, v Vessel) {
	t.Helper()
	want, wantErr := wireJSON(v)
	prefix := []byte(`{"count":1,"vessels":[`)
	got, err := v.AppendJSON(prefix[:len(prefix):len(prefix)])
	if wantErr != nil {
		if err == nil {
			t.Fatalf("%+v\nencoding/json: %v; AppendJSON no error: %s", v, wantErr, got)
		}
		if !bytes.Equal(got, prefix) {
			t.Errorf("AppendJSON failed but changed its buffer: %q", got)
		}
		if _, err := json.Marshal(v); err == nil {
			t.Errorf("json.Marshal no error for %+v", v)
		}
		return
	}
	if err != nil {
		t.Fatalf("%+v\nAppendJSON: %v; encoding/json wrote %s", v, err, want)
	}
	if !bytes.HasPrefix(got, prefix) || !bytes.Equal(got[len(prefix):], want) {
		t.Fatalf("%+v\nAppendJSON    %s\nencoding/json %s", v, got[len(prefix):], want)
	}
	m, err := json.Marshal(v)
	if err != nil || !bytes.Equal(m, want) {
		t.Fatalf("json.Marshal %s, %v\nwant          %s", m, err, want)
	}
	ev := Event{Type: EventUpdate, Vessel: v, At: time.Unix(1751342400, 0).UTC()}
	m, err = json.Marshal(ev)
	wantEv := `{"type":"update","vessel":` + string(want) + `,"at":"2025-07-01T04:00:00Z"}`
	if err != nil || string(m) != wantEv {
		t.Fatalf("event %s, %v\nwant  %s", m, err, wantEv)
	}
	if v.Inland != nil {
		got, err := json.Marshal(*v.Inland)
		want, _ := inlandJSON(*v.Inland)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("inland %s, %v\nwant   %s", got, err, want)
		}
	}
}

func TestAppendJSONCases(t *testing.T) {
	for _, tc := range wireCases {
		t.Run(tc.name, func(t *testing.T) { checkWire(t, tc.v) })
	}
}

// TestAppendJSONRandom compares AppendJSON with encoding/json on records
// whose every field is random, from a fixed seed.
func TestAppendJSONRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 4))
	n := 5000
	if testing.Short() {
		n = 500
	}
	for range n {
		var v Vessel
		fill(t, rng, reflect.ValueOf(&v).Elem())
		checkWire(t, v)
	}
}

// TestAppendJSONKeys: a record with every field set writes the key of
// every json tag of Vessel, Inland and Persons.
func TestAppendJSONKeys(t *testing.T) {
	v := wireCases[2].v
	v.Inland = wireCases[4].v.Inland
	v.InlandAt = v.LastSeen
	v.Persons = &Persons{Crew: num(1), Passengers: num(2), Personnel: num(3)}
	v.Lost = true
	b, err := v.AppendJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []reflect.Type{reflect.TypeFor[Vessel](), reflect.TypeFor[Inland](), reflect.TypeFor[Persons]()} {
		for f := range typ.Fields() {
			key, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !bytes.Contains(b, []byte(`"`+key+`":`)) {
				t.Errorf("%s.%s: no %q in %s", typ.Name(), f.Name, key, b)
			}
		}
	}
}

func FuzzVesselJSON(f *testing.F) {
	for _, tc := range wireCases {
		v := tc.v
		lat := math.Inf(1) // no position
		if v.Lat != nil {
			lat = *v.Lat
		}
		f.Add(v.Name, v.CallSign, v.Destination, v.Station, lat, v.Length, v.NavStatus, v.LastSeen.UnixNano())
	}
	f.Fuzz(func(t *testing.T, name, callsign, dest, station string, lat, length float64, nav int, seen int64) {
		v := Vessel{MMSI: 412000001, Name: name, CallSign: callsign, Destination: dest, Station: station,
			Length: length, NavStatus: nav, ShipType: nav, LastSeen: time.Unix(0, seen).UTC(),
			Inland: &Inland{ENI: name, Beam: length, HazardousCones: nav}, Flags: []string{callsign}}
		if !math.IsInf(lat, 1) {
			v.Lat = &lat
		}
		checkWire(t, v)
		if b, err := v.AppendJSON(nil); err == nil && !json.Valid(b) {
			t.Fatalf("not JSON: %q", b)
		}
	})
}

// TestAppendFloat holds appendFloat to encoding/json across magnitudes,
// tenths and not, around the bounds of its shortcut for tenths.
func TestAppendFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	fs := slices.Clone(oddFloats)
	for _, edge := range []float64{0.1, 1 << 49, 1 << 53} {
		fs = append(fs, edge, -edge, math.Nextafter(edge, 0), math.Nextafter(edge, math.Inf(1)))
	}
	for range 40000 {
		scale := math.Pow(10, float64(rng.IntN(18)))
		n := math.Round((rng.Float64() - 0.5) * scale)
		fs = append(fs, n/10, n/100, n/600000, n, math.Float64frombits(rng.Uint64()))
	}
	for _, f := range fs {
		if !isFinite(f) {
			continue
		}
		want, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendFloat(nil, f); !bytes.Equal(got, want) {
			t.Fatalf("%b: appendFloat %s, encoding/json %s", f, got, want)
		}
	}
}

// TestAppendTime holds appendTime to time.Time.MarshalJSON over the whole
// range of years it writes itself and beyond, in odd zones, with and
// without fractions of a second.
func TestAppendTime(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	lo, hi := time.Date(-2, 1, 1, 0, 0, 0, 0, time.UTC).Unix(), time.Date(10001, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	zones := append(slices.Clone(zones), time.FixedZone("short", -30), time.FixedZone("almost", 86399),
		time.FixedZone("almostwest", -86399), time.FixedZone("day", 86400), time.FixedZone("dayw", -86400), time.Local)
	var ts []time.Time
	for _, y := range []int{-1, 0, 1, 2, 1969, 1970, 2000, 2024, 2100, 9998, 9999, 10000} {
		for _, z := range zones {
			ts = append(ts, time.Date(y, 1, 1, 0, 0, 0, 0, z), time.Date(y, 12, 31, 23, 59, 59, 999999999, z),
				time.Date(y, 2, 28, 12, 0, 0, 1, z), time.Date(y, 3, 1, 0, 0, 0, 100, z))
		}
	}
	for range 100000 {
		ts = append(ts, time.Unix(lo+rng.Int64N(hi-lo), rng.Int64N(1e9)/[]int64{1, 1e3, 1e6, 1e9}[rng.IntN(4)]).In(zones[rng.IntN(len(zones))]))
	}
	for _, tm := range ts {
		want, wantErr := tm.MarshalJSON()
		got, err := appendTime([]byte("x"), tm)
		if (err != nil) != (wantErr != nil) || (err == nil && string(got) != "x"+string(want)) || (err != nil && string(got) != "x") {
			t.Fatalf("%v (%d): appendTime %s, %v; MarshalJSON %s, %v", tm, tm.Unix(), got, err, want, wantErr)
		}
	}
}
