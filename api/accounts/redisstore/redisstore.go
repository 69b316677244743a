// Package redisstore is the accounts.Store in Redis: with --redis every
// riverwatch process shares accounts, sessions, feed keys and the audit
// log. Sessions expire in Redis itself (PEXPIRE); the audit log is a stream
// written only by XADD, with a sequence number from one counter.
//
// Every key carries one hash tag, {PREFIX:accounts}, so that on a Redis
// Cluster they share a slot and the scripts that touch several keys run
// atomically.
package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/riverwatch/riverwatch/api/accounts"
	"github.com/riverwatch/riverwatch/zones"
	zredis "github.com/riverwatch/riverwatch/zones/redisstore"
)

// DefaultPrefix starts every key unless Config.Prefix says otherwise: the
// zone store's default, so one deployment's keys sit together.
const DefaultPrefix = "riverwatch"

// DefaultTimeout bounds dialling, reading and writing.
const DefaultTimeout = 3 * time.Second

// Config says which Redis to use.
type Config struct {
	// URL is redis://[user:password@]host[:port][/db], or
	// redis+cluster://host:port[,host:port...] for a Redis Cluster, with
	// rediss for TLS: the forms of --redis, read as the zones' store
	// reads them (zones/redisstore.Config.URL).
	URL     string
	Prefix  string        // DefaultPrefix when empty; no '{' or '}'
	Timeout time.Duration // DefaultTimeout when zero
	Now     func() time.Time
}

// Store is the Redis accounts.Store.
type Store struct {
	rdb redis.UniversalClient
	tag string // "{prefix:accounts}"
	now func() time.Time
}

var _ accounts.Store = (*Store)(nil)

// New connects and pings: a Redis that does not answer is
// accounts.ErrUnavailable; a bad URL accounts.ErrInvalid.
func New(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Prefix == "" {
		cfg.Prefix = DefaultPrefix
	}
	if strings.ContainsAny(cfg.Prefix, "{}") {
		return nil, fmt.Errorf("%w: redis prefix %q: no braces", accounts.ErrInvalid, cfg.Prefix)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	o, err := zredis.Config{URL: cfg.URL, Timeout: cfg.Timeout}.UniversalOptions()
	if err != nil {
		return nil, fmt.Errorf("%w: %s", accounts.ErrInvalid, strings.TrimPrefix(err.Error(), zones.ErrInvalid.Error()+": "))
	}
	s := &Store{rdb: redis.NewUniversalClient(o), tag: "{" + cfg.Prefix + ":accounts}", now: cfg.Now}
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		_ = s.rdb.Close()
		return nil, fail("ping", err)
	}
	return s, nil
}

// Close implements accounts.Store.
func (s *Store) Close() error { return s.rdb.Close() }

func fail(op string, err error) error {
	return fmt.Errorf("%w: redis %s: %v", accounts.ErrUnavailable, op, err)
}

func (s *Store) key(parts ...string) string { return s.tag + ":" + strings.Join(parts, ":") }

// record is an account as stored, its hash included.
type record struct {
	accounts.Account
	PasswordHash string `json:"password_hash"`
}

// Account implements accounts.Store.
func (s *Store) Account(ctx context.Context, username string) (accounts.Account, error) {
	data, err := s.rdb.Get(ctx, s.key("user", username)).Bytes()
	if errors.Is(err, redis.Nil) {
		return accounts.Account{}, fmt.Errorf("%w: account %q", accounts.ErrNotFound, username)
	}
	if err != nil {
		return accounts.Account{}, fail("account", err)
	}
	return decodeAccount(data)
}

func decodeAccount(data []byte) (accounts.Account, error) {
	var r record
	if err := json.Unmarshal(data, &r); err != nil {
		return accounts.Account{}, fmt.Errorf("%w: redis: account record: %v", accounts.ErrUnavailable, err)
	}
	r.Account.PasswordHash = r.PasswordHash
	return r.Account, nil
}

func encodeAccount(a accounts.Account) ([]byte, error) {
	return json.Marshal(record{Account: a, PasswordHash: a.PasswordHash})
}

// Accounts implements accounts.Store.
func (s *Store) Accounts(ctx context.Context) ([]accounts.Account, error) {
	names, err := s.rdb.ZRange(ctx, s.key("users"), 0, -1).Result()
	if err != nil {
		return nil, fail("accounts", err)
	}
	if len(names) == 0 {
		return nil, nil
	}
	keys := make([]string, len(names))
	for i, n := range names {
		keys[i] = s.key("user", n)
	}
	vals, err := s.rdb.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, fail("accounts", err)
	}
	var out []accounts.Account
	for _, v := range vals {
		str, ok := v.(string)
		if !ok {
			continue // removed between the two reads
		}
		a, err := decodeAccount([]byte(str))
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// createScript stores an account unless its name is taken.
var createScript = redis.NewScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then
	redis.call('ZADD', KEYS[2], 0, ARGV[2])
	return 1
end
return 0`)

// CreateAccount implements accounts.Store.
func (s *Store) CreateAccount(ctx context.Context, a accounts.Account) error {
	data, err := encodeAccount(a)
	if err != nil {
		return err
	}
	n, err := createScript.Run(ctx, s.rdb, []string{s.key("user", a.Username), s.key("users")}, data, a.Username).Int()
	if err != nil {
		return fail("create account", err)
	}
	if n == 0 {
		return fmt.Errorf("%w: account %q", accounts.ErrExists, a.Username)
	}
	return nil
}

// UpdateAccount implements accounts.Store.
func (s *Store) UpdateAccount(ctx context.Context, a accounts.Account) error {
	data, err := encodeAccount(a)
	if err != nil {
		return err
	}
	ok, err := s.rdb.SetXX(ctx, s.key("user", a.Username), data, redis.KeepTTL).Result()
	if err != nil {
		return fail("update account", err)
	}
	if !ok {
		return fmt.Errorf("%w: account %q", accounts.ErrNotFound, a.Username)
	}
	return nil
}

// deleteSessionsScript removes every session of an account: KEYS[1] its
// set of session hashes, KEYS[2] the session index; ARGV[1] the token key
// prefix.
var deleteSessionsScript = redis.NewScript(`
local hashes = redis.call('SMEMBERS', KEYS[1])
for _, h in ipairs(hashes) do
	redis.call('DEL', ARGV[1] .. h)
	redis.call('ZREM', KEYS[2], h)
end
redis.call('DEL', KEYS[1])
return #hashes`)

// deleteAccountScript removes an account (KEYS[3], index KEYS[4]) and its
// sessions, or returns 0 if there is none.
var deleteAccountScript = redis.NewScript(`
if redis.call('DEL', KEYS[3]) == 0 then return 0 end
redis.call('ZREM', KEYS[4], ARGV[2])
local hashes = redis.call('SMEMBERS', KEYS[1])
for _, h in ipairs(hashes) do
	redis.call('DEL', ARGV[1] .. h)
	redis.call('ZREM', KEYS[2], h)
end
redis.call('DEL', KEYS[1])
return 1`)

// DeleteAccount implements accounts.Store.
func (s *Store) DeleteAccount(ctx context.Context, username string) error {
	n, err := deleteAccountScript.Run(ctx, s.rdb, []string{
		s.key("sessions", username), s.key("tokens", string(accounts.KindSession)), s.key("user", username), s.key("users"),
	}, s.key("token", ""), username).Int()
	if err != nil {
		return fail("delete account", err)
	}
	if n == 0 {
		return fmt.Errorf("%w: account %q", accounts.ErrNotFound, username)
	}
	return nil
}
