package main

import (
	"bufio"
	"bytes"
	"flag"
	"math/rand/v2"
	"os"
	"testing"

	goais "github.com/BertoldVdb/go-ais"

	"github.com/riverwatch/riverwatch/ais"
)

// The static-heavy corpus: `make bench` times riverwatch decode beside
// gpsdecode on it as well as on the San Francisco capture, whose traffic
// is almost all class A positions. .ci/bench-decode.sh writes it with
//
//	go test -run '^TestWriteStaticCorpus$' ./cmd/riverwatch -static-corpus=FILE
var (
	staticCorpusOut = flag.String("static-corpus", "", "write the static-heavy benchmark corpus to this file and pass")
	staticCorpusN   = flag.Int("static-corpus-sentences", 1_000_000, "sentences in the corpus -static-corpus writes")
)

// staticCorpusSeed fixes the corpus: the same bytes on every machine.
const staticCorpusSeed = 9

// TestWriteStaticCorpus writes the static-heavy corpus when -static-corpus
// names a file, and is skipped otherwise.
func TestWriteStaticCorpus(t *testing.T) {
	if *staticCorpusOut == "" {
		t.Skip("writes the benchmark corpus only with -static-corpus=FILE")
	}
	if err := os.WriteFile(*staticCorpusOut, staticCorpus(t, *staticCorpusN), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestStaticCorpusMix checks the corpus is what its name says: about half
// the messages static reports of every kind, the rest class A and B
// positions, and every sentence accepted.
func TestStaticCorpusMix(t *testing.T) {
	data := staticCorpus(t, 20000)
	var types [28]int
	messages := 0
	p := ais.NewPipeline(ais.PipelineConfig{OnMessage: func(m *ais.Message) {
		types[m.Type]++
		messages++
	}})
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		p.Feed(ais.Line{Source: "corpus", Data: sc.Bytes()})
	}
	tot := p.Totals()
	if tot.Sentences != 20000 || tot.Messages != uint64(messages) {
		t.Fatalf("%d sentences, %d messages, want 20000 sentences (totals %+v)", tot.Sentences, messages, tot)
	}
	for r, n := range tot.Rejected {
		if n != 0 {
			t.Errorf("%d sentences rejected as %s", n, ais.Reason(r))
		}
	}
	static := types[5] + types[19] + types[21] + types[24]
	if f := float64(static) / float64(messages); f < 0.45 || f > 0.55 {
		t.Errorf("static share %.2f of %d messages, want about half (%v)", f, messages, types)
	}
	for _, typ := range []int{1, 2, 3, 5, 18, 19, 21, 24} {
		if types[typ] == 0 {
			t.Errorf("no type %d message in %v", typ, types)
		}
	}
}

// staticCorpus returns n bare NMEA sentences, one per line, of a fleet that
// sends static reports as often as positions: half the messages are type 5
// (two sentences), 24 A, 24 B, 19 and 21, the rest types 1, 2, 3 and 18.
// A part B comes from a vessel that sent its part A a few messages before,
// so that gpsdecode, which only prints a type 24 once it has both parts,
// does its full work as on real traffic.
// The fields are random within their legal ranges, names and call signs
// of varying length with '@' or space padding as transmitters send them.
func staticCorpus(tb testing.TB, n int) []byte {
	tb.Helper()
	rng := rand.New(rand.NewPCG(staticCorpusSeed, 0))
	fleet := make([]uint32, 4000)
	for i := range fleet {
		fleet[i] = uint32(200000000 + rng.IntN(575000000))
		if i%50 == 0 { // auxiliary craft: part B names their mothership
			fleet[i] = uint32(980000000 + rng.IntN(10000000))
		}
	}
	var out bytes.Buffer
	out.Grow(n * 60)
	seq, lines := 0, 0
	talkers := [...]string{"AI", "AI", "AI", "AB"}
	var owed []uint32 // vessels that sent 24 A and owe their part B
	for lines < n {
		var p goais.Packet
		if len(owed) > 0 && rng.IntN(4) == 0 {
			p = corpusPartB(rng, owed[0])
			owed = owed[1:]
		} else {
			p = corpusPacket(rng, fleet[rng.IntN(len(fleet))])
			if r, ok := p.(goais.StaticDataReport); ok {
				owed = append(owed, r.UserID)
			}
		}
		ch := byte('A' + rng.IntN(2))
		sentences, err := ais.EncodeSentences(p, talkers[rng.IntN(len(talkers))], ch, seq)
		if err != nil {
			tb.Fatalf("encode %T: %v", p, err)
		}
		if len(sentences) > 1 {
			seq = (seq + 1) % 10
		}
		if lines+len(sentences) > n {
			break // end on a whole message
		}
		for _, s := range sentences {
			out.WriteString(s)
			out.WriteByte('\n')
			lines++
		}
	}
	return out.Bytes()
}

// corpusPartB is the type 24 part B a vessel sends after its part A.
func corpusPartB(rng *rand.Rand, mmsi uint32) goais.Packet {
	return goais.StaticDataReport{Header: goais.Header{MessageID: 24, UserID: mmsi}, Valid: true, PartNumber: true,
		ReportB: goais.StaticDataReportB{Valid: true, ShipType: uint8(rng.IntN(100)),
			VendorIDName: corpusText(rng, 3), VenderIDModel: uint8(rng.IntN(16)),
			VenderIDSerial: uint32(rng.IntN(1 << 20)), CallSign: corpusText(rng, 7),
			Dimension: corpusDims(rng), FixType: uint8(rng.IntN(16))}}
}

func corpusDims(rng *rand.Rand) goais.FieldDimension {
	return goais.FieldDimension{A: uint16(rng.IntN(512)), B: uint16(rng.IntN(512)),
		C: uint8(rng.IntN(64)), D: uint8(rng.IntN(64))}
}

// corpusPacket draws one message other than a type 24 part B (which
// follows its part A): 40 in 90 static, the rest positions.
func corpusPacket(rng *rand.Rand, mmsi uint32) goais.Packet {
	h := func(id uint8) goais.Header {
		return goais.Header{MessageID: id, RepeatIndicator: uint8(rng.IntN(10) / 8), UserID: mmsi}
	}
	lat := func() goais.FieldLatLonFine {
		if rng.IntN(50) == 0 {
			return 91
		}
		return goais.FieldLatLonFine(float64(rng.IntN(2*54000000)-54000000) / 600000)
	}
	lon := func() goais.FieldLatLonFine {
		if rng.IntN(50) == 0 {
			return 181
		}
		return goais.FieldLatLonFine(float64(rng.IntN(2*108000000)-108000000) / 600000)
	}
	sog := func() goais.Field10 { return goais.Field10(rng.IntN(1024)) / 10 }
	cog := func() goais.Field10 { return goais.Field10(rng.IntN(3601)) / 10 }
	heading := func() uint16 {
		if rng.IntN(4) == 0 {
			return 511
		}
		return uint16(rng.IntN(360))
	}
	dims := func() goais.FieldDimension { return corpusDims(rng) }
	switch r := rng.IntN(90); {
	case r < 20:
		return goais.ShipStaticData{
			Header: h(5), Valid: true, AisVersion: uint8(rng.IntN(3)),
			ImoNumber: uint32(rng.IntN(10000000)), CallSign: corpusText(rng, 7), Name: corpusText(rng, 20),
			Type: uint8(rng.IntN(100)), Dimension: dims(), FixType: uint8(rng.IntN(16)),
			Eta: goais.FieldETA{Month: uint8(rng.IntN(13)), Day: uint8(rng.IntN(32)),
				Hour: uint8(rng.IntN(25)), Minute: uint8(rng.IntN(61))},
			MaximumStaticDraught: goais.Field10(rng.IntN(256)) / 10,
			Destination:          corpusText(rng, 20), Dte: rng.IntN(2) == 0,
		}
	case r < 30:
		return goais.StaticDataReport{Header: h(24), Valid: true,
			ReportA: goais.StaticDataReportA{Valid: true, Name: corpusText(rng, 20)}}
	case r < 35:
		return goais.ExtendedClassBPositionReport{Header: h(19), Valid: true,
			Sog: sog(), PositionAccuracy: rng.IntN(2) == 0, Longitude: lon(), Latitude: lat(),
			Cog: cog(), TrueHeading: heading(), Timestamp: uint8(rng.IntN(64)),
			Name: corpusText(rng, 20), Type: uint8(rng.IntN(100)), Dimension: dims(),
			FixType: uint8(rng.IntN(16)), Raim: rng.IntN(2) == 0, Dte: rng.IntN(2) == 0,
			AssignedMode: rng.IntN(8) == 0}
	case r < 40:
		hdr := h(21)
		hdr.UserID = 990000000 + mmsi%10000000
		name, ext := corpusText(rng, 20), ""
		if len(name) == 20 && rng.IntN(2) == 0 {
			ext = corpusText(rng, 14)
		}
		return goais.AidsToNavigationReport{Header: hdr, Valid: true,
			Type: uint8(rng.IntN(32)), Name: name, PositionAccuracy: rng.IntN(2) == 0,
			Longitude: lon(), Latitude: lat(), Dimension: dims(), Fixtype: uint8(rng.IntN(16)),
			Timestamp: uint8(rng.IntN(64)), OffPosition: rng.IntN(8) == 0, AtoN: uint8(rng.IntN(256)),
			Raim: rng.IntN(2) == 0, VirtualAtoN: rng.IntN(4) == 0, NameExtension: ext}
	case r < 75:
		id := uint8(1)
		if r >= 70 {
			id = 3
		} else if r >= 67 {
			id = 2
		}
		return goais.PositionReport{Header: h(id), Valid: true,
			NavigationalStatus: uint8(rng.IntN(16)), RateOfTurn: int16(rng.IntN(256) - 128),
			Sog: sog(), PositionAccuracy: rng.IntN(2) == 0, Longitude: lon(), Latitude: lat(),
			Cog: cog(), TrueHeading: heading(), Timestamp: uint8(rng.IntN(64)),
			SpecialManoeuvreIndicator: uint8(rng.IntN(3)), Raim: rng.IntN(2) == 0,
			CommunicationStateNoItdma: goais.CommunicationStateNoItdma{CommunicationState: uint32(rng.IntN(1 << 19))}}
	default:
		return goais.StandardClassBPositionReport{Header: h(18), Valid: true,
			Sog: sog(), PositionAccuracy: rng.IntN(2) == 0, Longitude: lon(), Latitude: lat(),
			Cog: cog(), TrueHeading: heading(), Timestamp: uint8(rng.IntN(64)),
			ClassBUnit: rng.IntN(2) == 0, ClassBDisplay: rng.IntN(4) == 0, ClassBDsc: rng.IntN(2) == 0,
			ClassBBand: rng.IntN(2) == 0, ClassBMsg22: rng.IntN(2) == 0, AssignedMode: rng.IntN(8) == 0,
			Raim: rng.IntN(2) == 0,
			CommunicationStateItdma: goais.CommunicationStateItdma{
				CommunicationStateIsItdma: rng.IntN(2) == 0, CommunicationState: uint32(rng.IntN(1 << 19))}}
	}
}

// corpusText is AIS six-bit text of at most max characters: usually
// letters, digits and inner spaces, shorter than the field ('@' pads it),
// sometimes padded with spaces instead, now and then empty or carrying
// punctuation (including the characters JSON escapes).
func corpusText(rng *rand.Rand, max int) string {
	const (
		common = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 "
		rare   = ` !"#$%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`
	)
	if rng.IntN(20) == 0 {
		return ""
	}
	n := 1 + rng.IntN(max)
	b := make([]byte, 0, max)
	for i := 0; i < n; i++ {
		if rng.IntN(30) == 0 {
			b = append(b, rare[rng.IntN(len(rare))])
		} else {
			b = append(b, common[rng.IntN(len(common))])
		}
	}
	if rng.IntN(4) == 0 {
		for len(b) < max {
			b = append(b, ' ')
		}
	}
	return string(b)
}
