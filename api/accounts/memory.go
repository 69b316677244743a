package accounts

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// MemoryStore is the in-memory Store: what unit tests use. Nothing
// survives the process.
type MemoryStore struct {
	now func() time.Time

	mu       sync.Mutex
	accounts map[string]Account
	tokens   map[string]Token
	audit    []AuditEntry
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty store judging expiry by now (time.Now
// when nil).
func NewMemoryStore(now func() time.Time) *MemoryStore {
	if now == nil {
		now = time.Now
	}
	return &MemoryStore{now: now, accounts: make(map[string]Account), tokens: make(map[string]Token)}
}

func cloneAccount(a Account) Account {
	a.Roles = slices.Clone(a.Roles)
	return a
}

// Account implements Store.
func (m *MemoryStore) Account(_ context.Context, username string) (Account, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	a, ok := m.accounts[username]
	if !ok {
		return Account{}, fmt.Errorf("%w: account %q", ErrNotFound, username)
	}
	return cloneAccount(a), nil
}

// Accounts implements Store.
func (m *MemoryStore) Accounts(context.Context) ([]Account, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Account, 0, len(m.accounts))
	for _, a := range m.accounts {
		out = append(out, cloneAccount(a))
	}
	slices.SortFunc(out, func(a, b Account) int { return cmp.Compare(a.Username, b.Username) })
	return out, nil
}

// CreateAccount implements Store.
func (m *MemoryStore) CreateAccount(_ context.Context, a Account) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.accounts[a.Username]; ok {
		return fmt.Errorf("%w: account %q", ErrExists, a.Username)
	}
	m.accounts[a.Username] = cloneAccount(a)
	return nil
}

// UpdateAccount implements Store.
func (m *MemoryStore) UpdateAccount(_ context.Context, a Account) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.accounts[a.Username]; !ok {
		return fmt.Errorf("%w: account %q", ErrNotFound, a.Username)
	}
	m.accounts[a.Username] = cloneAccount(a)
	return nil
}

// DeleteAccount implements Store.
func (m *MemoryStore) DeleteAccount(_ context.Context, username string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.accounts[username]; !ok {
		return fmt.Errorf("%w: account %q", ErrNotFound, username)
	}
	delete(m.accounts, username)
	m.deleteSessions(username)
	return nil
}

// PutToken implements Store.
func (m *MemoryStore) PutToken(_ context.Context, t Token) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tokens[t.Hash] = t
	return nil
}

// Token implements Store.
func (m *MemoryStore) Token(_ context.Context, hash string) (Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.tokens[hash]
	if ok && t.Expired(m.now()) {
		delete(m.tokens, hash)
		ok = false
	}
	if !ok {
		return Token{}, fmt.Errorf("%w: token", ErrNotFound)
	}
	return t, nil
}

// DeleteToken implements Store.
func (m *MemoryStore) DeleteToken(_ context.Context, hash string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.tokens[hash]; !ok {
		return fmt.Errorf("%w: token", ErrNotFound)
	}
	delete(m.tokens, hash)
	return nil
}

// Tokens implements Store.
func (m *MemoryStore) Tokens(_ context.Context, kind TokenKind) ([]Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	var out []Token
	for h, t := range m.tokens {
		switch {
		case t.Expired(now):
			delete(m.tokens, h)
		case t.Kind == kind:
			out = append(out, t)
		}
	}
	SortTokens(out)
	return out, nil
}

// SortTokens orders tokens oldest first, then by ID, as Tokens returns them.
func SortTokens(ts []Token) {
	slices.SortFunc(ts, func(a, b Token) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

// DeleteSessions implements Store.
func (m *MemoryStore) DeleteSessions(_ context.Context, username string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.deleteSessions(username)
	return nil
}

func (m *MemoryStore) deleteSessions(username string) {
	for h, t := range m.tokens {
		if t.Kind == KindSession && t.Username == username {
			delete(m.tokens, h)
		}
	}
}

// AppendAudit implements Store.
func (m *MemoryStore) AppendAudit(_ context.Context, e AuditEntry) (AuditEntry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e.Seq = int64(len(m.audit)) + 1
	e.Before = slices.Clone(e.Before)
	e.After = slices.Clone(e.After)
	m.audit = append(m.audit, e)
	return e, nil
}

// Audit implements Store.
func (m *MemoryStore) Audit(_ context.Context, f AuditFilter) ([]AuditEntry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	limit := f.Limited()
	var out []AuditEntry
	for i := len(m.audit) - 1; i >= 0 && len(out) < limit; i-- {
		if f.Match(m.audit[i]) {
			out = append(out, m.audit[i])
		}
	}
	return out, nil
}

// Close implements Store.
func (m *MemoryStore) Close() error { return nil }
