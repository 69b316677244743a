// Package source reads raw AIS lines from the places receivers put them: a
// UDP port, TCP (receivers connecting in, or riverwatch dialling a remote
// feed such as AIS-catcher or a data provider), a serial receiver, a capture
// file (plain or gzip) or standard input.
//
// Every source splits its input into lines with a bounded LineReader and
// hands each line to a Sink (the ais.Pipeline) tagged with the source's name
// and the time it was read. Input is untrusted: a line longer than the limit
// is reported once through Sink.Reject and skipped, binary junk never grows
// memory, and a broken connection or device is retried with capped,
// jittered exponential backoff instead of stopping the program.
package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/riverwatch/riverwatch/ais"
)

// Sink receives what sources read. *ais.Pipeline implements it.
type Sink interface {
	// Feed takes one line. It is safe for concurrent use; l.Data is valid
	// only during the call.
	Feed(l ais.Line)
	// Reject counts a line the source could not frame (too long, binary junk
	// beyond the limit); sample is a truncated prefix of the line, valid
	// only during the call.
	Reject(source string, r ais.Reason, sample []byte)
	// SetConnected records the connection state of a source and, when err is
	// not nil, its last error.
	SetConnected(source string, connected bool, err error)
}

// Source is one AIS input.
type Source interface {
	// Name is the input's name, as lines and stats carry it.
	Name() string
	// Kind is one of the Kind constants.
	Kind() string
	// Address is what the source listens on, dials or reads. After Open, a
	// listener reports its real bound address (useful with port 0).
	Address() string
	// Open binds listeners and opens files so that "address in use" or
	// "no such file" shows at once. Dialling sources and serial devices
	// connect in Run, where they retry. Calling it again is a no-op.
	Open() error
	// Run reads until ctx is cancelled (then it returns nil, having closed
	// everything and waited for its goroutines) or, for a file or stdin,
	// until the input ends (nil). It calls Open if that was not done.
	// It returns an error only for a failure it cannot retry. Call it once.
	Run(ctx context.Context, sink Sink) error
}

// Source kinds, as ais.SourceStats.Kind shows them.
const (
	KindUDP       = "udp"
	KindTCPListen = "tcp-listen"
	KindTCPClient = "tcp-client"
	KindSerial    = "serial"
	KindFile      = "file"
	KindStdin     = "stdin"
)

// Defaults applied where a Spec leaves a field zero.
const (
	DefaultMaxLine  = 1024 // longest line accepted, without its terminator
	DefaultMaxConns = 64   // TCP clients a tcp-listen source serves at once
	// DefaultClientIdle is how long a tcp:// feed may stay silent before it
	// is redialled: a feed that stalls without closing would otherwise look
	// connected forever. Quiet waters at night stay well under it.
	DefaultClientIdle = 10 * time.Minute
	DefaultBaud       = 38400    // the usual AIS receiver serial rate
	UDPBufferSize     = 64 << 10 // one datagram, which may hold several lines
	SampleLen         = 64       // bytes of an over-long line passed to Reject
	maxNameLen        = 64       // longest source name
	dialTimeout       = 10 * time.Second
	keepAlive         = 30 * time.Second
)

// ErrBadSpec is wrapped by every error about an input spec or a Spec that
// New cannot use.
var ErrBadSpec = errors.New("source: bad input spec")

// New builds the source a Spec describes. Zero fields take their defaults;
// a nil logger discards. Nothing is opened until Open or Run.
func New(spec Spec, logger *slog.Logger) (Source, error) {
	spec, err := spec.withDefaults()
	if err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	b := base{
		spec:   spec,
		logger: logger.With("component", "source", "source", spec.Name, "kind", spec.Kind),
	}
	b.addr.Store(spec.Address)
	switch spec.Kind {
	case KindUDP:
		return &udpSource{base: b}, nil
	case KindTCPListen:
		return &tcpListenSource{base: b}, nil
	case KindTCPClient:
		return &tcpClientSource{base: b}, nil
	case KindSerial:
		return &serialSource{base: b}, nil
	case KindFile:
		return &fileSource{base: b}, nil
	case KindStdin:
		return &stdinSource{base: b}, nil
	}
	return nil, fmt.Errorf("%w: unknown kind %q", ErrBadSpec, spec.Kind)
}

// BatchSink is a Sink that takes the lines a source read together at
// once (ais.Pipeline does), so that it can hand their messages on
// together.
type BatchSink interface {
	Sink
	// FeedBatch is Feed of each line in turn; the lines' Data are valid
	// only during the call.
	FeedBatch(lines []ais.Line)
}

// feeder hands lines of one source to its sink.
type feeder struct {
	name  string
	sink  Sink
	now   func() time.Time
	batch []ais.Line // pump's, reused
}

// emit feeds a line, or rejects the sample of an over-long one. Empty lines
// carry nothing and are skipped.
func (f *feeder) emit(line []byte, tooLong bool) {
	if tooLong {
		f.sink.Reject(f.name, ais.ReasonTooLong, line)
		return
	}
	if len(line) == 0 {
		return
	}
	f.sink.Feed(ais.Line{Source: f.name, Data: line, Received: f.now()})
}

// pump feeds every line of lr until it fails (io.EOF at a clean end) or ctx
// is done (ctx.Err()). To a BatchSink it feeds each line with those already
// buffered behind it (up to ais.MaxBatch), as one batch: a busy stream's
// lines then travel together, and a quiet one's line goes on at once.
func (f *feeder) pump(ctx context.Context, lr *LineReader) error {
	bs, _ := f.sink.(BatchSink)
	for n := 0; ; n++ {
		if n&63 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		line, tooLong, err := lr.Next()
		if err != nil {
			return err
		}
		if bs == nil || !lr.Ready() {
			f.emit(line, tooLong)
			continue
		}
		f.batch = f.batch[:0]
		for {
			switch {
			case tooLong:
				f.sink.Reject(f.name, ais.ReasonTooLong, line)
			case len(line) > 0:
				f.batch = append(f.batch, ais.Line{Source: f.name, Data: line, Received: f.now()})
			}
			if len(f.batch) == ais.MaxBatch || !lr.Ready() {
				break
			}
			line, tooLong, _ = lr.Next() // a ready line: no read, no error
		}
		bs.FeedBatch(f.batch)
		clear(f.batch) // keep no buffer alive through the lines
	}
}

// isEOF reports a clean end of a stream.
func isEOF(err error) bool { return errors.Is(err, io.EOF) }
