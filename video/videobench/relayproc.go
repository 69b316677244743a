package videobench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/riverwatch/riverwatch/video"
	"github.com/riverwatch/riverwatch/video/videotest"
)

// The relay cost is measured on the relay process alone: the test binary
// re-executes itself as a relay-only child (EnvRelayRole), which pulls the
// camera, serves WHEP on loopback and prints its address; the viewers stay
// in the parent.
const (
	EnvRelayRole = "RIVERWATCH_BENCH_RELAY" // "riverwatch" or "plain"
	EnvRelayRTSP = "RIVERWATCH_BENCH_RTSP"
	relayReady   = "relay listening on "
	// EnvRelayProfile, when set, is where the relay child writes its CPU
	// profile (go tool pprof), to see where the relay's cost goes.
	EnvRelayProfile = "RIVERWATCH_BENCH_RELAY_CPUPROFILE"
	// EnvRelayHeapProfile, when set, is where the relay child writes its
	// heap profile (and, beside it, PATH.goroutines and PATH.memstats) on
	// SIGUSR1, which the cost benchmark sends once its measure is taken:
	// what the viewers' memory is made of.
	EnvRelayHeapProfile = "RIVERWATCH_BENCH_RELAY_HEAPPROFILE"
)

// Relay roles.
const (
	RoleRiverwatch = "riverwatch"
	RolePlain      = "plain"
)

// RelayChildMain is the child's main, to be called first thing in
// TestMain: when EnvRelayRole is set it runs that relay until its stdin
// closes and exits; otherwise it returns at once.
func RelayChildMain() {
	role := os.Getenv(EnvRelayRole)
	if role == "" {
		return
	}
	if err := runRelayChild(role, os.Getenv(EnvRelayRTSP)); err != nil {
		fmt.Fprintln(os.Stderr, "relay child:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

func runRelayChild(role, rtspURL string) error {
	if path := os.Getenv(EnvRelayProfile); path != "" {
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if path := os.Getenv(EnvRelayHeapProfile); path != "" {
		runtime.MemProfileRate = 4096 // fine enough for one viewer's few kilobytes
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGUSR1)
		defer signal.Stop(sig)
		go func() {
			for range sig {
				if err := writeHeapProfile(path); err != nil {
					fmt.Fprintln(os.Stderr, "relay child: heap profile:", err)
				}
			}
		}()
	}
	var h http.Handler
	switch role {
	case RolePlain:
		p, err := StartPlain(rtspURL)
		if err != nil {
			return err
		}
		defer p.Close()
		h = p
	case RoleRiverwatch:
		r, err := video.New(video.Config{ICE: video.ICEConfig{UDPMux: "127.0.0.1:0", Tune: videotest.LoopbackOnly}})
		if err != nil {
			return err
		}
		defer r.Close()
		if _, err := r.Put(context.Background(), video.Camera{ID: "cam", Name: "bench", NameZh: "测试", RTSPURL: rtspURL, Transport: video.TransportTCP}); err != nil {
			return err
		}
		h = relayWHEP{r}
	default:
		return fmt.Errorf("unknown role %q", role)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(l) }()
	fmt.Printf("%s%s\n", relayReady, l.Addr())
	_, _ = io.Copy(io.Discard, os.Stdin) // until the parent closes it
	return srv.Close()
}

// writeHeapProfile writes the heap profile as of a fresh collection to
// path, the goroutines to path.goroutines and the runtime's memory
// statistics to path.memstats.
func writeHeapProfile(path string) error {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	stats := fmt.Sprintf("goroutines %d\nHeapAlloc %d\nHeapInuse %d\nHeapIdle %d\nHeapReleased %d\nStackInuse %d\nMSpanInuse %d\nGCSys %d\nOtherSys %d\nSys %d\nNextGC %d\n",
		runtime.NumGoroutine(), ms.HeapAlloc, ms.HeapInuse, ms.HeapIdle, ms.HeapReleased, ms.StackInuse, ms.MSpanInuse, ms.GCSys, ms.OtherSys, ms.Sys, ms.NextGC)
	if err := os.WriteFile(path+".memstats", []byte(stats), 0o644); err != nil {
		return err
	}
	for _, p := range []struct {
		name, file string
		debug      int
	}{{"heap", path, 0}, {"goroutine", path + ".goroutines", 1}} {
		f, err := os.Create(p.file)
		if err != nil {
			return err
		}
		err = pprof.Lookup(p.name).WriteTo(f, p.debug)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// HeapProfile asks the child for its heap profile (EnvRelayHeapProfile)
// and gives it a moment to write it.
func (p *RelayProc) HeapProfile() {
	if os.Getenv(EnvRelayHeapProfile) == "" {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGUSR1)
	time.Sleep(2 * time.Second)
}

// relayWHEP is a minimal WHEP endpoint on riverwatch's relay (POST /whep,
// DELETE /whep/{id}) so the child needs no API server.
type relayWHEP struct{ r *video.Relay }

func (h relayWHEP) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/whep":
		offer, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		ans, id, err := h.r.WHEP(r.Context(), "cam", string(offer), video.ViewerInfo{Name: "bench"})
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/sdp")
		w.Header().Set("Location", "/whep/"+id)
		w.Header().Set(video.CatchupMarkHeader, video.CatchupMarkValue)
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, ans)
	case r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, "/whep/"):
		_ = h.r.End("cam", strings.TrimPrefix(r.URL.Path, "/whep/"))
		w.WriteHeader(http.StatusOK)
	default:
		http.NotFound(w, r)
	}
}

// RelayProc is a relay child process.
type RelayProc struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	URL   string // http://127.0.0.1:port/whep
	done  chan struct{}
}

