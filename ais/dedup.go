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
	seen   seenTable
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
		ring:   make([]dedupEntry, size),
	}
}

// duplicate reports whether payload (with its fill bits) was heard within
// the window before or after t, and otherwise remembers it as heard at t.
func (d *deduper) duplicate(payload []byte, fill int, t time.Time) bool {
	key := maphash.Bytes(d.seed, payload) ^ uint64(fill)*0x9e3779b97f4a7c15
	if key == 0 {
		key = 1 // 0 marks an empty slot of seenTable
	}
	now := t.UnixNano()

	d.mu.Lock()
	defer d.mu.Unlock()
	if now > d.latest {
		d.latest = now
	}
	for d.n > 0 && d.ring[d.head].at < d.latest-d.window {
		d.pop()
	}
	if first, ok := d.seen.get(key); ok {
		if diff := now - first; diff <= d.window && diff >= -d.window {
			return true
		}
	}
	d.seen.set(key, now)
	d.push(dedupEntry{key, now})
	return false
}

func (d *deduper) pop() {
	e := d.ring[d.head]
	if at, ok := d.seen.get(e.hash); ok && at == e.at {
		d.seen.del(e.hash)
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
	return d.seen.n
}

// seenTable maps payload hashes to when they were first heard: open
// addressing with linear probing, deleted entries shifted back rather than
// left as tombstones. Every sentence adds one hash and, once the window is
// full, removes one; a Go map's insert and delete cost several times this
// table's, whose slots (two words each) sit in a few contiguous lines.
type seenTable struct {
	slots []dedupEntry // hash 0: empty; len a power of two, or 0
	n     int
}

func (t *seenTable) get(h uint64) (int64, bool) {
	if t.n == 0 {
		return 0, false
	}
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch t.slots[i].hash {
		case h:
			return t.slots[i].at, true
		case 0:
			return 0, false
		}
	}
}

func (t *seenTable) set(h uint64, at int64) {
	if 2*(t.n+1) > len(t.slots) {
		old := t.slots
		t.slots, t.n = make([]dedupEntry, max(2048, 2*len(old))), 0
		for _, e := range old {
			if e.hash != 0 {
				t.set(e.hash, e.at)
			}
		}
	}
	mask := uint64(len(t.slots) - 1)
	i := h & mask
	for t.slots[i].hash != 0 && t.slots[i].hash != h {
		i = (i + 1) & mask
	}
	if t.slots[i].hash == 0 {
		t.n++
	}
	t.slots[i] = dedupEntry{h, at}
}

func (t *seenTable) del(h uint64) {
	if t.n == 0 {
		return
	}
	mask := uint64(len(t.slots) - 1)
	i := h & mask
	for t.slots[i].hash != h {
		if t.slots[i].hash == 0 {
			return
		}
		i = (i + 1) & mask
	}
	// Shift back the entries after i that probed past it, so that a
	// lookup never stops early at the hole.
	for j := (i + 1) & mask; t.slots[j].hash != 0; j = (j + 1) & mask {
		home := t.slots[j].hash & mask
		// j's entry may fill the hole at i unless its home lies
		// cyclically in (i, j].
		if (j-home)&mask >= (j-i)&mask {
			t.slots[i] = t.slots[j]
			i = j
		}
	}
	t.slots[i] = dedupEntry{}
	t.n--
}
