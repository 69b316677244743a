package gpsdjson

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/riverwatch/riverwatch/ais"
	"github.com/riverwatch/riverwatch/ais/aistest"
)

// decodeFile runs a capture through the real pipeline (framing, reassembly,
// decoding) and returns every message it passes on, in order.
func decodeFile(tb testing.TB, path string) []*ais.Message {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var out []*ais.Message
	p := ais.NewPipeline(ais.PipelineConfig{DedupWindow: 0, OnMessage: func(m *ais.Message) { out = append(out, m.Clone()) }})
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		p.Feed(ais.Line{Source: "test", Data: sc.Bytes()})
	}
	return out
}

// expectedObjects reads the AIS JSON objects of a .chk file; daemon-format
// files interleave them with the echoed input, which is skipped.
func expectedObjects(tb testing.TB, path string) []map[string]any {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var out []map[string]any
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var o map[string]any
		if err := json.Unmarshal([]byte(line), &o); err != nil {
			tb.Fatalf("%s: %v in %s", path, err, line)
		}
		if o["class"] == "AIS" {
			out = append(out, o)
		}
	}
	return out
}

// allowance is one known, explained difference from gpsd's output.
type allowance struct {
	file  string // capture it applies to; "" = all
	typ   int
	dac   int    // types 6/8: application it applies to; 0 = any
	fid   int    //
	mmsi  uint32 // 0 = any
	kind  string // "extra" (we decode, gpsd printed nothing), "missing", "field", "split" (one gpsd object is several of ours)
	field string // kind "field": the key, or "*" for every non-header key
	why   string
}

var allowances = []allowance{
	{typ: 24, kind: "split", why: "gpsd holds a type 24 part A and prints one merged object (no \"part\") when " +
		"part B of the same MMSI arrives; riverwatch prints each part as it is decoded, like AIS-catcher and " +
		"libais, so where gpsd prints one object we print two (\"part\":\"A\" and \"part\":\"B\"). Checked: " +
		"every field gpsd prints for the merged object equals the same field of our part A or part B for that " +
		"MMSI, and our parts print no field but \"part\" that gpsd's object lacks"},
	{typ: 24, kind: "extra", why: "a type 24 part gpsd never prints: a part A that no part B followed, a lone or " +
		"repeated part B, or a part of non-standard length (162/174 bits in ais-18-27.log); gpsd prints " +
		"nothing for these, riverwatch prints each part it decodes"},
	{typ: 7, kind: "field", field: "mmsi3", why: "type 7 of 124/128 bits (not 72+32n): gpsd reads a third MMSI " +
		"from the incomplete last entry, go-ais drops an entry shorter than 32 bits"},
	{file: "sample.aivdm", typ: 1, mmsi: 244740981, kind: "field", field: "radio", why: "type 1 of 163 bits: gpsd " +
		"reads the 14 radio bits present as a number, the decoder pads the missing 5 bits with zeros first"},
	{typ: 26, kind: "field", field: "radio", why: "gpsd prints type 26 \"radio\" but driver_ais.c never sets it " +
		"(always 0); we print the real ITDMA/SOTDMA state"},
	{typ: 6, dac: 1, fid: 12, kind: "field", field: "*", why: gpsdStructured},
	{typ: 6, dac: 1, fid: 14, kind: "field", field: "*", why: gpsdStructured},
	{typ: 6, dac: 1, fid: 18, kind: "field", field: "*", why: gpsdStructured},
	{typ: 6, dac: 1, fid: 30, kind: "field", field: "*", why: gpsdStructured},
	{typ: 6, dac: 1, fid: 32, kind: "field", field: "*", why: gpsdStructured},
	{typ: 6, dac: 235, fid: 10, kind: "field", field: "*", why: gpsdStructured},
	{typ: 8, dac: 1, fid: 11, kind: "field", field: "*", why: gpsdStructured},
	{typ: 8, dac: 1, fid: 31, kind: "field", field: "*", why: gpsdStructured},
}

const gpsdStructured = "gpsd decodes this IMO236/IMO289/GLA application into named fields; riverwatch " +
	"decodes only Inland AIS DAC 200 FI 10/55 and prints every other application as \"data\""

// headerKeys are the keys every object of a type shares; a "*" allowance
// never covers them.
var headerKeys = map[string]bool{"class": true, "type": true, "repeat": true, "mmsi": true, "scaled": true,
	"dac": true, "fid": true, "seqno": true, "dest_mmsi": true, "retransmit": true}

func (a *allowance) match(file, kind string, o map[string]any, field string) bool {
	if (a.file != "" && a.file != file) || a.kind != kind || num(o["type"]) != float64(a.typ) {
		return false
	}
	if a.mmsi != 0 && num(o["mmsi"]) != float64(a.mmsi) {
		return false
	}
	if a.dac != 0 && (num(o["dac"]) != float64(a.dac) || num(o["fid"]) != float64(a.fid)) {
		return false
	}
	return kind != "field" || a.field == field || (a.field == "*" && !headerKeys[field])
}

