package source

import (
	"context"
	"errors"

	"go.bug.st/serial"
)

// errDeviceClosed is recorded when a serial device stops giving data without
// an error of its own (unplugged, or the port closed under us).
var errDeviceClosed = errors.New("serial device closed")

// serialSource reads a receiver on a serial port at 8N1 and reopens the
// device with backoff when it goes away (a USB receiver unplugged).
type serialSource struct {
	base
}

var _ Source = (*serialSource)(nil)

// Open does nothing: the device may appear later, so Run opens and reopens it.
func (s *serialSource) Open() error { return nil }

func (s *serialSource) Run(ctx context.Context, sink Sink) error {
	f := s.feeder(sink)
	bo := newBackoff(s.spec.Backoff)
	lr := NewLineReader(nil, s.spec.MaxLine)
	mode := &serial.Mode{
		BaudRate: s.spec.Baud,
		DataBits: 8,
		Parity:   serial.NoParity,
		StopBits: serial.OneStopBit,
	}
	for ctx.Err() == nil {
		port, err := serial.Open(s.spec.Address, mode)
		if err != nil {
			sink.SetConnected(s.spec.Name, false, err)
			wait := bo.next()
			s.logger.Warn("open failed", "err", err, "retry_in", wait)
			if !sleepCtx(ctx, wait) {
				break
			}
			continue
		}
		start := s.spec.Now()
		sink.SetConnected(s.spec.Name, true, nil)
		s.logger.Info("opened", "baud", s.spec.Baud)
		stop := context.AfterFunc(ctx, func() { port.Close() })
		lr.Reset(port)
		err = f.pump(ctx, lr)
		stop()
		port.Close()
		if ctx.Err() != nil {
			break
		}
		var pe *serial.PortError
		if isEOF(err) || (errors.As(err, &pe) && pe.Code() == serial.PortClosed) {
			err = errDeviceClosed
		}
		sink.SetConnected(s.spec.Name, false, err)
		bo.done(s.spec.Now().Sub(start))
		wait := bo.next()
		s.logger.Warn("device lost", "err", err, "retry_in", wait)
		if !sleepCtx(ctx, wait) {
			break
		}
	}
	sink.SetConnected(s.spec.Name, false, nil)
	return nil
}
