// Package accounts is who may use riverwatch: accounts with roles and a
// password hashed with argon2id, the sessions and bearer tokens a login
// gives, the feed keys of AIS pushed over HTTP, and the append-only audit
// log of every change and every login.
//
// The Service holds the rules (hashing, throttling, expiry); a Store keeps
// the records. NewMemoryStore is the in-memory Store unit tests use;
// subpackages hold the durable ones (a file in a data directory, Redis),
// and every Store passes the conformance suite in accountstest.
//
// Secrets never leave the package in the clear except once, to the caller
// that created them: a Store sees only the SHA-256 of a token and the
// argon2id hash of a password, and no type here marshals either to JSON.
package accounts

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// Roles an account may hold. They are the api package's roles.
const (
	// RoleViewer may read everything the API shows.
	RoleViewer = "viewer"
	// RoleOfficer may change zones, bans and cameras and act on alerts.
	RoleOfficer = "officer"
	// RoleStation belongs to one rescue station (Account.Station).
	RoleStation = "station"
	// RoleAdmin, beside RoleOfficer, manages accounts and feed keys.
	RoleAdmin = "admin"
)

// Roles lists every role, in the order they are shown.
var Roles = []string{RoleOfficer, RoleAdmin, RoleStation, RoleViewer}

// Errors of the package; Store methods return them wrapped.
var (
	ErrNotFound = errors.New("accounts: not found")
	ErrExists   = errors.New("accounts: already exists")
	ErrInvalid  = errors.New("accounts: invalid")
	// ErrBadCredentials is a wrong username, password, token or key; it
	// never says which.
	ErrBadCredentials = errors.New("accounts: bad credentials")
	// ErrThrottled is a login refused without looking at the password,
	// after too many failures; see ThrottledError for when to retry.
	ErrThrottled = errors.New("accounts: too many failed logins")
	// ErrBusy is a login refused because password hashing is saturated.
	ErrBusy = errors.New("accounts: too many logins at once")
	// ErrUnavailable is a Store that cannot be reached.
	ErrUnavailable = errors.New("accounts: store unavailable")
)

// ThrottledError is ErrThrottled with the time the client should wait.
type ThrottledError struct{ RetryAfter time.Duration }

func (e *ThrottledError) Error() string {
	return "accounts: too many failed logins, retry after " + e.RetryAfter.Round(time.Second).String()
}

func (e *ThrottledError) Unwrap() error { return ErrThrottled }

// Account is one user. PasswordHash is the argon2id hash in PHC form; it
// is kept by stores but never marshalled to clients (json:"-").
type Account struct {
	Username     string    `json:"username"`
	Roles        []string  `json:"roles"`
	Station      string    `json:"station,omitempty"`
	PasswordHash string    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// HasRole reports whether a holds role.
func (a Account) HasRole(role string) bool {
	for _, r := range a.Roles {
		if r == role {
			return true
		}
	}
	return false
}

// TokenKind says what a token is for.
type TokenKind string

const (
	// KindSession is a login's token: the session cookie and the bearer
	// token. It expires.
	KindSession TokenKind = "session"
	// KindFeed is a feed key for POST /api/v1/feeds/nmea. It lasts until
	// deleted.
	KindFeed TokenKind = "feed"
)

// Token is a stored session or feed key. The secret itself is never
// stored: Hash is the hex SHA-256 of it, and ID, the first 16 hex digits
// of Hash, names it in lists and in the audit log.
type Token struct {
	Hash      string    `json:"-"`
	ID        string    `json:"id"`
	Kind      TokenKind `json:"kind"`
	Username  string    `json:"username,omitempty"` // the account of a session
	Name      string    `json:"name,omitempty"`     // a feed key's name, e.g. the receiver it is for
	CreatedBy string    `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at,omitzero"` // zero: never (feed keys)
}

// Expired reports whether t has expired at now.
func (t Token) Expired(now time.Time) bool { return !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt) }

// AuditEntry is one line of the audit log: who did what to which target,
// when and from where, with the target before and after (JSON, null for
// none). Seq orders the log; stores assign it.
type AuditEntry struct {
	Seq    int64           `json:"seq"`
	At     time.Time       `json:"at"`
	Actor  string          `json:"actor"`
	IP     string          `json:"ip,omitempty"`
	Action string          `json:"action"`
	Target string          `json:"target,omitempty"`
	Before json.RawMessage `json:"before,omitempty"`
	After  json.RawMessage `json:"after,omitempty"`
}

// AuditFilter selects audit entries: [Since, Until) (zero: open), an exact
// Actor and Action when not empty, at most Limit (0: DefaultAuditLimit),
// newest first.
type AuditFilter struct {
	Since, Until time.Time
	Actor        string
	Action       string
	Limit        int
}

// DefaultAuditLimit is how many entries an AuditFilter without a Limit
// returns, and the most any returns.
const DefaultAuditLimit = 1000

// Match reports whether f selects e (Limit aside).
func (f AuditFilter) Match(e AuditEntry) bool {
	return (f.Since.IsZero() || !e.At.Before(f.Since)) &&
		(f.Until.IsZero() || e.At.Before(f.Until)) &&
		(f.Actor == "" || e.Actor == f.Actor) &&
		(f.Action == "" || e.Action == f.Action)
}

// Limited is f's limit clamped to [1, DefaultAuditLimit].
func (f AuditFilter) Limited() int {
	if f.Limit <= 0 || f.Limit > DefaultAuditLimit {
		return DefaultAuditLimit
	}
	return f.Limit
}

// Store keeps accounts, tokens and the audit log. Every method returns
// ErrUnavailable (wrapped) when the backing store cannot be reached.
// Stores judge expiry with the clock they were built with.
type Store interface {
	// Account returns one account, or ErrNotFound.
	Account(ctx context.Context, username string) (Account, error)
	// Accounts returns every account in username order.
	Accounts(ctx context.Context) ([]Account, error)
	// CreateAccount stores a new account, or ErrExists.
	CreateAccount(ctx context.Context, a Account) error
	// UpdateAccount replaces an account, or ErrNotFound.
	UpdateAccount(ctx context.Context, a Account) error
	// DeleteAccount removes an account and every token of it, or
	// ErrNotFound.
	DeleteAccount(ctx context.Context, username string) error

	// PutToken stores a token (a new one, or one replacing the same Hash).
	PutToken(ctx context.Context, t Token) error
	// Token returns the token of hash, or ErrNotFound (also once expired).
	Token(ctx context.Context, hash string) (Token, error)
	// DeleteToken removes a token, or ErrNotFound.
	DeleteToken(ctx context.Context, hash string) error
	// Tokens returns the unexpired tokens of a kind, oldest first.
	Tokens(ctx context.Context, kind TokenKind) ([]Token, error)
	// DeleteSessions removes every session of an account (none is not an
	// error).
	DeleteSessions(ctx context.Context, username string) error

	// AppendAudit adds an entry to the log and returns it with its Seq,
	// greater than every Seq before it. Nothing removes or changes an
	// entry.
	AppendAudit(ctx context.Context, e AuditEntry) (AuditEntry, error)
	// Audit returns the entries f selects, newest first.
	Audit(ctx context.Context, f AuditFilter) ([]AuditEntry, error)

	// Close releases the store.
	Close() error
}