func num(v any) float64 {
	f, ok := v.(float64)
	if !ok {
		return math.NaN()
	}
	return f
}

// objects prints our messages, one JSON object each, as `riverwatch
// decode` does: nothing is merged or held back.
func objects(tb testing.TB, msgs []*ais.Message, scaled bool) []map[string]any {
	tb.Helper()
	out := make([]map[string]any, 0, len(msgs))
	for _, m := range msgs {
		b := Append(nil, m, scaled)
		var o map[string]any
		if err := json.Unmarshal(b, &o); err != nil {
			tb.Fatalf("invalid JSON %s: %v", b, err)
		}
		out = append(out, o)
	}
	return out
}

// mergedType24 reports whether w is gpsd's merged type 24 object: gpsd
// prints no "part" for it.
func mergedType24(w map[string]any) bool {
	_, hasPart := w["part"]
	return num(w["type"]) == 24 && !hasPart
}

// sameObject reports whether ours is the object gpsd's w stands for: same
// type and MMSI, and for a type 24 part the same part.
func sameObject(ours, w map[string]any) bool {
	return num(ours["type"]) == num(w["type"]) && num(ours["mmsi"]) == num(w["mmsi"]) &&
		(num(w["type"]) != 24 || ours["part"] == w["part"])
}

// type24Parts finds, for gpsd's merged type 24 object w, our part B of the
// same MMSI at or after from (within the look-ahead) and the last unmatched
// part A of that MMSI anywhere before it (gpsd holds a part A for as long as
// it takes part B to come: 277 messages in ais-nmea-type6-fid55.log); -1
// where there is none.
func type24Parts(got []map[string]any, done []bool, from int, w map[string]any) (a, b int) {
	a, b = -1, -1
	for j := from; j < len(got) && j < from+lookAhead; j++ {
		if !done[j] && sameObject(got[j], map[string]any{"type": 24.0, "mmsi": w["mmsi"], "part": "B"}) {
			b = j
			break
		}
	}
	if b < 0 {
		return -1, -1
	}
	for j := b - 1; j >= 0; j-- {
		if !done[j] && sameObject(got[j], map[string]any{"type": 24.0, "mmsi": w["mmsi"], "part": "A"}) {
			return j, b
		}
	}
	return -1, b
}

// lookAhead is how many of our objects past the last match are searched for
// the one gpsd printed next.
const lookAhead = 50

func TestCorpusConformance(t *testing.T) {
	dir := aistest.SharedFile(t, "corpus/ais/gpsd")
	used := make([]int, len(allowances))
	for _, c := range []struct {
		in, chk string
		scaled  bool
	}{
		{"sample.aivdm", "sample.aivdm.js.chk", true},
		{"ais-nmea-type6-fid55.log", "ais-nmea-type6-fid55.log.chk", false},
		{"ais-18-27.log", "ais-18-27.log.chk", false},
	} {
		t.Run(c.in, func(t *testing.T) {
			got := objects(t, decodeFile(t, filepath.Join(dir, c.in)), c.scaled)
			want := expectedObjects(t, filepath.Join(dir, c.chk))
			allow := func(kind string, o map[string]any, field string) bool {
				for i := range allowances {
					if allowances[i].match(c.in, kind, o, field) {
						used[i]++
						return true
					}
				}
				return false
			}
			done := make([]bool, len(got)) // matched to a gpsd object
			compared := map[int]int{}
			merged := 0
			gi := 0
			for _, w := range want {
				if mergedType24(w) {
					pa, pb := type24Parts(got, done, gi, w)
					if pb < 0 || pa < 0 {
						if !allow("missing", w, "") {
							t.Errorf("gpsd printed a merged type 24, we have no part A and part B for it: %v", w)
						}
						continue
					}
					done[pa], done[pb] = true, true
					gi = pb + 1
					merged++
					if !allow("split", w, "") {
						t.Errorf("mmsi %v: gpsd printed one merged type 24 object, we printed part A and part B: %v; %v; %v",
							w["mmsi"], w, got[pa], got[pb])
						continue
					}
					for _, k := range splitDiff(got[pa], got[pb], w) {
						t.Errorf("type 24 mmsi %v %q: our part A %v, part B %v, gpsd merged %v", w["mmsi"], k, got[pa][k], got[pb][k], w[k])
					}
					continue
				}
				// Messages come out in input order; look a little ahead for
				// the next object of the same type and MMSI.
				j := gi
				for ; j < len(got) && j < gi+lookAhead; j++ {
					if !done[j] && sameObject(got[j], w) {
						break
					}
				}
				if j == len(got) || j == gi+lookAhead {
					if !allow("missing", w, "") {
						t.Errorf("gpsd printed, we did not: %v", w)
					}
					continue
				}
				done[j] = true
				gi = j + 1
				compared[int(num(w["type"]))]++
				for _, k := range diffKeys(got[j], w) {
					if !allow("field", w, k) {
						t.Errorf("type %v mmsi %v %q: got %v, gpsd %v", w["type"], w["mmsi"], k, got[j][k], w[k])
					}
				}
			}
			extra := 0
			for i, o := range got {
				if done[i] {
					continue
				}
				extra++
				if !allow("extra", o, "") {
					t.Errorf("we printed, gpsd did not: %v", o)
				}
			}
			types := make([]int, 0, len(compared))
			for ty := range compared {
				types = append(types, ty)
			}
			sort.Ints(types)
			var sb strings.Builder
			for _, ty := range types {
				fmt.Fprintf(&sb, " %d:%d", ty, compared[ty])
			}
			t.Logf("%s: %d gpsd objects, %d ours; compared by type:%s; %d merged type 24 checked against our parts A+B; %d of ours gpsd does not print",
				c.in, len(want), len(got), sb.String(), merged, extra)
		})
	}
	for i, a := range allowances {
		t.Logf("allowed %d× %s: type %d dac %d fid %d mmsi %d field %q file %q: %s",
			used[i], a.kind, a.typ, a.dac, a.fid, a.mmsi, a.field, a.file, a.why)
	}
}

