package redisstore

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/riverwatch/riverwatch/zones"
)

// sweepLua forgets up to 100 resolved alerts past retention by the store's
// clock: their keys and their index entries. Alert keys are built from the
// prefix rather than declared: they share the indexes' hash tag, so their
// slot.
const sweepLua = `
local function sweep(updated, expiry, prefix, now)
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', expiry, '-inf', now, 'LIMIT', 0, 100)) do
    redis.call('DEL', prefix .. id)
    redis.call('ZREM', updated, id)
    redis.call('ZREM', expiry, id)
  end
end
`

// openScript stores an alert unless its episode has an active one.
//
//	KEYS  open, updated, expiry, alert key
//	ARGV  alert prefix, episode key, id, JSON, updated score, now ms
//
// It returns {1} when stored, {0, existing JSON} when the episode has an
// active alert, {2} when the id is kept for another alert.
var openScript = redis.NewScript(sweepLua + `
sweep(KEYS[2], KEYS[3], ARGV[1], ARGV[6])
local holder = redis.call('HGET', KEYS[1], ARGV[2])
if holder then
  local v = redis.call('GET', ARGV[1] .. holder)
  if v then return {0, v} end
  redis.call('HDEL', KEYS[1], ARGV[2])
end
if redis.call('EXISTS', KEYS[4]) == 1 then
  local exp = redis.call('ZSCORE', KEYS[3], ARGV[3])
  if not exp or tonumber(exp) > tonumber(ARGV[6]) then return {2} end
  redis.call('ZREM', KEYS[3], ARGV[3])
end
redis.call('SET', KEYS[4], ARGV[4])
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[3])
return {1}
`)

// updateScript replaces an alert if it is still what the caller read.
//
//	KEYS  alert key, open, updated, expiry
//	ARGV  old JSON, new JSON, id, episode key, updated score,
//	      "1" if the new value is active, its expiry ms, now ms, alert prefix
//
// It returns 1 when replaced, 0 when the alert changed since it was read
// (or is gone), -1 when it would become active while another alert holds
// its episode.
var updateScript = redis.NewScript(sweepLua + `
sweep(KEYS[3], KEYS[4], ARGV[9], ARGV[8])
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local holder = redis.call('HGET', KEYS[2], ARGV[4])
if ARGV[6] == '1' then
  if holder and holder ~= ARGV[3] then return -1 end
  redis.call('SET', KEYS[1], ARGV[2])
  redis.call('HSET', KEYS[2], ARGV[4], ARGV[3])
  redis.call('ZREM', KEYS[4], ARGV[3])
else
  if holder == ARGV[3] then redis.call('HDEL', KEYS[2], ARGV[4]) end
  redis.call('SET', KEYS[1], ARGV[2])
  redis.call('PEXPIREAT', KEYS[1], ARGV[7])
  redis.call('ZADD', KEYS[4], ARGV[7], ARGV[3])
end
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[3])
return 1
`)

// pruneScript drops from the indexes the ids (ARGV[2:]) whose alert key
// has gone (expired by Redis), checking each again so that an id just
// used for a new alert is kept.
var pruneScript = redis.NewScript(`
for i = 2, #ARGV do
  if redis.call('EXISTS', ARGV[1] .. ARGV[i]) == 0 then
    redis.call('ZREM', KEYS[1], ARGV[i])
    redis.call('ZREM', KEYS[2], ARGV[i])
  end
end
return 0
`)

// restoreScript stores a resolved alert unless its id is kept.
//
//	KEYS  alert key, updated, expiry
//	ARGV  JSON, id, updated score, expiry ms, now ms, alert prefix
//
// It returns 1 when stored, 0 when the id is kept for an alert.
var restoreScript = redis.NewScript(sweepLua + `
sweep(KEYS[2], KEYS[3], ARGV[6], ARGV[5])
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('PEXPIREAT', KEYS[1], ARGV[4])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
return 1
`)

// maxUpdateAttempts bounds UpdateAlert's optimistic retries.
const maxUpdateAttempts = 500

// OpenAlert implements zones.StateStore: one Lua script checks the episode,
// the id and stores the alert with its indexes. a needs an id and a key and
// must be open or acknowledged (zones.CheckNewAlert); an id kept for
// another alert is ErrConflict.
func (s *Store) OpenAlert(ctx context.Context, a zones.Alert) (zones.Alert, bool, error) {
	if err := zones.CheckNewAlert(&a); err != nil {
		return zones.Alert{}, false, err
	}
	if err := ctx.Err(); err != nil {
		return zones.Alert{}, false, err
	}
	data, err := json.Marshal(a)
	if err != nil {
		return zones.Alert{}, false, fmt.Errorf("redisstore: alert %q: %w", a.ID, err)
	}
	keys := []string{s.open, s.updated, s.expiry, s.alertPrefix + a.ID}
	res, err := openScript.Run(ctx, s.client, keys,
		s.alertPrefix, a.Key, a.ID, data, updatedScore(a.UpdatedAt), s.now().UnixMilli()).Slice()
	if err != nil {
		return zones.Alert{}, false, s.fail(ctx, "open alert", err)
	}
	code, _ := res[0].(int64)
	switch {
	case code == 1:
		return a, true, nil
	case code == 0 && len(res) == 2:
		raw, _ := res[1].(string)
		var existing zones.Alert
		if err := json.Unmarshal([]byte(raw), &existing); err != nil {
			return zones.Alert{}, false, fmt.Errorf("redisstore: alert of episode %q: %w", a.Key, err)
		}
		return existing, false, nil
	case code == 2:
		return zones.Alert{}, false, fmt.Errorf("redisstore: alert %q: id already used by another alert: %w", a.ID, zones.ErrConflict)
	}
	return zones.Alert{}, false, fmt.Errorf("redisstore: open alert: unexpected reply %v", res)
}

