package vessels_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/ais"
	"github.com/riverwatch/riverwatch/vessels"
	"github.com/riverwatch/riverwatch/vessels/vesselstest"
)

// recordingPrefetcher notes every Prefetch.
type recordingPrefetcher struct {
	calls []string
}

func (p *recordingPrefetcher) Prefetch(a *vessels.PrefetchAhead) {
	p.calls = append(p.calls, fmt.Sprintf("prefetch %v", *a))
}

// The tracker asks a Broker's prefetching subscriber for each report's
// vessel, its table slot first and then its record, before the event
// reaches the handlers; a prefetcher gets no events and an unsubscribed
// one is asked nothing.
func TestTrackerPrefetchesThroughBroker(t *testing.T) {
	b := vessels.NewBroker()
	pre := &recordingPrefetcher{}
	stop := b.SubscribePrefetch(pre)
	b.SubscribeRef(func(e *vessels.Event) { pre.calls = append(pre.calls, fmt.Sprintf("event %d", e.Vessel.MMSI)) })
	at := time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)
	tr := vessels.NewTracker(vessels.TrackerConfig{PrefetchFrom: -1, Now: func() time.Time { return at }}, nil, nil, b)
	tr.Handle(vesselstest.PositionReport(413000001, at, 43.9, 126.5, 5))
	tr.Handle(vesselstest.PositionReport(413000002, at, 43.8, 126.4, 5))
	want := []string{
		"prefetch [413000001 0 0]", "prefetch [0 413000001 0]", "event 413000001",
		"prefetch [413000002 0 0]", "prefetch [0 413000002 0]", "event 413000002",
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

	// By default a live picture of two vessels stays in the cache: nobody
	// is asked.
	b.SubscribePrefetch(pre)
	pre.calls = nil
	small := vessels.NewTracker(vessels.TrackerConfig{Now: func() time.Time { return at }}, nil, nil, b)
	small.Handle(vesselstest.PositionReport(413000001, at, 43.9, 126.5, 5))
	small.HandleBatch([]*ais.Message{vesselstest.PositionReport(413000002, at, 43.9, 126.5, 5)})
	if !slices.Equal(pre.calls, []string{"event 413000001", "event 413000002"}) {
		t.Fatalf("with two vessels, calls %q", pre.calls)
	}
}

