package source

import (
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/ais"
)

// dial connects to a source under test.
func dial(tb testing.TB, addr string) net.Conn {
	tb.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

// write sends s or fails the test.
func write(tb testing.TB, c net.Conn, s string) {
	tb.Helper()
	if _, err := io.WriteString(c, s); err != nil {
		tb.Fatalf("write: %v", err)
	}
}

// waitClosed waits until the peer closes c.
func waitClosed(tb testing.TB, c net.Conn) {
	tb.Helper()
	c.SetReadDeadline(time.Now().Add(waitLimit))
	if _, err := io.Copy(io.Discard, c); err != nil {
		tb.Fatalf("want the server to close the connection, got %v", err)
	}
}

func TestTCPListenManyClients(t *testing.T) {
	src := mustOpen(t, mustParse(t, "rx=tcp-listen://127.0.0.1:0"))
	rec := newRecorder()
	r := start(t, src, rec)

	const clients, lines = 5, 200
	var wg sync.WaitGroup
	for i := range clients {
		c := dial(t, src.Address())
		wg.Add(1)
		go func() {
			defer wg.Done()
			var b strings.Builder
			for n := range lines {
				fmt.Fprintf(&b, "c%d-%d\r\n", i, n)
				if n == lines/2 { // junk in the middle of every stream
					b.WriteString(strings.Repeat("\x00", 5000) + "\n")
					b.WriteString(strings.Repeat("y", 1500) + "\r\n")
				}
			}
			c.Write([]byte(b.String()))
		}()
	}
	wg.Wait()
	rec.waitLines(t, clients*lines)
	rec.waitFor(t, "rejects", func() bool { return len(rec.rejected()) == 2*clients })

	next := make([]int, clients) // each client's lines arrive in order
	for _, line := range rec.texts() {
		var c, n int
		if _, err := fmt.Sscanf(line, "c%d-%d", &c, &n); err != nil || c >= clients {
			t.Fatalf("unexpected line %q", line)
		}
		if n != next[c] {
			t.Fatalf("client %d: line %d after %d", c, n, next[c]-1)
		}
		next[c]++
	}
	for _, rj := range rec.rejected() {
		if rj.source != "rx" || rj.reason != ais.ReasonTooLong {
			t.Errorf("reject %+v", rj)
		}
	}
	if rec.countStates(true) != 1 {
		t.Errorf("states %v, want one change to connected while clients overlap", rec.stateLog())
	}
	r.stop(t)
	if s := rec.stateLog(); s[len(s)-1].connected {
		t.Errorf("states %v, want disconnected at the end", s)
	}
}

func TestTCPListenMaxConns(t *testing.T) {
	spec := mustParse(t, "tcp-listen://127.0.0.1:0?max_conns=2")
	src := mustOpen(t, spec)
	rec := newRecorder()
	start(t, src, rec)

	a, b := dial(t, src.Address()), dial(t, src.Address())
	write(t, a, "a\n")
	write(t, b, "b\n")
	rec.waitLines(t, 2) // both are being served

	extra := dial(t, src.Address())
	waitClosed(t, extra) // refused: the server closes it at once

	a.Close() // frees a slot, soon: a later client gets in
	for k := 0; ; k++ {
		c := dial(t, src.Address())
		want := fmt.Sprintf("c%d", k)
		write(t, c, want+"\n")
		closed := make(chan struct{})
		go func() {
			io.Copy(io.Discard, c)
			close(closed)
			rec.poke()
		}()
		accepted := false
		rec.waitFor(t, "accept or refusal", func() bool {
			select {
			case <-closed:
				return true
			default:
			}
			accepted = strings.Contains(join(rec.texts()), want)
			return accepted
		})
		if accepted {
			break
		}
	}
}

func TestTCPListenIdleTimeout(t *testing.T) {
	src := mustOpen(t, mustParse(t, "tcp-listen://127.0.0.1:0?idle=50ms"))
	rec := newRecorder()
	start(t, src, rec)
	c := dial(t, src.Address())
	write(t, c, "hello\n")
	waitClosed(t, c) // silent after one line: dropped
	if got := rec.texts(); join(got) != "hello" {
		t.Errorf("lines %q", got)
	}
	rec.waitFor(t, "disconnect with a timeout error", func() bool {
		s := rec.stateLog()
		return len(s) >= 2 && !s[len(s)-1].connected && s[len(s)-1].err != nil
	})
}

func TestTCPListenStopClosesClients(t *testing.T) {
	src := mustOpen(t, mustParse(t, "tcp-listen://127.0.0.1:0"))
	rec := newRecorder()
	r := start(t, src, rec)
	c := dial(t, src.Address())
	write(t, c, "x\n")
	rec.waitLines(t, 1)
	r.stop(t) // Run returns nil with a client still connected
	waitClosed(t, c)
}

// feedServer is a remote feed the tcp-client source dials: each accepted
// connection is handed to the test.
type feedServer struct {
	ln    net.Listener
	conns chan net.Conn
}

func newFeedServer(tb testing.TB, addr string) *feedServer {
	tb.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		tb.Fatal(err)
	}
	s := &feedServer{ln: ln, conns: make(chan net.Conn, 4)}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.conns <- c
		}
	}()
	tb.Cleanup(func() { ln.Close() })
	return s
}

