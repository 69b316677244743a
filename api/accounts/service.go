package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults applied by New to zero Config fields.
const (
	// DefaultSessionTTL is how long a session lasts unused: one shift and
	// a margin. Used, it is renewed (a wall screen stays signed in), up to
	// MaxSessionAge after the login.
	DefaultSessionTTL = 12 * time.Hour
	MaxSessionAge     = 7 * 24 * time.Hour
	DefaultHashWait   = 3 * time.Second
	// DefaultMaxHashes is how many password hashes run at once: one, so
	// that a burst of logins takes at most one core of the two and ingest
	// keeps the other.
	DefaultMaxHashes = 1
	// DefaultMaxHashQueue is how many logins may wait for a hash; beyond
	// it they are refused at once with ErrBusy.
	DefaultMaxHashQueue = 64

	accountFreeFailures = 5
	accountMaxWait      = 5 * time.Minute
	addrFreeFailures    = 10 // an office behind one NAT address
	addrMaxWait         = 15 * time.Minute
)

// Config configures a Service.
type Config struct {
	Store        Store
	Now          func() time.Time
	SessionTTL   time.Duration
	Hash         HashParams // DefaultHashParams when zero
	MaxHashes    int
	MaxHashQueue int
	HashWait     time.Duration // how long a login waits for a hash slot before ErrBusy
	Logger       *slog.Logger
}

// Service is the accounts' rules over a Store.
type Service struct {
	store Store
	now   func() time.Time
	ttl   time.Duration
	hp    HashParams
	wait  time.Duration
	log   *slog.Logger

	hashes  chan struct{} // a slot per concurrent hash
	queue   chan struct{} // a slot per login waiting or hashing
	byUser  *throttle
	byAddr  *throttle
	dummyMu sync.Mutex
	dummy   string // a hash of nothing, verified for unknown users so they cost the same
	known   *sessionCache
	stats   loginCounters

	auditMu sync.Mutex
	pending []AuditEntry // entries the store could not take yet, oldest first
}

// loginCounters count login outcomes for the metrics.
type loginCounters struct {
	ok, failed, throttled, busy atomic.Uint64
}

// LoginStats are the login outcomes since the start.
type LoginStats struct {
	OK, Failed, Throttled, Busy uint64
}

// LoginStats returns the login outcomes counted so far.
func (s *Service) LoginStats() LoginStats {
	return LoginStats{OK: s.stats.ok.Load(), Failed: s.stats.failed.Load(), Throttled: s.stats.throttled.Load(), Busy: s.stats.busy.Load()}
}

// New builds a Service; Config.Store is required.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil {
		return nil, fmt.Errorf("%w: Config.Store is required", ErrInvalid)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = DefaultSessionTTL
	}
	if cfg.Hash == (HashParams{}) {
		cfg.Hash = DefaultHashParams
	}
	if cfg.MaxHashes <= 0 {
		cfg.MaxHashes = DefaultMaxHashes
	}
	if cfg.MaxHashQueue <= 0 {
		cfg.MaxHashQueue = DefaultMaxHashQueue
	}
	if cfg.HashWait <= 0 {
		cfg.HashWait = DefaultHashWait
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Service{
		store:  cfg.Store,
		now:    cfg.Now,
		ttl:    cfg.SessionTTL,
		hp:     cfg.Hash,
		wait:   cfg.HashWait,
		log:    cfg.Logger.With("component", "accounts"),
		hashes: make(chan struct{}, cfg.MaxHashes),
		queue:  make(chan struct{}, cfg.MaxHashQueue+cfg.MaxHashes),
		byUser: newThrottle(accountFreeFailures, accountMaxWait),
		byAddr: newThrottle(addrFreeFailures, addrMaxWait),
		known:  newSessionCache(),
	}, nil
}

// Store is the service's store.
func (s *Service) Store() Store { return s.store }

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.now() }

