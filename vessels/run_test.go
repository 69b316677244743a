package vessels_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/ais"
	"github.com/riverwatch/riverwatch/vessels"
	"github.com/riverwatch/riverwatch/vessels/vesselstest"
)

func TestTrackerRun(t *testing.T) {
	clock := vesselstest.NewClock(t0)
	b := vessels.NewBroker()
	tr := vessels.NewTracker(vessels.TrackerConfig{Now: clock.Now, SweepInterval: time.Millisecond}, nil, nil, b)
	tr.Handle(pos(mmsiA, 0, jilinLat, jilinLon, 5))
	lost := make(chan vessels.Event, 1)
	defer b.Subscribe(func(e vessels.Event) {
		if e.Type == vessels.EventLost {
			lost <- e
		}
	})()
	clock.Set(at(3600))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- tr.Run(ctx) }()
	if e := <-lost; e.Vessel.MMSI != mmsiA || !e.Vessel.Lost {
		t.Errorf("lost event %+v", e)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run after cancel = %v, want nil", err)
	}
}

func TestTrackerConcurrent(t *testing.T) {
	r := newRig(t, vessels.TrackerConfig{})
	ctx := t.Context()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 200 {
				r.tr.Handle(pos(uint32(412000000+w*1000+i%20), i, jilinLat+float64(i)*1e-5, jilinLon, 5))
			}
		})
	}
	wg.Go(func() {
		for range 50 {
			if _, err := r.tr.Vessels(ctx, vessels.Filter{Query: "4120"}); err != nil {
				t.Error(err)
			}
			if err := r.tr.Sweep(ctx); err != nil {
				t.Error(err)
			}
			_, _ = r.tr.Track(ctx, 412000001, time.Time{}, time.Time{}, 5)
		}
	})
	wg.Wait()
	if n := r.tr.Count(); n != 80 {
		t.Fatalf("Count = %d, want 80", n)
	}
}

func TestTrackerSummaryLog(t *testing.T) {
	var buf syncBuffer
	clock := vesselstest.NewClock(t0)
	tr := vessels.NewTracker(vessels.TrackerConfig{Now: clock.Now, Logger: slog.New(slog.NewTextHandler(&buf, nil))}, nil, nil, nil)
	for _, m := range []*ais.Message{pos(mmsiA, 0, jilinLat, jilinLon, 5), pos(mmsiA, 10, 45, jilinLon, 5)} {
		clock.Set(m.Received)
		tr.Handle(m)
	}
	for _, sec := range []int{61, 62, 200} {
		clock.Set(at(sec))
		must(t, tr.Sweep(t.Context()))
	}
	out := buf.String()
	if n := strings.Count(out, "refused reports"); n != 1 || !strings.Contains(out, "jumps=1") || !strings.Contains(out, "component=vessels") {
		t.Fatalf("want one summary naming the jump, got:\n%s", out)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
