package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/riverwatch/riverwatch/api/accounts"
)

// tokenRecord is a token as stored, its hash included.
type tokenRecord struct {
	accounts.Token
	Hash string `json:"hash"`
}

// PutToken implements accounts.Store.
func (s *Store) PutToken(ctx context.Context, t accounts.Token) error {
	data, err := json.Marshal(tokenRecord{Token: t, Hash: t.Hash})
	if err != nil {
		return err
	}
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		k := s.key("token", t.Hash)
		p.Set(ctx, k, data, 0)
		if !t.ExpiresAt.IsZero() {
			// Relative to the store's clock, which judges expiry; Redis
			// then drops the key on its own.
			p.PExpire(ctx, k, max(t.ExpiresAt.Sub(s.now()), time.Millisecond))
		}
		p.ZAdd(ctx, s.key("tokens", string(t.Kind)), redis.Z{Score: float64(t.CreatedAt.UnixMilli()), Member: t.Hash})
		if t.Kind == accounts.KindSession {
			p.SAdd(ctx, s.key("sessions", t.Username), t.Hash)
		}
		return nil
	})
	if err != nil {
		return fail("put token", err)
	}
	return nil
}

func decodeToken(data []byte) (accounts.Token, error) {
	var r tokenRecord
	if err := json.Unmarshal(data, &r); err != nil {
		return accounts.Token{}, fmt.Errorf("%w: redis: token record: %v", accounts.ErrUnavailable, err)
	}
	r.Token.Hash = r.Hash
	return r.Token, nil
}

// Token implements accounts.Store.
func (s *Store) Token(ctx context.Context, hash string) (accounts.Token, error) {
	data, err := s.rdb.Get(ctx, s.key("token", hash)).Bytes()
	if errors.Is(err, redis.Nil) {
		return accounts.Token{}, fmt.Errorf("%w: token", accounts.ErrNotFound)
	}
	if err != nil {
		return accounts.Token{}, fail("token", err)
	}
	t, err := decodeToken(data)
	if err != nil {
		return t, err
	}
	if t.Expired(s.now()) {
		return accounts.Token{}, fmt.Errorf("%w: token", accounts.ErrNotFound)
	}
	return t, nil
}

// deleteTokenScript removes one token and its index entries.
var deleteTokenScript = redis.NewScript(`
local data = redis.call('GET', KEYS[1])
if not data then return 0 end
redis.call('DEL', KEYS[1])
local t = cjson.decode(data)
redis.call('ZREM', ARGV[1] .. t.kind, ARGV[3])
if t.username and t.username ~= '' then
	redis.call('SREM', ARGV[2] .. t.username, ARGV[3])
end
return 1`)

// DeleteToken implements accounts.Store.
func (s *Store) DeleteToken(ctx context.Context, hash string) error {
	n, err := deleteTokenScript.Run(ctx, s.rdb, []string{s.key("token", hash)},
		s.key("tokens", ""), s.key("sessions", ""), hash).Int()
	if err != nil {
		return fail("delete token", err)
	}
	if n == 0 {
		return fmt.Errorf("%w: token", accounts.ErrNotFound)
	}
	return nil
}

// Tokens implements accounts.Store. Index entries of tokens Redis has
// expired are dropped on the way.
func (s *Store) Tokens(ctx context.Context, kind accounts.TokenKind) ([]accounts.Token, error) {
	index := s.key("tokens", string(kind))
	hashes, err := s.rdb.ZRange(ctx, index, 0, -1).Result()
	if err != nil {
		return nil, fail("tokens", err)
	}
	if len(hashes) == 0 {
		return nil, nil
	}
	keys := make([]string, len(hashes))
	for i, h := range hashes {
		keys[i] = s.key("token", h)
	}
	vals, err := s.rdb.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, fail("tokens", err)
	}
	now := s.now()
	var out []accounts.Token
	var gone []any
	for i, v := range vals {
		str, ok := v.(string)
		if !ok {
			gone = append(gone, hashes[i])
			continue
		}
		t, err := decodeToken([]byte(str))
		if err != nil {
			return nil, err
		}
		if !t.Expired(now) {
			out = append(out, t)
		}
	}
	if len(gone) > 0 {
		_ = s.rdb.ZRem(ctx, index, gone...).Err()
	}
	accounts.SortTokens(out)
	return out, nil
}

// DeleteSessions implements accounts.Store.
func (s *Store) DeleteSessions(ctx context.Context, username string) error {
	err := deleteSessionsScript.Run(ctx, s.rdb, []string{s.key("sessions", username), s.key("tokens", string(accounts.KindSession))},
		s.key("token", "")).Err()
	if err != nil {
		return fail("delete sessions", err)
	}
	return nil
}
