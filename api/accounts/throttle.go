package accounts

import (
	"sync"
	"time"
)

// throttle counts failed logins per key (an account, an address) and,
// past a number of free failures, makes the key wait: one second after the
// first failure beyond them, doubling with each further one, up to max. A
// success clears the key. Attempts refused while waiting do not count, so
// a locked-out officer's account is free again after at most max.
//
// It lives in the process: a login spread over several processes behind a
// balancer is throttled by each.
type throttle struct {
	free int
	max  time.Duration

	mu   sync.Mutex
	keys map[string]*failures
}

type failures struct {
	n     int
	until time.Time // refused before this
	last  time.Time
	noted bool // a refusal since until was set has been reported
}

// throttleForget is how long a key's failures are remembered after its
// last one; maxThrottleKeys bounds the map, an address spray included.
const (
	throttleForget  = time.Hour
	maxThrottleKeys = 100_000
)

func newThrottle(free int, max time.Duration) *throttle {
	return &throttle{free: free, max: max, keys: make(map[string]*failures)}
}

// wait is how long key must still wait at now (0: go ahead), and whether
// this is the first refusal of the wait, the one worth an audit entry:
// refusals cost an attacker nothing, and must not flood the log.
func (t *throttle) wait(key string, now time.Time) (time.Duration, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f, ok := t.keys[key]
	if !ok || !now.Before(f.until) {
		return 0, false
	}
	first := !f.noted
	f.noted = true
	return f.until.Sub(now), first
}

// fail counts a failure of key at now.
func (t *throttle) fail(key string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f, ok := t.keys[key]
	if !ok || now.Sub(f.last) > throttleForget {
		if len(t.keys) >= maxThrottleKeys {
			t.prune(now)
		}
		f = &failures{}
		t.keys[key] = f
	}
	f.n++
	f.last = now
	if over := f.n - t.free; over > 0 {
		d := t.max
		if over <= 30 {
			d = min(time.Second<<(over-1), t.max)
		}
		f.until = now.Add(d)
		f.noted = false
	}
}

// succeed clears key.
func (t *throttle) succeed(key string) {
	t.mu.Lock()
	delete(t.keys, key)
	t.mu.Unlock()
}

// prune drops forgotten keys, and if that is not enough every key not
// waiting now: under a spray of addresses, memory stays bounded.
func (t *throttle) prune(now time.Time) {
	for k, f := range t.keys {
		if now.Sub(f.last) > throttleForget {
			delete(t.keys, k)
		}
	}
	if len(t.keys) < maxThrottleKeys {
		return
	}
	for k, f := range t.keys {
		if !now.Before(f.until) {
			delete(t.keys, k)
		}
	}
}
