package redisstore

import (
	"log/slog"
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	// A stopped server makes go-redis log every failed dial.
	SetRedisLogger(slog.New(slog.DiscardHandler))
	os.Exit(m.Run())
}
