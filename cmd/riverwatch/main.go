// Command riverwatch keeps watch over the inland waterways of Jilin
// province: it reads AIS from transponders and base stations, tracks every
// vessel, and serves the live picture over an HTTP API and a browser board.
//
//	riverwatch [serve] [flags]        run the system (the default)
//	riverwatch decode [FILE|-]        print gpsd-style AIS JSON, like gpsdecode
//	riverwatch replay FILE --to URL   send a capture to a running riverwatch
//	riverwatch simulate [--to URL]    print or send simulated AIS traffic
//	riverwatch user add|list|remove|passwd   manage the accounts
//
// main only wires packages together; each subcommand is a Run(ctx) of its own.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	if err != nil && !errors.Is(err, errHelp) {
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "riverwatch:", err)
		os.Exit(1)
	}
}

// env is what a subcommand gets from the process, passed in so tests can run
// subcommands in-process.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

// run dispatches to a subcommand; "serve" is the default.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	e := env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return runServe(ctx, args, e)
	case "decode":
		return runDecode(ctx, args, e)
	case "replay":
		return runReplay(ctx, args, e)
	case "simulate":
		return runSimulate(ctx, args, e)
	case "user":
		return runUser(ctx, args, e)
	case "version":
		fmt.Fprintln(stdout, "riverwatch", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, topUsage)
		return nil
	}
	fmt.Fprintf(stderr, "riverwatch: unknown command %q\n\n%s", cmd, topUsage)
	return errUsage
}

const topUsage = `riverwatch — AIS vessel watch for Jilin's inland waterways

Usage:
  riverwatch [serve] [flags]         run the system: AIS inputs, tracking, API and board (default)
  riverwatch decode [FILE|-]         decode NMEA AIS to gpsd-style JSON, one object per line
  riverwatch replay FILE --to URL    send a capture to udp://HOST:PORT or tcp://HOST:PORT
  riverwatch simulate [--to URL]     print or send the built-in simulated traffic
  riverwatch user add|list|remove|passwd NAME   manage accounts (roles officer, admin, station, viewer)
  riverwatch version

Run "riverwatch COMMAND --help" for the flags of a command. Every flag can
also be set as a RIVERWATCH_* environment variable (--nmea-out is
RIVERWATCH_NMEA_OUT) or in a YAML file given with --config.
`

// newLogger builds the process logger from the configured level and format.
func newLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q: %w", level, err)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text", "":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("log format %q: want text or json", format)
}
