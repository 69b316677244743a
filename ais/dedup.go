package ais

import (
	"hash/maphash"
	"sync"
	"time"
)

// Defaults for de-duplication.
const (
	// DefaultDedupWindow is how long after a message is first heard the same
	// payload from any receiver is dropped as a duplicate. Receivers relaying
	// one transmission differ by tens of milliseconds (the simpleais capture:
	// 99 % of its duplicates within 0.1 s); identical payloads minutes apart
	// are real repeats (static reports, AtoN) and must pass.
	DefaultDedupWindow = 2 * time.Second
	// DefaultDedupEntries bounds the payload hashes kept. At more messages
	// per window than this, the oldest are forgotten early.
	DefaultDedupEntries = 1 << 17
)

type dedupEntry struct {
	hash uint64
	at   int64 // unix ns first heard
}

// deduper remembers the hashes of recently heard payloads. It is safe for
// concurrent use. The window runs from the first hearing: a payload heard
// over and over is passed on again once the window has passed, so a
// station repeating identical reports is not silenced.
type deduper struct {
	window int64
	max    int
	seed   maphash.Seed

	mu     sync.Mutex
	seen   map[uint64]int64
	ring   []dedupEntry // time-ordered (by arrival) eviction queue
	head   int
	n      int
	latest int64 // latest time heard, unix ns
}

func newDeduper(window time.Duration, maxEntries int) *deduper {
	if maxEntries <= 0 {
		maxEntries = DefaultDedupEntries
	}
	size := min(maxEntries, 1024)
	return &deduper{
		window: int64(window),
		max:    maxEntries,
		seed:   maphash.MakeSeed(),
		seen:   make(map[uint64]int64, size),
		ring:   make([]dedupEntry, size),
	}
}

// duplicate reports whether payload (with its fill bits) was heard within
// the window before or after t, and otherwise remembers it as heard at t.
func (d *deduper) duplicate(payload []byte, fill int, t time.Time) bool {
	key := maphash.Bytes(d.seed, payload) ^ uint64(fill)*0x9e3779b97f4a7c15
	now := t.UnixNano()

	d.mu.Lock()
	defer d.mu.Unlock()
	if now > d.latest {
		d.latest = now
	}
	for d.n > 0 && d.ring[d.head].at < d.latest-d.window {
		d.pop()
	}
	if first, ok := d.seen[key]; ok {
		if diff := now - first; diff <= d.window && diff >= -d.window {
			return true
		}
	}
	d.seen[key] = now
	d.push(dedupEntry{key, now})
	return false
}

func (d *deduper) pop() {
	e := d.ring[d.head]
	if d.seen[e.hash] == e.at {
		delete(d.seen, e.hash)
	}
	d.head = (d.head + 1) % len(d.ring)
	d.n--
}

func (d *deduper) push(e dedupEntry) {
	if d.n == len(d.ring) {
		if len(d.ring) >= d.max {
			d.pop()
		} else {
			grown := make([]dedupEntry, min(2*len(d.ring), d.max))
			for i := 0; i < d.n; i++ {
				grown[i] = d.ring[(d.head+i)%len(d.ring)]
			}
			d.ring, d.head = grown, 0
		}
	}
	d.ring[(d.head+d.n)%len(d.ring)] = e
	d.n++
}

// size is the number of payloads remembered.
func (d *deduper) size() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.seen)
}
