package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	goais "github.com/BertoldVdb/go-ais"

	"github.com/riverwatch/riverwatch/ais"
	"github.com/riverwatch/riverwatch/zones/waterway"
)

// loadServer is a real `riverwatch serve` in a child process, built from
// this package, so that its CPU can be read from /proc apart from the load
// client's.
type loadServer struct {
	cmd      *exec.Cmd
	base     string // http://127.0.0.1:PORT
	udp      string
	token    string // the admin's bearer token
	password string
}

// startLoadServer builds riverwatch and runs `serve` on kernel-chosen
// loopback ports with no simulator, logged in as admin.
func startLoadServer(tb testing.TB, extra ...string) *loadServer {
	tb.Helper()
	if runtime.GOOS != "linux" {
		tb.Skip("the load benchmarks read the server's CPU from /proc (Linux)")
	}
	dir := tb.TempDir()
	bin := filepath.Join(dir, "riverwatch")
	gocmd, err := exec.LookPath("go")
	if err != nil {
		gocmd = "/usr/local/go/bin/go"
	}
	if out, err := exec.Command(gocmd, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	s := &loadServer{password: "load-admin-secret"}
	args := append([]string{"serve", "--http", "127.0.0.1:0", "--udp", "127.0.0.1:0", "--simulate", "off",
		"--tile-url", "", "--data-dir", filepath.Join(dir, "data"), "--max-live-clients", "1000",
		"--log-format", "json"}, extra...)
	s.cmd = exec.Command(bin, args...)
	s.cmd.Env = append(os.Environ(), "RIVERWATCH_ADMIN_PASSWORD="+s.password)
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		_ = s.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = s.cmd.Process.Kill()
			<-done
		}
	})
	found := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<16), 1<<20)
		for sc.Scan() {
			var rec map[string]any
			if json.Unmarshal(sc.Bytes(), &rec) != nil || rec["msg"] != "listening" {
				continue
			}
			if a, ok := rec["addr"].(string); ok && rec["component"] == "api" {
				s.base = "http://" + a
			}
			if a, ok := rec["address"].(string); ok && rec["component"] == "source" && rec["kind"] == "udp" {
				s.udp = a
			}
			if s.base != "" && s.udp != "" && found != nil {
				close(found)
				found = nil
			}
		}
	}()
	select {
	case <-found:
	case <-time.After(60 * time.Second):
		tb.Fatal("serve did not report its HTTP and UDP addresses")
	}
	s.token = login(tb, s.base, "admin", s.password)
	authTokens.Store(strings.TrimPrefix(s.base, "http://"), s.token)
	return s
}

// cpu is the child's user plus system CPU time so far, from
// /proc/PID/stat (fields 14 and 15, in clock ticks of 1/100 s, the Linux
// USER_HZ on every architecture Go supports).
func (s *loadServer) cpu(tb testing.TB) time.Duration {
	tb.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		tb.Fatal(err)
	}
	f := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+2:]))
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		tb.Fatalf("/proc stat: %q", data)
	}
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// rssMB is the child's resident memory in MB, from /proc/PID/status.
func (s *loadServer) rssMB(tb testing.TB) float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		tb.Fatal(err)
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// fleetFeeder sends n class A vessels' position reports over UDP, each
// vessel every period, spread evenly, the vessels sailing straight at
// 4–12 kn from points along Jilin's rivers, up or down them.
type fleetFeeder struct {
	sent atomic.Int64
	stop context.CancelFunc
	done chan struct{}
}

func feedFleet(tb testing.TB, udpAddr string, n int, period time.Duration) *fleetFeeder {
	tb.Helper()
	m, err := waterway.Load()
	if err != nil {
		tb.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5000, 2))
	type ship struct{ lat, lon, sog, cog float64 }
	ships := make([]ship, n)
	for i := range ships {
		// Somewhere along a river, up to 150 m off its line, sailing up
		// or down it: no two vessels start on the same spot.
		r := m.Rivers[rng.IntN(len(m.Rivers))]
		k := rng.IntN(len(r.Coords) - 1)
		a, c, t := r.Coords[k], r.Coords[k+1], rng.Float64()
		cog := math.Atan2((c[0]-a[0])*math.Cos(a[1]*math.Pi/180), c[1]-a[1]) * 180 / math.Pi
		if rng.IntN(2) == 0 {
			cog += 180
		}
		off := (rng.Float64() - 0.5) * 300 / 111_320
		ships[i] = ship{a[1] + t*(c[1]-a[1]) + off, a[0] + t*(c[0]-a[0]) + off, 4 + 8*rng.Float64(), math.Mod(cog+360, 360)}
	}
	conn, err := net.Dial("udp", udpAddr)
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	f := &fleetFeeder{stop: cancel, done: make(chan struct{})}
	const tick = 20 * time.Millisecond
	perTick := max(1, int(float64(n)*float64(tick)/float64(period)))
	go func() {
		defer close(f.done)
		defer conn.Close()
		t := time.NewTicker(tick)
		defer t.Stop()
		next := 0
		buf := make([]byte, 0, 1500)
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			for k := 0; k < perTick; k++ {
				s := &ships[next]
				d := s.sog * 1852 / 3600 * period.Seconds()
				s.lat += d * math.Cos(s.cog*math.Pi/180) / 111_320
				s.lon += d * math.Sin(s.cog*math.Pi/180) / (111_320 * math.Cos(s.lat*math.Pi/180))
				p := goais.PositionReport{Header: goais.Header{MessageID: 1, UserID: uint32(413_100_000 + next)}, Valid: true,
					Sog: goais.Field10(s.sog), Longitude: goais.FieldLatLonFine(s.lon), Latitude: goais.FieldLatLonFine(s.lat),
					Cog: goais.Field10(s.cog), TrueHeading: uint16(s.cog), Timestamp: uint8(time.Now().Second())}
				lines, err := ais.EncodeSentences(p, "AI", 'A', 0)
				if err != nil {
					panic(err)
				}
				if len(buf)+len(lines[0])+2 > cap(buf) {
					_, _ = conn.Write(buf)
					buf = buf[:0]
				}
				buf = append(append(buf, lines[0]...), '\r', '\n')
				f.sent.Add(1)
				if next++; next == n {
					next = 0
				}
			}
			if len(buf) > 0 {
				_, _ = conn.Write(buf)
				buf = buf[:0]
			}
		}
	}()
	tb.Cleanup(f.Stop)
	return f
}

// Stop ends the feed and waits for it.
func (f *fleetFeeder) Stop() {
	f.stop()
	<-f.done
}

// waitVessels polls the server's vessel count until it reaches n.
func (s *loadServer) waitVessels(tb testing.TB, n int, within time.Duration) {
	tb.Helper()
	deadline := time.Now().Add(within)
	for {
		var v struct {
			Count int `json:"count"`
		}
		getJSON(tb, s.base+"/api/v1/vessels", &v)
		if v.Count >= n {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("the server knows %d vessels after %v, want %d", v.Count, within, n)
		}
		time.Sleep(500 * time.Millisecond)
	}
}