// The memory store's and history's Prefetch are hints: for a vessel known
// or not, at any stage, and while another goroutine holds their lock, they
// return at once and change nothing.
func TestMemoryPrefetchChangesNothing(t *testing.T) {
	at := time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)
	store := vessels.NewMemoryStore()
	hist := vessels.NewMemoryHistory(vessels.HistoryConfig{Now: func() time.Time { return at }})
	ask := &vessels.PrefetchAhead{413000001, 413000001, 413000001}
	for _, p := range []vessels.Prefetcher{store, hist} {
		p.Prefetch(ask) // empty tables
	}
	tr := vessels.NewTracker(vessels.TrackerConfig{Now: func() time.Time { return at }}, store, hist, nil)
	tr.Handle(vesselstest.PositionReport(413000001, at, 43.9, 126.5, 5))
	before, _ := store.Get(t.Context(), 413000001)
	for _, a := range []vessels.PrefetchAhead{{413000001, 413000001, 413000001}, {413000009, 413000009, 413000009}, {}} {
		store.Prefetch(&a)
		hist.Prefetch(&a)
	}
	// Held by an Update: Prefetch must not wait for it.
	done := make(chan struct{})
	_, _ = store.Update(t.Context(), 413000001, func(v *vessels.Vessel) error {
		go func() { store.Prefetch(ask); close(done) }()
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

// HandleBatch asks for each vessel three messages ahead, a stage nearer
// each message, and gives the live picture, the tracks and the events
// Handle of each message in turn gives.
func TestHandleBatchAsHandle(t *testing.T) {
	at := time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)
	var ms []*ais.Message
	for i := range 7 {
		ms = append(ms, vesselstest.PositionReport(uint32(413000001+i%3), at.Add(time.Duration(i)*10*time.Second), 43.9+float64(i)*0.001, 126.5, 5))
	}
	ms = append(ms, nil, vesselstest.PositionReport(413000009, at.Add(time.Minute), 43.8, 126.4, 3))
	run := func(batch bool) ([]string, []vessels.Vessel, []vessels.TrackPoint) {
		b := vessels.NewBroker()
		pre := &recordingPrefetcher{}
		b.SubscribePrefetch(pre)
		b.SubscribeRef(func(e *vessels.Event) { pre.calls = append(pre.calls, fmt.Sprintf("event %d", e.Vessel.MMSI)) })
		hist := vessels.NewMemoryHistory(vessels.HistoryConfig{Now: func() time.Time { return at.Add(time.Hour) }})
		store := vessels.NewMemoryStore()
		tr := vessels.NewTracker(vessels.TrackerConfig{PrefetchFrom: -1, Now: func() time.Time { return at.Add(time.Hour) }}, store, hist, b)
		if batch {
			tr.HandleBatch(ms)
		} else {
			for _, m := range ms {
				tr.Handle(m)
			}
		}
		vs, _ := store.List(t.Context(), nil)
		track, _ := hist.Track(t.Context(), 413000001, time.Time{}, time.Time{}, 0)
		return pre.calls, vs, track
	}
	calls, vs, track := run(true)
	_, vs1, track1 := run(false)
	if !reflect.DeepEqual(vs, vs1) || !reflect.DeepEqual(track, track1) || len(vs) != 4 || len(track) != 3 {
		t.Fatalf("batch: %d vessels, track %v; one by one: %d vessels, track %v", len(vs), track, len(vs1), track1)
	}
	want := []string{
		"prefetch [413000001 0 0]", "prefetch [413000002 413000001 0]", "prefetch [413000003 413000002 413000001]",
		"prefetch [413000001 413000003 413000002]", "event 413000001",
		"prefetch [413000002 413000001 413000003]", "event 413000002",
	}
	if len(calls) < len(want) || !slices.Equal(calls[:len(want)], want) {
		t.Fatalf("calls %q, want them to start %q", calls, want)
	}
	var events int
	for _, c := range calls {
		if strings.HasPrefix(c, "event") {
			events++
		}
		if c == "prefetch [0 0 0]" {
			t.Fatalf("calls %q: a Prefetch asking for nobody", calls)
		}
	}
	if last := calls[len(calls)-1]; events != 8 || last != "event 413000009" {
		t.Fatalf("%d events, the last call %q: want 8, the last for 413000009", events, last)
	}
}

// Handling a batch of reports of known vessels through a broker with a
// prefetching subscriber costs one allocation a report (its position) and
// now and then a track's growth: asking ahead costs none.
func TestHandleBatchAllocates(t *testing.T) {
	at := time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)
	now := at
	b := vessels.NewBroker()
	b.SubscribePrefetch(&countingPrefetcher{})
	b.SubscribeRef(func(*vessels.Event) {})
	tr := vessels.NewTracker(vessels.TrackerConfig{PrefetchFrom: -1, Now: func() time.Time { return now }}, nil, nil, b)
	ms := make([]*ais.Message, 16)
	for i := range ms {
		ms[i] = vesselstest.PositionReport(uint32(413000001+i), at, 43.9, 126.5, 5)
	}
	tr.HandleBatch(ms)
	step := 0
	n := testing.AllocsPerRun(20, func() {
		step++
		now = at.Add(time.Duration(step) * 10 * time.Second)
		for i, m := range ms {
			ms[i] = vesselstest.PositionReport(m.MMSI, now, 43.9+float64(step)/10000, 126.5, 5)
		}
		tr.HandleBatch(ms)
	})
	// PositionReport itself allocates the message: count only the tracker's.
	perMessage := testing.AllocsPerRun(20, func() { _ = vesselstest.PositionReport(413000001, now, 43.9, 126.5, 5) })
	if got := n/float64(len(ms)) - perMessage; got > 1.5 {
		t.Fatalf("%.1f allocations a report, want 1 and a track's growth now and then", got)
	}
}

type countingPrefetcher struct{ n int }

func (c *countingPrefetcher) Prefetch(*vessels.PrefetchAhead) { c.n++ }

// Records and the events that copied them share each report's values,
// which come from chunks of several reports: a value once published never
// changes, however many reports follow.
func TestPublishedPositionsNeverChange(t *testing.T) {
	at := time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)
	b := vessels.NewBroker()
	type kept struct {
		v        vessels.Vessel
		lat, sog float64
	}
	var all []kept
	b.Subscribe(func(e vessels.Event) { all = append(all, kept{e.Vessel, *e.Vessel.Lat, *e.Vessel.SOG}) })
	tr := vessels.NewTracker(vessels.TrackerConfig{Now: func() time.Time { return at.Add(time.Hour) }}, nil, nil, b)
	for i := range 100 {
		tr.Handle(vesselstest.PositionReport(uint32(413000001+i%3), at.Add(time.Duration(i)*10*time.Second), 43.9+float64(i)/10000, 126.5, float64(i%20)))
	}
	for i, k := range all {
		if *k.v.Lat != k.lat || *k.v.SOG != k.sog || k.lat != 43.9+float64(i)/10000 {
			t.Fatalf("event %d: lat %v sog %v, published %v %v", i, *k.v.Lat, *k.v.SOG, k.lat, k.sog)
		}
	}
}
