package redisstore

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/riverwatch/riverwatch/zones"
)

// PutZone implements zones.StateStore. The zone must be valid
// (zones.Zone.Validate), as it must be to be read back from GeoJSON.
func (s *Store) PutZone(ctx context.Context, z zones.Zone) error {
	if err := z.Validate(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	data, err := json.Marshal(z.Feature())
	if err != nil {
		return fmt.Errorf("redisstore: zone %q: %w", z.ID, err)
	}
	return s.fail(ctx, "put zone", s.client.HSet(ctx, s.zonesKey, z.ID, data).Err())
}

// DeleteZone implements zones.StateStore.
func (s *Store) DeleteZone(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	n, err := s.client.HDel(ctx, s.zonesKey, id).Result()
	if err != nil {
		return s.fail(ctx, "delete zone", err)
	}
	if n == 0 {
		return fmt.Errorf("redisstore: zone %q: %w", id, zones.ErrNotFound)
	}
	return nil
}

// Zones implements zones.StateStore. A stored zone that no longer reads as
// a valid one is logged and left out, so that one bad record does not keep
// every process from starting.
func (s *Store) Zones(ctx context.Context) ([]zones.Zone, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m, err := s.client.HGetAll(ctx, s.zonesKey).Result()
	if err != nil {
		return nil, s.fail(ctx, "zones", err)
	}
	out := make([]zones.Zone, 0, len(m))
	for _, id := range slices.Sorted(maps.Keys(m)) {
		z, err := zones.ParseZone([]byte(m[id]))
		if err == nil && z.ID != id {
			err = fmt.Errorf("stored under id %q", id)
		}
		if err != nil {
			s.log.Warn("stored zone left out", "zone", id, "err", err)
			continue
		}
		out = append(out, z)
	}
	return out, nil
}

// PutBan implements zones.StateStore. A ban needs an id and an Until
// (zones.CheckBan); one already past its retention is at once not kept.
func (s *Store) PutBan(ctx context.Context, b zones.Ban) error {
	if err := zones.CheckBan(&b); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	data, err := json.Marshal(b)
	if err != nil {
		return fmt.Errorf("redisstore: ban %q: %w", b.ID, err)
	}
	until, ok := zones.BanKeptUntil(&b)
	key := s.banPrefix + b.ID
	_, err = s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, key, data, 0)
		if ok {
			p.PExpireAt(ctx, key, time.UnixMilli(ceilMilli(until)))
		}
		p.Do(ctx, "ZADD", s.banIDs, expiryScore(until, ok), b.ID)
		return nil
	})
	return s.fail(ctx, "put ban", err)
}

// Ban implements zones.StateStore.
func (s *Store) Ban(ctx context.Context, id string) (zones.Ban, error) {
	if err := ctx.Err(); err != nil {
		return zones.Ban{}, err
	}
	data, err := s.client.Get(ctx, s.banPrefix+id).Bytes()
	if err != nil {
		return zones.Ban{}, s.fail(ctx, "ban "+strconv.Quote(id), err)
	}
	var b zones.Ban
	if err := json.Unmarshal(data, &b); err != nil {
		return zones.Ban{}, fmt.Errorf("redisstore: ban %q: %w", id, err)
	}
	if until, ok := zones.BanKeptUntil(&b); ok && !s.now().Before(until) {
		return zones.Ban{}, fmt.Errorf("redisstore: ban %q: %w", id, zones.ErrNotFound)
	}
	return b, nil
}

// bansScript forgets the bans past retention by the store's clock
// (ARGV[1], ms), then returns every other ban's JSON. The ban keys are not
// declared: they share the index's hash tag, so its slot.
var bansScript = redis.NewScript(`
local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
for _, id in ipairs(gone) do redis.call('DEL', ARGV[2] .. id) end
if #gone > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1]) end
local out = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local v = redis.call('GET', ARGV[2] .. id)
  if v then out[#out + 1] = v else redis.call('ZREM', KEYS[1], id) end
end
return out
`)

