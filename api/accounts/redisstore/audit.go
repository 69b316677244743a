package redisstore

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/riverwatch/riverwatch/api/accounts"
)

// appendScript numbers an entry from the counter KEYS[2] and adds it to
// the stream KEYS[1] under the ID SEQ-1, so the stream is in Seq order.
var appendScript = redis.NewScript(`
local seq = redis.call('INCR', KEYS[2])
redis.call('XADD', KEYS[1], seq .. '-1', 'e', ARGV[1])
return seq`)

// AppendAudit implements accounts.Store.
func (s *Store) AppendAudit(ctx context.Context, e accounts.AuditEntry) (accounts.AuditEntry, error) {
	e.Seq = 0
	data, err := json.Marshal(e)
	if err != nil {
		return e, err
	}
	seq, err := appendScript.Run(ctx, s.rdb, []string{s.key("audit"), s.key("audit", "seq")}, data).Int64()
	if err != nil {
		return e, fail("append audit", err)
	}
	e.Seq = seq
	return e, nil
}

// auditPage is how many entries Audit reads from the stream at a time.
const auditPage = 500

// Audit implements accounts.Store: it reads the stream backwards until it
// has Limit matches or passes Since.
func (s *Store) Audit(ctx context.Context, f accounts.AuditFilter) ([]accounts.AuditEntry, error) {
	limit := f.Limited()
	var out []accounts.AuditEntry
	end := "+"
	for {
		msgs, err := s.rdb.XRevRangeN(ctx, s.key("audit"), end, "-", auditPage).Result()
		if err != nil {
			return nil, fail("audit", err)
		}
		for _, m := range msgs {
			str, _ := m.Values["e"].(string)
			var e accounts.AuditEntry
			if err := json.Unmarshal([]byte(str), &e); err != nil {
				continue
			}
			seq, _, _ := strings.Cut(m.ID, "-")
			e.Seq, _ = strconv.ParseInt(seq, 10, 64)
			if f.Match(e) {
				out = append(out, e)
				if len(out) == limit {
					return out, nil
				}
			}
		}
		if len(msgs) < auditPage {
			return out, nil
		}
		end = "(" + msgs[len(msgs)-1].ID
	}
}
