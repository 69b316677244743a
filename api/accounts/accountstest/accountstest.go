// Package accountstest is the conformance suite every accounts.Store
// passes: the memory store, the file store and the Redis store run the
// same TestStore.
package accountstest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/api/accounts"
)

// Clock is a settable clock for stores that judge expiry.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// T0 is the suite's start time.
var T0 = time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)

// NewStore returns an empty store judging expiry by now; the suite
// closes it.
type NewStore func(t *testing.T, now func() time.Time) accounts.Store

// TestStore runs the suite against stores made by newStore.
func TestStore(t *testing.T, newStore NewStore) {
	run := func(name string, fn func(t *testing.T, s accounts.Store, clock *Clock)) {
		t.Run(name, func(t *testing.T) {
			clock := NewClock(T0)
			s := newStore(t, clock.Now)
			t.Cleanup(func() { _ = s.Close() })
			fn(t, s, clock)
		})
	}
	run("Accounts", testAccounts)
	run("Tokens", testTokens)
	run("DeleteAccountEndsSessions", testDeleteAccount)
	run("Audit", testAudit)
	run("Concurrent", testConcurrent)
}

var ctx = context.Background()

// Account is a test account.
func Account(name string, roles ...string) accounts.Account {
	return accounts.Account{Username: name, Roles: roles, PasswordHash: "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$" + name,
		CreatedAt: T0, UpdatedAt: T0}
}

func sameAccount(a, b accounts.Account) bool {
	return a.Username == b.Username && slices.Equal(a.Roles, b.Roles) && a.Station == b.Station &&
		a.PasswordHash == b.PasswordHash && a.CreatedAt.Equal(b.CreatedAt) && a.UpdatedAt.Equal(b.UpdatedAt)
}

func testAccounts(t *testing.T, s accounts.Store, _ *Clock) {
	if _, err := s.Account(ctx, "nobody"); !errors.Is(err, accounts.ErrNotFound) {
		t.Errorf("Account of nobody: %v, want ErrNotFound", err)
	}
	if list, err := s.Accounts(ctx); err != nil || len(list) != 0 {
		t.Errorf("Accounts of an empty store: %v, %v", list, err)
	}
	wang := Account("wang", accounts.RoleOfficer, accounts.RoleAdmin)
	jiutai := Account("jiutai", accounts.RoleStation)
	jiutai.Station = "rs-jiutai"
	for _, a := range []accounts.Account{wang, jiutai} {
		if err := s.CreateAccount(ctx, a); err != nil {
			t.Fatalf("CreateAccount %s: %v", a.Username, err)
		}
	}
	if err := s.CreateAccount(ctx, Account("wang", accounts.RoleViewer)); !errors.Is(err, accounts.ErrExists) {
		t.Errorf("CreateAccount of an existing name: %v, want ErrExists", err)
	}
	got, err := s.Account(ctx, "jiutai")
	if err != nil || !sameAccount(got, jiutai) {
		t.Errorf("Account jiutai: %+v, %v; want %+v", got, err, jiutai)
	}
	list, err := s.Accounts(ctx)
	if err != nil || len(list) != 2 || list[0].Username != "jiutai" || list[1].Username != "wang" {
		t.Fatalf("Accounts: %+v, %v; want jiutai, wang", list, err)
	}
	if !sameAccount(list[1], wang) {
		t.Errorf("Accounts wang: %+v", list[1])
	}
	list[1].Roles[0] = "mutated"
	if again, _ := s.Account(ctx, "wang"); again.Roles[0] == "mutated" {
		t.Error("Accounts returned a slice the store keeps")
	}

	wang.Roles = []string{accounts.RoleOfficer}
	wang.PasswordHash = "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$new"
	wang.UpdatedAt = T0.Add(time.Hour)
	if err := s.UpdateAccount(ctx, wang); err != nil {
		t.Fatalf("UpdateAccount: %v", err)
	}
	if got, _ := s.Account(ctx, "wang"); !sameAccount(got, wang) {
		t.Errorf("after UpdateAccount: %+v, want %+v", got, wang)
	}
	if err := s.UpdateAccount(ctx, Account("nobody", accounts.RoleViewer)); !errors.Is(err, accounts.ErrNotFound) {
		t.Errorf("UpdateAccount of nobody: %v, want ErrNotFound", err)
	}
	if err := s.DeleteAccount(ctx, "wang"); err != nil {
		t.Fatalf("DeleteAccount: %v", err)
	}
	if _, err := s.Account(ctx, "wang"); !errors.Is(err, accounts.ErrNotFound) {
		t.Errorf("Account after delete: %v", err)
	}
	if err := s.DeleteAccount(ctx, "wang"); !errors.Is(err, accounts.ErrNotFound) {
		t.Errorf("DeleteAccount twice: %v, want ErrNotFound", err)
	}
}

