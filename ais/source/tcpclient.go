package source

import (
	"context"
	"errors"
	"net"
)

// errRemoteClosed is the error a tcp-client source records when the remote
// end closes the connection cleanly.
var errRemoteClosed = errors.New("connection closed by remote")

// tcpClientSource dials a remote feed (AIS-catcher, gpsd's raw port, a data
// provider) and redials with backoff whenever the connection drops.
type tcpClientSource struct {
	base
}

var _ Source = (*tcpClientSource)(nil)

// Open does nothing: the feed is dialled, and redialled, in Run.
func (s *tcpClientSource) Open() error { return nil }

func (s *tcpClientSource) Run(ctx context.Context, sink Sink) error {
	f := s.feeder(sink)
	bo := newBackoff(s.spec.Backoff)
	dialer := net.Dialer{Timeout: dialTimeout, KeepAlive: keepAlive}
	lr := NewLineReader(nil, s.spec.MaxLine)
	for ctx.Err() == nil {
		c, err := dialer.DialContext(ctx, "tcp", s.spec.Address)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			sink.SetConnected(s.spec.Name, false, err)
			wait := bo.next()
			s.logger.Warn("dial failed", "err", err, "retry_in", wait)
			if !sleepCtx(ctx, wait) {
				break
			}
			continue
		}
		start := s.spec.Now()
		sink.SetConnected(s.spec.Name, true, nil)
		s.logger.Info("connected", "remote", c.RemoteAddr().String())
		stop := context.AfterFunc(ctx, func() { c.Close() })
		lr.Reset(idleReader{c: c, idle: s.spec.IdleTimeout})
		err = f.pump(ctx, lr)
		stop()
		c.Close()
		if ctx.Err() != nil {
			break
		}
		if isEOF(err) {
			err = errRemoteClosed
		}
		sink.SetConnected(s.spec.Name, false, err)
		bo.done(s.spec.Now().Sub(start))
		wait := bo.next()
		s.logger.Warn("connection lost", "err", err, "retry_in", wait)
		if !sleepCtx(ctx, wait) {
			break
		}
	}
	sink.SetConnected(s.spec.Name, false, nil)
	return nil
}
