package zones

import (
	"errors"
	"strings"
	"testing"
)

// zoneCases are bodies ParseZone must accept or refuse, named; each refusal
// names what its message must say.
var zoneCases = []struct {
	name, body, wantErr string
}{
	{"circle", `{"type":"Feature","properties":{"id":"q","kind":"quay","radius_m":100},"geometry":{"type":"Point","coordinates":[126.5,43.8]}}`, ""},
	{"polygon with hole", `{"type":"Feature","properties":{"id":"h","kind":"restricted"},"geometry":{"type":"Polygon","coordinates":[
		[[126,44],[126.1,44],[126.1,44.1],[126,44.1],[126,44]],
		[[126.02,44.02],[126.02,44.05],[126.05,44.05],[126.05,44.02],[126.02,44.02]]]}}`, ""},
	{"position with altitude", `{"type":"Feature","properties":{"id":"a","kind":"quay","radius_m":50},"geometry":{"type":"Point","coordinates":[126.5,43.8,120]}}`, ""},
	{"one-number point", `{"type":"Feature","properties":{"id":"p","kind":"quay","radius_m":100},"geometry":{"type":"Point","coordinates":[126.5]}}`, "1 numbers"},
	{"one-number vertex", `{"type":"Feature","properties":{"id":"v","kind":"restricted"},"geometry":{"type":"Polygon","coordinates":[[[126,44],[126.1],[126.1,44.1],[126,44]]]}}`, "1 numbers"},
	{"four numbers", `{"type":"Feature","properties":{"id":"m","kind":"quay","radius_m":50},"geometry":{"type":"Point","coordinates":[126.5,43.8,1,2]}}`, "4 numbers"},
	{"text in a position", `{"type":"Feature","properties":{"id":"t","kind":"quay","radius_m":50},"geometry":{"type":"Point","coordinates":[126.5,"43.8"]}}`, "other than numbers"},
	{"hole outside", `{"type":"Feature","properties":{"id":"o","kind":"restricted"},"geometry":{"type":"Polygon","coordinates":[
		[[126,44],[126.1,44],[126.1,44.1],[126,44.1],[126,44]],
		[[127,45],[127,45.05],[127.05,45.05],[127.05,45],[127,45]]]}}`, "outside the outer ring"},
	{"hole crossing", `{"type":"Feature","properties":{"id":"c","kind":"restricted"},"geometry":{"type":"Polygon","coordinates":[
		[[126,44],[126.1,44],[126.1,44.1],[126,44.1],[126,44]],
		[[126.05,44.05],[126.05,44.08],[126.2,44.08],[126.2,44.05],[126.05,44.05]]]}}`, "outside the outer ring"},
}

func TestParseZoneChecksPositionsAndHoles(t *testing.T) {
	for _, tc := range zoneCases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseZone([]byte(tc.body))
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.wantErr != "" && err == nil:
				t.Fatalf("accepted, want an error saying %q", tc.wantErr)
			case tc.wantErr != "" && (!errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("error %v, want ErrInvalid saying %q", err, tc.wantErr)
			}
		})
	}
}

func TestParseZonesChecksEachFeature(t *testing.T) {
	fc := `{"type":"FeatureCollection","features":[` + zoneCases[0].body + `,` + zoneCases[3].body + `]}`
	_, err := ParseZones([]byte(fc))
	if err == nil || !strings.Contains(err.Error(), "feature 1") {
		t.Fatalf("got %v, want the second feature's position refused", err)
	}
}

func FuzzParseZone(f *testing.F) {
	for _, tc := range zoneCases {
		f.Add(tc.body)
	}
	f.Fuzz(func(t *testing.T, body string) {
		z, err := ParseZone([]byte(body))
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		if err := z.Validate(); err != nil {
			t.Fatalf("accepted zone fails Validate: %v", err)
		}
	})
}
