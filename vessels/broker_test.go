package vessels_test

import (
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/vessels"
	"github.com/riverwatch/riverwatch/vessels/vesselstest"
)

func TestBroker(t *testing.T) {
	var b vessels.Broker // the zero Broker works
	b.Publish(vessels.Event{Type: vessels.EventUpdate})

	var got []string
	unA := b.Subscribe(func(e vessels.Event) { got = append(got, "a:"+string(e.Type)) })
	unB := b.Subscribe(func(e vessels.Event) { got = append(got, "b:"+string(e.Type)) })
	b.Subscribe(nil)()
	if n := b.Len(); n != 2 {
		t.Fatalf("Len = %d, want 2", n)
	}
	b.Publish(vessels.Event{Type: vessels.EventUpdate})
	unA()
	unA() // harmless twice
	b.Publish(vessels.Event{Type: vessels.EventStale})
	unB()
	b.Publish(vessels.Event{Type: vessels.EventLost})
	want := []string{"a:update", "b:update", "b:stale"}
	if !slices.Equal(got, want) {
		t.Fatalf("delivered %v, want %v", got, want)
	}
	if n := b.Len(); n != 0 {
		t.Fatalf("Len after unsubscribing = %d", n)
	}
}

func TestBrokerUnsubscribeFromCallback(t *testing.T) {
	b := vessels.NewBroker()
	var n int
	var un func()
	un = b.Subscribe(func(vessels.Event) { n++; un() })
	b.Publish(vessels.Event{})
	b.Publish(vessels.Event{})
	if n != 1 {
		t.Fatalf("a subscriber that unsubscribed itself was called %d times, want 1", n)
	}
}

func TestBrokerConcurrent(t *testing.T) {
	b := vessels.NewBroker()
	var total atomic.Int64
	stop := b.Subscribe(func(vessels.Event) { total.Add(1) })
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 1000 {
				b.Publish(vessels.Event{})
			}
		})
		wg.Go(func() {
			for range 100 {
				b.Subscribe(func(vessels.Event) {})()
			}
		})
	}
	wg.Wait()
	stop()
	if got := total.Load(); got != 4000 {
		t.Fatalf("steady subscriber got %d events, want 4000", got)
	}
	vessels.NopPublisher{}.Publish(vessels.Event{})
}

func BenchmarkBrokerPublishNoSubscribers(b *testing.B) {
	br := vessels.NewBroker()
	e := vessels.Event{Type: vessels.EventUpdate}
	for b.Loop() {
		br.Publish(e)
	}
}

// Subscribers by value and by reference get every event, in the order
// they subscribed, from Publish and PublishRef alike; by reference they
// see the publisher's own event, without a copy.
func TestBrokerByReference(t *testing.T) {
	b := vessels.NewBroker()
	var got []string
	var seen []*vessels.Event
	b.Subscribe(func(e vessels.Event) { got = append(got, "value:"+string(e.Type)) })
	unRef := b.SubscribeRef(func(e *vessels.Event) {
		got = append(got, "ref:"+string(e.Type))
		seen = append(seen, e)
	})
	b.SubscribeRef(nil)()
	ev := vessels.Event{Type: vessels.EventUpdate}
	b.PublishRef(&ev)
	b.Publish(vessels.Event{Type: vessels.EventStale})
	unRef()
	b.PublishRef(&vessels.Event{Type: vessels.EventLost})
	want := []string{"value:update", "ref:update", "value:stale", "ref:stale", "value:lost"}
	if !slices.Equal(got, want) {
		t.Fatalf("delivered %v, want %v", got, want)
	}
	if len(seen) != 2 || seen[0] != &ev {
		t.Fatalf("by reference got %p, want the published %p", seen, &ev)
	}
}

// A tracker publishing through a Broker hands subscribers by reference
// the same update subscribers by value get.
func TestTrackerPublishesByReference(t *testing.T) {
	b := vessels.NewBroker()
	var byValue, byRef []vessels.Event
	b.Subscribe(func(e vessels.Event) { byValue = append(byValue, e) })
	b.SubscribeRef(func(e *vessels.Event) { byRef = append(byRef, *e) })
	at := time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)
	tr := vessels.NewTracker(vessels.TrackerConfig{Now: func() time.Time { return at }}, nil, nil, b)
	tr.Handle(vesselstest.PositionReport(413000001, at, 43.9, 126.5, 5))
	tr.Handle(vesselstest.PositionReport(413000001, at.Add(10*time.Second), 43.9001, 126.5, 5))
	if len(byRef) != 2 || len(byValue) != 2 || byRef[1].Vessel.MMSI != 413000001 || *byRef[1].Vessel.Lat != 43.9001 {
		t.Fatalf("by reference %+v, by value %+v", byRef, byValue)
	}
	if !reflect.DeepEqual(byRef, byValue) {
		t.Fatalf("by reference %+v differs from by value %+v", byRef, byValue)
	}
}

// Publishing to no subscribers, or only to subscribers by value, copies
// nothing to the heap: the tracker publishes on every message.
func TestBrokerPublishAllocatesNothingByValue(t *testing.T) {
	b := vessels.NewBroker()
	ev := vessels.Event{Type: vessels.EventUpdate, Vessel: vessels.Vessel{MMSI: 413000001, Name: "JI HANG 1"}}
	if n := testing.AllocsPerRun(100, func() { b.Publish(ev) }); n != 0 {
		t.Fatalf("Publish with no subscribers: %v allocations, want 0", n)
	}
	var got uint32
	b.Subscribe(func(e vessels.Event) { got = e.Vessel.MMSI })
	if n := testing.AllocsPerRun(100, func() { b.Publish(ev) }); n != 0 || got != 413000001 {
		t.Fatalf("Publish to a subscriber by value: %v allocations (got MMSI %d), want 0", n, got)
	}
}
