// Package influxtest starts a real InfluxDB OSS 1.8 (influxd) for tests, on
// free 127.0.0.1 ports with its data in t.TempDir(), Flux enabled and one
// database created, stopped in t.Cleanup. A Server can be stopped and
// restarted on the same port for outage tests.
//
// influxd is looked for in $RIVERWATCH_INFLUXD, then <module
// root>/.cache/bin/influxd (where `make test` builds it), then PATH. When
// it is absent the test is skipped with a message naming the install step,
// or failed under RIVERWATCH_REQUIRE_SERVICES=1, as `make test` sets it.
//
// NewDB and DBs give a test an empty database: on that local influxd, or,
// when RIVERWATCH_INFLUX_URL (with _TOKEN and _ORG) names an InfluxDB 2
// or Cloud, a bucket of its own there. Tests that stop and restart the
// server (outages) always use a local influxd.
package influxtest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/ais/aistest"
)

// Install is the step that provides influxd.
const Install = "make test (it runs make deps-influxd: GOBIN=$PWD/.cache/bin go install github.com/influxdata/influxdb/cmd/influxd@v1.8.3)"

// Database is the database Start creates; Bucket is its bucket name for
// the v2-compatible API.
const (
	Database = "riverwatch"
	Bucket   = Database + "/autogen"
)

const startTimeout = 30 * time.Second

// Server is one influxd process.
type Server struct {
	URL string // http://127.0.0.1:port

	dir  string
	conf string
	proc aistest.Server
}

// Start starts influxd with the database Database and returns its URL.
func Start(tb testing.TB) string {
	tb.Helper()
	return StartServer(tb).URL
}

// Bin returns the path of influxd, or skips (fails under
// RIVERWATCH_REQUIRE_SERVICES=1) the test when there is none.
func Bin(tb testing.TB) string {
	tb.Helper()
	var tried []string
	if p := os.Getenv("RIVERWATCH_INFLUXD"); p != "" {
		if isExec(p) {
			return p
		}
		tried = append(tried, p)
	}
	p := filepath.Join(aistest.ModuleRoot(tb), ".cache", "bin", "influxd")
	if isExec(p) {
		return p
	}
	tried = append(tried, p)
	if p, err := exec.LookPath("influxd"); err == nil {
		return p
	}
	tried = append(tried, "influxd on PATH")
	msg := fmt.Sprintf("influxd not found (%s): InfluxDB tests need a real server; install it with %s",
		strings.Join(tried, ", "), Install)
	if aistest.RequireServices() {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
	return ""
}

func isExec(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// StartServer starts influxd with the database Database; the test may stop
// and restart it on the same port, its data kept.
func StartServer(tb testing.TB) *Server {
	tb.Helper()
	bin := Bin(tb)
	var err error
	for range 5 {
		s := &Server{dir: tb.TempDir()}
		s.URL = "http://127.0.0.1:" + strconv.Itoa(aistest.FreePort(tb))
		if err = s.writeConfig(aistest.FreePort(tb)); err != nil {
			tb.Fatal(err)
		}
		s.proc = aistest.Server{Name: "influxd", Args: []string{bin, "run", "-config", s.conf}, Dir: s.dir,
			Env: []string{"INFLUXDB_HTTP_FLUX_ENABLED=true"}, Ready: s.ping, StartTimeout: startTimeout, StopTimeout: 10 * time.Second}
		if err = s.proc.Start(); err == nil {
			tb.Cleanup(s.proc.Stop)
			if err := s.exec("CREATE DATABASE " + Database); err != nil {
				tb.Fatalf("influxd: %v", err)
			}
			return s
		}
	}
	tb.Fatalf("influxd: %v", err)
	return nil
}

func (s *Server) writeConfig(rpcPort int) error {
	u, _ := url.Parse(s.URL)
	conf := fmt.Sprintf(`reporting-disabled = true
bind-address = "127.0.0.1:%d"

[meta]
  dir = %q

[data]
  dir = %q
  wal-dir = %q
  query-log-enabled = false

[http]
  bind-address = %q
  flux-enabled = true
  log-enabled = false
  max-body-size = 0

[logging]
  level = "warn"

[monitor]
  store-enabled = false

[continuous_queries]
  enabled = false
`, rpcPort, filepath.Join(s.dir, "meta"), filepath.Join(s.dir, "data"), filepath.Join(s.dir, "wal"), u.Host)
	s.conf = filepath.Join(s.dir, "influxdb.conf")
	return os.WriteFile(s.conf, []byte(conf), 0o644)
}

// ping is influxd's readiness: /ping answers 204.
func (s *Server) ping(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/ping", nil)
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		return fmt.Errorf("/ping: %s", resp.Status)
	}
	return nil
}

// exec runs an InfluxQL statement through /query.
func (s *Server) exec(stmt string) error {
	resp, err := http.PostForm(s.URL+"/query", url.Values{"q": {stmt}})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || bytes.Contains(body, []byte(`"error"`)) {
		return fmt.Errorf("%s: %s %s", stmt, resp.Status, body)
	}
	return nil
}

// Exec runs an InfluxQL statement through /query, failing the test on an
// error.
func (s *Server) Exec(tb testing.TB, stmt string) {
	tb.Helper()
	if err := s.exec(stmt); err != nil {
		tb.Fatal(err)
	}
}

// Stop stops influxd; its port and data stay for Restart.
func (s *Server) Stop(tb testing.TB) {
	tb.Helper()
	s.proc.Stop()
}

// Restart starts influxd again on the same port with the same data.
func (s *Server) Restart(tb testing.TB) {
	tb.Helper()
	s.proc.Restart(tb)
}
