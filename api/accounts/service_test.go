package accounts_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/api/accounts"
	"github.com/riverwatch/riverwatch/api/accounts/accountstest"
)

var fast = accounts.HashParams{Time: 1, Memory: 64, Threads: 1, SaltLen: 16, KeyLen: 32}

// downStore is a store that can be switched off, as Redis in an outage.
type downStore struct {
	accounts.Store
	mu   sync.Mutex
	down bool
}

func (d *downStore) setDown(v bool) { d.mu.Lock(); d.down = v; d.mu.Unlock() }

func (d *downStore) err() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.down {
		return fmt.Errorf("%w: test outage", accounts.ErrUnavailable)
	}
	return nil
}

func (d *downStore) Token(ctx context.Context, h string) (accounts.Token, error) {
	if err := d.err(); err != nil {
		return accounts.Token{}, err
	}
	return d.Store.Token(ctx, h)
}

func (d *downStore) Account(ctx context.Context, n string) (accounts.Account, error) {
	if err := d.err(); err != nil {
		return accounts.Account{}, err
	}
	return d.Store.Account(ctx, n)
}

func (d *downStore) AppendAudit(ctx context.Context, e accounts.AuditEntry) (accounts.AuditEntry, error) {
	if err := d.err(); err != nil {
		return e, err
	}
	return d.Store.AppendAudit(ctx, e)
}

func (d *downStore) Audit(ctx context.Context, f accounts.AuditFilter) ([]accounts.AuditEntry, error) {
	if err := d.err(); err != nil {
		return nil, err
	}
	return d.Store.Audit(ctx, f)
}

func newService(t *testing.T, clock *accountstest.Clock, edit func(*accounts.Config)) (*accounts.Service, *downStore) {
	t.Helper()
	store := &downStore{Store: accounts.NewMemoryStore(clock.Now)}
	cfg := accounts.Config{Store: store, Now: clock.Now, Hash: fast}
	if edit != nil {
		edit(&cfg)
	}
	svc, err := accounts.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateAccount(context.Background(), accounts.NewAccount{Username: "wang", Password: "wang-password", Roles: []string{accounts.RoleOfficer}}); err != nil {
		t.Fatal(err)
	}
	return svc, store
}

func TestLoginAndSession(t *testing.T) {
	ctx := context.Background()
	clock := accountstest.NewClock(accountstest.T0)
	svc, _ := newService(t, clock, nil)
	if _, err := svc.Login(ctx, "wang", "wrong-password", "10.0.0.1"); !errors.Is(err, accounts.ErrBadCredentials) {
		t.Errorf("wrong password: %v", err)
	}
	if _, err := svc.Login(ctx, "nobody", "wang-password", "10.0.0.1"); !errors.Is(err, accounts.ErrBadCredentials) {
		t.Errorf("unknown user: %v", err)
	}
	sess, err := svc.Login(ctx, "wang", "wang-password", "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(sess.Token, "rw_") || len(sess.Token) != 46 || !sess.ExpiresAt.Equal(accountstest.T0.Add(accounts.DefaultSessionTTL)) {
		t.Errorf("session %q until %v", sess.Token, sess.ExpiresAt)
	}
	if a, _, err := svc.Authenticate(ctx, sess.Token); err != nil || a.Username != "wang" {
		t.Errorf("Authenticate: %+v %v", a, err)
	}
	// The store holds only the token's hash.
	toks, _ := svc.Store().Tokens(ctx, accounts.KindSession)
	if len(toks) != 1 || toks[0].Hash == sess.Token || toks[0].Hash != accounts.HashToken(sess.Token) {
		t.Errorf("stored session %+v", toks)
	}
	clock.Advance(accounts.DefaultSessionTTL)
	if _, _, err := svc.Authenticate(ctx, sess.Token); !errors.Is(err, accounts.ErrBadCredentials) {
		t.Errorf("expired session: %v", err)
	}
	log, _ := svc.AuditLog(ctx, accounts.AuditFilter{})
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action+" "+e.Actor+" "+e.IP)
	}
	if strings.Join(actions, ", ") != "login wang 10.0.0.1, login_failed nobody 10.0.0.1, login_failed wang 10.0.0.1" {
		t.Errorf("audit: %v", actions)
	}
}

