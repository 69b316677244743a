// Package nmeaout re-serves accepted, de-duplicated NMEA sentences over TCP,
// the way AIS-catcher and AIS dispatchers do, so that OpenCPN or a chart
// plotter can connect and read one sentence per line.
//
// Sending never blocks ingest: every client has a bounded queue, and a client
// that falls behind (a full queue, or a write that stalls) is dropped and
// counted. What clients send is read and thrown away.
package nmeaout

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of a Server's tunables.
const (
	DefaultMaxClients   = 64
	DefaultQueueLen     = 256 // Send batches waiting for one client
	DefaultWriteTimeout = 10 * time.Second
	// MaxSentenceLen bounds one sentence; longer ones are not re-served.
	MaxSentenceLen = 1024
	maxBatch       = 64 // queued batches written with one call
)

// ErrClosed is returned by Open after Run has finished.
var ErrClosed = errors.New("nmeaout: server closed")

// Server is the TCP re-serve output. Set the exported fields, if at all,
// before Open.
type Server struct {
	MaxClients   int           // clients at once; more are refused
	QueueLen     int           // batches queued per client before it is dropped
	WriteTimeout time.Duration // a write that takes longer drops the client

	addr    string
	logger  *slog.Logger
	mu      sync.RWMutex
	ln      net.Listener
	clients map[*client]struct{}
	closed  bool
	wg      sync.WaitGroup

	dropped atomic.Uint64 // slow clients dropped
	refused atomic.Uint64 // clients refused over MaxClients
	skipped atomic.Uint64 // sentences not re-served (too long, or holding a line break)
}

// client is one connected reader.
type client struct {
	conn  net.Conn
	queue chan []byte
	gone  chan struct{}
	once  sync.Once
}

// kill closes the client; it reports whether this call did it.
func (c *client) kill() bool {
	first := false
	c.once.Do(func() {
		first = true
		close(c.gone)
		c.conn.Close()
	})
	return first
}

// New makes a server for addr ("127.0.0.1:10111", ":0"); a nil logger
// discards. Nothing is bound until Open.
func New(addr string, logger *slog.Logger) *Server {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Server{
		MaxClients:   DefaultMaxClients,
		QueueLen:     DefaultQueueLen,
		WriteTimeout: DefaultWriteTimeout,
		addr:         addr,
		logger:       logger.With("component", "nmeaout"),
		clients:      make(map[*client]struct{}),
	}
}

// Open binds the listen address, so that "address in use" shows at once.
func (s *Server) Open() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	if s.ln != nil {
		return nil
	}
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return fmt.Errorf("nmeaout: %w", err)
	}
	s.ln = ln
	return nil
}

// Addr is the bound address after Open, the configured one before.
func (s *Server) Addr() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.ln != nil {
		return s.ln.Addr().String()
	}
	return s.addr
}

// Clients is the number of clients connected now.
func (s *Server) Clients() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.clients)
}

// Dropped is how many clients were dropped for being too slow.
func (s *Server) Dropped() uint64 { return s.dropped.Load() }

// Refused is how many clients were turned away over MaxClients.
func (s *Server) Refused() uint64 { return s.refused.Load() }

// Skipped is how many sentences Send would not re-serve.
func (s *Server) Skipped() uint64 { return s.skipped.Load() }