// splitDiff lists the keys where gpsd's merged type 24 object w and our
// parts a and b disagree: a key of w that neither part prints with the same
// value, or a key of a part (other than "part") that w lacks.
func splitDiff(a, b, w map[string]any) []string {
	var keys []string
	for k, v := range w {
		if k == "device" {
			continue
		}
		if (!hasKey(a, k) || !sameValue(a[k], v)) && (!hasKey(b, k) || !sameValue(b[k], v)) {
			keys = append(keys, k)
		}
	}
	for _, part := range []map[string]any{a, b} {
		for k := range part {
			if k != "part" && k != "device" && !hasKey(w, k) && !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	return keys
}

func hasKey(m map[string]any, k string) bool {
	_, ok := m[k]
	return ok
}

// sameValue compares two JSON values; numbers match within 1e-6.
func sameValue(a, b any) bool {
	if fa, ok := a.(float64); ok {
		if fb, ok := b.(float64); ok && math.Abs(fa-fb) <= 1e-6 {
			return true
		}
	}
	return fmt.Sprintf("%#v", a) == fmt.Sprintf("%#v", b)
}

// diffKeys lists the keys whose values differ between our object and
// gpsd's ("device" aside). Numbers match within 1e-6: gpsd prints scaled
// values with fixed decimals, and so do we.
func diffKeys(got, want map[string]any) []string {
	var keys []string
	seen := map[string]bool{"device": true}
	for _, m := range []map[string]any{want, got} {
		for k := range m {
			if seen[k] {
				continue
			}
			seen[k] = true
			if !sameValue(got[k], want[k]) {
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	return keys
}

// TestSplitDiff checks the type 24 comparison itself catches a wrong or
// missing field, so the "split" allowance cannot hide a real difference.
func TestSplitDiff(t *testing.T) {
	a := map[string]any{"class": "AIS", "type": 24.0, "mmsi": 1.0, "part": "A", "shipname": "MANI"}
	b := map[string]any{"class": "AIS", "type": 24.0, "mmsi": 1.0, "part": "B", "shiptype": 36.0, "callsign": "SD8002"}
	merged := map[string]any{"class": "AIS", "device": "stdin", "type": 24.0, "mmsi": 1.0, "shipname": "MANI", "shiptype": 36.0, "callsign": "SD8002"}
	with := func(m map[string]any, k string, v any) map[string]any {
		c := maps.Clone(m)
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	tests := []struct {
		name    string
		a, b, w map[string]any
		want    []string
	}{
		{"equal", a, b, merged, nil},
		{"name differs", with(a, "shipname", "MANY"), b, merged, []string{"shipname"}},
		{"part B field differs", a, with(b, "shiptype", 37.0), merged, []string{"shiptype"}},
		{"gpsd field we lack", a, b, with(merged, "to_bow", 8.0), []string{"to_bow"}},
		{"our field gpsd lacks", a, with(b, "mothership_mmsi", 2.0), merged, []string{"mothership_mmsi"}},
		{"field from either part", with(a, "shipname", nil), with(b, "shipname", "MANI"), merged, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := splitDiff(tt.a, tt.b, tt.w); !slices.Equal(got, tt.want) {
				t.Errorf("splitDiff = %q, want %q", got, tt.want)
			}
		})
	}
}
