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
	// Prefetch asks for what the part keeps of mmsi: at stage 0 what a
	// lookup reads first (a table slot), at stage 1 what that leads to (the
	// record itself). It is a hint: it changes nothing and never waits
	// for a lock another goroutine holds.
	Prefetch(mmsi uint32, stage int)
}

// Prefetch implements Prefetcher: stage 0 the record's slot, stage 1 the
// record.
func (s *MemoryStore) Prefetch(mmsi uint32, stage int) {
	if !s.mu.TryRLock() {
		return
	}
	defer s.mu.RUnlock()
	if stage == 0 {
		s.m.Prefetch(mmsi)
	} else if p := s.m.Get(mmsi); p != nil {
		prefetch.Lines(unsafe.Pointer(*p), unsafe.Sizeof(Vessel{}))
	}
}

// Prefetch implements Prefetcher: stage 0 the track's slot, stage 1 the
// place its next point goes.
func (h *MemoryHistory) Prefetch(mmsi uint32, stage int) {
	s := h.shard(mmsi)
	if !s.mu.TryRLock() {
		return
	}
	defer s.mu.RUnlock()
	if stage == 0 {
		s.rings.Prefetch(mmsi)
	} else if r := s.rings.Get(mmsi); r != nil && r.capacity() > 0 {
		prefetch.Lines(unsafe.Pointer(&r.buf[r.off(int(r.n)%r.capacity())]), pointSize)
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
func (b *Broker) Prefetch(mmsi uint32, stage int) {
	p := b.subs.Load()
	if p == nil {
		return
	}
	for _, s := range *p {
		if s.pre != nil {
			s.pre.Prefetch(mmsi, stage)
		}
	}
}
