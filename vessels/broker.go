package vessels

import (
	"sync"
	"sync/atomic"
)

// Broker fans events out to subscribers. It implements Publisher.
//
// Publish calls every subscriber's function synchronously, in the
// publisher's goroutine, in the order they subscribed. A subscriber function
// must therefore return at once: one that does real work (a websocket
// write, a zone check against a slow backend) queues or coalesces the event
// itself and drops what it cannot keep up with. It must not call back into
// whatever is publishing (Tracker.Handle), and must treat the Event, its
// Vessel and the Vessel's Flags as read-only: every subscriber sees the same
// value.
//
// A Broker is safe for concurrent use. Publishing with no subscribers is one
// atomic load.
type Broker struct {
	mu   sync.Mutex                   // serialises Subscribe and unsubscribe
	subs atomic.Pointer[[]*brokerSub] // copy-on-write; never mutated once stored
}

// brokerSub is one subscriber: fn takes events by value, ref by
// reference (see SubscribeRef); one of them is set, or else pre, a
// Prefetcher (see SubscribePrefetch) that takes no events.
type brokerSub struct {
	fn  func(Event)
	ref func(*Event)
	pre Prefetcher
}

var _ Publisher = (*Broker)(nil)

// NewBroker returns a Broker with no subscribers. The zero Broker is ready
// to use too.
func NewBroker() *Broker { return &Broker{} }

// Subscribe adds fn to the subscribers and returns the function that removes
// it again; calling that more than once is harmless. Events published while
// Subscribe runs may or may not reach fn. A nil fn is ignored.
func (b *Broker) Subscribe(fn func(Event)) (unsubscribe func()) {
	if fn == nil {
		return func() {}
	}
	return b.add(&brokerSub{fn: fn})
}

// SubscribeRef is Subscribe for a function that takes the event by
// reference: it saves copying the event (some 400 bytes) on its way, which
// on the ingest path, called for every message, is worth it. The event is
// valid only during the call, and read-only as with Subscribe: fn copies
// what it keeps.
func (b *Broker) SubscribeRef(fn func(*Event)) (unsubscribe func()) {
	if fn == nil {
		return func() {}
	}
	return b.add(&brokerSub{ref: fn})
}

func (b *Broker) add(s *brokerSub) (unsubscribe func()) {
	b.mu.Lock()
	old := b.load()
	next := make([]*brokerSub, len(old), len(old)+1)
	copy(next, old)
	next = append(next, s)
	b.subs.Store(&next)
	b.mu.Unlock()

	var once sync.Once
	return func() { once.Do(func() { b.remove(s) }) }
}

func (b *Broker) remove(s *brokerSub) {
	b.mu.Lock()
	defer b.mu.Unlock()
	old := b.load()
	next := make([]*brokerSub, 0, len(old))
	for _, o := range old {
		if o != s {
			next = append(next, o)
		}
	}
	b.subs.Store(&next)
}

func (b *Broker) load() []*brokerSub {
	if p := b.subs.Load(); p != nil {
		return *p
	}
	return nil
}

// Publish hands e to every current subscriber.
//
// It does not call PublishRef(&e): e would then escape to the heap on
// every call, and publishing to no subscribers would allocate the whole
// event instead of being one atomic load. Only a subscriber by reference
// costs its own copy.
func (b *Broker) Publish(e Event) {
	p := b.subs.Load()
	if p == nil {
		return
	}
	for _, s := range *p {
		switch {
		case s.fn != nil:
			s.fn(e)
		case s.ref != nil:
			ev := e
			s.ref(&ev)
		}
	}
}

// PublishRef is Publish of the event e points to, which subscribers by
// reference get without a copy; e must not change until it returns.
func (b *Broker) PublishRef(e *Event) {
	p := b.subs.Load()
	if p == nil {
		return
	}
	for _, s := range *p {
		switch {
		case s.ref != nil:
			s.ref(e)
		case s.fn != nil:
			s.fn(*e)
		}
	}
}

// Len is the number of subscribers.
func (b *Broker) Len() int { return len(b.load()) }

// NopPublisher drops every event. It is the Publisher of a Tracker nobody
// listens to.
type NopPublisher struct{}

var _ Publisher = NopPublisher{}

// Publish does nothing.
func (NopPublisher) Publish(Event) {}
