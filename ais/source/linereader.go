package source

import (
	"bytes"
	"io"
)

// LineReader splits a stream into lines with a fixed buffer, so that hostile
// or broken input (megabytes of binary with no newline) never grows memory.
// Lines end at "\n"; trailing "\r" is removed. A line longer than the limit
// (which a raw line may pass by one byte, for its "\r") is reported once, as
// a truncated sample, and skipped up to its newline.
// A LineReader is not safe for concurrent use.
type LineReader struct {
	r          io.Reader
	buf        []byte
	start, end int // unread bytes are buf[start:end]
	max        int
	skipping   bool  // inside an over-long line already reported
	err        error // read error, returned once the buffer is drained
}

// NewLineReader reads lines of at most maxLine bytes (terminator excluded)
// from r; maxLine <= 0 means DefaultMaxLine. The buffer is allocated once.
func NewLineReader(r io.Reader, maxLine int) *LineReader {
	if maxLine <= 0 {
		maxLine = DefaultMaxLine
	}
	return newLineReaderSize(r, maxLine, 4096)
}

// newLineReaderSize lets tests use the smallest buffer, maxLine+2: room for
// the line and its "\r\n".
func newLineReaderSize(r io.Reader, maxLine, size int) *LineReader {
	size = max(size, maxLine+2, SampleLen)
	return &LineReader{r: r, buf: make([]byte, size), max: maxLine}
}

// Reset makes the reader read from r, dropping anything buffered, so that a
// reconnecting source reuses its buffer.
func (lr *LineReader) Reset(r io.Reader) {
	lr.r, lr.start, lr.end, lr.skipping, lr.err = r, 0, 0, false, nil
}

// Ready reports whether a complete line is buffered: the next Next then
// returns it without reading, and without moving the buffer, so that the
// lines Next returned before stay valid.
func (lr *LineReader) Ready() bool {
	return !lr.skipping && lr.start < lr.end && bytes.IndexByte(lr.buf[lr.start:lr.end], '\n') >= 0
}

// Next returns the next line, valid until the next call (or, while Ready,
// until a call when it is not).
//
// When tooLong is true, line is the first SampleLen bytes (or fewer) of a
// line longer than the limit; the rest of that line is skipped.
//
// At the end of input a last line without newline is returned first, then
// io.EOF. Another read error is returned after the complete lines read
// before it; a partial line in front of it is dropped, since a broken
// connection cuts sentences. Errors are sticky.
func (lr *LineReader) Next() (line []byte, tooLong bool, err error) {
	reads := 0
	for {
		if lr.start < lr.end {
			pending := lr.buf[lr.start:lr.end]
			if i := bytes.IndexByte(pending, '\n'); i >= 0 {
				lr.start += i + 1
				if lr.skipping {
					lr.skipping = false
					continue
				}
				return lr.cut(pending[:i])
			}
			if lr.skipping {
				lr.start, lr.end = 0, 0
			}
		}
		if lr.err != nil {
			pending := lr.buf[lr.start:lr.end]
			lr.start, lr.end = 0, 0
			if len(pending) > 0 && !lr.skipping && lr.err == io.EOF {
				return lr.cut(pending)
			}
			lr.skipping = false
			return nil, false, lr.err
		}
		if lr.start > 0 {
			lr.end = copy(lr.buf, lr.buf[lr.start:lr.end])
			lr.start = 0
		}
		if lr.end == len(lr.buf) {
			// A full buffer with no newline: longer than any allowed line.
			lr.skipping = true
			lr.start, lr.end = 0, 0
			return lr.buf[:min(SampleLen, len(lr.buf))], true, nil
		}
		n, err := lr.r.Read(lr.buf[lr.end:])
		lr.end += n
		switch {
		case err != nil:
			lr.err = err
		case n == 0:
			if reads++; reads > 100 {
				lr.err = io.ErrNoProgress
			}
		}
	}
}

// cut applies the length limit to a complete line and strips its "\r". A raw
// line may be one byte over the limit for its "\r"; past that it is too long
// whatever it holds, which is also what a full buffer means.
func (lr *LineReader) cut(raw []byte) ([]byte, bool, error) {
	line, tooLong := frame(raw, lr.max)
	return line, tooLong, nil
}

// frame is the one rule every source frames lines by: the line, or the
// sample of a line over maxLine.
func frame(raw []byte, maxLine int) ([]byte, bool) {
	if len(raw) <= maxLine+1 {
		line := bytes.TrimRight(raw, "\r")
		if len(line) <= maxLine {
			return line, false
		}
	}
	return raw[:min(SampleLen, len(raw))], true
}

// splitLines calls fn for each line of a datagram (the last one may lack its
// newline), with the same framing and limit as LineReader.
func splitLines(b []byte, maxLine int, fn func(line []byte, tooLong bool)) {
	for len(b) > 0 {
		var raw []byte
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			raw, b = b[:i], b[i+1:]
		} else {
			raw, b = b, nil
		}
		fn(frame(raw, maxLine))
	}
}
