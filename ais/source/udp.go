package source

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"
)

// udpSource listens for datagrams, as AIS-catcher, rtl-ais and most
// receivers send them; one datagram may hold several lines.
type udpSource struct {
	base
	mu   sync.Mutex
	conn net.PacketConn
	errs limitedLog
}

var _ Source = (*udpSource)(nil)

func (s *udpSource) Open() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn != nil {
		return nil
	}
	conn, err := net.ListenPacket("udp", s.spec.Address)
	if err != nil {
		return fmt.Errorf("source %s: %w", s.spec.Name, err)
	}
	if uc, ok := conn.(*net.UDPConn); ok {
		_ = uc.SetReadBuffer(1 << 20) // bursts from several receivers; best effort
	}
	s.conn = conn
	s.addr.Store(conn.LocalAddr().String())
	return nil
}

func (s *udpSource) Run(ctx context.Context, sink Sink) error {
	if err := s.Open(); err != nil {
		return err
	}
	s.mu.Lock()
	conn := s.conn
	s.mu.Unlock()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	defer conn.Close()

	f := s.feeder(sink)
	s.errs.interval = 10 * time.Second
	sink.SetConnected(s.spec.Name, true, nil)
	s.logger.Info("listening", "address", s.Address())
	buf := make([]byte, UDPBufferSize)
	for {
		n, _, err := conn.ReadFrom(buf)
		if n > 0 {
			splitLines(buf[:n], s.spec.MaxLine, f.emit)
		}
		if err == nil {
			continue
		}
		if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
			break
		}
		// ICMP errors and the like: the socket is still good.
		s.errs.warn(s.logger, s.spec.Now(), "read failed", "err", err)
		if !sleepCtx(ctx, 10*time.Millisecond) {
			break
		}
	}
	sink.SetConnected(s.spec.Name, false, nil)
	if ctx.Err() == nil {
		return fmt.Errorf("source %s: socket closed", s.spec.Name)
	}
	return nil
}
