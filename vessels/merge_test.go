package vessels_test

import (
	"strings"
	"testing"

	"github.com/riverwatch/riverwatch/ais"
	"github.com/riverwatch/riverwatch/vessels"
	"github.com/riverwatch/riverwatch/vessels/vesselstest"
)

// mergeCases feed messages to a fresh tracker and check the record of their
// first message's MMSI.
var mergeCases = []struct {
	name  string
	msgs  []*ais.Message
	check func(t *testing.T, v vessels.Vessel)
}{
	{"position then static", []*ais.Message{
		pos(mmsiA, 0, jilinLat, jilinLon, 7.5),
		with(vesselstest.StaticReport(mmsiA, at(5), "SONGHUA 7", "BSHA7", "HARBIN"), func(m *ais.Message) { m.Station = "harbin" }),
	}, func(t *testing.T, v vessels.Vessel) {
		if v.Class != "A" || v.Name != "SONGHUA 7" || v.CallSign != "BSHA7" || v.Destination != "HARBIN" ||
			v.IMO != 9876543 || v.ShipType != 70 || v.Length != 80 || v.Beam != 11 || v.Draught != 3.2 || v.ETA != "06-15 14:30" {
			t.Errorf("static not merged: %+v", v)
		}
		if *v.Lat != jilinLat || *v.SOG != 7.5 || *v.COG != 45 || *v.Heading != 45 || v.NavStatus != 0 || !v.Accuracy {
			t.Errorf("position not merged: %v %v %v %v", val(v.Lat), val(v.SOG), val(v.COG), val(v.Heading))
		}
		if !v.PositionAt.Equal(at(0)) || !v.StaticAt.Equal(at(5)) || !v.LastSeen.Equal(at(5)) ||
			v.PositionStation != "test" || v.StaticStation != "harbin" || v.Station != "harbin" {
			t.Errorf("heard-at wrong: pos %v %q static %v %q last %v %q",
				v.PositionAt, v.PositionStation, v.StaticAt, v.StaticStation, v.LastSeen, v.Station)
		}
		if len(v.Flags) != 0 {
			t.Errorf("flags %q on a clean record", v.Flags)
		}
	}},
	{"static only", []*ais.Message{vesselstest.StaticReport(mmsiA, at(0), "X", "", "")},
		func(t *testing.T, v vessels.Vessel) {
			if v.Class != "A" || v.Lat != nil || v.SOG != nil || v.NavStatus != 15 || !v.PositionAt.IsZero() {
				t.Errorf("static-only record: class %q lat %v nav %d", v.Class, val(v.Lat), v.NavStatus)
			}
		}},
	{"24A then 24B joined", []*ais.Message{
		part24(mmsiB, 0, ais.Static{Part: 'A', Name: "CHAGAN FISHER"}),
		part24(mmsiB, 6, ais.Static{Part: 'B', CallSign: "BCF1", ShipType: 30, ToBow: 8, ToStern: 4, ToPort: 2, ToStarboard: 2}),
	}, func(t *testing.T, v vessels.Vessel) {
		if v.Class != "B" || v.Name != "CHAGAN FISHER" || v.CallSign != "BCF1" || v.ShipType != 30 || v.Length != 12 || v.Beam != 4 {
			t.Errorf("24A+24B: %+v", v)
		}
	}},
	{"24B then 24A joined", []*ais.Message{
		part24(mmsiB, 0, ais.Static{Part: 'B', CallSign: "BCF1", ShipType: 30}),
		part24(mmsiB, 6, ais.Static{Part: 'A', Name: "CHAGAN FISHER"}),
	}, func(t *testing.T, v vessels.Vessel) {
		if v.Name != "CHAGAN FISHER" || v.CallSign != "BCF1" || v.ShipType != 30 {
			t.Errorf("24B+24A: %+v", v)
		}
	}},
	{"24B of an auxiliary craft has no dimensions", []*ais.Message{
		part24(984121234, 0, ais.Static{Part: 'B', CallSign: "AUX", ToBow: 1, ToStern: 2, MothershipMMSI: 412345678}),
	}, func(t *testing.T, v vessels.Vessel) {
		if v.Length != 0 || hasFlag(v, vessels.FlagInvalidMMSI) {
			t.Errorf("aux craft: length %v flags %q", v.Length, v.Flags)
		}
	}},
	{"class B type 19", []*ais.Message{
		with(vesselstest.ClassBReport(mmsiB, at(0), jilinLat, jilinLon, 5), func(m *ais.Message) {
			m.Type = 19
			m.Static = &ais.Static{Name: "YALU 3", ShipType: 37, ToBow: 10, ToStern: 5}
		}),
	}, func(t *testing.T, v vessels.Vessel) {
		if v.Class != "B" || v.Name != "YALU 3" || v.Length != 15 || v.Lat == nil || v.Heading != nil || v.NavStatus != 15 {
			t.Errorf("type 19: %+v", v)
		}
	}},
	{"base station", []*ais.Message{
		with(pos(4121234, 0, jilinLat, jilinLon, 0), func(m *ais.Message) { m.Type, m.Class = 4, ais.ClassBase }),
	}, func(t *testing.T, v vessels.Vessel) {
		if v.Class != "base" || v.NavStatus != 15 || hasFlag(v, vessels.FlagInvalidMMSI) {
			t.Errorf("base: class %q nav %d flags %q", v.Class, v.NavStatus, v.Flags)
		}
	}},
	{"aid to navigation", []*ais.Message{
		with(pos(994121234, 0, jilinLat, jilinLon, 0), func(m *ais.Message) {
			m.Type, m.Class = 21, ais.ClassAtoN
			m.Static = &ais.Static{Name: "SONGHUA BUOY 12"}
		}),
	}, func(t *testing.T, v vessels.Vessel) {
		if v.Class != "aton" || v.Name != "SONGHUA BUOY 12" || hasFlag(v, vessels.FlagInvalidMMSI) {
			t.Errorf("aton: %+v", v)
		}
	}},
	{"SAR aircraft may fly fast", []*ais.Message{
		with(pos(111412123, 0, jilinLat, jilinLon, 150), func(m *ais.Message) { m.Type, m.Class = 9, ais.ClassSARAircraft }),
		with(pos(111412123, 10, jilinLat+0.007, jilinLon, 150), func(m *ais.Message) { m.Type, m.Class = 9, ais.ClassSARAircraft }),
	}, func(t *testing.T, v vessels.Vessel) {
		if v.Class != "sar" || *v.Lat != jilinLat+0.007 || len(v.Flags) != 0 {
			t.Errorf("sar: class %q lat %v flags %q", v.Class, val(v.Lat), v.Flags)
		}
	}},
	{"not available values are nil", []*ais.Message{
		with(pos(mmsiA, 0, jilinLat, jilinLon, 0), func(m *ais.Message) {
			p := m.Position
			p.SOG, p.SOGValid, p.COG, p.COGValid, p.Heading, p.HeadingValid = 102.3, false, 360, false, 511, false
		}),
	}, func(t *testing.T, v vessels.Vessel) {
		if v.SOG != nil || v.COG != nil || v.Heading != nil || v.Lat == nil {
			t.Errorf("n/a shown: sog %v cog %v heading %v", val(v.SOG), val(v.COG), val(v.Heading))
		}
	}},
	{"out-of-range values flagged valid are nil", []*ais.Message{
		with(pos(mmsiA, 0, jilinLat, jilinLon, 0), func(m *ais.Message) {
			p := m.Position
			p.SOG, p.COG, p.Heading, p.NavStatus = 102.3, 360, 511, 99
		}),
	}, func(t *testing.T, v vessels.Vessel) {
		if v.SOG != nil || v.COG != nil || v.Heading != nil || v.NavStatus != 15 {
			t.Errorf("n/a shown: sog %v cog %v heading %v nav %d", val(v.SOG), val(v.COG), val(v.Heading), v.NavStatus)
		}
	}},
	{"position unavailable keeps the last one", []*ais.Message{
		pos(mmsiA, 0, jilinLat, jilinLon, 4),
		with(pos(mmsiA, 10, 91, 181, 5), func(m *ais.Message) { m.Position.PosValid = false }),
	}, func(t *testing.T, v vessels.Vessel) {
		if *v.Lat != jilinLat || !v.PositionAt.Equal(at(0)) || *v.SOG != 5 || !hasFlag(v, vessels.FlagPositionUnavailable) {
			t.Errorf("unavailable: lat %v at %v sog %v flags %q", val(v.Lat), v.PositionAt, val(v.SOG), v.Flags)
		}
	}},
	{"position unavailable flag clears", []*ais.Message{
		with(pos(mmsiA, 0, 91, 181, 5), func(m *ais.Message) { m.Position.PosValid = false }),
		with(pos(mmsiA, 5, 0, 0, 5), func(m *ais.Message) {}), // null island: an unset GPS
		pos(mmsiA, 10, jilinLat, jilinLon, 4),
	}, func(t *testing.T, v vessels.Vessel) {
		if *v.Lat != jilinLat || hasFlag(v, vessels.FlagPositionUnavailable) {
			t.Errorf("lat %v flags %q", val(v.Lat), v.Flags)
		}
	}},
	{"late position ignored", []*ais.Message{
		pos(mmsiA, 10, jilinLat, jilinLon, 4),
		pos(mmsiA, 5, jilinLat+0.001, jilinLon, 4),
	}, func(t *testing.T, v vessels.Vessel) {
		if *v.Lat != jilinLat || !v.PositionAt.Equal(at(10)) || !v.LastSeen.Equal(at(10)) {
			t.Errorf("late report won: lat %v at %v last %v", val(v.Lat), v.PositionAt, v.LastSeen)
		}
	}},
	{"inland fills length and beam", []*ais.Message{
		inland(211234567, 0, ais.InlandVoyage{ENI: "04812345", Length: 85.5, Beam: 11.4, ERIType: 8020, HazardousCones: 2, Draught: 2.5, Loaded: 1}),
	}, func(t *testing.T, v vessels.Vessel) {
		in := v.Inland
		if in == nil || in.ENI != "04812345" || in.Length != 85.5 || in.ERIType != 8020 || in.HazardousCones != 2 || in.Loaded != "loaded" {
			t.Fatalf("inland: %+v", in)
		}
		if v.Length != 85.5 || v.Beam != 11.4 || v.Draught != 2.5 || !v.InlandAt.Equal(at(0)) || v.Class != "" {
			t.Errorf("inland fallback: length %v beam %v draught %v at %v class %q", v.Length, v.Beam, v.Draught, v.InlandAt, v.Class)
		}
	}},
	{"inland update replaces its own fallback", []*ais.Message{
		inland(211234567, 0, ais.InlandVoyage{Length: 85.5, Beam: 11.4}),
		inland(211234567, 10, ais.InlandVoyage{Length: 110, Beam: 11.4, Loaded: 2, HazardousCones: 9}),
	}, func(t *testing.T, v vessels.Vessel) {
		if v.Length != 110 || v.Inland.Loaded != "unloaded" || v.Inland.HazardousCones != 5 {
			t.Errorf("length %v inland %+v", v.Length, v.Inland)
		}
	}},
	{"ship dimensions win over inland", []*ais.Message{
		vesselstest.StaticReport(mmsiA, at(0), "A", "B", "C"),
		inland(mmsiA, 10, ais.InlandVoyage{Length: 85.5, Beam: 11.4, Draught: 2.5}),
	}, func(t *testing.T, v vessels.Vessel) {
		if v.Length != 80 || v.Beam != 11 || v.Draught != 3.2 || v.Inland.Length != 85.5 {
			t.Errorf("length %v beam %v draught %v", v.Length, v.Beam, v.Draught)
		}
	}},
	{"persons on board", []*ais.Message{
		{Type: 8, MMSI: mmsiA, Received: at(0), Persons: &ais.PersonsOnBoard{Crew: 4, Passengers: -1, Personnel: 300}},
	}, func(t *testing.T, v vessels.Vessel) {
		p := v.Persons
		if p == nil || val(p.Crew) != 4 || p.Passengers != nil || p.Personnel != nil {
			t.Errorf("persons: %+v", p)
		}
	}},
	{"type 27 keeps a known class", []*ais.Message{
		vesselstest.ClassBReport(mmsiB, at(0), jilinLat, jilinLon, 5),
		with(longRange(mmsiB, 400, jilinLat, jilinLon), func(m *ais.Message) { m.Class = ais.ClassA }),
	}, func(t *testing.T, v vessels.Vessel) {
		if v.Class != "B" || !v.LongRange {
			t.Errorf("class %q long range %v", v.Class, v.LongRange)
		}
	}},
	{"type 27 of an unknown vessel", []*ais.Message{longRange(mmsiA, 0, jilinLat, jilinLon)},
		func(t *testing.T, v vessels.Vessel) {
			if v.Class != "" || !v.LongRange || v.Lat == nil || v.Heading != nil {
				t.Errorf("class %q long range %v lat %v", v.Class, v.LongRange, val(v.Lat))
			}
		}},
	{"untrusted text is bounded and plain", []*ais.Message{
		with(vesselstest.StaticReport(mmsiA, at(0), "<b>NAME\x00\u202e"+strings.Repeat("X", 60), "CALL\nSIGN123", strings.Repeat("D", 99)),
			func(m *ais.Message) { m.Station = strings.Repeat("s", 500) }),
	}, func(t *testing.T, v vessels.Vessel) {
		if v.Name != "<b>NAME"+strings.Repeat("X", vessels.MaxNameLen-7) || v.CallSign != "CALL SI" || len(v.Destination) != 20 || len(v.Station) != 64 {
			t.Errorf("name %q call sign %q destination %q station %d", v.Name, v.CallSign, v.Destination, len(v.Station))
		}
	}},
	{"empty name keeps the known one", []*ais.Message{
		vesselstest.StaticReport(mmsiA, at(0), "SONGHUA 7", "BSHA7", "JILIN"),
		vesselstest.StaticReport(mmsiA, at(400), "@@@@", "", ""),
	}, func(t *testing.T, v vessels.Vessel) {
		if v.Name != "SONGHUA 7" || v.CallSign != "BSHA7" || v.Destination != "" {
			t.Errorf("name %q call sign %q destination %q", v.Name, v.CallSign, v.Destination)
		}
	}},
	{"ETA not available", []*ais.Message{
		with(vesselstest.StaticReport(mmsiA, at(0), "A", "B", "C"), func(m *ais.Message) { m.Static.ETAHour = 24 }),
	}, func(t *testing.T, v vessels.Vessel) {
		if v.ETA != "" {
			t.Errorf("ETA %q", v.ETA)
		}
	}},
	{"invalid MMSI flagged, still shown", []*ais.Message{pos(12345, 0, jilinLat, jilinLon, 3)},
		func(t *testing.T, v vessels.Vessel) {
			if !hasFlag(v, vessels.FlagInvalidMMSI) || v.Lat == nil {
				t.Errorf("flags %q lat %v", v.Flags, val(v.Lat))
			}
		}},
	{"base station MMSI sending class A", []*ais.Message{pos(4121234, 0, jilinLat, jilinLon, 3)},
		func(t *testing.T, v vessels.Vessel) {
			if !hasFlag(v, vessels.FlagInvalidMMSI) || v.Class != "A" {
				t.Errorf("flags %q class %q", v.Flags, v.Class)
			}
		}},
	{"SART is a valid class A", []*ais.Message{with(pos(970123456, 0, jilinLat, jilinLon, 0), func(m *ais.Message) { m.Position.NavStatus = 14 })},
		func(t *testing.T, v vessels.Vessel) {
			if len(v.Flags) != 0 || v.NavStatus != 14 {
				t.Errorf("flags %q nav %d", v.Flags, v.NavStatus)
			}
		}},
}

func TestTrackerMerge(t *testing.T) {
	for _, c := range mergeCases {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t, vessels.TrackerConfig{})
			r.feed(c.msgs...)
			c.check(t, r.vessel(t, c.msgs[0].MMSI))
			if n := r.tr.Count(); n != 1 {
				t.Errorf("Count = %d, want 1", n)
			}
		})
	}
}

func TestTrackerClampsFutureTime(t *testing.T) {
	r := newRig(t, vessels.TrackerConfig{})
	r.feed(pos(mmsiA, 0, jilinLat, jilinLon, 3))
	r.tr.Handle(pos(mmsiA, 86400, jilinLat, jilinLon, 3)) // a tag block a day ahead
	v := r.vessel(t, mmsiA)
	if !v.LastSeen.Equal(at(0)) || !v.PositionAt.Equal(at(0)) {
		t.Errorf("last seen %v position at %v, want %v", v.LastSeen, v.PositionAt, at(0))
	}
}
