package zonestest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/zones"
)

// waitFor bounds every wait of the stream tests.
const waitFor = 10 * time.Second

// subscription runs Subscribe on its own goroutine and hands the events
// over a buffered channel, so that fn never blocks.
type subscription struct {
	events   chan zones.Event
	overflow atomic.Bool
	cancel   context.CancelFunc
	ended    chan struct{}
	err      error // set before ended is closed
}

func subscribe(t *testing.T, s zones.StateStore, after string) *subscription {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	sub := &subscription{events: make(chan zones.Event, 1<<14), cancel: cancel, ended: make(chan struct{})}
	go func() {
		defer close(sub.ended)
		sub.err = s.Subscribe(ctx, after, func(e zones.Event) {
			// The store may reuse what e points to: keep a copy.
			if e.Alert != nil {
				a := *e.Alert
				e.Alert = &a
			}
			if e.Ban != nil {
				b := *e.Ban
				b.ZoneIDs, b.AppliesTo, b.AllowedTypes = slices.Clone(b.ZoneIDs), slices.Clone(b.AppliesTo), slices.Clone(b.AllowedTypes)
				e.Ban = &b
			}
			select {
			case sub.events <- e:
			default:
				sub.overflow.Store(true)
			}
		})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-sub.ended:
		case <-time.After(waitFor):
			t.Errorf("Subscribe did not return within %v of its context ending", waitFor)
		}
	})
	return sub
}

// next returns the next event, failing t if none comes or the
// subscription ends.
func (sub *subscription) next(t *testing.T) zones.Event {
	t.Helper()
	if sub.overflow.Load() {
		t.Fatal("the subscriber's buffer overflowed")
	}
	select {
	case e := <-sub.events:
		return e
	case <-sub.ended:
		select {
		case e := <-sub.events:
			return e
		default:
		}
		t.Fatalf("Subscribe returned early: %v", sub.err)
	case <-time.After(waitFor):
		t.Fatalf("no event within %v", waitFor)
	}
	return zones.Event{}
}

// wait returns Subscribe's error once it returns.
func (sub *subscription) wait(t *testing.T, d time.Duration) error {
	t.Helper()
	select {
	case <-sub.ended:
		return sub.err
	case <-time.After(d):
		t.Fatalf("Subscribe did not return within %v", d)
		return nil
	}
}

const (
	probeZone = "zonestest-probe"
	readyZone = "zonestest-ready"
)

