package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/riverwatch/riverwatch/api/accounts"
	"github.com/riverwatch/riverwatch/api/accounts/accountstest"
	"github.com/riverwatch/riverwatch/zones/redisstore/redistest"
)

var storeN atomic.Int64

func TestStoreSingle(t *testing.T) {
	addr := redistest.Start(t)
	accountstest.TestStore(t, func(t *testing.T, now func() time.Time) accounts.Store {
		s, err := New(context.Background(), Config{URL: "redis://" + addr, Prefix: fmt.Sprintf("acc%d", storeN.Add(1)), Now: now})
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestStoreCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("a three-node cluster in -short")
	}
	addrs := redistest.StartCluster(t)
	accountstest.TestStore(t, func(t *testing.T, now func() time.Time) accounts.Store {
		s, err := New(context.Background(), Config{URL: "redis+cluster://" + addrs[0] + "," + addrs[1],
			Prefix: fmt.Sprintf("acc%d", storeN.Add(1)), Now: now})
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// TestSharedAndExpiring: two processes see one store; Redis itself
// expires a session.
func TestSharedAndExpiring(t *testing.T) {
	addr := redistest.Start(t)
	ctx := context.Background()
	a, err := New(ctx, Config{URL: "redis://" + addr, Prefix: "shared"})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := New(ctx, Config{URL: "redis://" + addr, Prefix: "shared"})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := a.CreateAccount(ctx, accountstest.Account("wang", accounts.RoleOfficer)); err != nil {
		t.Fatal(err)
	}
	tok := accountstest.Token("s", accounts.KindSession, "wang", time.Now(), 300*time.Millisecond)
	if err := a.PutToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Token(ctx, tok.Hash); err != nil {
		t.Fatalf("the other process: %v", err)
	}
	if _, err := a.AppendAudit(ctx, accounts.AuditEntry{At: time.Now(), Actor: "wang", Action: "login"}); err != nil {
		t.Fatal(err)
	}
	if log, err := b.Audit(ctx, accounts.AuditFilter{}); err != nil || len(log) != 1 {
		t.Errorf("audit from the other process: %v %v", log, err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		n, err := a.rdb.Exists(ctx, a.key("token", tok.Hash)).Result()
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("Redis kept an expired session")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestUnavailable(t *testing.T) {
	srv := redistest.StartServer(t)
	ctx := context.Background()
	s, err := New(ctx, Config{URL: "redis://" + srv.Addr, Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	srv.Stop(t)
	if _, err := s.Account(ctx, "wang"); !errors.Is(err, accounts.ErrUnavailable) {
		t.Errorf("Account with Redis down: %v, want ErrUnavailable", err)
	}
	if _, err := New(ctx, Config{URL: "redis://" + srv.Addr, Timeout: 300 * time.Millisecond}); !errors.Is(err, accounts.ErrUnavailable) {
		t.Errorf("New with Redis down: %v", err)
	}
	if _, err := New(ctx, Config{URL: "http://x"}); !errors.Is(err, accounts.ErrInvalid) {
		t.Errorf("New with a bad URL: %v", err)
	}
}

// TestURLReadAsTheZonesRead: --redis goes to both Redis stores, so a URL
// the zones' store refuses is refused here too, before any dial, and
// without its password in the message.
func TestURLReadAsTheZonesRead(t *testing.T) {
	for _, u := range []string{
		"redis://h:1?dial_timeout=3",  // no query parameters
		"redis+cluster://h1:1,h2:2/1", // a cluster has only database 0
		"redis://h:1/x",               // a database is a number
		"redis+cluster://h1:1,,h2:2",  // an empty host
		"redis://u:hunter2@h:port/0",  // a port is a number
	} {
		_, err := New(t.Context(), Config{URL: u, Timeout: 50 * time.Millisecond})
		if !errors.Is(err, accounts.ErrInvalid) {
			t.Errorf("New(%q): err = %v, want ErrInvalid", u, err)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("New(%q): error %v shows the password", u, err)
		}
	}
}

// BenchmarkAuthenticate is what a session costs each request on Redis:
// two GETs.
func BenchmarkAuthenticate(b *testing.B) {
	addr := redistest.Start(b)
	ctx := context.Background()
	s, err := New(ctx, Config{URL: "redis://" + addr, Prefix: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	svc, err := accounts.New(accounts.Config{Store: s, Hash: accounts.HashParams{Time: 1, Memory: 64, Threads: 1, SaltLen: 16, KeyLen: 32}})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := svc.CreateAccount(ctx, accounts.NewAccount{Username: "wang", Password: "wang-password", Roles: []string{"officer"}}); err != nil {
		b.Fatal(err)
	}
	sess, err := svc.Login(ctx, "wang", "wang-password", "127.0.0.1")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := svc.Authenticate(ctx, sess.Token); err != nil {
			b.Fatal(err)
		}
	}
}

// TestKeepsOnDisk: a Redis without a save schedule or an append-only file
// keeps nothing; either one is enough, on every master of a cluster.
func TestKeepsOnDisk(t *testing.T) {
	ctx := t.Context()
	addr := redistest.Start(t) // started with --save "" --appendonly no
	s, err := New(ctx, Config{URL: "redis://" + addr})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	set := func(c redis.Cmdable, key, value string) {
		t.Helper()
		if err := c.ConfigSet(ctx, key, value).Err(); err != nil {
			t.Fatalf("CONFIG SET %s %q: %v", key, value, err)
		}
	}
	want := func(s *Store, what string, want bool) {
		t.Helper()
		if got, err := s.KeepsOnDisk(ctx); err != nil || got != want {
			t.Errorf("KeepsOnDisk with %s = %v, %v; want %v, nil", what, got, err, want)
		}
	}
	want(s, "neither", false)
	set(s.rdb, "appendonly", "yes")
	want(s, "an append-only file", true)
	set(s.rdb, "appendonly", "no")
	set(s.rdb, "save", "3600 1")
	want(s, "a save schedule", true)

	if testing.Short() {
		return
	}
	addrs := redistest.StartCluster(t)
	cs, err := New(ctx, Config{URL: "redis+cluster://" + addrs[0]})
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	want(cs, "no master keeping anything", false)
	for i, a := range addrs {
		c := redis.NewClient(&redis.Options{Addr: a, DisableIdentity: true})
		set(c, "appendonly", "yes")
		// Off again before the servers stop: with an append-only file
		// each takes seconds to.
		t.Cleanup(func() { _ = c.ConfigSet(context.Background(), "appendonly", "no").Err(); _ = c.Close() })
		want(cs, fmt.Sprintf("%d of %d masters with an append-only file", i+1, len(addrs)), i == len(addrs)-1)
	}
}