// UpdateAlert implements zones.StateStore with optimistic concurrency: it
// reads the alert, runs fn on a copy and writes the result only if the
// alert is still what it read, else it reads again and runs fn again. So
// fn may run more than once, and must only edit the alert it is given.
// fn may not change the id or the key (ErrInvalid); a resolved alert
// without ResolvedAt gets Now. Making a resolved alert active again takes
// its key back, or fails with ErrConflict when a newer episode holds it.
func (s *Store) UpdateAlert(ctx context.Context, id string, fn func(a *zones.Alert) error) (zones.Alert, error) {
	key := s.alertPrefix + id
	for attempt := range maxUpdateAttempts {
		if err := ctx.Err(); err != nil {
			return zones.Alert{}, err
		}
		old, err := s.client.Get(ctx, key).Result()
		if err != nil {
			return zones.Alert{}, s.fail(ctx, "alert "+strconv.Quote(id), err)
		}
		now := s.now()
		var cur zones.Alert
		if err := json.Unmarshal([]byte(old), &cur); err != nil {
			return zones.Alert{}, fmt.Errorf("redisstore: alert %q: %w", id, err)
		}
		if gone(&cur, now) {
			return zones.Alert{}, fmt.Errorf("redisstore: alert %q: %w", id, zones.ErrNotFound)
		}
		next := cur
		if err := fn(&next); err != nil {
			return zones.Alert{}, err
		}
		if err := zones.CheckAlertUpdate(&cur, &next, now); err != nil {
			return zones.Alert{}, err
		}
		data, err := json.Marshal(next)
		if err != nil {
			return zones.Alert{}, fmt.Errorf("redisstore: alert %q: %w", id, err)
		}
		active := "0"
		if next.Active() {
			active = "1"
		}
		until, ok := zones.AlertKeptUntil(&next)
		res, err := updateScript.Run(ctx, s.client, []string{key, s.open, s.updated, s.expiry},
			old, data, id, next.Key, updatedScore(next.UpdatedAt), active, expiryScore(until, ok),
			now.UnixMilli(), s.alertPrefix).Int()
		if err != nil {
			return zones.Alert{}, s.fail(ctx, "update alert", err)
		}
		switch res {
		case 1:
			return next, nil
		case -1:
			return zones.Alert{}, fmt.Errorf("redisstore: alert %q: episode %q has another active alert: %w", id, next.Key, zones.ErrConflict)
		}
		if attempt >= 2 {
			// Contended: let the other writers through.
			time.Sleep(time.Duration(rand.IntN(min(attempt, 20))+1) * 100 * time.Microsecond)
		}
	}
	return zones.Alert{}, fmt.Errorf("redisstore: alert %q: still contended after %d attempts: %w", id, maxUpdateAttempts, zones.ErrConflict)
}

// restoreBatch bounds one pipeline of RestoreAlerts: about 300 KB of
// alert JSON, so that a write-back of thousands does not hold one
// connection, or the server's reply buffer, for long.
const restoreBatch = 500

