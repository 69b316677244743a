package vessels

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/riverwatch/riverwatch/vessels/mmsitable"
)

// MemoryStore is the in-memory Store: one mmsitable behind a read-write
// mutex. It is the default live store and what unit tests use.
type MemoryStore struct {
	mu sync.RWMutex
	m  mmsitable.Table[*Vessel]
	n  atomic.Int64 // m.Len(), written under mu: Len, which the tracker asks on every message, takes no lock
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{}
}

// Update implements Store. fn runs with the store locked: it must be quick
// and must not call back into the store.
//
// fn works on the stored record itself, with a copy on the stack to put
// back if it fails: on the ingest path that is one plain copy per update
// instead of three copies into and out of the heap.
func (s *MemoryStore) Update(ctx context.Context, mmsi uint32, fn func(v *Vessel) error) (Vessel, error) {
	if err := ctx.Err(); err != nil {
		return Vessel{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.m.Get(mmsi)
	if p == nil {
		nv := &Vessel{MMSI: mmsi}
		if err := fn(nv); err != nil {
			return Vessel{}, err
		}
		nv.MMSI = mmsi
		p, _ = s.m.Put(mmsi)
		*p = nv
		s.n.Store(int64(s.m.Len()))
		return cloneVessel(*nv), nil
	}
	v := *p
	backup := *v
	if v.Flags != nil {
		// fn may edit the flags in place: the backup keeps its own.
		v.Flags = slices.Clone(v.Flags)
	}
	if err := fn(v); err != nil {
		*v = backup
		return Vessel{}, err
	}
	v.MMSI = mmsi
	return cloneVessel(*v), nil
}

// Get implements Store.
func (s *MemoryStore) Get(ctx context.Context, mmsi uint32) (Vessel, error) {
	if err := ctx.Err(); err != nil {
		return Vessel{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	p := s.m.Get(mmsi)
	if p == nil {
		return Vessel{}, fmt.Errorf("vessels: vessel %d: %w", mmsi, ErrNotFound)
	}
	return cloneVessel(**p), nil
}

// List implements Store. keep runs with the store read-locked on a copy of
// each record; it must be quick and must not call back into the store.
//
// A listing of 100,000 records is tens of megabytes, so records are not
// sorted themselves: 8-byte keys of MMSI and place are, and then each kept
// record is copied once, in order, into a slice of exactly the kept size.
func (s *MemoryStore) List(ctx context.Context, keep func(*Vessel) bool) ([]Vessel, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	kept := make([]*Vessel, 0, s.m.Len())
	keys := make([]uint64, 0, s.m.Len())
	v := new(Vessel) // one copy for keep to look at, reused
	for mmsi, pp := range s.m.All() {
		p := *pp
		if keep != nil {
			*v = *p
			if !keep(v) {
				continue
			}
		}
		keys = append(keys, uint64(mmsi)<<32|uint64(len(kept)))
		kept = append(kept, p)
	}
	slices.Sort(keys) // MMSIs are unique: the place never decides
	out := make([]Vessel, len(keys))
	for i, k := range keys {
		out[i] = *kept[uint32(k)]
		if f := out[i].Flags; f != nil {
			out[i].Flags = slices.Clone(f)
		}
	}
	return out, nil
}

// Delete implements Store.
func (s *MemoryStore) Delete(ctx context.Context, mmsi uint32) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.m.Delete(mmsi) {
		return fmt.Errorf("vessels: delete %d: %w", mmsi, ErrNotFound)
	}
	s.n.Store(int64(s.m.Len()))
	return nil
}

// Len implements Store.
func (s *MemoryStore) Len() int {
	return int(s.n.Load())
}

// cloneVessel copies v so that the copy shares nothing mutable with it. The
// pointer fields are shared on purpose: they are never mutated, only
// replaced.
func cloneVessel(v Vessel) Vessel {
	if v.Flags != nil {
		v.Flags = slices.Clone(v.Flags)
	}
	return v
}

// Defaults of HistoryConfig: an hour of class A reports every 10 s (360)
// with room for faster reporting.
const (
	DefaultHistoryPoints = 720
	DefaultHistoryAge    = time.Hour
	// DefaultHistoryMinInterval keeps at most one point per 5 s: 720 an hour.
	DefaultHistoryMinInterval = 5 * time.Second
)

// HistoryConfig bounds a MemoryHistory. Zero fields take the defaults.
type HistoryConfig struct {
	MaxPoints int              // points kept per vessel (DefaultHistoryPoints)
	MaxAge    time.Duration    // points older than this are forgotten (DefaultHistoryAge)
	Now       func() time.Time // clock judging MaxAge (time.Now)
	// MinInterval thins fast reporters (0 keeps every point): the newest
	// point is replaced by the next while it is closer than this to the one
	// before it, so that a
	// vessel reporting every 2 s still keeps MaxAge of track in MaxPoints
	// (DefaultHistoryMinInterval with the default bounds).
	MinInterval time.Duration
}

const historyShards = 64 // power of two

// dropSlack is how far past MaxAge a vessel's oldest points may linger
// before Append forgets them (Track never returns them): forgetting a
// minute's worth at once reads the cold head of the buffer once a minute,
// not on every report. MaxPoints still bounds the buffer.
const dropSlack = 60 // seconds

// MemoryHistory is the in-memory History: per vessel a ring of packed
// 18-byte points, bounded by count and age, so that 100,000 vessels with an
// hour of class A reports each stay well under 1 GiB.
//
// Times are kept to the second, positions to the AIS resolution of 1/10000
// minute, SOG and COG to 0.1 and heading to 1 degree: Track returns what
// was appended, rounded to these. Append rejects a point older than the
// vessel's newest one with ErrInvalid.
type MemoryHistory struct {
	maxPoints int
	minGap    uint32 // seconds, from MinInterval
	span      uint32 // seconds of track a ring holds at most: maxAge and dropSlack
	maxAge    time.Duration
	now       func() time.Time
	shards    [historyShards]historyShard
}

type historyShard struct {
	mu    sync.RWMutex
	rings mmsitable.Table[ring] // by value: see ring
}

var _ History = (*MemoryHistory)(nil)

// NewMemoryHistory returns an empty MemoryHistory.
func NewMemoryHistory(cfg HistoryConfig) *MemoryHistory {
	h := &MemoryHistory{maxPoints: cfg.MaxPoints, maxAge: cfg.MaxAge, now: cfg.Now}
	if h.maxPoints <= 0 {
		h.maxPoints = DefaultHistoryPoints
	}
	if h.maxAge <= 0 {
		h.maxAge = DefaultHistoryAge
	}
	if cfg.MinInterval > 0 {
		h.minGap = uint32(cfg.MinInterval / time.Second)
	}
	h.span = clampSeconds(int64(h.maxAge/time.Second) + dropSlack)
	if h.now == nil {
		h.now = time.Now
	}
	return h
}

func (h *MemoryHistory) shard(mmsi uint32) *historyShard {
	return &h.shards[(mmsi^mmsi>>7)%historyShards]
}

// cutoff is the oldest second still kept.
// It is now.Add(-maxAge) in whole seconds, taken apart by hand: Time.Add
// costs as much again as the rest of an append.
func (h *MemoryHistory) cutoff() uint32 {
	now := h.now()
	sec := now.Unix() - int64(h.maxAge/time.Second)
	if int64(now.Nanosecond()) < int64(h.maxAge%time.Second) {
		sec--
	}
	return clampSeconds(sec)
}

// Append implements History. A point without a valid position, or older
// than the vessel's newest point, is refused with ErrInvalid; one already
// older than MaxAge is dropped silently.
func (h *MemoryHistory) Append(ctx context.Context, mmsi uint32, p TrackPoint) error {
	if !validLatLon(p.Lat, p.Lon) {
		return fmt.Errorf("vessels: track point of %d at %v,%v: %w", mmsi, p.Lat, p.Lon, ErrInvalid)
	}
	q := packPoint(p)
	cut := h.cutoff()
	if q.t < cut {
		return nil
	}
	s := h.shard(mmsi)
	s.mu.Lock()
	defer s.mu.Unlock()
	r, _ := s.rings.Put(mmsi)
	if r.n > 0 && q.t < r.newest() {
		return fmt.Errorf("vessels: track point of %d at %v before the last one: %w", mmsi, p.Time, ErrInvalid)
	}
	if r.n > 0 && cut > r.oldest+dropSlack {
		r.dropBefore(cut)
	}
	if h.minGap > 0 && r.n >= 2 && r.latest-r.before < h.minGap {
		// The newest point was only provisional, too close to the one
		// before it: the new one takes its place.
		r.dropNewest()
	}
	r.push(q, h.maxPoints, h.span)
	return nil
}

// Track implements History. A negative limit, or until before since, is
// ErrInvalid.
func (h *MemoryHistory) Track(ctx context.Context, mmsi uint32, since, until time.Time, limit int) ([]TrackPoint, error) {
	if limit < 0 || (!since.IsZero() && !until.IsZero() && until.Before(since)) {
		return nil, fmt.Errorf("vessels: track of %d since %v until %v limit %d: %w", mmsi, since, until, limit, ErrInvalid)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	lo := h.cutoff()
	if !since.IsZero() {
		// Stored times are whole seconds, so since rounds up.
		t := since
		if t.Truncate(time.Second) != t {
			t = t.Add(time.Second)
		}
		lo = max(lo, unixSeconds(t))
	}
	s := h.shard(mmsi)
	s.mu.RLock()
	defer s.mu.RUnlock()
	r := s.rings.Get(mmsi)
	if r == nil || r.n == 0 {
		return []TrackPoint{}, nil
	}
	i, j := r.search(lo), int(r.n)
	if !until.IsZero() {
		if u := until.Unix(); u < 0 {
			j = 0
		} else if u < int64(^uint32(0)) {
			j = r.search(uint32(u) + 1)
		}
	}
	if j < i {
		j = i
	}
	if limit > 0 && j-i > limit {
		i = j - limit
	}
	out := make([]TrackPoint, j-i)
	for k := range out {
		out[k] = r.at(i + k).point()
	}
	return out, nil
}

// Prune forgets the points older than MaxAge and the vessels left without
// any, and gives back memory a shrunken track no longer needs. The Tracker
// calls it on every sweep; a MemoryHistory used on its own bounds a vessel
// that keeps reporting by itself, but only Prune frees a silent one.
// It returns the number of vessels forgotten.
func (h *MemoryHistory) Prune() int {
	cut := h.cutoff()
	dropped := 0
	for i := range h.shards {
		s := &h.shards[i]
		s.mu.Lock()
		for mmsi, r := range s.rings.All() {
			r.dropBefore(cut)
			switch {
			case r.n == 0:
				s.rings.Delete(mmsi)
				dropped++
			case r.capacity() > 64 && int(r.n) < r.capacity()/4:
				r.resize(int(r.n)*2, int(r.n)*2)
			}
		}
		s.mu.Unlock()
	}
	return dropped
}

// Len is the number of vessels with a track.
func (h *MemoryHistory) Len() int {
	n := 0
	for i := range h.shards {
		s := &h.shards[i]
		s.mu.RLock()
		n += s.rings.Len()
		s.mu.RUnlock()
	}
	return n
}

// Close implements History; a MemoryHistory has nothing to flush.
func (h *MemoryHistory) Close() error { return nil }
