package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"

	"github.com/riverwatch/riverwatch/ais"
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
	dr := newDatagramReader(conn)
	for {
		n, err := dr.read()
		if n > 0 {
			s.feed(f, dr.msgs[:n])
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

// feed hands on the lines of datagrams read together: to a BatchSink as
// one batch (or more, of ais.MaxBatch lines), else one by one.
func (s *udpSource) feed(f *feeder, msgs []ipv4.Message) {
	bs, ok := f.sink.(BatchSink)
	if !ok || (len(msgs) == 1 && bytes.Count(msgs[0].Buffers[0][:msgs[0].N], []byte{'\n'}) < 2) {
		for _, m := range msgs {
			splitLines(m.Buffers[0][:m.N], s.spec.MaxLine, f.emit)
		}
		return
	}
	f.batch = f.batch[:0]
	now := f.now()
	for _, m := range msgs {
		splitLines(m.Buffers[0][:m.N], s.spec.MaxLine, func(line []byte, tooLong bool) {
			switch {
			case tooLong:
				f.sink.Reject(f.name, ais.ReasonTooLong, line)
			case len(line) > 0:
				if len(f.batch) == ais.MaxBatch {
					bs.FeedBatch(f.batch)
					f.batch = f.batch[:0]
				}
				f.batch = append(f.batch, ais.Line{Source: f.name, Data: line, Received: now})
			}
		})
	}
	bs.FeedBatch(f.batch)
	clear(f.batch)
}

// datagramReader reads the datagrams waiting on a socket together, up to
// ais.MaxBatch of them, with one recvmmsg call where the system has it
// (golang.org/x/net), so that a busy receiver's sentences travel on
// together; a quiet one's datagram goes on at once.
type datagramReader struct {
	batch interface {
		ReadBatch(ms []ipv4.Message, flags int) (int, error)
	}
	conn net.PacketConn
	msgs []ipv4.Message
}

func newDatagramReader(conn net.PacketConn) *datagramReader {
	dr := &datagramReader{conn: conn}
	n := 1
	if uc, ok := conn.(*net.UDPConn); ok {
		n = ais.MaxBatch
		if a, ok := uc.LocalAddr().(*net.UDPAddr); ok && a.IP.To4() == nil {
			dr.batch = ipv6.NewPacketConn(uc)
		} else {
			dr.batch = ipv4.NewPacketConn(uc)
		}
	}
	dr.msgs = make([]ipv4.Message, n)
	for i := range dr.msgs {
		dr.msgs[i].Buffers = [][]byte{make([]byte, UDPBufferSize)}
	}
	return dr
}

// read waits for a datagram and reads it and those queued behind it into
// dr.msgs, returning how many.
func (dr *datagramReader) read() (int, error) {
	if dr.batch == nil {
		n, _, err := dr.conn.ReadFrom(dr.msgs[0].Buffers[0])
		dr.msgs[0].N = n
		if n > 0 {
			return 1, err
		}
		return 0, err
	}
	return dr.batch.ReadBatch(dr.msgs, 0)
}