func TestThrottle(t *testing.T) {
	ctx := context.Background()
	clock := accountstest.NewClock(accountstest.T0)
	svc, _ := newService(t, clock, nil)
	var last error
	for i := range 20 {
		last = func() error {
			_, err := svc.Login(ctx, "wang", "wrong-password", fmt.Sprintf("10.0.0.%d", i))
			return err
		}()
	}
	var te *accounts.ThrottledError
	if !errors.As(last, &te) || te.RetryAfter <= 0 {
		t.Fatalf("20 wrong passwords from 20 addresses: %v, want throttled", last)
	}
	// Another account from a fresh address is not held up by wang's.
	if _, err := svc.Login(ctx, "li", "whatever-pw", "10.9.9.9"); !errors.Is(err, accounts.ErrBadCredentials) {
		t.Errorf("another account: %v", err)
	}
	// Waiting out the delay lets the right password in, and clears it.
	clock.Advance(te.RetryAfter)
	if _, err := svc.Login(ctx, "wang", "wang-password", "10.0.1.1"); err != nil {
		t.Errorf("after the wait: %v", err)
	}
	if _, err := svc.Login(ctx, "wang", "wrong-password", "10.0.1.1"); !errors.Is(err, accounts.ErrBadCredentials) {
		t.Errorf("first failure after a success: %v", err)
	}
	// One address spraying accounts is throttled too.
	for i := range 12 {
		last = func() error { _, err := svc.Login(ctx, fmt.Sprintf("user%d", i), "x-password", "10.6.6.6"); return err }()
	}
	if !errors.Is(last, accounts.ErrThrottled) {
		t.Errorf("12 accounts from one address: %v, want throttled", last)
	}
	// Throttled attempts are audited once per wait, not each.
	refused, _ := svc.AuditLog(ctx, accounts.AuditFilter{Action: "login_throttled"})
	if len(refused) == 0 || len(refused) > 4 {
		t.Errorf("throttled entries: %d", len(refused))
	}
}

// TestHashSlots: one hash at a time; a login that cannot get the slot in
// time is ErrBusy.
func TestHashSlots(t *testing.T) {
	ctx := context.Background()
	clock := accountstest.NewClock(accountstest.T0)
	slow := accounts.HashParams{Time: 3, Memory: 32 * 1024, Threads: 1, SaltLen: 16, KeyLen: 32}
	svc, _ := newService(t, clock, func(c *accounts.Config) { c.Hash = slow; c.HashWait = time.Millisecond; c.MaxHashQueue = 2 })
	var wg sync.WaitGroup
	var mu sync.Mutex
	outcomes := map[string]int{}
	for range 8 {
		wg.Go(func() {
			_, err := svc.Login(ctx, "wang", "wang-password", "10.0.0.1")
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				outcomes["ok"]++
			case errors.Is(err, accounts.ErrBusy):
				outcomes["busy"]++
			default:
				outcomes[err.Error()]++
			}
		})
	}
	wg.Wait()
	if outcomes["ok"] < 1 || outcomes["busy"] < 1 || outcomes["ok"]+outcomes["busy"] != 8 {
		t.Errorf("8 logins at once with one slot and no wait: %v", outcomes)
	}
}

// TestOutage: a session checked before a store outage still works during
// it; a login does not.
func TestOutage(t *testing.T) {
	ctx := context.Background()
	clock := accountstest.NewClock(accountstest.T0)
	svc, store := newService(t, clock, nil)
	sess, err := svc.Login(ctx, "wang", "wang-password", "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.Authenticate(ctx, sess.Token); err != nil {
		t.Fatal(err)
	}
	store.setDown(true)
	if a, _, err := svc.Authenticate(ctx, sess.Token); err != nil || a.Username != "wang" {
		t.Errorf("known session in an outage: %v", err)
	}
	if _, _, err := svc.Authenticate(ctx, "rw_"+strings.Repeat("b", 43)); !errors.Is(err, accounts.ErrUnavailable) {
		t.Errorf("unknown session in an outage: %v, want ErrUnavailable", err)
	}
	if _, err := svc.Login(ctx, "wang", "wang-password", "10.0.0.1"); !errors.Is(err, accounts.ErrUnavailable) {
		t.Errorf("login in an outage: %v", err)
	}
	// What happens in the outage is audited once the store is back.
	if err := svc.Audit(ctx, accounts.AuditEntry{Actor: "wang", Action: "ban_set", Target: "ban:1"}); !errors.Is(err, accounts.ErrUnavailable) {
		t.Errorf("audit in an outage: %v", err)
	}
	clock.Advance(accounts.StaleAuth + time.Second)
	if _, _, err := svc.Authenticate(ctx, sess.Token); !errors.Is(err, accounts.ErrUnavailable) {
		t.Errorf("known session long into an outage: %v", err)
	}
	store.setDown(false)
	log, err := svc.AuditLog(ctx, accounts.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action)
	}
	// The failed login in the outage was no login attempt the store saw:
	// it is not audited (nothing was checked); the ban is.
	if len(actions) < 2 || actions[0] != "ban_set" || actions[len(actions)-1] != "login" {
		t.Errorf("audit after the outage: %v", actions)
	}
}