// StartRelayProc starts this test binary as a relay child of role pulling
// rtspURL and waits for its WHEP address.
func StartRelayProc(role, rtspURL string) (*RelayProc, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), EnvRelayRole+"="+role, EnvRelayRTSP+"="+rtspURL)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &RelayProc{cmd: cmd, stdin: stdin, done: make(chan struct{})}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), relayReady); ok {
				addr <- a
			}
		}
	}()
	go func() { _ = cmd.Wait(); close(p.done) }()
	select {
	case a := <-addr:
		p.URL = "http://" + a + "/whep"
		return p, nil
	case <-p.done:
		return nil, errors.New("videobench: relay child exited before listening")
	case <-time.After(20 * time.Second):
		p.Close()
		return nil, errors.New("videobench: relay child not listening in 20 s")
	}
}

// PID is the child's process id.
func (p *RelayProc) PID() int { return p.cmd.Process.Pid }

// Close ends the child (closing its stdin) and waits.
func (p *RelayProc) Close() {
	p.stdin.Close()
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// ProcSample is a process's CPU time and resident memory at an instant.
type ProcSample struct {
	At  time.Time
	CPU time.Duration // user + system
	RSS int64         // bytes
}

// clockTick is USER_HZ, 100 on every Linux this runs on (sysconf needs cgo).
const clockTick = 100

// SampleProc reads /proc/PID/stat (utime, stime) and /proc/PID/status (VmRSS).
func SampleProc(pid int) (ProcSample, error) {
	s := ProcSample{At: time.Now()}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return s, err
	}
	// The command name is in parentheses and may hold spaces: fields
	// count from after its closing one. utime and stime are fields 14, 15.
	rest := string(stat)
	if i := strings.LastIndexByte(rest, ')'); i >= 0 {
		rest = rest[i+2:]
	}
	f := strings.Fields(rest)
	if len(f) < 13 {
		return s, fmt.Errorf("videobench: /proc/%d/stat: short", pid)
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	s.CPU = time.Duration(ut+st) * time.Second / clockTick
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return s, err
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			s.RSS = kb << 10
		}
	}
	return s, nil
}

// CPUShare is the share of one core the process used between a and b.
func CPUShare(a, b ProcSample) float64 {
	return float64(b.CPU-a.CPU) / float64(b.At.Sub(a.At))
}
