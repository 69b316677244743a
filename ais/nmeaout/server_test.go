package nmeaout

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// waitLimit bounds every wait, so that a broken server fails the test
// instead of hanging it. It is a guard, not a timing assertion.
const waitLimit = 20 * time.Second

const aivdm = "!AIVDM,1,1,,A,13aEOK?P00PD2wVMdLDRhgvL289?,0*26"

// startServer opens and runs a server until the test ends. stop cancels
// Run and returns what it returned.
func startServer(tb testing.TB, configure func(*Server)) (s *Server, stop func() error) {
	tb.Helper()
	s = New("127.0.0.1:0", nil)
	if configure != nil {
		configure(s)
	}
	if err := s.Open(); err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	var once sync.Once
	var runErr error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case runErr = <-done:
			case <-time.After(waitLimit):
				tb.Error("Run did not return")
			}
		})
		return runErr
	}
	tb.Cleanup(func() { stop() })
	return s, stop
}

// eventually polls cond until it holds, failing after waitLimit.
func eventually(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// reader is a connected client.
type reader struct {
	conn net.Conn
	br   *bufio.Reader
}

func connect(tb testing.TB, s *Server) *reader {
	tb.Helper()
	c, err := net.Dial("tcp", s.Addr())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	return &reader{conn: c, br: bufio.NewReader(c)}
}

// line reads one line with its "\r\n".
func (r *reader) line(tb testing.TB) string {
	tb.Helper()
	r.conn.SetReadDeadline(time.Now().Add(waitLimit))
	l, err := r.br.ReadString('\n')
	if err != nil {
		tb.Fatalf("read: %v (got %q)", err, l)
	}
	return l
}

// closed waits for the server to close the connection.
func (r *reader) closed(tb testing.TB) {
	tb.Helper()
	r.conn.SetReadDeadline(time.Now().Add(waitLimit))
	_, err := io.Copy(io.Discard, r.br)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		tb.Fatal("the server kept the connection open")
	}
}

func TestTwoClientsReceive(t *testing.T) {
	s, _ := startServer(t, nil)
	if strings.HasSuffix(s.Addr(), ":0") {
		t.Fatalf("Addr() = %q after Open", s.Addr())
	}
	a, b := connect(t, s), connect(t, s)
	eventually(t, "two clients", func() bool { return s.Clients() == 2 })
	io.WriteString(a.conn, "$PING,chatter from a plotter\r\n") // read and discarded

	first := []byte(aivdm)
	batch := [][]byte{first, []byte("!AIVDM,2,1,3,B,55P5TL01VIaAL@7WKO@mBplU@<PDhh000000001S;AJ::4A80?4i@E53,0*3E")}
	s.Send(batch)
	copy(first, "XXXXXX") // Send copied what it keeps
	s.Send([][]byte{[]byte("!AIVDO,1,1,,,B52K>;h00Fc>jpUlNV@ikwpUoP06,0*4C")})

	want := []string{
		aivdm + "\r\n",
		"!AIVDM,2,1,3,B,55P5TL01VIaAL@7WKO@mBplU@<PDhh000000001S;AJ::4A80?4i@E53,0*3E\r\n",
		"!AIVDO,1,1,,,B52K>;h00Fc>jpUlNV@ikwpUoP06,0*4C\r\n",
	}
	for _, r := range []*reader{a, b} {
		for _, w := range want {
			if got := r.line(t); got != w {
				t.Errorf("got %q, want %q", got, w)
			}
		}
	}
}

func TestSendSkipsUnsafeSentences(t *testing.T) {
	s, _ := startServer(t, nil)
	r := connect(t, s)
	eventually(t, "a client", func() bool { return s.Clients() == 1 })
	s.Send([][]byte{
		[]byte("!AIVDM,injected\r\n$GPRMC,forged"),
		{},
		[]byte(strings.Repeat("x", MaxSentenceLen+1)),
		[]byte(aivdm),
	})
	if got := r.line(t); got != aivdm+"\r\n" {
		t.Errorf("got %q, want only the good sentence", got)
	}
	if s.Skipped() != 3 {
		t.Errorf("Skipped() = %d, want 3", s.Skipped())
	}
}

