package source

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"
)

// tcpListenSource accepts receivers that connect in and push lines, each
// client read by its own goroutine; the number of clients is bounded.
type tcpListenSource struct {
	base
	mu      sync.Mutex
	ln      net.Listener
	conns   map[net.Conn]struct{}
	closed  bool // Run is stopping: close new connections at once
	refused limitedLog
	errs    limitedLog
}

var _ Source = (*tcpListenSource)(nil)

func (s *tcpListenSource) Open() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return nil
	}
	ln, err := net.Listen("tcp", s.spec.Address)
	if err != nil {
		return fmt.Errorf("source %s: %w", s.spec.Name, err)
	}
	s.ln = ln
	s.addr.Store(ln.Addr().String())
	return nil
}

func (s *tcpListenSource) Run(ctx context.Context, sink Sink) error {
	if err := s.Open(); err != nil {
		return err
	}
	s.mu.Lock()
	ln := s.ln
	s.conns = make(map[net.Conn]struct{})
	s.mu.Unlock()
	stop := context.AfterFunc(ctx, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.closed = true
		ln.Close()
		for c := range s.conns {
			c.Close()
		}
	})
	defer stop()

	s.refused.interval, s.errs.interval = 10*time.Second, 10*time.Second
	f := s.feeder(sink)
	slots := make(chan struct{}, s.spec.MaxConns)
	var wg sync.WaitGroup
	var runErr error
	s.logger.Info("listening", "address", s.Address(), "max_conns", s.spec.MaxConns)
	pause := 5 * time.Millisecond
	for {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			if errors.Is(err, net.ErrClosed) {
				runErr = fmt.Errorf("source %s: listener closed", s.spec.Name)
				break
			}
			// Out of file descriptors and the like: wait and go on.
			s.errs.warn(s.logger, s.spec.Now(), "accept failed", "err", err)
			if !sleepCtx(ctx, pause) {
				break
			}
			pause = min(2*pause, time.Second)
			continue
		}
		pause = 5 * time.Millisecond
		select {
		case slots <- struct{}{}:
		default:
			s.refused.warn(s.logger, s.spec.Now(), "too many connections, refusing one", "max_conns", s.spec.MaxConns)
			c.Close()
			continue
		}
		if !s.track(c, sink) {
			c.Close()
			<-slots
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			err := f.pump(ctx, NewLineReader(idleReader{c: c, idle: s.spec.IdleTimeout}, s.spec.MaxLine))
			c.Close()
			if isEOF(err) || ctx.Err() != nil {
				err = nil
			}
			s.untrack(c, sink, err)
		}()
	}
	ln.Close()
	wg.Wait()
	return runErr
}

// track registers a client; the first one marks the source connected.
func (s *tcpListenSource) track(c net.Conn, sink Sink) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.conns[c] = struct{}{}
	if len(s.conns) == 1 {
		sink.SetConnected(s.spec.Name, true, nil)
	}
	s.logger.Debug("client connected", "clients", len(s.conns))
	return true
}

// untrack forgets a client; the last one gone marks the source disconnected.
func (s *tcpListenSource) untrack(c net.Conn, sink Sink, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c)
	if err != nil {
		s.logger.Debug("client read failed", "err", err)
	}
	if len(s.conns) == 0 {
		sink.SetConnected(s.spec.Name, false, err)
	}
	s.logger.Debug("client disconnected", "clients", len(s.conns))
}
