package redisstore

import (
	"context"
	"errors"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/riverwatch/riverwatch/zones"
	"github.com/riverwatch/riverwatch/zones/redisstore/redistest"
)

// TestStreamTrimmed checks that the stream keeps at least StreamLength
// events, and that resuming from an id older than what it keeps is
// ErrInvalid rather than a silent gap.
func TestStreamTrimmed(t *testing.T) {
	s := newStore(t, Config{Addrs: []string{redistest.Start(t)}})
	defer s.Close()
	ctx := t.Context()
	if err := s.Publish(ctx, zones.Event{Type: zones.EventZonePut, ZoneID: "first"}); err != nil {
		t.Fatal(err)
	}
	first, err := s.client.XRangeN(ctx, s.stream, "-", "+", 1).Result()
	if err != nil || len(first) != 1 {
		t.Fatalf("first entry: %v, %v", first, err)
	}
	// Fill past StreamLength quickly, through pipelines of the store's own
	// XADD.
	const total = zones.StreamLength + 5000
	for sent := 1; sent < total; {
		_, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i := 0; i < 5000 && sent < total; i++ {
				p.XAdd(ctx, &redis.XAddArgs{Stream: s.stream, MaxLen: zones.StreamLength, Approx: true,
					Values: []string{eventField, `{"type":"zone_put","zone_id":"fill","at":"0001-01-01T00:00:00Z"}`}})
				sent++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.client.XLen(ctx, s.stream).Result(); err != nil || n < zones.StreamLength {
		t.Fatalf("XLEN = %d, %v; want at least %d", n, err, zones.StreamLength)
	}
	err = s.Subscribe(ctx, first[0].ID, func(zones.Event) {})
	if !errors.Is(err, zones.ErrInvalid) {
		t.Fatalf("Subscribe after a trimmed id: err = %v, want ErrInvalid", err)
	}
	// From a kept id it reads on, to the end.
	last, err := s.client.XRevRangeN(ctx, s.stream, "+", "-", 10).Result()
	if err != nil || len(last) != 10 {
		t.Fatalf("last entries: %v", err)
	}
	sctx, cancel := context.WithCancel(ctx)
	n := 0
	err = s.Subscribe(sctx, last[9].ID, func(e zones.Event) {
		if n++; n == 9 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || n != 9 {
		t.Fatalf("Subscribe after a kept id: %d events, %v; want 9, context.Canceled", n, err)
	}
}
