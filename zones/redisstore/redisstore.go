// Package redisstore is the Redis zones.StateStore, so that several
// riverwatch processes share one picture of zones, bans, occupancy and
// alerts, and a restart loses nothing. One address is a single node;
// several, or a redis+cluster:// URL, are a Redis Cluster (go-redis's
// UniversalClient either way). Only cmd imports this package.
//
// # Keys
//
// Every key starts with "{P:" where P is Config.Prefix ("riverwatch"), and
// the part in braces is the Redis Cluster hash tag: what one operation must
// change together shares a tag, hence a slot, so that a Lua script or a
// MULTI can change it atomically on a cluster too.
//
//	{P:zones}:zones           hash    zone id → GeoJSON Feature
//	{P:bans}:ban:<id>         string  ban JSON; PEXPIREAT at zones.BanKeptUntil, none while kept for ever
//	{P:bans}:ids              zset    ban id → BanKeptUntil in ms (+inf for ever)
//	{P:alerts}:alert:<id>     string  alert JSON; once resolved, PEXPIREAT at zones.AlertKeptUntil
//	{P:alerts}:open           hash    episode key → id of its active alert
//	{P:alerts}:updated        zset    alert id → UpdatedAt in µs (newest first, Since)
//	{P:alerts}:expiry         zset    resolved alert id → AlertKeptUntil in ms
//	{P:alerts}:stream         stream  field "e" = event JSON; XADD MAXLEN ~ zones.StreamLength
//	{P:zone:<id>}:vessels     set     MMSIs inside the zone
//	{P:vessel:<mmsi>}:zones   set     ids of the zones the vessel is inside
//
// OpenAlert is one Lua script over the alert, the open-key index and the
// updated index; UpdateAlert reads, runs fn, and writes with a Lua
// compare-and-set, retrying when another writer came first. A zone's and a
// vessel's occupancy sets are in different slots: ApplyOccupancy keeps the
// last change of each zone and vessel pair and sends at most one SADD and
// one SREM per set, in one pipeline, which go-redis splits per node.
//
// # Time
//
// Expiry is judged by Config.Now, not by the server's clock: a ban or an
// alert past its retention by Now is not returned (and is deleted when its
// index is swept) even if its key has not expired yet, and PEXPIREAT, at
// the same absolute time, lets Redis forget it when no process reads it.
// So a test clock set far ahead behaves as it does on the memory store.
//
// # Errors
//
// A Redis that cannot be reached (refused, timed out, closed, cluster
// down, loading) is zones.ErrUnavailable, wrapped with the cause; every
// command is bounded by Config.Timeout and a couple of quick retries.
package redisstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/riverwatch/riverwatch/zones"
)

// Store is the Redis StateStore. It is safe for concurrent use.
type Store struct {
	client redis.UniversalClient
	prefix string
	now    func() time.Time
	log    *slog.Logger

	zonesKey, banIDs, banPrefix        string
	alertPrefix, open, updated, expiry string
	stream                             string

	closeOnce sync.Once
	closeErr  error
}

var _ zones.StateStore = (*Store)(nil)

// New connects to Redis and checks that it answers: ErrUnavailable
// (wrapped) when it does not, ErrInvalid for a bad config.
func New(ctx context.Context, cfg Config) (*Store, error) {
	opts, err := cfg.UniversalOptions()
	if err != nil {
		return nil, err
	}
	prefix := cfg.Prefix
	if prefix == "" {
		prefix = DefaultPrefix
	}
	if strings.ContainsAny(prefix, "{}") {
		return nil, fmt.Errorf("%w: redisstore: prefix %q may not contain braces", zones.ErrInvalid, prefix)
	}
	s := &Store{
		client: redis.NewUniversalClient(opts),
		prefix: prefix,
		now:    cfg.Now,
		log:    cfg.Logger,

		zonesKey:    "{" + prefix + ":zones}:zones",
		banIDs:      "{" + prefix + ":bans}:ids",
		banPrefix:   "{" + prefix + ":bans}:ban:",
		alertPrefix: "{" + prefix + ":alerts}:alert:",
		open:        "{" + prefix + ":alerts}:open",
		updated:     "{" + prefix + ":alerts}:updated",
		expiry:      "{" + prefix + ":alerts}:expiry",
		stream:      "{" + prefix + ":alerts}:stream",
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.log = s.log.With("component", "redisstore")
	if err := s.Ping(ctx); err != nil {
		_ = s.client.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) zoneVessels(zoneID string) string {
	return "{" + s.prefix + ":zone:" + zoneID + "}:vessels"
}

func (s *Store) vesselZones(mmsi uint32) string {
	return "{" + s.prefix + ":vessel:" + strconv.FormatUint(uint64(mmsi), 10) + "}:zones"
}

// Ping implements zones.StateStore.
func (s *Store) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.fail(ctx, "ping", s.client.Ping(ctx).Err())
}

// Close implements zones.StateStore: later calls are ErrUnavailable.
// Closing twice is harmless.
func (s *Store) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.client.Close() })
	return s.closeErr
}

// fail maps a go-redis error: redis.Nil is ErrNotFound, an ended ctx its
// error, a server's reply error stays what it is, and everything else
// (network, timeouts, a closed client, a cluster that is down) is
// ErrUnavailable.
func (s *Store) fail(ctx context.Context, op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, redis.Nil):
		return fmt.Errorf("redisstore: %s: %w", op, zones.ErrNotFound)
	case ctx.Err() != nil:
		return fmt.Errorf("redisstore: %s: %w", op, ctx.Err())
	}
	var rerr redis.Error
	if errors.As(err, &rerr) && !transient(rerr.Error()) {
		return fmt.Errorf("redisstore: %s: %w", op, err)
	}
	return fmt.Errorf("%w: redis %s: %w", zones.ErrUnavailable, op, err)
}

// transient reports whether a server's reply says it cannot serve now.
func transient(msg string) bool {
	for _, p := range []string{"LOADING", "CLUSTERDOWN", "TRYAGAIN", "MASTERDOWN", "READONLY", "BUSY", "OOM"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// ceilMilli is t in Unix milliseconds, rounded up: an expiry at ms is never
// before t.
func ceilMilli(t time.Time) int64 {
	ms := t.UnixMilli()
	if time.UnixMilli(ms).Before(t) {
		ms++
	}
	return ms
}

// expiryScore is a BanKeptUntil or AlertKeptUntil as a sorted-set score.
func expiryScore(t time.Time, ok bool) string {
	if !ok {
		return "+inf"
	}
	return strconv.FormatInt(ceilMilli(t), 10)
}

// updatedScore is an alert's UpdatedAt as the score of the updated index:
// microseconds are exact in a float64 for the next quarter-million years.
func updatedScore(t time.Time) string {
	us := t.UnixMicro()
	if float64(us) > 1<<53 || float64(us) < -(1<<53) {
		us = int64(math.Copysign(1<<53, float64(us)))
	}
	return strconv.FormatInt(us, 10)
}

// SetRedisLogger sends go-redis's own messages (a failed dial, a cluster
// reload) to l, at debug level. go-redis has one logger per process, so
// only main should call this, once.
func SetRedisLogger(l *slog.Logger) {
	redis.SetLogger(redisLogger{l.With("component", "go-redis")})
}

type redisLogger struct{ l *slog.Logger }

func (r redisLogger) Printf(ctx context.Context, format string, v ...any) {
	// go-redis logs each failed dial; the outage itself is logged once by
	// the zones service, so these are detail.
	r.l.DebugContext(ctx, fmt.Sprintf(format, v...))
}
