package source

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// base is what every source shares: its spec, logger and address.
type base struct {
	spec   Spec
	logger *slog.Logger
	addr   atomic.Value // string: configured, then bound address
}

func (b *base) Name() string    { return b.spec.Name }
func (b *base) Kind() string    { return b.spec.Kind }
func (b *base) Address() string { return b.addr.Load().(string) }

func (b *base) feeder(sink Sink) *feeder {
	return &feeder{name: b.spec.Name, sink: sink, now: b.spec.Now}
}

// Backoff paces reconnects of a tcp-client source and reopens of a serial
// device: the wait doubles from Min up to Max, each wait jittered between
// half and all of it so that many riverwatch instances do not reconnect in
// step, and it starts again from Min after a connection that stayed up for
// Healthy.
type Backoff struct {
	Min     time.Duration // first wait; 0 means 1s
	Max     time.Duration // cap; 0 means 1m
	Healthy time.Duration // uptime that resets the wait; 0 means 30s
	Seed    uint64        // jitter seed for reproducible tests; 0 picks one at random
}

func (b Backoff) withDefaults() Backoff {
	if b.Min <= 0 {
		b.Min = time.Second
	}
	if b.Max <= 0 {
		b.Max = time.Minute
	}
	if b.Max < b.Min {
		b.Max = b.Min
	}
	if b.Healthy <= 0 {
		b.Healthy = 30 * time.Second
	}
	return b
}

// backoff is the running state of a Backoff.
type backoff struct {
	cfg Backoff
	cur time.Duration
	rng *rand.Rand
}

func newBackoff(cfg Backoff) *backoff {
	cfg = cfg.withDefaults()
	seed := cfg.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	return &backoff{cfg: cfg, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// next is the wait before the next attempt.
func (b *backoff) next() time.Duration {
	switch {
	case b.cur == 0:
		b.cur = b.cfg.Min
	case b.cur >= b.cfg.Max/2:
		b.cur = b.cfg.Max
	default:
		b.cur *= 2
	}
	half := b.cur / 2
	return half + time.Duration(b.rng.Int64N(int64(b.cur-half)+1))
}

// done records how long a connection stayed up; a healthy one resets the wait.
func (b *backoff) done(uptime time.Duration) {
	if uptime >= b.cfg.Healthy {
		b.cur = 0
	}
}

// sleepCtx waits d or until ctx is done; it reports whether the wait ran out.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// idleReader closes the gap a silent peer would leave open: each Read must
// complete within idle (0 means no limit).
type idleReader struct {
	c    net.Conn
	idle time.Duration
}

func (r idleReader) Read(p []byte) (int, error) {
	if r.idle > 0 {
		if err := r.c.SetReadDeadline(time.Now().Add(r.idle)); err != nil {
			return 0, err
		}
	}
	return r.c.Read(p)
}

// limitedLog logs a repeated warning at most once per interval, with how many
// were suppressed since, so a hostile peer cannot flood the log.
type limitedLog struct {
	mu       sync.Mutex
	last     time.Time
	dropped  int
	interval time.Duration
}

func (l *limitedLog) warn(logger *slog.Logger, now time.Time, msg string, args ...any) {
	l.mu.Lock()
	if !l.last.IsZero() && now.Sub(l.last) < l.interval {
		l.dropped++
		l.mu.Unlock()
		return
	}
	dropped := l.dropped
	l.last, l.dropped = now, 0
	l.mu.Unlock()
	if dropped > 0 {
		args = append(args, "suppressed", dropped)
	}
	logger.Warn(msg, args...)
}
