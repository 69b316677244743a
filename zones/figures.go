package zones

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// MaxFigures is how many figures an alert carries: no rule gives more than
// three.
const MaxFigures = 4

// Figures are the named numbers behind an alert (sog_kn, limit_kn, cpa_m,
// tcpa_s, distance_m, persons, capacity, gap_s ...), held in the alert
// itself rather than in a map: an alert is then a plain value, copied
// without sharing anything and sent without allocating, and a store need
// not clone a map on every read and write. In JSON they are an object of
// numbers, in the order they were set.
type Figures struct {
	n    uint8
	keys [MaxFigures]string
	vals [MaxFigures]float64
}

// FiguresOf is the figures of alternating names and values (a name must be
// a string, a value a float64); it panics on anything else, as a literal
// in the code is what it is for.
func FiguresOf(kv ...any) Figures {
	var f Figures
	for i := 0; i+1 < len(kv); i += 2 {
		if !f.Set(kv[i].(string), kv[i+1].(float64)) {
			panic("zones: more than MaxFigures figures")
		}
	}
	return f
}

// Len is the number of figures.
func (f *Figures) Len() int { return int(f.n) }

// IsZero reports whether there are none (encoding/json's omitzero).
func (f Figures) IsZero() bool { return f.n == 0 }

// Get returns the figure named k.
func (f *Figures) Get(k string) (float64, bool) {
	for i := range int(f.n) {
		if f.keys[i] == k {
			return f.vals[i], true
		}
	}
	return 0, false
}

// Value is the figure named k, 0 when there is none.
func (f *Figures) Value(k string) float64 {
	v, _ := f.Get(k)
	return v
}

// Set sets the figure named k, replacing one of that name. It reports
// false, changing nothing, when k is new and MaxFigures are set already.
func (f *Figures) Set(k string, v float64) bool {
	for i := range int(f.n) {
		if f.keys[i] == k {
			f.vals[i] = v
			return true
		}
	}
	if int(f.n) == MaxFigures {
		return false
	}
	f.keys[f.n], f.vals[f.n] = k, v
	f.n++
	return true
}

// MarshalJSON writes the figures as an object. A value JSON has no number
// for (NaN, ±Inf) is written as null.
func (f Figures) MarshalJSON() ([]byte, error) {
	b := append(make([]byte, 0, 16+24*int(f.n)), '{')
	for i := range int(f.n) {
		if i > 0 {
			b = append(b, ',')
		}
		k, err := json.Marshal(f.keys[i])
		if err != nil {
			return nil, err
		}
		b = append(append(b, k...), ':')
		v, err := json.Marshal(f.vals[i])
		if err != nil {
			v = []byte("null")
		}
		b = append(b, v...)
	}
	return append(b, '}'), nil
}

// UnmarshalJSON reads an object of numbers (null as 0), keeping its order;
// more than MaxFigures, or a name twice, is an error.
func (f *Figures) UnmarshalJSON(data []byte) error {
	*f = Figures{}
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("zones: figures: want an object of numbers")
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return fmt.Errorf("zones: figures: %w", err)
		}
		k, _ := t.(string)
		var v float64
		switch x, err := dec.Token(); {
		case err != nil:
			return fmt.Errorf("zones: figures: %w", err)
		case x == nil:
		default:
			n, ok := x.(json.Number)
			if !ok {
				return fmt.Errorf("zones: figure %s: want a number", strconv.Quote(k))
			}
			if v, err = n.Float64(); err != nil {
				return fmt.Errorf("zones: figure %s: %w", strconv.Quote(k), err)
			}
		}
		if _, dup := f.Get(k); dup {
			return fmt.Errorf("zones: figure %s given twice", strconv.Quote(k))
		}
		if !f.Set(k, v) {
			return fmt.Errorf("zones: more than %d figures", MaxFigures)
		}
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("zones: figures: %w", err)
	}
	return nil
}
