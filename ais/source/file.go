package source

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/riverwatch/riverwatch/ais"
)

// gzipMagic starts every gzip stream, whatever the file is called.
var gzipMagic = []byte{0x1f, 0x8b}

// Decompress returns r, unpacked when it starts with gzip's magic bytes.
func Decompress(r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(len(gzipMagic))
	if err != nil && err != io.EOF {
		return nil, err
	}
	if !bytes.Equal(head, gzipMagic) {
		return br, nil
	}
	return gzip.NewReader(br)
}

// fileSource replays a capture file, plain or gzip, once or in a loop.
type fileSource struct {
	base
	mu sync.Mutex
	f  *os.File
}

var _ Source = (*fileSource)(nil)

// Open opens the file so that a wrong path shows at once.
func (s *fileSource) Open() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f != nil {
		return nil
	}
	f, err := os.Open(s.spec.Address)
	if err != nil {
		return fmt.Errorf("source %s: %w", s.spec.Name, err)
	}
	s.f = f
	return nil
}

func (s *fileSource) Run(ctx context.Context, sink Sink) error {
	if err := s.Open(); err != nil {
		return err
	}
	s.mu.Lock()
	file := s.f
	s.mu.Unlock()
	defer file.Close()

	counted := &countingSink{Sink: sink}
	cf := s.feeder(counted)
	lr := NewLineReader(nil, s.spec.MaxLine)
	sink.SetConnected(s.spec.Name, true, nil)
	defer sink.SetConnected(s.spec.Name, false, nil)
	for {
		r, err := Decompress(file)
		if err != nil {
			return s.fail(sink, err)
		}
		lr.Reset(r)
		counted.n = 0
		err = cf.pump(ctx, lr)
		switch {
		case ctx.Err() != nil:
			return nil
		case !isEOF(err):
			return s.fail(sink, err)
		case !s.spec.Loop:
			s.logger.Info("end of file")
			return nil
		case counted.n == 0:
			s.logger.Warn("no lines in file, not looping")
			return nil
		}
		if _, err := file.Seek(0, io.SeekStart); err != nil {
			return s.fail(sink, err)
		}
	}
}

func (s *fileSource) fail(sink Sink, err error) error {
	err = fmt.Errorf("source %s: read %s: %w", s.spec.Name, s.spec.Address, err)
	sink.SetConnected(s.spec.Name, false, err)
	return err
}

// countingSink counts the lines a pass fed or rejected, so that looping over
// a file with none stops instead of spinning.
type countingSink struct {
	Sink
	n int
}

func (c *countingSink) Feed(l ais.Line) {
	c.n++
	c.Sink.Feed(l)
}

func (c *countingSink) Reject(source string, r ais.Reason, sample []byte) {
	c.n++
	c.Sink.Reject(source, r, sample)
}
