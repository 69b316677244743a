package vessels

import (
	"unsafe"

	"github.com/riverwatch/riverwatch/vessels/prefetch"
)

// Prefetcher is a Store, a History or a Broker subscriber that can start
// loading what it keeps of a vessel before the tracker hands it the
// vessel's report. With thousands of vessels reporting in turn, each
// report finds those records out of the cache; the tracker asks every part
// for them at once, so that they load together instead of one memory
// latency after another (see package prefetch).
type Prefetcher interface {
	// Prefetch asks for what the part keeps of up to PrefetchStages
	// vessels, each at its own stage (see PrefetchAhead). It is a hint: it
	// changes nothing and never waits for a lock another goroutine holds.
	Prefetch(a *PrefetchAhead)
}

// PrefetchStages is how many stages a vessel's records are asked for in,
// one message apart: what a lookup reads first, what that leads to, and
// what the record points to.
const PrefetchStages = 3

// PrefetchAhead is one Prefetch: the vessel to ask for at each stage, 0 for
// none. At stage 0 a part asks for what a lookup reads first (a table
// slot), at stage 1 for what that leads to (the record itself), at stage 2
// for what the record points to; each stage reads what the one before
// asked for, so the tracker asks for the vessel of a message at stage 0
// three messages ahead, at stage 1 two ahead and at stage 2 just before.
type PrefetchAhead [PrefetchStages]uint32

// Prefetch implements Prefetcher: stage 0 the record's slot, stage 1 the
// record, stage 2 its last position.
func (s *MemoryStore) Prefetch(a *PrefetchAhead) {
	if !s.mu.TryRLock() {
		return
	}
	defer s.mu.RUnlock()
	if a[0] != 0 {
		s.m.Prefetch(a[0])
	}
	if p := s.record(a[1]); p != nil {
		prefetch.Lines(unsafe.Pointer(p), unsafe.Sizeof(*p))
	}
	if p := s.record(a[2]); p != nil && p.Lat != nil {
		prefetch.Line(unsafe.Pointer(p.Lat)) // the last position, which the next is checked against
	}
}

// record is mmsi's record, or nil (none, or mmsi 0). s.mu is held.
func (s *MemoryStore) record(mmsi uint32) *Vessel {
	if mmsi == 0 {
		return nil
	}
	if p := s.m.Get(mmsi); p != nil {
		return *p
	}
	return nil
}

// Prefetch implements Prefetcher: stage 0 the track's slot, stage 1 the
// place its next point goes; stage 2 asks nothing.
func (h *MemoryHistory) Prefetch(a *PrefetchAhead) {
	if a[0] != 0 {
		if s := h.shard(a[0]); s.mu.TryRLock() {
			s.rings.Prefetch(a[0])
			s.mu.RUnlock()
		}
	}
	if a[1] != 0 {
		if s := h.shard(a[1]); s.mu.TryRLock() {
			if r := s.rings.Get(a[1]); r != nil && len(r.buf) > 0 {
				prefetch.Line(unsafe.Pointer(&r.buf[r.off(int(r.n))]))
			}
			s.mu.RUnlock()
		}
	}
}

// SubscribePrefetch adds p to the parts the Broker's own Prefetch asks,
// and returns the function that removes it again. A subscriber that keeps
// records of vessels subscribes its Prefetch beside its handler.
func (b *Broker) SubscribePrefetch(p Prefetcher) (unsubscribe func()) {
	if p == nil {
		return func() {}
	}
	return b.add(&brokerSub{pre: p})
}

// Prefetch implements Prefetcher: it asks every subscribed Prefetcher.
func (b *Broker) Prefetch(a *PrefetchAhead) {
	p := b.subs.Load()
	if p == nil {
		return
	}
	for _, s := range *p {
		if s.pre != nil {
			s.pre.Prefetch(a)
		}
	}
}