func TestSlowClientDropped(t *testing.T) {
	s, _ := startServer(t, func(s *Server) { s.QueueLen = 4 })
	good := connect(t, s)
	slow := connect(t, s) // never reads, only talks
	eventually(t, "two clients", func() bool { return s.Clients() == 2 })
	io.WriteString(slow.conn, strings.Repeat("chatter\r\n", 100))

	// The good client reads everything; the test waits for it after each
	// Send, so only the slow one can fall behind.
	got := make(chan string, 256)
	go func() {
		sc := bufio.NewScanner(good.conn)
		for sc.Scan() {
			got <- sc.Text()
		}
		close(got)
	}()
	sentences := make([][]byte, 100)
	sends := 0
	for ; s.Dropped() == 0; sends++ {
		if sends > 100000 {
			t.Fatal("the slow client was never dropped")
		}
		for i := range sentences {
			sentences[i] = fmt.Appendf(sentences[i][:0], "!AIVDM,1,1,,A,%08d%04d,0*00", sends, i)
		}
		s.Send(sentences)
		for i := range sentences {
			select {
			case line := <-got:
				if want := string(sentences[i]); line != want { // the scanner drops "\r\n"
					t.Fatalf("send %d: got %q, want %q", sends, line, want)
				}
			case <-time.After(waitLimit):
				t.Fatalf("send %d: the good client stopped receiving", sends)
			}
		}
	}
	slow.closed(t)
	eventually(t, "the slow client gone", func() bool { return s.Clients() == 1 })

	s.Send([][]byte{[]byte(aivdm)})
	if line := <-got; line != aivdm {
		t.Errorf("after the drop the good client got %q", line)
	}
	if s.Dropped() != 1 {
		t.Errorf("Dropped() = %d, want 1", s.Dropped())
	}
	t.Logf("slow client dropped after %d sends of 100 sentences", sends)
}

func TestMaxClients(t *testing.T) {
	s, _ := startServer(t, func(s *Server) { s.MaxClients = 1 })
	a := connect(t, s)
	eventually(t, "a client", func() bool { return s.Clients() == 1 })
	b := connect(t, s)
	b.closed(t)
	if s.Refused() != 1 {
		t.Errorf("Refused() = %d, want 1", s.Refused())
	}
	s.Send([][]byte{[]byte(aivdm)})
	if got := a.line(t); got != aivdm+"\r\n" {
		t.Errorf("got %q", got)
	}
}

func TestRunStopsAndClosesClients(t *testing.T) {
	s, stop := startServer(t, nil)
	r := connect(t, s)
	eventually(t, "a client", func() bool { return s.Clients() == 1 })
	if err := stop(); err != nil {
		t.Fatalf("Run = %v, want nil", err)
	}
	r.closed(t)
	if s.Clients() != 0 {
		t.Errorf("Clients() = %d after Run", s.Clients())
	}
	s.Send([][]byte{[]byte(aivdm)}) // harmless after the end
	if err := s.Open(); !errors.Is(err, ErrClosed) {
		t.Errorf("Open after Run = %v, want ErrClosed", err)
	}
}

func TestOpenAddressInUse(t *testing.T) {
	s, _ := startServer(t, nil)
	if err := New(s.Addr(), nil).Open(); err == nil {
		t.Error("a second server opened on the same address")
	}
}

func BenchmarkSend(b *testing.B) {
	s, _ := startServer(b, func(s *Server) { s.QueueLen = 1 << 16 })
	const clients = 4
	for range clients {
		r := connect(b, s)
		go io.Copy(io.Discard, r.conn)
	}
	eventually(b, "clients", func() bool { return s.Clients() == clients })
	batch := make([][]byte, 20)
	for i := range batch {
		batch[i] = []byte(aivdm)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(batch) * (len(aivdm) + 2)))
	for b.Loop() {
		s.Send(batch)
	}
	if s.Dropped() != 0 {
		b.Logf("%d clients dropped", s.Dropped())
	}
}