// Token is a test token of kind whose hash is made from seed.
func Token(seed string, kind accounts.TokenKind, user string, created time.Time, ttl time.Duration) accounts.Token {
	h := accounts.HashToken(seed)
	t := accounts.Token{Hash: h, ID: h[:16], Kind: kind, Username: user, CreatedAt: created}
	if kind == accounts.KindFeed {
		t.Username, t.Name, t.CreatedBy = "", seed, "wang"
	}
	if ttl > 0 {
		t.ExpiresAt = created.Add(ttl)
	}
	return t
}

func sameToken(a, b accounts.Token) bool {
	return a.Hash == b.Hash && a.ID == b.ID && a.Kind == b.Kind && a.Username == b.Username && a.Name == b.Name &&
		a.CreatedBy == b.CreatedBy && a.CreatedAt.Equal(b.CreatedAt) && a.ExpiresAt.Equal(b.ExpiresAt)
}

func testTokens(t *testing.T, s accounts.Store, clock *Clock) {
	if err := s.CreateAccount(ctx, Account("wang", accounts.RoleOfficer)); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateAccount(ctx, Account("li", accounts.RoleOfficer)); err != nil {
		t.Fatal(err)
	}
	short := Token("short", accounts.KindSession, "wang", T0, time.Hour)
	long := Token("long", accounts.KindSession, "wang", T0.Add(time.Second), 12*time.Hour)
	other := Token("other", accounts.KindSession, "li", T0.Add(2*time.Second), 12*time.Hour)
	feed := Token("receiver-1", accounts.KindFeed, "", T0.Add(3*time.Second), 0)
	for _, tok := range []accounts.Token{short, long, other, feed} {
		if err := s.PutToken(ctx, tok); err != nil {
			t.Fatalf("PutToken %s: %v", tok.ID, err)
		}
	}
	for _, want := range []accounts.Token{short, feed} {
		got, err := s.Token(ctx, want.Hash)
		if err != nil || !sameToken(got, want) {
			t.Errorf("Token %s: %+v, %v; want %+v", want.ID, got, err, want)
		}
	}
	if _, err := s.Token(ctx, accounts.HashToken("never")); !errors.Is(err, accounts.ErrNotFound) {
		t.Errorf("Token never put: %v, want ErrNotFound", err)
	}
	sessions, err := s.Tokens(ctx, accounts.KindSession)
	if err != nil || len(sessions) != 3 || sessions[0].ID != short.ID || sessions[1].ID != long.ID || sessions[2].ID != other.ID {
		t.Errorf("Tokens(session): %+v, %v; want short, long, other", sessions, err)
	}
	feeds, err := s.Tokens(ctx, accounts.KindFeed)
	if err != nil || len(feeds) != 1 || !sameToken(feeds[0], feed) {
		t.Errorf("Tokens(feed): %+v, %v", feeds, err)
	}

	clock.Advance(time.Hour) // short expires at exactly this instant
	if _, err := s.Token(ctx, short.Hash); !errors.Is(err, accounts.ErrNotFound) {
		t.Errorf("Token of an expired session: %v, want ErrNotFound", err)
	}
	if sessions, _ := s.Tokens(ctx, accounts.KindSession); len(sessions) != 2 {
		t.Errorf("Tokens after expiry: %+v, want long and other", sessions)
	}
	clock.Advance(100 * 24 * time.Hour)
	if _, err := s.Token(ctx, feed.Hash); err != nil {
		t.Errorf("a feed key expired: %v", err)
	}
	clock.Advance(-100 * 24 * time.Hour)

	if err := s.DeleteSessions(ctx, "wang"); err != nil {
		t.Fatalf("DeleteSessions: %v", err)
	}
	if _, err := s.Token(ctx, long.Hash); !errors.Is(err, accounts.ErrNotFound) {
		t.Errorf("wang's session after DeleteSessions: %v", err)
	}
	if _, err := s.Token(ctx, other.Hash); err != nil {
		t.Errorf("li's session after DeleteSessions(wang): %v", err)
	}
	if _, err := s.Token(ctx, feed.Hash); err != nil {
		t.Errorf("feed key after DeleteSessions: %v", err)
	}
	if err := s.DeleteSessions(ctx, "nobody"); err != nil {
		t.Errorf("DeleteSessions of nobody: %v", err)
	}
	if err := s.DeleteToken(ctx, feed.Hash); err != nil {
		t.Fatalf("DeleteToken: %v", err)
	}
	if err := s.DeleteToken(ctx, feed.Hash); !errors.Is(err, accounts.ErrNotFound) {
		t.Errorf("DeleteToken twice: %v, want ErrNotFound", err)
	}
	if feeds, _ := s.Tokens(ctx, accounts.KindFeed); len(feeds) != 0 {
		t.Errorf("feed keys after delete: %+v", feeds)
	}
}

