package zones

import (
	"unsafe"

	"github.com/riverwatch/riverwatch/vessels"
	"github.com/riverwatch/riverwatch/vessels/mmsitable"
	"github.com/riverwatch/riverwatch/vessels/prefetch"
)

// vtable is the engine's vessels by MMSI, in an mmsitable: finding a
// vessel on every report reads one slot, not a map group's control word
// and then its slot. Removing while iterating (the sweep does) neither
// skips nor repeats a vessel.
type vtable struct{ t mmsitable.Table[*vstate] }

// get returns the vessel of mmsi, or nil.
func (t *vtable) get(mmsi uint32) *vstate {
	if p := t.t.Get(mmsi); p != nil {
		return *p
	}
	return nil
}

// put adds s, whose MMSI the table does not hold.
func (t *vtable) put(s *vstate) {
	p, _ := t.t.Put(s.mmsi)
	*p = s
}

// del removes the vessel of mmsi, if held.
func (t *vtable) del(mmsi uint32) { t.t.Delete(mmsi) }

// len is the number of vessels.
func (t *vtable) len() int { return t.t.Len() }

// each calls fn for every vessel, once each; fn may remove vessels (any
// of them), but not add any.
func (t *vtable) each(fn func(s *vstate)) {
	for _, s := range t.t.All() {
		fn(*s)
	}
}

// Prefetch implements vessels.Prefetcher: stage 0 the vessel's slot in
// the table, stage 1 its state, stage 2 what the state points to that
// every report reads (its episodes, zones, cached zone pieces, the head
// of its grid cell), so that they load beside the tracker's own records.
func (e *Engine) Prefetch(a *vessels.PrefetchAhead) {
	if !e.mu.TryLock() {
		return
	}
	defer e.mu.Unlock()
	if a[0] != 0 {
		e.vs.t.Prefetch(a[0])
	}
	if s := e.stateOf(a[1]); s != nil {
		prefetch.Lines(unsafe.Pointer(s), unsafe.Sizeof(*s))
	}
	if s := e.stateOf(a[2]); s != nil {
		lineOf(s.eps)
		lineOf(s.inside)
		lineOf(s.insideZ)
		if ents := s.nearZones.ents; len(ents) > 0 {
			prefetch.Lines(unsafe.Pointer(unsafe.SliceData(ents)), min(uintptr(len(ents))*unsafe.Sizeof(ents[0]), 4*prefetch.LineSize))
		}
		if s.inGrid {
			prefetch.Line(unsafe.Pointer(&s.block.cells[s.cellIdx]))
		}
	}
}

// stateOf is the state of mmsi, or nil (none, or mmsi 0: no vessel asked).
func (e *Engine) stateOf(mmsi uint32) *vstate {
	if mmsi == 0 {
		return nil
	}
	return e.vs.get(mmsi)
}

// lineOf asks for the first line of a slice's elements, if any.
func lineOf[T any](xs []T) {
	if len(xs) > 0 {
		prefetch.Line(unsafe.Pointer(unsafe.SliceData(xs)))
	}
}
