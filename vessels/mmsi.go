package vessels

import "github.com/riverwatch/riverwatch/ais"

// MMSI number ranges of ITU-R M.585. A "MID" is the three-digit maritime
// identification digits of a flag state, 201..775; like the brief of this
// package we accept the whole 2xx..7xx block.
const (
	maxMMSI = 999_999_999 // nine digits
)

// ValidMMSI reports whether mmsi is a well-formed identity for a station of
// the given class (ais.ClassUnknown accepts any well-formed identity):
//
//   - class A and B ships: MIDxxxxxx with MID 2xx..7xx; also, for class A,
//     the search-and-rescue transmitters 970/972/974xxxxxx (they send class A
//     position reports) and, for class B, craft associated with a parent
//     ship, 98MIDxxxx;
//   - base stations: 00MIDxxxx;
//   - aids to navigation: 99MIDxxxx;
//   - SAR aircraft: 111MIDxxx.
func ValidMMSI(mmsi uint32, class ais.Class) bool {
	if mmsi > maxMMSI {
		return false
	}
	ship := midOK(mmsi / 1_000_000)
	switch class {
	case ais.ClassA:
		return ship || isSART(mmsi)
	case ais.ClassB:
		return ship || isAuxCraft(mmsi)
	case ais.ClassBase:
		return isBase(mmsi)
	case ais.ClassAtoN:
		return isAtoN(mmsi)
	case ais.ClassSARAircraft:
		return isSARAircraft(mmsi)
	}
	return ship || isSART(mmsi) || isAuxCraft(mmsi) || isBase(mmsi) || isAtoN(mmsi) || isSARAircraft(mmsi)
}

// midOK reports whether a three-digit number is in the MID block 2xx..7xx.
func midOK(mid uint32) bool { return mid >= 200 && mid <= 799 }

func isBase(m uint32) bool        { return m < 10_000_000 && midOK(m/10_000) }                    // 00MIDxxxx
func isAtoN(m uint32) bool        { return m/10_000_000 == 99 && midOK(m/10_000%1000) }           // 99MIDxxxx
func isAuxCraft(m uint32) bool    { return m/10_000_000 == 98 && midOK(m/10_000%1000) }           // 98MIDxxxx
func isSARAircraft(m uint32) bool { return m/1_000_000 == 111 && midOK(m/1000%1000) }             // 111MIDxxx
func isSART(m uint32) bool        { p := m / 1_000_000; return p == 970 || p == 972 || p == 974 } // 970/972/974xxyyyy
