package vessels_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/vessels"
	"github.com/riverwatch/riverwatch/vessels/vesselstest"
)

// recordingPrefetcher notes every Prefetch.
type recordingPrefetcher struct {
	calls []string
}

func (p *recordingPrefetcher) Prefetch(mmsi uint32, stage int) {
	p.calls = append(p.calls, fmt.Sprintf("prefetch %d %d", stage, mmsi))
}

// The tracker asks a Broker's prefetching subscriber for each report's
// vessel, every table slot first and then every record, before the event
// reaches the handlers; a prefetcher gets no events and an unsubscribed
// one is asked nothing.
func TestTrackerPrefetchesThroughBroker(t *testing.T) {
	b := vessels.NewBroker()
	pre := &recordingPrefetcher{}
	stop := b.SubscribePrefetch(pre)
	b.SubscribeRef(func(e *vessels.Event) { pre.calls = append(pre.calls, fmt.Sprintf("event %d", e.Vessel.MMSI)) })
	at := time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)
	tr := vessels.NewTracker(vessels.TrackerConfig{Now: func() time.Time { return at }}, nil, nil, b)
	tr.Handle(vesselstest.PositionReport(413000001, at, 43.9, 126.5, 5))
	tr.Handle(vesselstest.PositionReport(413000002, at, 43.8, 126.4, 5))
	want := []string{
		"prefetch 0 413000001", "prefetch 1 413000001", "event 413000001",
		"prefetch 0 413000002", "prefetch 1 413000002", "event 413000002",
	}
	if !slices.Equal(pre.calls, want) {
		t.Fatalf("calls %q, want %q", pre.calls, want)
	}
	stop()
	pre.calls = nil
	tr.Handle(vesselstest.PositionReport(413000001, at.Add(10*time.Second), 43.9001, 126.5, 5))
	if !slices.Equal(pre.calls, []string{"event 413000001"}) {
		t.Fatalf("after unsubscribing, calls %q", pre.calls)
	}
}

// The memory store's and history's Prefetch are hints: for a vessel known
// or not, at any stage, and while another goroutine holds their lock, they
// return at once and change nothing.
func TestMemoryPrefetchChangesNothing(t *testing.T) {
	at := time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)
	store := vessels.NewMemoryStore()
	hist := vessels.NewMemoryHistory(vessels.HistoryConfig{Now: func() time.Time { return at }})
	for _, p := range []vessels.Prefetcher{store, hist} {
		p.Prefetch(413000001, 0) // empty tables
		p.Prefetch(413000001, 1)
	}
	tr := vessels.NewTracker(vessels.TrackerConfig{Now: func() time.Time { return at }}, store, hist, nil)
	tr.Handle(vesselstest.PositionReport(413000001, at, 43.9, 126.5, 5))
	before, _ := store.Get(t.Context(), 413000001)
	for _, m := range []uint32{413000001, 413000009} {
		for stage := range 2 {
			store.Prefetch(m, stage)
			hist.Prefetch(m, stage)
		}
	}
	// Held by an Update: Prefetch must not wait for it.
	done := make(chan struct{})
	_, _ = store.Update(t.Context(), 413000001, func(v *vessels.Vessel) error {
		go func() { store.Prefetch(413000001, 1); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("Prefetch waited for the store's lock")
		}
		return nil
	})
	after, _ := store.Get(t.Context(), 413000001)
	track, _ := hist.Track(t.Context(), 413000001, time.Time{}, time.Time{}, 0)
	if before.LastSeen != after.LastSeen || *after.Lat != 43.9 || store.Len() != 1 || len(track) != 1 {
		t.Fatalf("after Prefetch: %+v, %d records, track %v", after, store.Len(), track)
	}
}
