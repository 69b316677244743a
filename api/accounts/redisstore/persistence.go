package redisstore

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/redis/go-redis/v9"
)

// KeepsOnDisk reports whether the Redis writes what it holds to disk, by
// snapshots (a save schedule) or an append-only file, on every master of a
// cluster. Accounts have no other copy: a Redis that keeps nothing comes
// back from a restart without them, and nobody can log in. A Redis that
// refuses CONFIG GET (managed services often rename it) is an error: then
// nothing is known.
func (s *Store) KeepsOnDisk(ctx context.Context) (bool, error) {
	if c, ok := s.rdb.(*redis.ClusterClient); ok {
		var volatile atomic.Bool
		err := c.ForEachMaster(ctx, func(ctx context.Context, n *redis.Client) error {
			ok, err := keepsOnDisk(ctx, n)
			if err == nil && !ok {
				volatile.Store(true)
			}
			return err
		})
		return err == nil && !volatile.Load(), err
	}
	return keepsOnDisk(ctx, s.rdb)
}

func keepsOnDisk(ctx context.Context, c redis.Cmdable) (bool, error) {
	cfg, err := c.ConfigGet(ctx, "save").Result()
	if err != nil {
		return false, fmt.Errorf("redis CONFIG GET save: %w", err)
	}
	aof, err := c.ConfigGet(ctx, "appendonly").Result()
	if err != nil {
		return false, fmt.Errorf("redis CONFIG GET appendonly: %w", err)
	}
	return cfg["save"] != "" || aof["appendonly"] == "yes", nil
}