// Send queues sentences (without line ends) for every client, adding
// "\r\n" to each. It never blocks: a client whose queue is full is dropped.
// It copies what it keeps, so the caller may reuse the slices. A sentence
// that is empty, longer than MaxSentenceLen, or holds '\r' or '\n' is
// skipped, so that no input can forge extra lines.
func (s *Server) Send(sentences [][]byte) {
	if s.Clients() == 0 {
		return
	}
	size := 0
	for _, b := range sentences {
		size += len(b) + 2
	}
	buf := make([]byte, 0, size)
	for _, b := range sentences {
		if len(b) == 0 || len(b) > MaxSentenceLen || bytes.ContainsAny(b, "\r\n") {
			s.skipped.Add(1)
			continue
		}
		buf = append(append(buf, b...), '\r', '\n')
	}
	if len(buf) == 0 {
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for c := range s.clients {
		select {
		case c.queue <- buf:
		case <-c.gone:
		default:
			if c.kill() {
				s.dropped.Add(1)
				s.logger.Warn("dropped slow client", "remote", c.conn.RemoteAddr().String(), "dropped_total", s.dropped.Load())
			}
		}
	}
}

// Run accepts clients until ctx is cancelled, then closes every connection,
// waits for its goroutines and returns nil. It calls Open if that was not
// done.
func (s *Server) Run(ctx context.Context) error {
	if err := s.Open(); err != nil {
		return err
	}
	s.mu.RLock()
	ln := s.ln
	s.mu.RUnlock()
	stop := context.AfterFunc(ctx, s.shutdown)
	defer stop()
	s.logger.Info("serving NMEA", "address", ln.Addr().String())

	var runErr error
	pause := 5 * time.Millisecond
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			if errors.Is(err, net.ErrClosed) {
				runErr = ErrClosed
				break
			}
			s.logger.Warn("accept failed", "err", err)
			t := time.NewTimer(pause)
			select {
			case <-ctx.Done():
			case <-t.C:
			}
			t.Stop()
			pause = min(2*pause, time.Second)
			continue
		}
		pause = 5 * time.Millisecond
		s.add(conn)
	}
	s.shutdown()
	s.wg.Wait()
	return runErr
}

// shutdown closes the listener and every client.
func (s *Server) shutdown() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	if s.ln != nil {
		s.ln.Close()
	}
	for c := range s.clients {
		c.kill()
	}
}

// add starts serving a new connection, or refuses it.
func (s *Server) add(conn net.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || len(s.clients) >= max(s.MaxClients, 1) {
		// Counted before the close, so that whoever sees the connection
		// end also sees it counted.
		if !s.closed {
			s.refused.Add(1)
			s.logger.Warn("too many clients, refusing one", "max_clients", s.MaxClients)
		}
		conn.Close()
		return
	}
	c := &client{conn: conn, queue: make(chan []byte, max(s.QueueLen, 1)), gone: make(chan struct{})}
	s.clients[c] = struct{}{}
	s.logger.Debug("client connected", "remote", conn.RemoteAddr().String(), "clients", len(s.clients))
	s.wg.Add(1)
	go s.serve(c)
}

// serve writes a client's queue until it goes, reading and discarding what
// it sends meanwhile.
func (s *Server) serve(c *client) {
	defer s.wg.Done()
	discarded := make(chan struct{})
	go func() {
		defer close(discarded)
		io.Copy(io.Discard, c.conn) // OpenCPN and plotters may talk; nobody listens
		c.kill()
	}()
	err := s.write(c)
	c.kill()
	<-discarded

	s.mu.Lock()
	delete(s.clients, c)
	n := len(s.clients)
	s.mu.Unlock()
	s.logger.Debug("client gone", "remote", c.conn.RemoteAddr().String(), "clients", n, "err", err)
}

// write sends queued batches, several per call, until the client goes or a
// write fails or stalls past WriteTimeout.
func (s *Server) write(c *client) error {
	bufs := make(net.Buffers, 0, maxBatch)
	for {
		select {
		case <-c.gone:
			return nil
		case b := <-c.queue:
			bufs = append(bufs[:0], b)
		}
	more:
		for len(bufs) < maxBatch {
			select {
			case b := <-c.queue:
				bufs = append(bufs, b)
			default:
				break more
			}
		}
		if s.WriteTimeout > 0 {
			if err := c.conn.SetWriteDeadline(time.Now().Add(s.WriteTimeout)); err != nil {
				return err
			}
		}
		all := bufs
		if _, err := all.WriteTo(c.conn); err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				if c.kill() {
					s.dropped.Add(1)
					s.logger.Warn("dropped stalled client", "remote", c.conn.RemoteAddr().String())
				}
			}
			return err
		}
		clear(bufs) // let the batches go
	}
}
