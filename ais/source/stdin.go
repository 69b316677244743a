package source

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/riverwatch/riverwatch/ais"
)

// stdinSource reads standard input (or Spec.Stdin), plain or gzip, until it
// ends: `nc host port | riverwatch serve --input -`.
type stdinSource struct {
	base
}

var _ Source = (*stdinSource)(nil)

// Open does nothing: standard input is always there.
func (s *stdinSource) Open() error { return nil }

// Run reads in a goroutine of its own, because a read from a terminal or
// pipe cannot be interrupted. On cancel Run closes the reader if it can
// (any io.Closer but os.Stdin) and waits; for os.Stdin it stops feeding and
// returns, leaving that one read to end with the process.
func (s *stdinSource) Run(ctx context.Context, sink Sink) error {
	r := s.spec.Stdin
	if r == nil {
		r = os.Stdin
	}
	gs := &gateSink{Sink: sink}
	f := s.feeder(gs)
	done := make(chan error, 1)
	go func() {
		dr, err := Decompress(r)
		if err == nil {
			err = f.pump(ctx, NewLineReader(dr, s.spec.MaxLine))
		}
		done <- err
	}()
	sink.SetConnected(s.spec.Name, true, nil)
	defer sink.SetConnected(s.spec.Name, false, nil)

	select {
	case err := <-done:
		if isEOF(err) || ctx.Err() != nil {
			s.logger.Info("end of input")
			return nil
		}
		err = fmt.Errorf("source %s: read stdin: %w", s.spec.Name, err)
		sink.SetConnected(s.spec.Name, false, err)
		return err
	case <-ctx.Done():
		gs.close()
		if c, ok := r.(io.Closer); ok && r != io.Reader(os.Stdin) {
			c.Close()
			<-done
		}
		return nil
	}
}

// gateSink passes lines on until closed, then drops them, so that nothing is
// fed after Run has returned.
type gateSink struct {
	Sink
	mu     sync.Mutex
	closed bool
}

func (g *gateSink) close() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
}

func (g *gateSink) Feed(l ais.Line) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.closed {
		g.Sink.Feed(l)
	}
}

func (g *gateSink) Reject(source string, r ais.Reason, sample []byte) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.closed {
		g.Sink.Reject(source, r, sample)
	}
}