// hashSlot runs fn holding one of the hash slots: it waits up to the
// configured HashWait for one, and refuses at once with ErrBusy when the
// queue is full.
func (s *Service) hashSlot(ctx context.Context, fn func() error) error {
	select {
	case s.queue <- struct{}{}:
	default:
		return ErrBusy
	}
	defer func() { <-s.queue }()
	t := time.NewTimer(s.wait)
	defer t.Stop()
	select {
	case s.hashes <- struct{}{}:
	case <-t.C:
		return ErrBusy
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.hashes }()
	return fn()
}

func (s *Service) hash(ctx context.Context, pw string) (string, error) {
	var h string
	err := s.hashSlot(ctx, func() (err error) {
		h, err = HashPassword(pw, s.hp)
		return err
	})
	return h, err
}

func (s *Service) dummyHash() string {
	s.dummyMu.Lock()
	defer s.dummyMu.Unlock()
	if s.dummy == "" {
		s.dummy, _ = HashPassword("", s.hp)
	}
	return s.dummy
}

// Session is what a login gives: the token (shown once) and the account.
type Session struct {
	Token     string
	ExpiresAt time.Time
	Account   Account
}

// Login checks a password and opens a session. It returns
// *ThrottledError when the account or the address has failed too often,
// ErrBusy when hashing is saturated, and ErrBadCredentials for a wrong
// username or password alike. Every outcome but ErrBusy is audited.
func (s *Service) Login(ctx context.Context, username, password, addr string) (Session, error) {
	now := s.now()
	userKey := strings.ToLower(username)
	du, firstU := s.byUser.wait(userKey, now)
	da, firstA := s.byAddr.wait(addr, now)
	if d := max(du, da); d > 0 {
		s.stats.throttled.Add(1)
		if firstU || firstA {
			s.auditLogin(ctx, username, addr, "login_throttled")
		}
		return Session{}, &ThrottledError{RetryAfter: d}
	}
	if len(password) > MaxPasswordLen || len(username) > maxNameLen {
		return Session{}, s.loginFailed(ctx, userKey, username, addr)
	}
	a, err := s.store.Account(ctx, username)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Session{}, err
	}
	hash := a.PasswordHash
	if err != nil || hash == "" {
		hash = s.dummyHash()
	}
	var ok bool
	if herr := s.hashSlot(ctx, func() (err error) {
		ok, err = VerifyPassword(password, hash)
		return err
	}); herr != nil {
		if errors.Is(herr, ErrBusy) || ctx.Err() != nil {
			s.stats.busy.Add(1)
			return Session{}, herr
		}
		s.log.Warn("stored password hash unusable", "username", username, "err", herr)
		ok = false
	}
	if !ok || err != nil || a.PasswordHash == "" {
		return Session{}, s.loginFailed(ctx, userKey, username, addr)
	}
	s.byUser.succeed(userKey)
	s.byAddr.succeed(addr)
	token, t, err := s.newToken(Token{Kind: KindSession, Username: a.Username, CreatedAt: now, ExpiresAt: now.Add(s.ttl)})
	if err != nil {
		return Session{}, err
	}
	if err := s.store.PutToken(ctx, t); err != nil {
		return Session{}, err
	}
	s.stats.ok.Add(1)
	s.auditLogin(ctx, a.Username, addr, "login")
	return Session{Token: token, ExpiresAt: t.ExpiresAt, Account: a}, nil
}

func (s *Service) loginFailed(ctx context.Context, userKey, username, addr string) error {
	now := s.now()
	s.stats.failed.Add(1)
	s.byUser.fail(userKey, now)
	s.byAddr.fail(addr, now)
	s.auditLogin(ctx, username, addr, "login_failed")
	return ErrBadCredentials
}

// maxNameLen bounds usernames, stations and feed key names.
const maxNameLen = 64

