package vessels_test

import (
	"testing"

	"github.com/riverwatch/riverwatch/ais"
	"github.com/riverwatch/riverwatch/vessels"
)

var mmsiCases = []struct {
	name  string
	mmsi  uint32
	class ais.Class
	want  bool
}{
	{"chinese ship A", 412345678, ais.ClassA, true},
	{"ship B", 413000001, ais.ClassB, true},
	{"lowest ship", 200000000, ais.ClassA, true},
	{"highest ship", 799999999, ais.ClassB, true},
	{"MID 1xx is not a ship", 199999999, ais.ClassA, false},
	{"8xx is not a ship", 800000000, ais.ClassA, false},
	{"short", 12345, ais.ClassA, false},
	{"zero", 0, ais.ClassA, false},
	{"ten digits", 1_000_000_000, ais.ClassA, false},
	{"all ones", 4294967295, ais.ClassUnknown, false},
	{"group call is not a ship", 41234567, ais.ClassA, false},
	{"SART", 970123456, ais.ClassA, true},
	{"MOB", 972123456, ais.ClassA, true},
	{"EPIRB-AIS", 974123456, ais.ClassA, true},
	{"SART is not class B", 970123456, ais.ClassB, false},
	{"aux craft B", 984121234, ais.ClassB, true},
	{"aux craft is not class A", 984121234, ais.ClassA, false},
	{"base", 4121234, ais.ClassBase, true},
	{"base with a ship MMSI", 412123456, ais.ClassBase, false},
	{"base sending class A", 4121234, ais.ClassA, false},
	{"base bad MID", 1121234, ais.ClassBase, false},
	{"aton", 994121234, ais.ClassAtoN, true},
	{"aton bad MID", 991121234, ais.ClassAtoN, false},
	{"aton with a ship MMSI", 412123456, ais.ClassAtoN, false},
	{"sar aircraft", 111412123, ais.ClassSARAircraft, true},
	{"sar aircraft bad MID", 111112123, ais.ClassSARAircraft, false},
	{"unknown class: ship", 412345678, ais.ClassUnknown, true},
	{"unknown class: base", 4121234, ais.ClassUnknown, true},
	{"unknown class: junk", 123, ais.ClassUnknown, false},
}

func TestValidMMSI(t *testing.T) {
	for _, c := range mmsiCases {
		if got := vessels.ValidMMSI(c.mmsi, c.class); got != c.want {
			t.Errorf("%s: ValidMMSI(%d, %v) = %v, want %v", c.name, c.mmsi, c.class, got, c.want)
		}
	}
}

func FuzzValidMMSI(f *testing.F) {
	for _, c := range mmsiCases {
		f.Add(c.mmsi, uint8(c.class))
	}
	f.Fuzz(func(t *testing.T, mmsi uint32, class uint8) {
		c := ais.Class(class % 6)
		if vessels.ValidMMSI(mmsi, c) && mmsi > 999_999_999 {
			t.Fatalf("ValidMMSI accepted %d, which has ten digits", mmsi)
		}
		if c != ais.ClassUnknown && vessels.ValidMMSI(mmsi, c) && !vessels.ValidMMSI(mmsi, ais.ClassUnknown) {
			t.Fatalf("%d valid for %v but not for an unknown class", mmsi, c)
		}
	})
}
