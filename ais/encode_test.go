package ais

import (
	"errors"
	"strings"
	"testing"

	goais "github.com/BertoldVdb/go-ais"
)

// feedSentences runs encoded sentences through the real pipeline and
// returns what comes out.
func feedSentences(t *testing.T, lines []string) []*Message {
	t.Helper()
	var out []*Message
	p := NewPipeline(PipelineConfig{OnMessage: func(m *Message) { out = append(out, m.Clone()) }})
	for _, l := range lines {
		p.Feed(Line{Source: "enc", Data: []byte(l)})
	}
	return out
}

func TestEncodeSentencesRoundTrip(t *testing.T) {
	pos := goais.PositionReport{
		Header: goais.Header{MessageID: 1, UserID: 412345678}, Valid: true,
		Sog: 8.5, Longitude: 126.55, Latitude: 43.85, Cog: 90, TrueHeading: 91, Timestamp: 12,
	}
	static := goais.ShipStaticData{
		Header: goais.Header{MessageID: 5, UserID: 412345678}, Valid: true,
		CallSign: "BQRW", Name: "SONGHUA 7", Type: 79, Destination: "JILIN",
		Dimension: goais.FieldDimension{A: 40, B: 20, C: 5, D: 5},
	}
	lines, err := EncodeSentences(pos, "AI", 'A', 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "!AIVDM,1,1,,A,") {
		t.Fatalf("lines %q", lines)
	}
	more, err := EncodeSentences(static, "AB", 'B', 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(more) != 2 || !strings.HasPrefix(more[0], "!ABVDM,2,1,3,B,") || !strings.HasPrefix(more[1], "!ABVDM,2,2,3,B,") {
		t.Fatalf("lines %q", more)
	}
	msgs := feedSentences(t, append(lines, more...))
	if len(msgs) != 2 {
		t.Fatalf("%d messages", len(msgs))
	}
	p := msgs[0].Position
	if msgs[0].MMSI != 412345678 || !near(p.Lat, 43.85) || !near(p.Lon, 126.55) || p.Heading != 91 {
		t.Errorf("position %+v", p)
	}
	if s := msgs[1].Static; s == nil || s.Name != "SONGHUA 7" || s.CallSign != "BQRW" || s.Destination != "JILIN" || s.ToBow != 40 {
		t.Errorf("static %+v", s)
	}
}

func TestEncodeInlandRoundTrip(t *testing.T) {
	v := InlandVoyage{ENI: "04800010", Length: 85.5, Beam: 9.5, ERIType: 8010, Draught: 2.5, Loaded: 1}
	app, err := InlandVoyageBits(&v)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := EncodeBits(InlandMessageBits(412000001, 10, app), "AI", 'B', 0)
	if err != nil {
		t.Fatal(err)
	}
	pob, _ := PersonsOnBoardBits(&PersonsOnBoard{Crew: 3, Passengers: 40, Personnel: -1})
	more, err := EncodeBits(InlandMessageBits(412000001, 55, pob), "AI", 'A', 0)
	if err != nil {
		t.Fatal(err)
	}
	msgs := feedSentences(t, append(lines, more...))
	if len(msgs) != 2 || msgs[0].Inland == nil || *msgs[0].Inland != v {
		t.Fatalf("inland: %+v", msgs)
	}
	if msgs[1].Persons == nil || *msgs[1].Persons != (PersonsOnBoard{3, 40, -1}) {
		t.Fatalf("persons: %+v", msgs[1].Persons)
	}
}

func TestEncodeBitsRejects(t *testing.T) {
	ok := InlandMessageBits(1, 10, make([]byte, 112))
	for name, c := range map[string]struct {
		bits    []byte
		talker  string
		channel byte
		seq     int
	}{
		"talker":  {ok, "ais", 'A', 0},
		"channel": {ok, "AI", 'C', 0},
		"short":   {ok[:20], "AI", 'A', 0},
		"seq":     {make([]byte, 1000), "AI", 'A', 10},
	} {
		if _, err := EncodeBits(c.bits, c.talker, c.channel, c.seq); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	if _, err := EncodeSentences(nil, "AI", 'A', 0); !errors.Is(err, ErrMalformed) {
		t.Errorf("nil packet: err = %v", err)
	}
}
