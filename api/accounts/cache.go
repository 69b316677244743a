package accounts

import (
	"sync"
	"time"
)

// StaleAuth is how long a session this process has checked keeps working
// while the store is unavailable.
const StaleAuth = 30 * time.Minute

// maxKnownSessions bounds the cache; beyond it the oldest half goes.
const maxKnownSessions = 10_000

// sessionCache remembers the sessions this process has checked, for
// Authenticate to fall back on during a store outage only: it is never
// read while the store answers, so a session ended in another process
// ends here at once.
type sessionCache struct {
	mu sync.Mutex
	m  map[string]knownSession
}

type knownSession struct {
	account Account
	token   Token
	at      time.Time
}

func newSessionCache() *sessionCache { return &sessionCache{m: make(map[string]knownSession)} }

func (c *sessionCache) put(hash string, a Account, t Token, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxKnownSessions {
		cut := now.Add(-StaleAuth / 2)
		for h, k := range c.m {
			if k.at.Before(cut) || k.token.Expired(now) {
				delete(c.m, h)
			}
		}
		if len(c.m) >= maxKnownSessions {
			clear(c.m)
		}
	}
	c.m[hash] = knownSession{account: a, token: t, at: now}
}

func (c *sessionCache) get(hash string, now time.Time) (Account, Token, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k, ok := c.m[hash]
	if !ok || k.token.Expired(now) || now.Sub(k.at) > StaleAuth {
		return Account{}, Token{}, false
	}
	return k.account, k.token, true
}

func (c *sessionCache) drop(hash string) {
	c.mu.Lock()
	delete(c.m, hash)
	c.mu.Unlock()
}

func (c *sessionCache) dropUser(username string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for h, k := range c.m {
		if k.account.Username == username {
			delete(c.m, h)
		}
	}
}
