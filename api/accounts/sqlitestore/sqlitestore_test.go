package sqlitestore

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/api/accounts"
	"github.com/riverwatch/riverwatch/api/accounts/accountstest"
)

func TestStore(t *testing.T) {
	accountstest.TestStore(t, func(t *testing.T, now func() time.Time) accounts.Store {
		s, err := Open(t.TempDir(), now)
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// TestSurvivesReopen: what one process wrote, the next (or another one
// at the same time, as `riverwatch user add` beside serve) reads.
func TestSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := a.CreateAccount(ctx, accountstest.Account("wang", accounts.RoleOfficer)); err != nil {
		t.Fatal(err)
	}
	tok := accountstest.Token("s", accounts.KindSession, "wang", time.Now(), time.Hour)
	if err := a.PutToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AppendAudit(ctx, accounts.AuditEntry{At: time.Now(), Actor: "wang", Action: "login"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Account(ctx, "wang"); err != nil {
		t.Errorf("the other process: %v", err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	c, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Token(ctx, tok.Hash); err != nil {
		t.Errorf("session after reopen: %v", err)
	}
	if log, err := c.Audit(ctx, accounts.AuditFilter{}); err != nil || len(log) != 1 {
		t.Errorf("audit after reopen: %v, %v", log, err)
	}
}

// TestAuditAppendOnly: even SQL run on the file cannot rewrite the log.
func TestAuditAppendOnly(t *testing.T) {
	s, err := Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.AppendAudit(context.Background(), accounts.AuditEntry{At: time.Now(), Actor: "wang", Action: "ban_set"}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`UPDATE audit SET actor = 'li'`, `DELETE FROM audit`} {
		if _, err := s.db.Exec(q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want refused", q, err)
		}
	}
}

// BenchmarkAuthenticate is what a session costs each request: the token
// and the account read from the file.
func BenchmarkAuthenticate(b *testing.B) {
	s, err := Open(b.TempDir(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	svc, err := accounts.New(accounts.Config{Store: s, Hash: accounts.HashParams{Time: 1, Memory: 64, Threads: 1, SaltLen: 16, KeyLen: 32}})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
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
