package vessels_test

import (
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/riverwatch/riverwatch/vessels"
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
