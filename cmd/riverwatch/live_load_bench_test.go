package main

import (
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Load shape of issue 8: 5,000 vessels each reporting every 2 s (2,500
// position reports a second), pushed live to 50 browsers, by one process.
const (
	loadVessels = 5000
	loadPeriod  = 2 * time.Second
	loadClients = 50
	loadWindow  = 20 * time.Second
)

// BenchmarkLiveLoad runs `riverwatch serve` as a child process, feeds it
// loadVessels vessels over UDP, connects loadClients WebSocket clients to
// /api/v1/live with the admin's bearer token, and over loadWindow measures
// the server's CPU (from /proc/PID/stat: user + system, all threads) and
// what the clients receive. One iteration is one window; run it with
//
//	go test -run XXX -bench LiveLoad -benchtime 1x ./cmd/riverwatch/
//
// Metrics: server_cores (CPU seconds per second; the goal is under 1),
// updates/s/client (vessel updates each client gets; the feed is 2,500/s),
// msgs/s (WebSocket messages to all clients), MB/s (their payload), and
// rss_MB. The load client shares the machine, so a busy machine shows in
// the delivery figures, not in server_cores.
func BenchmarkLiveLoad(b *testing.B) {
	srv := startLoadServer(b)
	feed := feedFleet(b, srv.udp, loadVessels, loadPeriod)
	srv.waitVessels(b, loadVessels, 30*time.Second)

	var n liveCounts
	var closed atomic.Bool
	var wg sync.WaitGroup
	var clientErr atomic.Value
	clients := loadClients
	if v, err := strconv.Atoi(os.Getenv("RIVERWATCH_LOAD_CLIENTS")); err == nil && v > 0 {
		clients = v
	}
	var conns []*rawLiveClient
	for range clients {
		c, err := dialLive(srv.base, srv.token)
		if err != nil {
			b.Fatalf("live: %v", err)
		}
		conns = append(conns, c)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c.run(&n, &closed); err != nil {
				clientErr.Store(err)
			}
		}()
	}
	defer func() {
		closed.Store(true)
		for _, c := range conns {
			_ = c.Close()
		}
		wg.Wait()
		feed.Stop()
	}()
	// Let every client take its snapshot and settle into the stream.
	time.Sleep(2 * loadPeriod)

	b.ResetTimer()
	var cores, perClient, msgRate, mbRate, fed float64
	for i := 0; i < b.N; i++ {
		m0, u0, by0, s0, c0, t0 := n.msgs.Load(), n.updates.Load(), n.bytes.Load(), feed.sent.Load(), srv.cpu(b), time.Now()
		time.Sleep(loadWindow)
		m1, u1, by1, s1, c1, t1 := n.msgs.Load(), n.updates.Load(), n.bytes.Load(), feed.sent.Load(), srv.cpu(b), time.Now()
		wall := t1.Sub(t0).Seconds()
		cores += (c1 - c0).Seconds() / wall
		perClient += float64(u1-u0) / wall / float64(clients)
		msgRate += float64(m1-m0) / wall
		mbRate += float64(by1-by0) / wall / 1e6
		fed += float64(s1-s0) / wall
	}
	b.StopTimer()
	if err, _ := clientErr.Load().(error); err != nil {
		b.Fatalf("a live client failed: %v", err)
	}
	k := float64(b.N)
	b.Logf("server %.2f cores, %.0f updates/s/client of %.0f fed/s, %.0f msgs/s, %.1f MB/s, %d snapshots, rss %.0f MB",
		cores/k, perClient/k, fed/k, msgRate/k, mbRate/k, n.snapshots.Load(), srv.rssMB(b))
	var src struct {
		Total map[string]any `json:"total"`
	}
	getJSON(b, srv.base+"/api/v1/sources", &src)
	b.Logf("sources: %v", src.Total)
	b.Logf("server metrics: %s", metricLines(b, srv.base, "go_memstats_heap_inuse_bytes ", "go_goroutines ", "riverwatch_live_clients ",
		"riverwatch_live_skipped_total ", "riverwatch_live_dropped_total "))
	b.ReportMetric(cores/k, "server_cores")
	b.ReportMetric(perClient/k, "updates/s/client")
	b.ReportMetric(fed/k, "fed/s")
	b.ReportMetric(msgRate/k, "msgs/s")
	b.ReportMetric(mbRate/k, "MB/s")
	b.ReportMetric(srv.rssMB(b), "rss_MB")
	b.ReportMetric(0, "ns/op")
	if perClient/k < 0.5*fed/k {
		b.Errorf("clients got %.0f updates/s each of %.0f fed: the push falls behind", perClient/k, fed/k)
	}
}

// metricLines are the /metrics lines starting with one of names.
func metricLines(tb testing.TB, base string, names ...string) string {
	tb.Helper()
	resp, err := authGet(base + "/metrics")
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(body), "\n") {
		for _, n := range names {
			if strings.HasPrefix(l, n) {
				out = append(out, l)
			}
		}
	}
	return strings.Join(out, "; ")
}
