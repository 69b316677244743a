// Package sqlitestore is the embedded, durable accounts.Store: one SQLite
// file in the data directory (modernc.org/sqlite, no cgo). Several
// processes on one machine may open it at once — serve and the `user`
// command do — and see each other's changes; the audit table refuses
// updates and deletes by trigger.
package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver

	"github.com/riverwatch/riverwatch/api/accounts"
)

// FileName is the store's file in the data directory.
const FileName = "accounts.db"

// Store is the SQLite accounts.Store.
type Store struct {
	db  *sql.DB
	now func() time.Time
}

var _ accounts.Store = (*Store)(nil)

const schema = `
CREATE TABLE IF NOT EXISTS accounts (
	username TEXT PRIMARY KEY,
	roles TEXT NOT NULL,
	station TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
	hash TEXT PRIMARY KEY,
	id TEXT NOT NULL,
	kind TEXT NOT NULL,
	username TEXT NOT NULL,
	name TEXT NOT NULL,
	created_by TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS tokens_username ON tokens(username);
CREATE TABLE IF NOT EXISTS audit (
	seq INTEGER PRIMARY KEY AUTOINCREMENT,
	at INTEGER NOT NULL,
	actor TEXT NOT NULL,
	ip TEXT NOT NULL,
	action TEXT NOT NULL,
	target TEXT NOT NULL,
	before TEXT NOT NULL,
	after TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_at ON audit(at);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
	BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
	BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
`

// Open opens (creating it and its directory, readable by the owner only)
// the store in dir, judging expiry by now (time.Now when nil).
func Open(dir string, now func() time.Time) (*Store, error) {
	if now == nil {
		now = time.Now
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("accounts store: %w", err)
	}
	path := filepath.Join(dir, FileName)
	if f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600); err != nil {
		return nil, fmt.Errorf("accounts store: %w", err)
	} else {
		_ = f.Close()
	}
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("accounts store %s: %w", path, err)
	}
	db.SetMaxOpenConns(4)
	if _, err := db.Exec(schema); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("accounts store %s: schema: %w", path, err)
	}
	return &Store{db: db, now: now}, nil
}

// Close implements accounts.Store.
func (s *Store) Close() error { return s.db.Close() }

func fail(op string, err error) error {
	return fmt.Errorf("%w: sqlite %s: %v", accounts.ErrUnavailable, op, err)
}

func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

type scanner interface{ Scan(dest ...any) error }

func scanAccount(r scanner) (accounts.Account, error) {
	var a accounts.Account
	var roles string
	var created, updated int64
	if err := r.Scan(&a.Username, &roles, &a.Station, &a.PasswordHash, &created, &updated); err != nil {
		return a, err
	}
	if roles != "" {
		a.Roles = strings.Split(roles, ",")
	}
	a.CreatedAt, a.UpdatedAt = fromNanos(created), fromNanos(updated)
	return a, nil
}

const accountCols = `username, roles, station, password_hash, created_at, updated_at`

// Account implements accounts.Store.
func (s *Store) Account(ctx context.Context, username string) (accounts.Account, error) {
	a, err := scanAccount(s.db.QueryRowContext(ctx, `SELECT `+accountCols+` FROM accounts WHERE username = ?`, username))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("%w: account %q", accounts.ErrNotFound, username)
	}
	if err != nil {
		return a, fail("account", err)
	}
	return a, nil
}

// Accounts implements accounts.Store.
func (s *Store) Accounts(ctx context.Context) ([]accounts.Account, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+accountCols+` FROM accounts ORDER BY username`)
	if err != nil {
		return nil, fail("accounts", err)
	}
	defer rows.Close()
	var out []accounts.Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, fail("accounts", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fail("accounts", err)
	}
	return out, nil
}

// CreateAccount implements accounts.Store.
func (s *Store) CreateAccount(ctx context.Context, a accounts.Account) error {
	res, err := s.db.ExecContext(ctx, `INSERT INTO accounts (`+accountCols+`) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		a.Username, strings.Join(a.Roles, ","), a.Station, a.PasswordHash, nanos(a.CreatedAt), nanos(a.UpdatedAt))
	if err != nil {
		return fail("create account", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: account %q", accounts.ErrExists, a.Username)
	}
	return nil
}

// UpdateAccount implements accounts.Store.
func (s *Store) UpdateAccount(ctx context.Context, a accounts.Account) error {
	res, err := s.db.ExecContext(ctx, `UPDATE accounts SET roles = ?, station = ?, password_hash = ?, created_at = ?, updated_at = ? WHERE username = ?`,
		strings.Join(a.Roles, ","), a.Station, a.PasswordHash, nanos(a.CreatedAt), nanos(a.UpdatedAt), a.Username)
	if err != nil {
		return fail("update account", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: account %q", accounts.ErrNotFound, a.Username)
	}
	return nil
}

// DeleteAccount implements accounts.Store.
func (s *Store) DeleteAccount(ctx context.Context, username string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fail("delete account", err)
	}
	defer func() { _ = tx.Rollback() }()
	res, err := tx.ExecContext(ctx, `DELETE FROM accounts WHERE username = ?`, username)
	if err != nil {
		return fail("delete account", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: account %q", accounts.ErrNotFound, username)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM tokens WHERE kind = ? AND username = ?`, accounts.KindSession, username); err != nil {
		return fail("delete account", err)
	}
	if err := tx.Commit(); err != nil {
		return fail("delete account", err)
	}
	return nil
}