func TestAccountRules(t *testing.T) {
	ctx := context.Background()
	clock := accountstest.NewClock(accountstest.T0)
	svc, _ := newService(t, clock, nil)
	for _, tc := range []struct {
		name string
		n    accounts.NewAccount
		want error
	}{
		{"ok station", accounts.NewAccount{Username: "jiutai", Password: "jiutai-pw-1", Roles: []string{"station"}, Station: "rs-jiutai"}, nil},
		{"exists", accounts.NewAccount{Username: "wang", Password: "wang-password", Roles: []string{"viewer"}}, accounts.ErrExists},
		{"no roles", accounts.NewAccount{Username: "a1", Password: "password-1"}, accounts.ErrInvalid},
		{"admin alone", accounts.NewAccount{Username: "a2", Password: "password-1", Roles: []string{"admin"}}, accounts.ErrInvalid},
		{"station and officer", accounts.NewAccount{Username: "a3", Password: "password-1", Roles: []string{"station", "officer"}, Station: "rs-x"}, accounts.ErrInvalid},
		{"station without id", accounts.NewAccount{Username: "a4", Password: "password-1", Roles: []string{"station"}}, accounts.ErrInvalid},
		{"id without station", accounts.NewAccount{Username: "a5", Password: "password-1", Roles: []string{"viewer"}, Station: "rs-x"}, accounts.ErrInvalid},
		{"short password", accounts.NewAccount{Username: "a6", Password: "short", Roles: []string{"viewer"}}, accounts.ErrInvalid},
		{"long password", accounts.NewAccount{Username: "a7", Password: strings.Repeat("x", 257), Roles: []string{"viewer"}}, accounts.ErrInvalid},
		{"markup name", accounts.NewAccount{Username: "<img>", Password: "password-1", Roles: []string{"viewer"}}, accounts.ErrInvalid},
		{"unknown role", accounts.NewAccount{Username: "a8", Password: "password-1", Roles: []string{"root"}}, accounts.ErrInvalid},
	} {
		_, err := svc.CreateAccount(ctx, tc.n)
		if (tc.want == nil) != (err == nil) || (tc.want != nil && !errors.Is(err, tc.want)) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), tc.n.Password) {
			t.Errorf("%s: the password in the error %q", tc.name, err)
		}
	}
	gen, created, err := svc.EnsureAdmin(ctx, "")
	if err != nil || !created || len(gen) < 16 {
		t.Fatalf("EnsureAdmin: %q %v %v", gen, created, err)
	}
	if _, err := svc.Login(ctx, "admin", gen, "::1"); err != nil {
		t.Errorf("login with the generated password: %v", err)
	}
	if gen2, created, err := svc.EnsureAdmin(ctx, "another-password"); err != nil || created || gen2 != "" {
		t.Errorf("EnsureAdmin again: %q %v %v, want no change", gen2, created, err)
	}
}

func TestVerifyPasswordRejectsTampering(t *testing.T) {
	h, err := accounts.HashPassword("secret-pw", fast)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := accounts.VerifyPassword("secret-pw", h); !ok || err != nil {
		t.Fatalf("verify: %v %v", ok, err)
	}
	if ok, _ := accounts.VerifyPassword("secret-px", h); ok {
		t.Error("a wrong password matched")
	}
	for _, bad := range []string{"", "$2a$10$bcrypt", strings.Replace(h, "m=64", "m=99999999", 1), strings.Replace(h, "t=1", "t=0", 1)} {
		if ok, err := accounts.VerifyPassword("secret-pw", bad); ok || err == nil {
			t.Errorf("hash %q: %v %v, want an error", bad, ok, err)
		}
	}
}

// BenchmarkHash is one login's password check with the default argon2id
// parameters. ns/op is wall time, which a loaded machine inflates;
// cpu-ms/op is the CPU the process spent per check (rusage, GC included):
// what a login costs.
func BenchmarkHash(b *testing.B) {
	h, err := accounts.HashPassword("officer-password", accounts.DefaultHashParams)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	before := cpuTime(b)
	for b.Loop() {
		if ok, err := accounts.VerifyPassword("officer-password", h); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
	b.ReportMetric(float64((cpuTime(b)-before).Microseconds())/1000/float64(b.N), "cpu-ms/op")
}
