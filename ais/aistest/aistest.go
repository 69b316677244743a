// Package aistest is the project's shared test support: it finds the
// shared test data (the real AIS captures and the reference waterway
// geometry in ../shared beside the checkout), says whether services are
// required, and runs the server processes (Server) that the Redis and
// InfluxDB test helpers start.
//
// Those files are too large, and not ours, to commit; a test that needs one
// asks SharedFile for it and is skipped when it is absent — or fails, under
// RIVERWATCH_REQUIRE_SHARED=1 as `.ci/run` sets it. Shared data is not a
// service: `make test` on a bare clone (no ../shared beside it) skips those
// tests, while the services it installs itself stay required. The package
// imports no riverwatch package, so package ais's own tests can use it too.
package aistest

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// RequireServices reports whether RIVERWATCH_REQUIRE_SERVICES=1 is set, as
// `make test` does: a missing service (Redis, InfluxDB, Chromium) then fails
// the test instead of skipping it.
func RequireServices() bool { return os.Getenv("RIVERWATCH_REQUIRE_SERVICES") == "1" }

// RequireShared reports whether RIVERWATCH_REQUIRE_SHARED=1 is set, as
// `.ci/run` does: missing ../shared data then fails the test instead of
// skipping it.
func RequireShared() bool { return os.Getenv("RIVERWATCH_REQUIRE_SHARED") == "1" }

// ModuleRoot returns the directory of go.mod, found by walking up from the
// working directory (a test's is its package directory).
func ModuleRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// SharedFile returns the path of rel (slash-separated, such as
// "corpus/ais/gpsd/sample.aivdm" or "geo/jilin-waterways.geojson") in
// ../shared beside the module root. When it is absent the test is skipped,
// or failed under RequireShared.
func SharedFile(tb testing.TB, rel string) string {
	tb.Helper()
	p := filepath.Join(ModuleRoot(tb), "..", "shared", filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		msg := "shared test data absent (" + p + "): it sits beside the checkout as ../shared"
		if RequireShared() {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	return p
}

// Lines reads the shared file rel (as SharedFile finds it) into lines,
// without their line endings; each line is its own copy.
func Lines(tb testing.TB, rel string) [][]byte {
	tb.Helper()
	data, err := os.ReadFile(SharedFile(tb, rel))
	if err != nil {
		tb.Fatal(err)
	}
	var lines [][]byte
	for line := range bytes.Lines(data) {
		lines = append(lines, bytes.Clone(bytes.TrimRight(line, "\r\n")))
	}
	return lines
}