func (s *Service) auditLogin(ctx context.Context, username, addr, action string) {
	if len(username) > maxNameLen {
		username = username[:maxNameLen]
	}
	if err := s.Audit(ctx, AuditEntry{Actor: username, IP: addr, Action: action, Target: "account:" + username}); err != nil {
		s.log.Warn("audit login", "action", action, "err", err)
	}
}

// tokenPrefix marks riverwatch tokens, so that a leaked one is easy to
// recognise in a secret scanner.
const tokenPrefix = "rw_"

// newToken fills t's Hash and ID for a fresh random 256-bit secret and
// returns the secret.
func (s *Service) newToken(t Token) (string, Token, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", t, fmt.Errorf("accounts: token: %w", err)
	}
	secret := tokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	t.Hash = HashToken(secret)
	t.ID = t.Hash[:16]
	return secret, t, nil
}

// HashToken is what stores keep of a token: its hex SHA-256. A 256-bit
// random secret needs no salt or stretching.
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Authenticate returns the account and session of a session token, or
// ErrBadCredentials for an unknown, expired or malformed one, or for the
// session of an account since removed. While the store is unavailable a
// session this process has seen in the last StaleAuth still works, so
// that officers keep their board through a Redis outage; nothing new can
// log in meanwhile.
func (s *Service) Authenticate(ctx context.Context, token string) (Account, Token, error) {
	if !plausibleToken(token) {
		return Account{}, Token{}, ErrBadCredentials
	}
	hash := HashToken(token)
	now := s.now()
	a, t, err := s.authenticate(ctx, hash, now)
	switch {
	case err == nil:
		t = s.renew(ctx, t, now)
		s.known.put(hash, a, t, now)
	case errors.Is(err, ErrUnavailable):
		if ca, ct, ok := s.known.get(hash, now); ok {
			return ca, ct, nil
		}
	default:
		s.known.drop(hash)
	}
	return a, t, err
}

func (s *Service) authenticate(ctx context.Context, hash string, now time.Time) (Account, Token, error) {
	t, err := s.store.Token(ctx, hash)
	if errors.Is(err, ErrNotFound) || (err == nil && (t.Kind != KindSession || t.Expired(now))) {
		return Account{}, Token{}, ErrBadCredentials
	}
	if err != nil {
		return Account{}, Token{}, err
	}
	a, err := s.store.Account(ctx, t.Username)
	if errors.Is(err, ErrNotFound) {
		return Account{}, Token{}, ErrBadCredentials
	}
	if err != nil {
		return Account{}, Token{}, err
	}
	return a, t, nil
}

// renew moves a session's expiry to now+TTL once half its TTL has gone,
// never past MaxSessionAge after the login. A failure to store it is no
// failure of the request: the session still holds until its old expiry.
func (s *Service) renew(ctx context.Context, t Token, now time.Time) Token {
	if t.ExpiresAt.Sub(now) > s.ttl/2 {
		return t
	}
	until := now.Add(s.ttl)
	if limit := t.CreatedAt.Add(MaxSessionAge); limit.Before(until) {
		until = limit
	}
	if !until.After(t.ExpiresAt) {
		return t
	}
	r := t
	r.ExpiresAt = until
	if err := s.store.PutToken(ctx, r); err != nil {
		s.log.Warn("session not renewed", "username", t.Username, "err", err)
		return t
	}
	return r
}

func plausibleToken(token string) bool {
	return strings.HasPrefix(token, tokenPrefix) && len(token) == len(tokenPrefix)+43
}

// Logout ends the session of token; an unknown one is ErrBadCredentials.
func (s *Service) Logout(ctx context.Context, token, addr string) error {
	a, t, err := s.Authenticate(ctx, token)
	if err != nil {
		return err
	}
	s.known.drop(t.Hash)
	if err := s.store.DeleteToken(ctx, t.Hash); err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	return s.Audit(ctx, AuditEntry{Actor: a.Username, IP: addr, Action: "logout", Target: "account:" + a.Username})
}
