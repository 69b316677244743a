package zones_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/zones"
	"github.com/riverwatch/riverwatch/zones/zonestest"
)

func TestMemoryStore(t *testing.T) {
	zonestest.TestStateStore(t, func(t *testing.T, now func() time.Time) zones.StateStore {
		return zones.NewMemoryStore(zones.MemoryConfig{Now: now})
	})
}

// TestMemoryStreamRing checks what the ring keeps: the last StreamLength
// events, so that resuming after an older id, or after one never handed
// out, is ErrInvalid.
func TestMemoryStreamRing(t *testing.T) {
	s := zones.NewMemoryStore(zones.MemoryConfig{})
	defer s.Close()
	ctx := t.Context()
	const extra = 5
	for i := range zones.StreamLength + extra {
		if err := s.Publish(ctx, zones.Event{Type: zones.EventZonePut, ZoneID: strconv.Itoa(i + 1)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, after := range []string{"0", "1", strconv.Itoa(extra - 1), strconv.Itoa(zones.StreamLength + extra + 1), "x", "-1"} {
		if err := s.Subscribe(ctx, after, func(zones.Event) {}); !errors.Is(err, zones.ErrInvalid) {
			t.Errorf("Subscribe(after %q): err = %v, want ErrInvalid", after, err)
		}
	}
	// After id extra the ring holds every event: the oldest comes first.
	sctx, cancel := context.WithCancel(ctx)
	var first, n int
	err := s.Subscribe(sctx, strconv.Itoa(extra), func(e zones.Event) {
		if n == 0 {
			first, _ = strconv.Atoi(e.ZoneID)
		}
		if n++; n == zones.StreamLength {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || first != extra+1 || n != zones.StreamLength {
		t.Fatalf("Subscribe(after %d) = %v after %d events from %d; want %d events from %d",
			extra, err, n, first, zones.StreamLength, extra+1)
	}
}

// TestMemorySlowSubscriber checks that a subscriber that falls more than
// StreamLength events behind is told so instead of silently missing events,
// and that it never held the publisher up.
func TestMemorySlowSubscriber(t *testing.T) {
	s := zones.NewMemoryStore(zones.MemoryConfig{})
	defer s.Close()
	ctx := t.Context()
	release := make(chan struct{})
	got := make(chan struct{}, 1)
	done := make(chan error, 1)
	go func() {
		done <- s.Subscribe(ctx, "0", func(zones.Event) {
			select {
			case got <- struct{}{}:
				<-release // the first event blocks this subscriber
			default:
			}
		})
	}()
	if err := s.Publish(ctx, zones.Event{Type: zones.EventZonePut, ZoneID: "first"}); err != nil {
		t.Fatal(err)
	}
	<-got
	start := time.Now()
	for range zones.StreamLength + subscribeBatchPlus {
		if err := s.Publish(ctx, zones.Event{Type: zones.EventZonePut, ZoneID: "z"}); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("publishing past a blocked subscriber took %v", d)
	}
	close(release)
	select {
	case err := <-done:
		if !errors.Is(err, zones.ErrInvalid) {
			t.Fatalf("Subscribe of a subscriber left behind: err = %v, want ErrInvalid", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a subscriber left behind was not told")
	}
}

// subscribeBatchPlus is more than the events a subscriber copies at once,
// so that the ring overwrites some it has not copied.
const subscribeBatchPlus = 1000

// TestMemoryCopies checks that events handed to subscribers share nothing
// with the publisher or with each other.
func TestMemoryCopies(t *testing.T) {
	s := zones.NewMemoryStore(zones.MemoryConfig{})
	defer s.Close()
	ctx := t.Context()
	a := zones.Alert{ID: "a", Values: zones.FiguresOf("v", 1.0)}
	if err := s.Publish(ctx, zones.Event{Type: zones.EventAlertOpened, Alert: &a}); err != nil {
		t.Fatal(err)
	}
	a.Values.Set("v", 2)
	for range 2 {
		sctx, cancel := context.WithCancel(ctx)
		_ = s.Subscribe(sctx, "0", func(e zones.Event) {
			if v := e.Alert.Values.Value("v"); v != 1 {
				t.Errorf("delivered v = %v, want 1", v)
			}
			e.Alert.Values.Set("v", 3)
			cancel()
		})
	}
}

func TestBanKeptUntil(t *testing.T) {
	t0 := time.Date(2030, 11, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		ban  zones.Ban
		want time.Time // zero: kept for ever
	}{
		{"Until", zones.Ban{Until: t0}, t0.Add(zones.BanRetention)},
		{"LiftedEarly", zones.Ban{Until: t0, LiftedAt: t0.Add(-time.Hour)}, t0.Add(zones.BanRetention - time.Hour)},
		{"LiftedAfterUntil", zones.Ban{Until: t0, LiftedAt: t0.Add(time.Hour)}, t0.Add(zones.BanRetention)},
		{"Yearly", zones.Ban{Until: t0, Yearly: true}, time.Time{}},
		{"YearlyLifted", zones.Ban{Until: t0, Yearly: true, LiftedAt: t0.AddDate(2, 0, 0)}, t0.AddDate(2, 0, 0).Add(zones.BanRetention)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := zones.BanKeptUntil(&c.ban)
			if ok == c.want.IsZero() || !got.Equal(c.want) {
				t.Fatalf("BanKeptUntil = %v, %v; want %v", got, ok, c.want)
			}
		})
	}
}