// ready waits until every subscription (from "") has started: Publish does
// not say where "now" is, so the suite publishes probes until each
// subscriber has seen one, then a marker that each reads up to. Only probes
// may come before the marker: an event published before Subscribe was
// called must not.
func ready(t *testing.T, s zones.StateStore, subs ...*subscription) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for _, sub := range subs {
		for seen := false; !seen; {
			if time.Now().After(deadline) {
				t.Fatalf("a subscription did not start within %v", waitFor)
			}
			must(t, "Publish probe", s.Publish(t.Context(), zones.Event{Type: zones.EventZonePut, ZoneID: probeZone, At: Epoch}))
			select {
			case e := <-sub.events:
				if e.ZoneID != probeZone {
					t.Fatalf("first event of a new subscription: %+v, want a probe", e)
				}
				seen = true
			case <-sub.ended:
				t.Fatalf("Subscribe returned early: %v", sub.err)
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
	must(t, "Publish marker", s.Publish(t.Context(), zones.Event{Type: zones.EventZonePut, ZoneID: readyZone, At: Epoch}))
	for _, sub := range subs {
		for {
			e := sub.next(t)
			if e.ZoneID == readyZone {
				break
			}
			if e.ZoneID != probeZone {
				t.Fatalf("event before the ready marker: %+v, want only probes", e)
			}
		}
	}
}

// testEvents returns n events of every kind: alerts, bans and zones.
func testEvents(n int) []zones.Event {
	out := make([]zones.Event, n)
	for i := range out {
		at := Epoch.Add(time.Duration(i) * time.Second)
		e := zones.Event{At: at, Origin: fmt.Sprintf("proc-%d", i%3)}
		switch i % 4 {
		case 0:
			a := testAlert(fmt.Sprintf("ev-%d", i), fmt.Sprintf("key-%d", i), 211000000+uint32(i), at)
			e.Type, e.Alert = zones.EventAlertOpened, &a
		case 1:
			b := testBan(fmt.Sprintf("ban-%d", i), at, at.Add(time.Hour))
			e.Type, e.Ban = zones.EventBanSet, &b
		case 2:
			e.Type, e.ZoneID = zones.EventZonePut, fmt.Sprintf("zone-%d", i)
		case 3:
			a := testAlert(fmt.Sprintf("ev-%d", i-3), fmt.Sprintf("key-%d", i-3), 211000000+uint32(i-3), at)
			a.State, a.ResolvedAt = zones.StateResolved, at
			e.Type, e.Alert = zones.EventAlertResolved, &a
		}
		out[i] = e
	}
	return out
}

func publishAll(t *testing.T, s zones.StateStore, events []zones.Event) {
	t.Helper()
	for i, e := range events {
		must(t, fmt.Sprintf("Publish %d", i), s.Publish(t.Context(), e))
	}
}

// receive reads len(want) events and checks them against want, returning
// them with their stream ids.
func receive(t *testing.T, sub *subscription, want []zones.Event) []zones.Event {
	t.Helper()
	got := make([]zones.Event, len(want))
	for i := range want {
		got[i] = sub.next(t)
		sameJSON(t, fmt.Sprintf("event %d", i), got[i], want[i])
		if got[i].StreamID == "" {
			t.Fatalf("event %d has no stream id", i)
		}
		if i > 0 && got[i].StreamID == got[i-1].StreamID {
			t.Fatalf("events %d and %d share stream id %q", i-1, i, got[i].StreamID)
		}
	}
	return got
}

func (h harness) testStreamOrder(t *testing.T) {
	s, _ := h.open(t)
	must(t, "Publish before subscribing", s.Publish(t.Context(), zones.Event{Type: zones.EventZoneDeleted, ZoneID: "before", At: Epoch}))
	sub := subscribe(t, s, "")
	ready(t, s, sub)
	events := testEvents(40)
	publishAll(t, s, events)
	receive(t, sub, events)
	wantErr(t, "Publish without type", s.Publish(t.Context(), zones.Event{ZoneID: "x"}), zones.ErrInvalid)
}

func (h harness) testStreamResume(t *testing.T) {
	s, _ := h.open(t)
	sub := subscribe(t, s, "")
	ready(t, s, sub)
	events := testEvents(8)
	publishAll(t, s, events)
	got := receive(t, sub, events)

	resumed := subscribe(t, s, got[2].StreamID)
	receive(t, resumed, events[3:])
	more := testEvents(12)[8:]
	publishAll(t, s, more)
	receive(t, resumed, more)
	receive(t, sub, more)

	last := subscribe(t, s, got[7].StreamID)
	receive(t, last, more)

	bad := subscribe(t, s, "not-a-stream-id")
	if err := bad.wait(t, waitFor); !errors.Is(err, zones.ErrInvalid) {
		t.Fatalf("Subscribe after a malformed id: err = %v, want ErrInvalid", err)
	}
}

func (h harness) testStreamFanOut(t *testing.T) {
	s, _ := h.open(t)
	a, b := subscribe(t, s, ""), subscribe(t, s, "")
	ready(t, s, a, b)
	events := testEvents(200)
	publishAll(t, s, events)
	receive(t, a, events)
	receive(t, b, events)
}

func (h harness) testSubscribeEnds(t *testing.T) {
	s, _ := h.open(t)
	sub := subscribe(t, s, "")
	ready(t, s, sub)
	start := time.Now()
	sub.cancel()
	if err := sub.wait(t, waitFor); !errors.Is(err, context.Canceled) {
		t.Fatalf("Subscribe after its context ended: err = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Subscribe took %v to return after its context ended", d)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if err := s.Subscribe(ctx, "", func(zones.Event) {}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Subscribe until a deadline: err = %v, want context.DeadlineExceeded", err)
	}
}

// testStreamHead: subscribing from StreamHead misses nothing published
// after it, on an empty stream and on one with events, even though the
// subscriber starts late.
func (h harness) testStreamHead(t *testing.T) {
	s, _ := h.open(t)
	ctx := context.Background()
	for round := range 2 {
		head, err := s.StreamHead(ctx)
		if err != nil {
			t.Fatalf("StreamHead: %v", err)
		}
		want := fmt.Sprintf("after-head-%d", round)
		if err := s.Publish(ctx, zones.Event{Type: zones.EventZonePut, ZoneID: want, At: Epoch}); err != nil {
			t.Fatal(err)
		}
		sub := subscribe(t, s, head) // after the event was published
		if e := sub.next(t); e.ZoneID != want {
			t.Fatalf("round %d: first event from the head is %q, want %q", round, e.ZoneID, want)
		}
		sub.cancel()
	}
}
