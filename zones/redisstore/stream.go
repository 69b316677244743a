package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/riverwatch/riverwatch/zones"
)

// Stream reading: how many entries one XREAD returns, and how long it
// blocks on the server when there are none. Subscribe returns at once when
// its context ends; the XREAD it leaves behind ends within readBlock.
const (
	readCount = 512
	readBlock = 2 * time.Second
)

// eventField is the stream entry's one field.
const eventField = "e"

// Publish implements zones.StateStore: XADD with MAXLEN ~ StreamLength,
// which keeps at least the last StreamLength events. An event needs a type
// (ErrInvalid).
func (s *Store) Publish(ctx context.Context, e zones.Event) error {
	if e.Type == "" {
		return fmt.Errorf("%w: event without type", zones.ErrInvalid)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	data, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("redisstore: event: %w", err)
	}
	err = s.client.XAdd(ctx, &redis.XAddArgs{
		Stream: s.stream, MaxLen: zones.StreamLength, Approx: true,
		Values: []string{eventField, string(data)},
	}).Err()
	return s.fail(ctx, "publish", err)
}

// StreamHead implements zones.StateStore: "0-0" for an empty stream.
func (s *Store) StreamHead(ctx context.Context) (string, error) {
	last, err := s.client.XRevRangeN(ctx, s.stream, "+", "-", 1).Result()
	if err != nil {
		return "", s.fail(ctx, "stream head", err)
	}
	if len(last) == 1 {
		return last[0].ID, nil
	}
	return "0-0", nil
}

// Subscribe implements zones.StateStore with XREAD BLOCK from after (a
// Redis stream id, "ms-seq"; "" is the last entry at the time of the
// call). An after older than the oldest entry kept, once the stream has
// been trimmed, is ErrInvalid: events after it may be lost. So is a
// subscriber that falls behind that far, checked whenever a read comes
// back full.
func (s *Store) Subscribe(ctx context.Context, after string, fn func(zones.Event)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	pos := after
	if after == "" {
		head, err := s.StreamHead(ctx)
		if err != nil {
			return err
		}
		pos = head
	} else {
		if _, err := parseID(after); err != nil {
			return err
		}
		if err := s.resumable(ctx, after); err != nil {
			return err
		}
	}
	behind := false
	for {
		if behind {
			if err := s.resumable(ctx, pos); err != nil {
				return err
			}
		}
		msgs, err := s.read(ctx, pos)
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if err := ctx.Err(); err != nil {
				return err
			}
			pos = m.ID
			raw, _ := m.Values[eventField].(string)
			var e zones.Event
			if err := json.Unmarshal([]byte(raw), &e); err != nil {
				s.log.Warn("stream entry left out", "id", m.ID, "err", err)
				continue
			}
			e.StreamID = m.ID
			fn(e)
		}
		behind = len(msgs) == readCount
	}
}

// read runs one XREAD on its own goroutine, so that an ended ctx returns
// at once instead of after the server's block.
func (s *Store) read(ctx context.Context, pos string) ([]redis.XMessage, error) {
	type result struct {
		msgs []redis.XMessage
		err  error
	}
	done := make(chan result, 1)
	go func() {
		streams, err := s.client.XRead(ctx, &redis.XReadArgs{
			Streams: []string{s.stream, pos}, Count: readCount, Block: readBlock,
		}).Result()
		var msgs []redis.XMessage
		if len(streams) == 1 {
			msgs = streams[0].Messages
		}
		done <- result{msgs, err}
	}()
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case r := <-done:
		if errors.Is(r.err, redis.Nil) { // the block ended without entries
			return nil, nil
		}
		if r.err != nil {
			return nil, s.fail(ctx, "subscribe", r.err)
		}
		return r.msgs, nil
	}
}

// resumable reports ErrInvalid if entries after pos may have been trimmed:
// some were (entries-added is more than the length), and pos is before the
// oldest one kept. Before Redis 7, which has no entries-added, it cannot
// tell and lets it pass.
func (s *Store) resumable(ctx context.Context, pos string) error {
	info, err := s.client.XInfoStream(ctx, s.stream).Result()
	if err != nil {
		if redis.HasErrorPrefix(err, "ERR no such key") {
			return nil
		}
		return s.fail(ctx, "subscribe", err)
	}
	if info.EntriesAdded <= info.Length || info.FirstEntry.ID == "" {
		return nil
	}
	p, err := parseID(pos)
	if err != nil {
		return err
	}
	first, err := parseID(info.FirstEntry.ID)
	if err != nil {
		return err
	}
	if p.less(first) {
		return fmt.Errorf("%w: stream id %q: the stream keeps events from %s on, later ones may be lost",
			zones.ErrInvalid, pos, info.FirstEntry.ID)
	}
	return nil
}

// streamID is a Redis stream id.
type streamID struct{ ms, seq uint64 }

func (a streamID) less(b streamID) bool { return a.ms < b.ms || a.ms == b.ms && a.seq < b.seq }

// parseID reads "ms-seq" or "ms"; anything else is ErrInvalid.
func parseID(id string) (streamID, error) {
	msPart, seqPart, hasSeq := strings.Cut(id, "-")
	ms, err := strconv.ParseUint(msPart, 10, 64)
	var seq uint64
	if err == nil && hasSeq {
		seq, err = strconv.ParseUint(seqPart, 10, 64)
	}
	if err != nil {
		return streamID{}, fmt.Errorf("%w: stream id %q: want ms-seq", zones.ErrInvalid, id)
	}
	return streamID{ms, seq}, nil
}