// accept waits for the source to connect.
func (s *feedServer) accept(tb testing.TB) net.Conn {
	tb.Helper()
	select {
	case c := <-s.conns:
		tb.Cleanup(func() { c.Close() })
		return c
	case <-time.After(waitLimit):
		tb.Fatal("the source did not connect")
		return nil
	}
}

func TestTCPClientReconnects(t *testing.T) {
	feed := newFeedServer(t, "127.0.0.1:0")
	addr := feed.ln.Addr().String()
	spec := mustParse(t, "remote=tcp://"+addr)
	spec.Backoff = Backoff{Min: time.Millisecond, Max: 5 * time.Millisecond, Seed: 1}
	src := mustOpen(t, spec)
	rec := newRecorder()
	r := start(t, src, rec)

	// First connection: lines, junk, then the feed hangs up.
	c1 := feed.accept(t)
	write(t, c1, aivdm+"\r\n"+strings.Repeat("\xff", 300000)+"\r\none\r\n")
	rec.waitLines(t, 2)
	c1.Close()

	// The source comes back by itself.
	c2 := feed.accept(t)
	write(t, c2, "two\r\n")
	rec.waitLines(t, 3)

	// The feed goes away altogether: dials fail and are retried.
	feed.ln.Close()
	c2.Close()
	rec.waitFor(t, "a failed dial", func() bool {
		for _, s := range rec.stateLog() {
			if !s.connected && s.err != nil && s.err != errRemoteClosed {
				return true
			}
		}
		return false
	})
	feed = newFeedServer(t, addr) // back on the same port
	c3 := feed.accept(t)
	write(t, c3, "three\n")
	rec.waitLines(t, 4)

	if got, want := join(rec.texts()), join([]string{aivdm, "one", "two", "three"}); got != want {
		t.Errorf("lines %q, want %q", got, want)
	}
	if rj := rec.rejected(); len(rj) != 1 || rj[0].reason != ais.ReasonTooLong || rj[0].source != "remote" {
		t.Errorf("rejects %v, want one too-long", rj)
	}
	if n := rec.countStates(true); n != 3 {
		t.Errorf("%d connects, want 3: %v", n, rec.stateLog())
	}
	r.stop(t)
	waitClosed(t, c3)
}

func TestTCPClientStopWhileDialFails(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	spec := mustParse(t, "tcp://"+addr)
	spec.Backoff = Backoff{Min: time.Hour, Seed: 1} // the source sleeps after the first failure
	src := mustOpen(t, spec)
	rec := newRecorder()
	r := start(t, src, rec)
	rec.waitFor(t, "a failed dial", func() bool { return len(rec.stateLog()) > 0 })
	r.stop(t) // the hour-long wait ends with the context
}
