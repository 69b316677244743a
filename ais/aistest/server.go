package aistest

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Server is a server process a test runs (redis-server, influxd) in a
// folder of its own: started and polled until Ready answers, stopped with
// SIGTERM (SIGKILL after StopTimeout), and restartable with the same
// command, so on the same ports, for outage tests. On Linux the kernel
// kills it if the test binary dies before its cleanups run.
type Server struct {
	Name string   // for messages, e.g. "redis-server"
	Args []string // the binary, then its arguments
	Dir  string   // working folder
	Env  []string // added to the test's environment
	// Ready returns nil once the server serves; Start polls it.
	Ready        func(ctx context.Context) error
	StartTimeout time.Duration // default 15 s
	StopTimeout  time.Duration // default 5 s

	cmd    *exec.Cmd
	exited chan struct{}
	out    SyncBuffer
}

// Start runs the server and waits until it is ready, it exits, or
// StartTimeout passes (then it is stopped). Errors carry its output.
func (s *Server) Start() error {
	cmd := exec.Command(s.Args[0], s.Args[1:]...)
	cmd.Dir = s.Dir
	if len(s.Env) > 0 {
		cmd.Env = append(os.Environ(), s.Env...)
	}
	cmd.SysProcAttr = sysProcAttr()
	s.out.Reset()
	cmd.Stdout, cmd.Stderr = &s.out, &s.out
	if err := cmd.Start(); err != nil {
		return err
	}
	s.cmd, s.exited = cmd, make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(s.exited)
	}()
	timeout := s.StartTimeout
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for {
		err := s.Ready(ctx)
		if err == nil {
			return nil
		}
		select {
		case <-s.exited:
			return fmt.Errorf("%s exited at start: %s", s.Name, s.Output())
		case <-ctx.Done():
			s.Stop()
			return fmt.Errorf("%s: no answer within %v: %v\n%s", s.Name, timeout, err, s.Output())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Stop ends the server; calling it again, or on a stopped server, is
// harmless.
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	grace := s.StopTimeout
	if grace <= 0 {
		grace = 5 * time.Second
	}
	select {
	case <-s.exited:
	case <-time.After(grace):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
	s.cmd = nil
}

// Restart stops the server and starts it again with the same command,
// retrying for a few seconds while its port is still being released.
func (s *Server) Restart(tb testing.TB) {
	tb.Helper()
	s.Stop()
	var err error
	for range 20 {
		if err = s.Start(); err == nil {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	tb.Fatalf("%s restart: %v", s.Name, err)
}

// Output is the tail of what the server printed.
func (s *Server) Output() string {
	out := s.out.String()
	if len(out) > 3000 {
		out = out[len(out)-3000:]
	}
	return out
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago; a
// server that loses the race for it is started again on another.
func FreePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// SyncBuffer is a bytes.Buffer safe for one writer and readers at once: a
// server's output, written by exec's copier, or a logger's, read by the
// test.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *SyncBuffer) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Reset()
}