// RestoreAlerts implements zones.StateStore: a Lua script per alert stores
// it with its expiry and indexes unless its id is kept, pipelined
// restoreBatch at a time, so that 10,000 alerts cost 20 round trips rather
// than 10,000. An alert past retention by Now is not stored; an expired
// one still in Redis (its PEXPIREAT not yet reached, see Time) is swept
// first.
func (s *Store) RestoreAlerts(ctx context.Context, as []zones.Alert) (int, error) {
	for i := range as {
		if err := zones.CheckRestoredAlert(&as[i]); err != nil {
			return 0, err
		}
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	restored := 0
	for start := 0; start < len(as); start += restoreBatch {
		n, err := s.restore(ctx, as[start:min(start+restoreBatch, len(as))])
		restored += n
		if err != nil {
			return restored, err
		}
	}
	return restored, nil
}

// restore sends one pipeline of restoreScript by its hash. A server that
// does not know the script (restarted, or failed over to a replica) gets
// the rejected ones again with its source.
func (s *Store) restore(ctx context.Context, as []zones.Alert) (int, error) {
	now := s.now()
	pending := make([]*zones.Alert, 0, len(as))
	for i := range as {
		if !gone(&as[i], now) {
			pending = append(pending, &as[i])
		}
	}
	restored := 0
	for withSource := false; len(pending) > 0; withSource = true {
		pipe := s.client.Pipeline()
		cmds := make([]*redis.Cmd, len(pending))
		for i, a := range pending {
			data, err := json.Marshal(a)
			if err != nil {
				return restored, fmt.Errorf("redisstore: alert %q: %w", a.ID, err)
			}
			until, ok := zones.AlertKeptUntil(a)
			keys := []string{s.alertPrefix + a.ID, s.updated, s.expiry}
			args := []any{data, a.ID, updatedScore(a.UpdatedAt), expiryScore(until, ok), now.UnixMilli(), s.alertPrefix}
			if withSource {
				cmds[i] = restoreScript.Eval(ctx, pipe, keys, args...)
			} else {
				cmds[i] = restoreScript.EvalSha(ctx, pipe, keys, args...)
			}
		}
		_, _ = pipe.Exec(ctx) // each command holds its own reply or error
		var again []*zones.Alert
		for i, cmd := range cmds {
			res, err := cmd.Int()
			switch {
			case err == nil:
				if res == 1 {
					restored++
				}
			case !withSource && redis.HasErrorPrefix(err, "NOSCRIPT"):
				again = append(again, pending[i])
			default:
				return restored, s.fail(ctx, "restore alerts", err)
			}
		}
		pending = again
	}
	return restored, nil
}

func gone(a *zones.Alert, now time.Time) bool {
	until, ok := zones.AlertKeptUntil(a)
	return ok && !now.Before(until)
}

// Alert implements zones.StateStore.
func (s *Store) Alert(ctx context.Context, id string) (zones.Alert, error) {
	if err := ctx.Err(); err != nil {
		return zones.Alert{}, err
	}
	data, err := s.client.Get(ctx, s.alertPrefix+id).Bytes()
	if err != nil {
		return zones.Alert{}, s.fail(ctx, "alert "+strconv.Quote(id), err)
	}
	var a zones.Alert
	if err := json.Unmarshal(data, &a); err != nil {
		return zones.Alert{}, fmt.Errorf("redisstore: alert %q: %w", id, err)
	}
	if gone(&a, s.now()) {
		return zones.Alert{}, fmt.Errorf("redisstore: alert %q: %w", id, zones.ErrNotFound)
	}
	return a, nil
}

// alertsChunk is how many alerts Alerts fetches with one MGET.
const alertsChunk = 256

// Alerts implements zones.StateStore. Open and acknowledged alerts come
// from the open-key index; any other filter walks the updated index from
// the newest, from Since on. Alerts updated in the same microsecond come in
// descending id order (zones.AlertOrder).
func (s *Store) Alerts(ctx context.Context, f zones.AlertFilter) ([]zones.Alert, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var (
		ids []string
		err error
	)
	activeOnly := f.State == zones.StateOpen || f.State == zones.StateAcknowledged
	if activeOnly {
		ids, err = s.client.HVals(ctx, s.open).Result()
	} else {
		from := "-inf"
		if !f.Since.IsZero() {
			from = updatedScore(f.Since)
		}
		ids, err = s.client.ZRevRangeByScore(ctx, s.updated, &redis.ZRangeBy{Min: from, Max: "+inf"}).Result()
	}
	if err != nil {
		return nil, s.fail(ctx, "alerts", err)
	}
	now := s.now()
	var stale []string
	var sel []zones.Alert
	for chunk := range slices.Chunk(ids, alertsChunk) {
		if !activeOnly && f.Limit > 0 && len(sel) >= f.Limit {
			break // the index is newest first: the rest are older
		}
		keys := make([]string, len(chunk))
		for i, id := range chunk {
			keys[i] = s.alertPrefix + id
		}
		vals, err := s.client.MGet(ctx, keys...).Result()
		if err != nil {
			return nil, s.fail(ctx, "alerts", err)
		}
		for i, v := range vals {
			raw, ok := v.(string)
			if !ok {
				stale = append(stale, chunk[i])
				continue
			}
			var a zones.Alert
			if err := json.Unmarshal([]byte(raw), &a); err != nil {
				s.log.Warn("stored alert left out", "alert", chunk[i], "err", err)
				continue
			}
			if !gone(&a, now) && f.Match(&a) {
				sel = append(sel, a)
			}
		}
	}
	if len(stale) > 0 {
		args := append([]any{s.alertPrefix}, anys(stale)...)
		if err := pruneScript.Run(ctx, s.client, []string{s.updated, s.expiry}, args...).Err(); err != nil {
			s.log.Warn("pruning the alert indexes", "err", err)
		}
	}
	if sel == nil {
		sel = []zones.Alert{}
	}
	slices.SortFunc(sel, func(a, b zones.Alert) int { return zones.AlertOrder(&a, &b) })
	if f.Limit > 0 && len(sel) > f.Limit {
		sel = sel[:f.Limit]
	}
	return sel, nil
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
