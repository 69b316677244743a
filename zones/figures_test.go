package zones

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestFiguresSetGet(t *testing.T) {
	var f Figures
	if !f.IsZero() || f.Len() != 0 {
		t.Fatalf("zero Figures: IsZero %v, Len %d", f.IsZero(), f.Len())
	}
	for i, k := range []string{"a", "b", "c", "d"} {
		if !f.Set(k, float64(i)) {
			t.Fatalf("Set %q refused with %d set", k, i)
		}
	}
	if f.Set("e", 9) {
		t.Error("a fifth figure was taken")
	}
	if !f.Set("b", 7) {
		t.Error("replacing a figure with MaxFigures set was refused")
	}
	if v, ok := f.Get("b"); !ok || v != 7 {
		t.Errorf(`Get("b") = %v, %v; want 7, true`, v, ok)
	}
	if _, ok := f.Get("e"); ok {
		t.Error(`Get("e") found a figure never set`)
	}
	if b, _ := json.Marshal(f); string(b) != `{"a":0,"b":7,"c":2,"d":3}` {
		t.Errorf("figures written as %s, want the order of setting", b)
	}
	g := f // a copy shares nothing
	g.Set("a", 100)
	if f.Value("a") != 0 {
		t.Error("setting a copy changed the original")
	}
}

func TestFiguresJSON(t *testing.T) {
	f := FiguresOf("sog_kn", 9.5, "limit_kn", 6.0, "tcpa_s", -3.0)
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"sog_kn":9.5,"limit_kn":6,"tcpa_s":-3}`; string(b) != want {
		t.Errorf("Marshal = %s, want %s", b, want)
	}
	var back Figures
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, f) {
		t.Errorf("round trip = %+v, want %+v", back, f)
	}
	// In an alert: none is no field at all; some are an object.
	a, _ := json.Marshal(Alert{ID: "x"})
	if strings.Contains(string(a), "values") {
		t.Errorf("an alert without figures has a values field: %s", a)
	}
	a, _ = json.Marshal(Alert{ID: "x", Values: FiguresOf("n", 1.0)})
	if !strings.Contains(string(a), `"values":{"n":1}`) {
		t.Errorf("an alert's figures: %s", a)
	}
	nan, err := json.Marshal(FiguresOf("x", math.NaN(), "y", math.Inf(1)))
	if err != nil || string(nan) != `{"x":null,"y":null}` {
		t.Errorf("NaN and Inf: %s, %v; want nulls", nan, err)
	}
	if err := json.Unmarshal([]byte(`{"x":null}`), &back); err != nil || back.Value("x") != 0 || back.Len() != 1 {
		t.Errorf("null read as %+v, %v; want x = 0", back, err)
	}
	for _, bad := range []string{`[1]`, `{"a":"1"}`, `{"a":1,"a":2}`, `{"a":1,"b":2,"c":3,"d":4,"e":5}`, `{"a":1e999}`, `{"a":`} {
		if err := json.Unmarshal([]byte(bad), &back); err == nil {
			t.Errorf("Unmarshal(%s) accepted", bad)
		}
	}
}
