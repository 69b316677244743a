package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/riverwatch/riverwatch/api/accounts"
	accredis "github.com/riverwatch/riverwatch/api/accounts/redisstore"
	"github.com/riverwatch/riverwatch/api/accounts/sqlitestore"
)

// dataDir is where the embedded account store lives: --data-dir, else
// $XDG_STATE_HOME/riverwatch, else ./.riverwatch.
func dataDir(cfg Config, getenv func(string) string) string {
	if cfg.DataDir != "" {
		return cfg.DataDir
	}
	if x := getenv("XDG_STATE_HOME"); x != "" {
		return filepath.Join(x, "riverwatch")
	}
	return ".riverwatch"
}

// openAccountStore opens the accounts' store: Redis when --redis is set
// (every process shares accounts, sessions and the audit log), else the
// file store in the data directory.
func openAccountStore(ctx context.Context, cfg Config, getenv func(string) string, logger *slog.Logger) (accounts.Store, error) {
	if cfg.Redis != "" {
		s, err := accredis.New(ctx, accredis.Config{URL: cfg.Redis, Prefix: cfg.RedisPrefix})
		if err != nil {
			return nil, err // it starts "accounts: "
		}
		logger.Info("accounts in Redis", "prefix", cfg.RedisPrefix)
		warnVolatileRedis(ctx, s, logger)
		return s, nil
	}
	dir := dataDir(cfg, getenv)
	s, err := sqlitestore.Open(dir, nil)
	if err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	logger.Info("accounts in a file", "path", filepath.Join(dir, sqlitestore.FileName))
	return s, nil
}

// warnVolatileRedis says so at start when the accounts' Redis keeps
// nothing on disk: after its next restart there is no account to log in
// with, and the zones' state, which every process writes back, does not
// help with that.
func warnVolatileRedis(ctx context.Context, s *accredis.Store, logger *slog.Logger) {
	ok, err := s.KeepsOnDisk(ctx)
	switch {
	case err != nil:
		logger.Info("accounts' Redis: could not tell whether it keeps its data on disk", "err", err)
	case !ok:
		logger.Warn(`accounts' Redis keeps nothing on disk (save "" and appendonly no): accounts, sessions and the audit log are lost when it restarts; give it "appendonly yes" or a save schedule`)
	}
}

// openAccounts opens the store and the service, and creates the admin
// account on first start: with --admin-password, or a random password
// printed once to w (never to the log).
func openAccounts(ctx context.Context, cfg Config, e env, logger *slog.Logger) (*accounts.Service, error) {
	store, err := openAccountStore(ctx, cfg, e.getenv, logger)
	if err != nil {
		return nil, err
	}
	svc, err := accounts.New(accounts.Config{Store: store, Logger: logger})
	if err != nil {
		_ = store.Close()
		return nil, fmt.Errorf("accounts: %w", err)
	}
	gen, created, err := svc.EnsureAdmin(ctx, cfg.AdminPassword)
	if err != nil {
		_ = store.Close()
		return nil, fmt.Errorf("accounts: admin: %w", err)
	}
	if created {
		logger.Info("admin account created", "username", accounts.AdminUsername, "generated_password", gen != "")
	}
	if gen != "" {
		printAdminPassword(e.stderr, gen)
	}
	return svc, nil
}

// commaList is a flag of comma-separated values replacing the list.
type commaList struct{ values *[]string }

func (l commaList) String() string {
	if l.values == nil {
		return ""
	}
	return strings.Join(*l.values, ",")
}

func (l commaList) Set(v string) error {
	*l.values = nil
	for _, part := range strings.Split(v, ",") {
		if part = strings.TrimSpace(part); part != "" {
			*l.values = append(*l.values, part)
		}
	}
	return nil
}

func printAdminPassword(w io.Writer, pw string) {
	fmt.Fprintf(w, "\nriverwatch: created account %q (officer, admin) with password\n\n    %s\n\n"+
		"It is shown this once. Change it with `riverwatch user passwd admin`.\n\n", accounts.AdminUsername, pw)
}