func testDeleteAccount(t *testing.T, s accounts.Store, _ *Clock) {
	if err := s.CreateAccount(ctx, Account("wang", accounts.RoleOfficer)); err != nil {
		t.Fatal(err)
	}
	tok := Token("wang-session", accounts.KindSession, "wang", T0, time.Hour)
	if err := s.PutToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteAccount(ctx, "wang"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Token(ctx, tok.Hash); !errors.Is(err, accounts.ErrNotFound) {
		t.Errorf("session of a deleted account: %v, want ErrNotFound", err)
	}
	// The name can be taken again, without the old sessions.
	if err := s.CreateAccount(ctx, Account("wang", accounts.RoleViewer)); err != nil {
		t.Errorf("CreateAccount after delete: %v", err)
	}
}

func testAudit(t *testing.T, s accounts.Store, _ *Clock) {
	if list, err := s.Audit(ctx, accounts.AuditFilter{}); err != nil || len(list) != 0 {
		t.Errorf("Audit of an empty log: %v, %v", list, err)
	}
	var entries []accounts.AuditEntry
	for i := range 12 {
		e := accounts.AuditEntry{
			At: T0.Add(time.Duration(i) * time.Minute), Actor: []string{"wang", "li", "jiutai"}[i%3],
			IP: fmt.Sprintf("10.0.0.%d", i), Action: []string{"ban_set", "login"}[i%2], Target: fmt.Sprintf("ban:%d", i),
		}
		if i%2 == 0 {
			e.Before = json.RawMessage(`null`)
			e.After = json.RawMessage(fmt.Sprintf(`{"id":"%d","reason":"风 wind"}`, i))
		}
		got, err := s.AppendAudit(ctx, e)
		if err != nil {
			t.Fatalf("AppendAudit: %v", err)
		}
		if len(entries) > 0 && got.Seq <= entries[len(entries)-1].Seq {
			t.Errorf("Seq %d after %d", got.Seq, entries[len(entries)-1].Seq)
		}
		e.Seq = got.Seq
		entries = append(entries, e)
	}
	all, err := s.Audit(ctx, accounts.AuditFilter{})
	if err != nil || len(all) != 12 {
		t.Fatalf("Audit: %d entries, %v", len(all), err)
	}
	for i, got := range all {
		want := entries[11-i]
		if got.Seq != want.Seq || !got.At.Equal(want.At) || got.Actor != want.Actor || got.IP != want.IP ||
			got.Action != want.Action || got.Target != want.Target || !sameJSON(got.Before, want.Before) || !sameJSON(got.After, want.After) {
			t.Errorf("entry %d: %+v, want %+v", i, got, want)
		}
	}
	check := func(name string, f accounts.AuditFilter, want ...int) {
		t.Helper()
		got, err := s.Audit(ctx, f)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var seqs []int
		for _, e := range got {
			for i, w := range entries {
				if w.Seq == e.Seq {
					seqs = append(seqs, i)
				}
			}
		}
		if !slices.Equal(seqs, want) {
			t.Errorf("%s: entries %v, want %v", name, seqs, want)
		}
	}
	check("actor", accounts.AuditFilter{Actor: "li"}, 10, 7, 4, 1)
	check("action", accounts.AuditFilter{Action: "ban_set", Limit: 3}, 10, 8, 6)
	check("since/until", accounts.AuditFilter{Since: T0.Add(3 * time.Minute), Until: T0.Add(6 * time.Minute)}, 5, 4, 3)
	check("all of them", accounts.AuditFilter{Actor: "jiutai", Action: "login", Since: T0.Add(time.Minute)}, 11, 5)
	check("limit", accounts.AuditFilter{Limit: 2}, 11, 10)
}

func sameJSON(a, b json.RawMessage) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b) || string(a) == "null" || string(b) == "null"
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya)
}

// testConcurrent appends from several goroutines: every entry is kept,
// each with its own Seq.
func testConcurrent(t *testing.T, s accounts.Store, _ *Clock) {
	var wg sync.WaitGroup
	const workers, each = 4, 10
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				if _, err := s.AppendAudit(ctx, accounts.AuditEntry{At: T0, Actor: fmt.Sprint(w), Action: "login", Target: fmt.Sprint(i)}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	got, err := s.Audit(ctx, accounts.AuditFilter{})
	if err != nil || len(got) != workers*each {
		t.Fatalf("Audit: %d entries, %v", len(got), err)
	}
	seen := map[int64]bool{}
	for _, e := range got {
		if seen[e.Seq] {
			t.Errorf("Seq %d twice", e.Seq)
		}
		seen[e.Seq] = true
	}
}
