package vessels

import (
	"strconv"
	"strings"
)

// match reports whether the judged record v passes f; q is f.Query as
// foldSpaces makes it, compared with names folded the same way.
func match(v *Vessel, f *Filter, q string) bool {
	if v.Lost {
		return false
	}
	if f.Stale != nil && v.Stale != *f.Stale {
		return false
	}
	if f.Class != "" && v.Class != f.Class {
		return false
	}
	if len(f.ShipType) > 0 && !containsInt(f.ShipType, v.ShipType) {
		return false
	}
	if f.BBox != nil && (v.Lat == nil || v.Lon == nil || !f.BBox.Contains(*v.Lat, *v.Lon)) {
		return false
	}
	if q != "" && !strings.Contains(foldSpaces(v.Name), q) &&
		!strings.Contains(foldSpaces(v.CallSign), q) &&
		!strings.HasPrefix(strconv.FormatUint(uint64(v.MMSI), 10), q) {
		return false
	}
	return true
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
