// Package redistest starts real redis-server processes for tests: a single
// node (Start, StartServer) or a three-master Redis Cluster (StartCluster),
// each on free 127.0.0.1 ports with its data in t.TempDir(), stopped in
// t.Cleanup.
//
// When redis-server (or, for a cluster, redis-cli) is not installed the
// test is skipped with a message naming the install step, or failed under
// RIVERWATCH_REQUIRE_SERVICES=1, as `make test` sets it.
package redistest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/riverwatch/riverwatch/ais/aistest"
)

// Install is the step that provides what this package runs.
const Install = "apt-get install -y redis-server redis-tools (make deps-test does it)"

// startTimeout bounds how long a server or a cluster may take to answer.
const startTimeout = 15 * time.Second

// need returns the path of a command, or skips (fails under
// RIVERWATCH_REQUIRE_SERVICES=1) the test when it is not installed.
func need(tb testing.TB, command string) string {
	tb.Helper()
	p, err := exec.LookPath(command)
	if err != nil {
		msg := fmt.Sprintf("%s not found: Redis tests need a real server; install it with %s", command, Install)
		if aistest.RequireServices() {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	return p
}

// Server is one redis-server process.
type Server struct {
	Addr string // 127.0.0.1:port

	proc aistest.Server
}

// Start starts a single redis-server and returns its address.
func Start(tb testing.TB) string {
	tb.Helper()
	return StartServer(tb).Addr
}

// StartServer starts a single redis-server, without persistence, that the
// test may stop and restart on the same port.
func StartServer(tb testing.TB) *Server {
	tb.Helper()
	return startNode(tb, need(tb, "redis-server"), nil)
}

// StartCluster starts three redis-server masters with cluster mode on,
// joins them with `redis-cli --cluster create` (every slot assigned, no
// replicas) and waits until every node reports cluster_state:ok. It returns
// the nodes' addresses.
func StartCluster(tb testing.TB) []string {
	tb.Helper()
	bin, cli := need(tb, "redis-server"), need(tb, "redis-cli")
	var addrs []string
	for range 3 {
		s := startNode(tb, bin, func() []string {
			return []string{"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
				"--cluster-port", strconv.Itoa(aistest.FreePort(tb)), "--cluster-node-timeout", "5000"}
		})
		addrs = append(addrs, s.Addr)
	}
	args := append([]string{"--cluster", "create"}, addrs...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	out, err := exec.Command(cli, args...).CombinedOutput()
	if err != nil {
		tb.Fatalf("redis-cli --cluster create: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	for _, addr := range addrs {
		if err := waitClusterOK(ctx, addr, len(addrs)); err != nil {
			tb.Fatalf("cluster node %s: %v", addr, err)
		}
	}
	return addrs
}

// startNode starts a server on a free port, choosing another port when
// the one it found is taken before the server binds it. extra returns
// further arguments for each attempt.
func startNode(tb testing.TB, bin string, extra func() []string) *Server {
	tb.Helper()
	var err error
	for range 5 {
		dir := tb.TempDir()
		port := strconv.Itoa(aistest.FreePort(tb))
		s := &Server{Addr: net.JoinHostPort("127.0.0.1", port)}
		args := []string{bin, "--port", port, "--bind", "127.0.0.1", "--dir", dir,
			"--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", "redis.log"}
		if extra != nil {
			args = append(args, extra()...)
		}
		s.proc = aistest.Server{Name: "redis-server", Args: args, Dir: dir, StartTimeout: startTimeout, Ready: s.ping}
		if err = s.proc.Start(); err == nil {
			tb.Cleanup(s.proc.Stop)
			return s
		}
		err = fmt.Errorf("%w%s", err, logTail(dir))
	}
	tb.Fatalf("redis-server: %v", err)
	return nil
}

// ping is the server's readiness: it answers PING.
func (s *Server) ping(ctx context.Context) error {
	c := redis.NewClient(&redis.Options{Addr: s.Addr, MaxRetries: -1, DialTimeout: time.Second, DisableIdentity: true})
	defer c.Close()
	return c.Ping(ctx).Err()
}

// logTail is the end of the server's log file in dir.
func logTail(dir string) string {
	data, _ := os.ReadFile(filepath.Join(dir, "redis.log"))
	if len(data) > 2000 {
		data = data[len(data)-2000:]
	}
	if len(data) == 0 {
		return ""
	}
	return "\nredis.log:\n" + string(data)
}

// Stop stops the server; its port stays reserved for Restart.
func (s *Server) Stop(tb testing.TB) {
	tb.Helper()
	s.proc.Stop()
}

// Restart starts the server again on the same port, empty (there is no
// persistence).
func (s *Server) Restart(tb testing.TB) {
	tb.Helper()
	s.proc.Restart(tb)
}

// waitClusterOK waits until the node reports cluster_state:ok and knows
// all n masters.
func waitClusterOK(ctx context.Context, addr string, n int) error {
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DisableIdentity: true})
	defer c.Close()
	var last string
	for {
		info, err := c.ClusterInfo(ctx).Result()
		if err == nil {
			last = info
			if strings.Contains(info, "cluster_state:ok") &&
				strings.Contains(info, "cluster_known_nodes:"+strconv.Itoa(n)) &&
				strings.Contains(info, "cluster_slots_ok:16384") {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return errors.Join(fmt.Errorf("cluster not ok within %v: %s", startTimeout, last), err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
