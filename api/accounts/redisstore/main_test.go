package redisstore

import (
	"context"
	"os"
	"testing"

	"github.com/redis/go-redis/v9"
)

type quiet struct{}

func (quiet) Printf(context.Context, string, ...any) {}

func TestMain(m *testing.M) {
	// A stopped server makes go-redis log every failed dial.
	redis.SetLogger(quiet{})
	os.Exit(m.Run())
}
