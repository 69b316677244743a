package zones

// vtable is the engine's vessels by MMSI: an open-addressing table with
// linear probing, each slot the MMSI beside its state's pointer, so that
// finding a vessel on every report reads one slot (one cache line, most
// often) instead of a map group's control word and then its slot. A
// removed vessel leaves a tombstone, so that removing while iterating
// (the sweep does) neither skips nor repeats a vessel; tombstones go when
// the table is rebuilt.
type vtable struct {
	slots []vslot // len a power of two, or 0
	n     int     // vessels
	used  int     // slots holding a vessel or a tombstone
}

// vslot is one slot: empty (s nil, !tomb), a vessel, or a tombstone.
type vslot struct {
	mmsi uint32
	tomb bool
	s    *vstate
}

// vhash spreads an MMSI over the table (Fibonacci hashing: MMSIs of one
// country share their leading digits and differ in the low ones).
func vhash(mmsi uint32, mask uint64) uint64 {
	return (uint64(mmsi) * 0x9E3779B97F4A7C15 >> 32) & mask
}

// get returns the vessel of mmsi, or nil.
func (t *vtable) get(mmsi uint32) *vstate {
	if t.n == 0 {
		return nil
	}
	mask := uint64(len(t.slots) - 1)
	for i := vhash(mmsi, mask); ; i = (i + 1) & mask {
		sl := &t.slots[i]
		if sl.s == nil && !sl.tomb {
			return nil
		}
		if sl.mmsi == mmsi && sl.s != nil {
			return sl.s
		}
	}
}

// put adds s, whose MMSI the table does not hold.
func (t *vtable) put(s *vstate) {
	if 2*(t.used+1) > len(t.slots) {
		t.rebuild()
	}
	mask := uint64(len(t.slots) - 1)
	i := vhash(s.mmsi, mask)
	for t.slots[i].s != nil || t.slots[i].tomb {
		if t.slots[i].tomb { // reused: lookups of s stop here before any
			break // further tombstone, and s was in none
		}
		i = (i + 1) & mask
	}
	if !t.slots[i].tomb {
		t.used++
	}
	t.slots[i] = vslot{mmsi: s.mmsi, s: s}
	t.n++
}

// del removes the vessel of mmsi, if held.
func (t *vtable) del(mmsi uint32) {
	if t.n == 0 {
		return
	}
	mask := uint64(len(t.slots) - 1)
	for i := vhash(mmsi, mask); ; i = (i + 1) & mask {
		sl := &t.slots[i]
		if sl.s == nil && !sl.tomb {
			return
		}
		if sl.mmsi == mmsi && sl.s != nil {
			*sl = vslot{mmsi: mmsi, tomb: true}
			t.n--
			return
		}
	}
}

// rebuild moves the vessels into a table a quarter full, without
// tombstones: it grows with the vessels, not with their turnover.
func (t *vtable) rebuild() {
	size := 16
	for size < 4*(t.n+1) {
		size *= 2
	}
	old := t.slots
	t.slots, t.n, t.used = make([]vslot, size), 0, 0
	for i := range old {
		if s := old[i].s; s != nil {
			t.put(s)
		}
	}
}

// len is the number of vessels.
func (t *vtable) len() int { return t.n }

// each calls fn for every vessel, once each; fn may remove vessels (any
// of them), but not add any.
func (t *vtable) each(fn func(s *vstate)) {
	for i := range t.slots {
		if s := t.slots[i].s; s != nil {
			fn(s)
		}
	}
}
