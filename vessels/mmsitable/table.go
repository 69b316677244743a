// Package mmsitable is a table of values keyed by MMSI for the ingest
// path: open addressing with linear probing, each slot the MMSI beside its
// value, so that finding a vessel reads one slot (one cache line, most
// often) instead of a Go map group's control word and then its slot. With
// thousands of vessels reporting in turn, every lookup is a cache miss, and
// on that path the misses are most of the cost.
//
// A removed key leaves a tombstone, so that removing while iterating
// neither skips nor repeats a key; tombstones go when the table is rebuilt,
// which it is when slots in use (keys and tombstones) would pass half the
// table, into a table a quarter full: it grows with the keys, not with
// their turnover. A Table is not safe for concurrent use.
package mmsitable

import (
	"iter"
	"unsafe"

	"github.com/riverwatch/riverwatch/vessels/prefetch"
)

// Table maps MMSIs to values of V. The zero Table is empty and ready.
// Pointers it returns stay valid until the next Put of a new key.
type Table[V any] struct {
	slots []slot[V] // len a power of two, or 0
	n     int       // keys
	used  int       // slots holding a key or a tombstone
}

type slotState uint8

const (
	empty slotState = iota
	full
	tomb
)

type slot[V any] struct {
	key   uint32
	state slotState
	val   V
}

// hash spreads an MMSI over the table (Fibonacci hashing: MMSIs of one
// country share their leading digits and differ in the low ones).
func hash(key uint32, mask uint64) uint64 {
	return (uint64(key) * 0x9E3779B97F4A7C15 >> 32) & mask
}

// Get returns the value of key, or nil.
func (t *Table[V]) Get(key uint32) *V {
	if sl := t.find(key); sl != nil {
		return &sl.val
	}
	return nil
}

// find returns the slot holding key, or nil.
func (t *Table[V]) find(key uint32) *slot[V] {
	if t.n == 0 {
		return nil
	}
	mask := uint64(len(t.slots) - 1)
	for i := hash(key, mask); ; i = (i + 1) & mask {
		sl := &t.slots[i]
		switch {
		case sl.state == empty:
			return nil
		case sl.key == key && sl.state == full:
			return sl
		}
	}
}

// Prefetch starts loading the slot a lookup of key reads first, so that a
// caller with several tables to look in can have their slots loading
// together (see package prefetch).
func (t *Table[V]) Prefetch(key uint32) {
	if len(t.slots) > 0 {
		prefetch.Line(unsafe.Pointer(&t.slots[hash(key, uint64(len(t.slots)-1))]))
	}
}

// Put returns the value of key, adding a zero value first if the table
// does not hold key; added reports which.
func (t *Table[V]) Put(key uint32) (v *V, added bool) {
	if v := t.Get(key); v != nil {
		return v, false
	}
	if 2*(t.used+1) > len(t.slots) {
		t.rebuild()
	}
	return t.add(key), true
}

// add puts key, which the table does not hold, into a slot with room.
func (t *Table[V]) add(key uint32) *V {
	mask := uint64(len(t.slots) - 1)
	i := hash(key, mask)
	// The first tombstone on the way is reused: lookups of key stop here
	// before any further one, and key was in none.
	for t.slots[i].state == full {
		i = (i + 1) & mask
	}
	sl := &t.slots[i]
	if sl.state == empty {
		t.used++
	}
	var zero V
	sl.key, sl.state, sl.val = key, full, zero
	t.n++
	return &sl.val
}

// Delete removes key and reports whether the table held it.
func (t *Table[V]) Delete(key uint32) bool {
	sl := t.find(key)
	if sl == nil {
		return false
	}
	var zero V // nothing left behind for the collector
	sl.state, sl.val = tomb, zero
	t.n--
	return true
}

// rebuild moves the keys into a table a quarter full, without tombstones.
func (t *Table[V]) rebuild() {
	size := 16
	for size < 4*(t.n+1) {
		size *= 2
	}
	old := t.slots
	t.slots, t.n, t.used = make([]slot[V], size), 0, 0
	for i := range old {
		if old[i].state == full {
			*t.add(old[i].key) = old[i].val
		}
	}
}

// Len is the number of keys.
func (t *Table[V]) Len() int { return t.n }

// All yields every key with its value, once each, in no set order. The
// loop may Delete keys (any of them), but not Put new ones.
func (t *Table[V]) All() iter.Seq2[uint32, *V] {
	return func(yield func(uint32, *V) bool) {
		for i := range t.slots {
			if sl := &t.slots[i]; sl.state == full && !yield(sl.key, &sl.val) {
				return
			}
		}
	}
}