// Bans implements zones.StateStore.
func (s *Store) Bans(ctx context.Context) ([]zones.Ban, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	vals, err := bansScript.Run(ctx, s.client, []string{s.banIDs}, now.UnixMilli(), s.banPrefix).StringSlice()
	if err != nil {
		return nil, s.fail(ctx, "bans", err)
	}
	out := make([]zones.Ban, 0, len(vals))
	for _, v := range vals {
		var b zones.Ban
		if err := json.Unmarshal([]byte(v), &b); err != nil {
			s.log.Warn("stored ban left out", "err", err)
			continue
		}
		if until, ok := zones.BanKeptUntil(&b); ok && !now.Before(until) {
			continue // within the millisecond the index is rounded to
		}
		out = append(out, b)
	}
	slices.SortFunc(out, func(a, b zones.Ban) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// ApplyOccupancy implements zones.StateStore. Every change needs a zone id
// and an MMSI (zones.CheckOccupancy); a batch with a bad one applies
// nothing. Only the last change of each zone and vessel pair counts, so the
// batch becomes one SADD and one SREM at most per set, sent in one
// pipeline (which go-redis splits per node on a cluster).
func (s *Store) ApplyOccupancy(ctx context.Context, changes []zones.Occupancy) error {
	if err := zones.CheckOccupancy(changes); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(changes) == 0 {
		return nil
	}
	type pair struct {
		zone string
		mmsi uint32
	}
	in := make(map[pair]bool, len(changes))
	order := make([]pair, 0, len(changes))
	for _, c := range changes {
		p := pair{c.ZoneID, c.MMSI}
		if _, seen := in[p]; !seen {
			order = append(order, p)
		}
		in[p] = c.In
	}
	type edits struct{ add, rem []any }
	var keys []string
	byKey := make(map[string]*edits)
	edit := func(key string, member any, add bool) {
		e := byKey[key]
		if e == nil {
			e = &edits{}
			byKey[key] = e
			keys = append(keys, key)
		}
		if add {
			e.add = append(e.add, member)
		} else {
			e.rem = append(e.rem, member)
		}
	}
	for _, p := range order {
		edit(s.zoneVessels(p.zone), p.mmsi, in[p])
		edit(s.vesselZones(p.mmsi), p.zone, in[p])
	}
	_, err := s.client.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		for _, k := range keys {
			if e := byKey[k]; len(e.add) > 0 {
				pipe.SAdd(ctx, k, e.add...)
			}
			if e := byKey[k]; len(e.rem) > 0 {
				pipe.SRem(ctx, k, e.rem...)
			}
		}
		return nil
	})
	return s.fail(ctx, "apply occupancy", err)
}

// ZoneVessels implements zones.StateStore.
func (s *Store) ZoneVessels(ctx context.Context, zoneID string) ([]uint32, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	members, err := s.client.SMembers(ctx, s.zoneVessels(zoneID)).Result()
	if err != nil {
		return nil, s.fail(ctx, "zone vessels", err)
	}
	out := make([]uint32, 0, len(members))
	for _, m := range members {
		n, err := strconv.ParseUint(m, 10, 32)
		if err != nil {
			s.log.Warn("bad MMSI in a zone's occupancy left out", "zone", zoneID, "member", m)
			continue
		}
		out = append(out, uint32(n))
	}
	slices.Sort(out)
	return out, nil
}

// VesselZones implements zones.StateStore.
func (s *Store) VesselZones(ctx context.Context, mmsi uint32) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	members, err := s.client.SMembers(ctx, s.vesselZones(mmsi)).Result()
	if err != nil {
		return nil, s.fail(ctx, "vessel zones", err)
	}
	if members == nil {
		members = []string{}
	}
	slices.Sort(members)
	return members, nil
}
