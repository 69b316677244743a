package accounts

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
)

// AdminUsername is the account serve creates on first start.
const AdminUsername = "admin"

// NewAccount is what creating an account takes.
type NewAccount struct {
	Username string
	Password string
	Roles    []string
	Station  string
}

// AccountChange is an edit of an account: nil fields stay as they are.
type AccountChange struct {
	Password *string
	Roles    []string // nil: unchanged
	Station  *string
}

func validName(what, s string) error {
	if s == "" || len(s) > maxNameLen {
		return fmt.Errorf("%w: %s: 1 to %d characters", ErrInvalid, what, maxNameLen)
	}
	for i, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
			i > 0 && (r == '.' || r == '_' || r == '-' || r == '@')
		if !ok {
			return fmt.Errorf("%w: %s: letters, digits and . _ - @ only, starting with a letter or digit", ErrInvalid, what)
		}
	}
	return nil
}

// checkRoles says what is wrong with a set of roles and a station: known
// roles, at least one, admin only beside officer, and a station exactly
// for the station role, which holds no other.
func checkRoles(roles []string, station string) error {
	if len(roles) == 0 {
		return fmt.Errorf("%w: roles: at least one of %v", ErrInvalid, Roles)
	}
	for _, r := range roles {
		if !slices.Contains(Roles, r) {
			return fmt.Errorf("%w: roles: unknown role %q, want %v", ErrInvalid, r, Roles)
		}
	}
	has := func(r string) bool { return slices.Contains(roles, r) }
	switch {
	case has(RoleAdmin) && !has(RoleOfficer):
		return fmt.Errorf("%w: roles: admin needs officer beside it", ErrInvalid)
	case has(RoleStation) && len(roles) > 1:
		return fmt.Errorf("%w: roles: station holds no other role", ErrInvalid)
	case has(RoleStation) && station == "":
		return fmt.Errorf("%w: station: a station account names its rescue station", ErrInvalid)
	case !has(RoleStation) && station != "":
		return fmt.Errorf("%w: station: only for the station role", ErrInvalid)
	case station != "":
		return validName("station", station)
	}
	return nil
}

func normRoles(roles []string) []string {
	out := slices.Clone(roles)
	slices.Sort(out)
	return slices.Compact(out)
}

// CreateAccount checks and stores a new account: ErrInvalid, ErrExists,
// ErrBusy while hashing is saturated.
func (s *Service) CreateAccount(ctx context.Context, n NewAccount) (Account, error) {
	if err := validName("username", n.Username); err != nil {
		return Account{}, err
	}
	roles := normRoles(n.Roles)
	if err := checkRoles(roles, n.Station); err != nil {
		return Account{}, err
	}
	if err := CheckPassword(n.Password); err != nil {
		return Account{}, err
	}
	if _, err := s.store.Account(ctx, n.Username); err == nil {
		return Account{}, fmt.Errorf("%w: account %q", ErrExists, n.Username)
	} else if !errors.Is(err, ErrNotFound) {
		return Account{}, err
	}
	hash, err := s.hash(ctx, n.Password)
	if err != nil {
		return Account{}, err
	}
	now := s.now()
	a := Account{Username: n.Username, Roles: roles, Station: n.Station, PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
	if err := s.store.CreateAccount(ctx, a); err != nil {
		return Account{}, err
	}
	return a, nil
}

// UpdateAccount applies ch and returns the account before and after. A
// new password ends the account's sessions.
func (s *Service) UpdateAccount(ctx context.Context, username string, ch AccountChange) (before, after Account, err error) {
	before, err = s.store.Account(ctx, username)
	if err != nil {
		return before, after, err
	}
	after = before
	after.Roles = slices.Clone(before.Roles)
	if ch.Roles != nil {
		after.Roles = normRoles(ch.Roles)
	}
	if ch.Station != nil {
		after.Station = *ch.Station
	}
	if err := checkRoles(after.Roles, after.Station); err != nil {
		return before, after, err
	}
	if ch.Password != nil {
		if err := CheckPassword(*ch.Password); err != nil {
			return before, after, err
		}
		if after.PasswordHash, err = s.hash(ctx, *ch.Password); err != nil {
			return before, after, err
		}
	}
	after.UpdatedAt = s.now()
	if err := s.store.UpdateAccount(ctx, after); err != nil {
		return before, after, err
	}
	// Sessions carry no roles (each request reads the account), but a
	// changed password must lock out whoever knew the old one.
	s.known.dropUser(username)
	if ch.Password != nil {
		if err := s.store.DeleteSessions(ctx, username); err != nil {
			return before, after, err
		}
	}
	return before, after, nil
}

// DeleteAccount removes an account and its sessions and returns it.
func (s *Service) DeleteAccount(ctx context.Context, username string) (Account, error) {
	a, err := s.store.Account(ctx, username)
	if err != nil {
		return a, err
	}
	s.known.dropUser(username)
	return a, s.store.DeleteAccount(ctx, username)
}

// Account returns one account, or ErrNotFound.
func (s *Service) Account(ctx context.Context, username string) (Account, error) {
	return s.store.Account(ctx, username)
}

// Accounts returns every account.
func (s *Service) Accounts(ctx context.Context) ([]Account, error) { return s.store.Accounts(ctx) }

// EnsureAdmin creates the admin account (officer and admin) if it does not
// exist, with password, or a random one when password is empty. It
// returns the password it generated ("" when given one or when the
// account existed) and whether it created the account. An existing admin
// keeps its password: the flag sets it on first start only.
func (s *Service) EnsureAdmin(ctx context.Context, password string) (generated string, created bool, err error) {
	if _, err := s.store.Account(ctx, AdminUsername); err == nil {
		return "", false, nil
	} else if !errors.Is(err, ErrNotFound) {
		return "", false, err
	}
	if password == "" {
		var b [15]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", false, fmt.Errorf("accounts: admin password: %w", err)
		}
		password = base64.RawURLEncoding.EncodeToString(b[:])
		generated = password
	}
	_, err = s.CreateAccount(ctx, NewAccount{Username: AdminUsername, Password: password, Roles: []string{RoleOfficer, RoleAdmin}})
	if errors.Is(err, ErrExists) { // another process won the race
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	if err := s.Audit(ctx, AuditEntry{Actor: "riverwatch", Action: "account_create", Target: "account:" + AdminUsername}); err != nil {
		return generated, true, err
	}
	return generated, true, nil
}
