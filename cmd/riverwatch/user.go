package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/riverwatch/riverwatch/api/accounts"
	"github.com/riverwatch/riverwatch/zones/redisstore"
)

const userUsage = `Usage:
  riverwatch user add NAME --roles ROLE[,ROLE] [--station ID] [--password-stdin]
  riverwatch user list
  riverwatch user remove NAME
  riverwatch user passwd NAME [--password-stdin]

Manages the accounts of the store serve uses: the file in --data-dir, or
Redis with --redis (the same flags and RIVERWATCH_* variables as serve).
Roles: officer, admin (with officer), station (with --station, the rescue
station's id such as rs-jiutai), viewer. The password is asked for twice on
a terminal, or read as the first line of standard input with
--password-stdin; it is never a flag, which would show in the process list.

Flags:
`

// runUser is `riverwatch user`: account management on the same store as
// serve, for the first officer accounts and for a forgotten admin
// password.
func runUser(ctx context.Context, args []string, e env) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprint(e.stderr, userUsage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return errHelp
		}
		return errUsage
	}
	verb, args := args[0], args[1:]
	cfg := DefaultConfig()
	if path := preScanConfig(args, e.getenv); path != "" {
		if err := loadYAML(path, &cfg); err != nil {
			return err
		}
	}
	fs := flag.NewFlagSet("user "+verb, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var configPath, roles, station string
	var pwStdin bool
	fs.StringVar(&configPath, "config", "", "YAML configuration file, as for serve")
	fs.StringVar(&cfg.DataDir, "data-dir", cfg.DataDir, "`DIR` of the account store, as for serve")
	fs.StringVar(&cfg.Redis, "redis", cfg.Redis, "Redis holding the accounts, as for serve")
	fs.StringVar(&cfg.RedisPrefix, "redis-prefix", cfg.RedisPrefix, "prefix of every Redis key, as for serve")
	if verb == "add" {
		fs.StringVar(&roles, "roles", "", "comma-separated `ROLES`: officer, admin, station, viewer")
		fs.StringVar(&station, "station", "", "rescue station `ID` of a station account, e.g. rs-jiutai")
	}
	if verb == "add" || verb == "passwd" {
		fs.BoolVar(&pwStdin, "password-stdin", false, "read the password from the first line of standard input")
	}
	fs.Usage = func() { fmt.Fprint(e.stderr, userUsage); fs.PrintDefaults() }
	if err := applyEnv(fs, &inputList{values: new([]string)}, e.getenv); err != nil {
		return err
	}
	// Flags may follow the name: riverwatch user add wang --roles officer.
	var name string
	rest := args
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		name, rest = rest[0], rest[1:]
	}
	if err := fs.Parse(rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return errUsage
	}
	if name == "" && fs.NArg() > 0 {
		name = fs.Arg(0)
	}
	needName := verb != "list"
	if needName && name == "" || fs.NArg() > 1 || (name != "" && fs.NArg() > 0 && fs.Arg(0) != name) {
		fmt.Fprint(e.stderr, userUsage)
		return errUsage
	}

	// Warnings only, such as a Redis that keeps nothing on disk: the
	// command's output is the rest.
	logger := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if cfg.Redis != "" {
		redisstore.SetRedisLogger(logger) // each failed dial is detail: the error says it
	}
	store, err := openAccountStore(ctx, cfg, e.getenv, logger)
	if err != nil {
		return err
	}
	defer store.Close()
	svc, err := accounts.New(accounts.Config{Store: store, Logger: logger})
	if err != nil {
		return err
	}
	actor := "cli"
	if u := e.getenv("USER"); u != "" {
		actor = "cli:" + u
	}
	audit := func(action, target string, before, after any) error {
		return svc.Audit(ctx, accounts.AuditEntry{Actor: actor, Action: action, Target: target,
			Before: auditJSON(before), After: auditJSON(after)})
	}

	switch verb {
	case "list":
		list, err := svc.Accounts(ctx)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(w, "USERNAME\tROLES\tSTATION\tUPDATED (CST)")
		for _, a := range list {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", a.Username, strings.Join(a.Roles, ","), a.Station, a.UpdatedAt.In(chinaTime).Format("2006-01-02 15:04"))
		}
		return w.Flush()
	case "add":
		pw, err := readPassword(e, pwStdin)
		if err != nil {
			return err
		}
		var rs []string
		for _, r := range strings.Split(roles, ",") {
			if r = strings.TrimSpace(r); r != "" {
				rs = append(rs, r)
			}
		}
		a, err := svc.CreateAccount(ctx, accounts.NewAccount{Username: name, Password: pw, Roles: rs, Station: station})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "added %s (%s)\n", a.Username, strings.Join(a.Roles, ","))
		return audit("account_create", "account:"+a.Username, nil, a)
	case "remove":
		a, err := svc.DeleteAccount(ctx, name)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "removed %s\n", a.Username)
		return audit("account_delete", "account:"+a.Username, a, nil)
	case "passwd":
		if _, err := svc.Account(ctx, name); err != nil {
			return err
		}
		pw, err := readPassword(e, pwStdin)
		if err != nil {
			return err
		}
		before, after, err := svc.UpdateAccount(ctx, name, accounts.AccountChange{Password: &pw})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "password of %s changed; its sessions are closed\n", name)
		return audit("account_password", "account:"+name, before, after)
	}
	fmt.Fprintf(e.stderr, "riverwatch user: unknown command %q\n\n%s", verb, userUsage)
	return errUsage
}

// chinaTime is China Standard Time, UTC+8 all year, as the board shows.
var chinaTime = time.FixedZone("CST", 8*3600)

// auditJSON is v as an audit entry's before or after; nil stays empty.
func auditJSON(v any) json.RawMessage {
	if v == nil {
		return nil
	}
	data, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return data
}

// readPassword reads a new password: the first line of stdin with
// --password-stdin, else twice from the terminal without echo.
func readPassword(e env, fromStdin bool) (string, error) {
	if fromStdin {
		line, err := bufio.NewReader(io.LimitReader(e.stdin, accounts.MaxPasswordLen+2)).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("password: %w", err)
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	f, ok := e.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", errors.New("password: standard input is no terminal; give it with --password-stdin")
	}
	fmt.Fprint(e.stderr, "New password: ")
	a, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(e.stderr)
	if err != nil {
		return "", fmt.Errorf("password: %w", err)
	}
	fmt.Fprint(e.stderr, "Again: ")
	b, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(e.stderr)
	if err != nil {
		return "", fmt.Errorf("password: %w", err)
	}
	if string(a) != string(b) {
		return "", errors.New("password: the two do not match")
	}
	return string(a), nil
}
