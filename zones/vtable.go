package zones

import (
	"unsafe"

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
// the table, stage 1 its state, so that they load beside the tracker's own
// records of the same report.
func (e *Engine) Prefetch(mmsi uint32, stage int) {
	if !e.mu.TryLock() {
		return
	}
	defer e.mu.Unlock()
	if stage == 0 {
		e.vs.t.Prefetch(mmsi)
	} else if s := e.vs.get(mmsi); s != nil {
		prefetch.Lines(unsafe.Pointer(s), unsafe.Sizeof(*s))
	}
}