const tokenCols = `hash, id, kind, username, name, created_by, created_at, expires_at`

func scanToken(r scanner) (accounts.Token, error) {
	var t accounts.Token
	var created, expires int64
	err := r.Scan(&t.Hash, &t.ID, &t.Kind, &t.Username, &t.Name, &t.CreatedBy, &created, &expires)
	t.CreatedAt, t.ExpiresAt = fromNanos(created), fromNanos(expires)
	return t, err
}

// PutToken implements accounts.Store. It also drops expired tokens, so
// that the table does not grow with every login.
func (s *Store) PutToken(ctx context.Context, t accounts.Token) error {
	if _, err := s.db.ExecContext(ctx, `INSERT OR REPLACE INTO tokens (`+tokenCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		t.Hash, t.ID, t.Kind, t.Username, t.Name, t.CreatedBy, nanos(t.CreatedAt), nanos(t.ExpiresAt)); err != nil {
		return fail("put token", err)
	}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM tokens WHERE expires_at != 0 AND expires_at <= ?`, s.now().UnixNano()); err != nil {
		return fail("put token", err)
	}
	return nil
}

// Token implements accounts.Store.
func (s *Store) Token(ctx context.Context, hash string) (accounts.Token, error) {
	t, err := scanToken(s.db.QueryRowContext(ctx, `SELECT `+tokenCols+` FROM tokens WHERE hash = ?`, hash))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && t.Expired(s.now())) {
		return accounts.Token{}, fmt.Errorf("%w: token", accounts.ErrNotFound)
	}
	if err != nil {
		return accounts.Token{}, fail("token", err)
	}
	return t, nil
}

// DeleteToken implements accounts.Store.
func (s *Store) DeleteToken(ctx context.Context, hash string) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM tokens WHERE hash = ?`, hash)
	if err != nil {
		return fail("delete token", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: token", accounts.ErrNotFound)
	}
	return nil
}

// Tokens implements accounts.Store.
func (s *Store) Tokens(ctx context.Context, kind accounts.TokenKind) ([]accounts.Token, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+tokenCols+` FROM tokens WHERE kind = ? AND (expires_at = 0 OR expires_at > ?) ORDER BY created_at, id`,
		kind, s.now().UnixNano())
	if err != nil {
		return nil, fail("tokens", err)
	}
	defer rows.Close()
	var out []accounts.Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fail("tokens", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fail("tokens", err)
	}
	return out, nil
}

// DeleteSessions implements accounts.Store.
func (s *Store) DeleteSessions(ctx context.Context, username string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM tokens WHERE kind = ? AND username = ?`, accounts.KindSession, username); err != nil {
		return fail("delete sessions", err)
	}
	return nil
}

func rawOrEmpty(m json.RawMessage) string {
	if len(m) == 0 {
		return ""
	}
	return string(m)
}

// AppendAudit implements accounts.Store.
func (s *Store) AppendAudit(ctx context.Context, e accounts.AuditEntry) (accounts.AuditEntry, error) {
	res, err := s.db.ExecContext(ctx, `INSERT INTO audit (at, actor, ip, action, target, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		nanos(e.At), e.Actor, e.IP, e.Action, e.Target, rawOrEmpty(e.Before), rawOrEmpty(e.After))
	if err != nil {
		return e, fail("append audit", err)
	}
	if e.Seq, err = res.LastInsertId(); err != nil {
		return e, fail("append audit", err)
	}
	return e, nil
}

// Audit implements accounts.Store.
func (s *Store) Audit(ctx context.Context, f accounts.AuditFilter) ([]accounts.AuditEntry, error) {
	q := `SELECT seq, at, actor, ip, action, target, before, after FROM audit WHERE 1 = 1`
	var args []any
	if !f.Since.IsZero() {
		q += ` AND at >= ?`
		args = append(args, f.Since.UnixNano())
	}
	if !f.Until.IsZero() {
		q += ` AND at < ?`
		args = append(args, f.Until.UnixNano())
	}
	if f.Actor != "" {
		q += ` AND actor = ?`
		args = append(args, f.Actor)
	}
	if f.Action != "" {
		q += ` AND action = ?`
		args = append(args, f.Action)
	}
	q += ` ORDER BY seq DESC LIMIT ?`
	args = append(args, f.Limited())
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fail("audit", err)
	}
	defer rows.Close()
	var out []accounts.AuditEntry
	for rows.Next() {
		var e accounts.AuditEntry
		var at int64
		var before, after string
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.IP, &e.Action, &e.Target, &before, &after); err != nil {
			return nil, fail("audit", err)
		}
		e.At = fromNanos(at)
		if before != "" {
			e.Before = json.RawMessage(before)
		}
		if after != "" {
			e.After = json.RawMessage(after)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fail("audit", err)
	}
	return out, nil
}
