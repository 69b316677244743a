package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/riverwatch/riverwatch/ais"
	"github.com/riverwatch/riverwatch/ais/gpsdjson"
	"github.com/riverwatch/riverwatch/ais/source"
)

// runDecode prints one gpsd AIS JSON object per decoded message, so that
// riverwatch can stand in for gpsdecode. Every sentence is decoded: there is
// no de-duplication, as gpsdecode has none.
func runDecode(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("decode", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	unscaled := fs.Bool("u", false, "print raw integer fields as sent (gpsd's unscaled form), not degrees and knots")
	stats := fs.Bool("stats", false, "print counts of accepted and rejected lines to standard error at the end")
	fs.Usage = func() {
		fmt.Fprint(e.stderr, "Usage: riverwatch decode [-u] [-stats] [FILE|-]\n\nDecodes NMEA AIS (VDM/VDO, tag blocks, plain or .gz) and prints gpsd's AIS JSON,\none object per line. Reads standard input when FILE is - or missing.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return errHelp
		}
		return errUsage
	}
	if fs.NArg() > 1 {
		fs.Usage()
		return errUsage
	}
	in := e.stdin
	name := "stdin"
	if fs.NArg() == 1 && fs.Arg(0) != "-" {
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			return err
		}
		defer f.Close()
		r, err := source.Decompress(f)
		if err != nil {
			return fmt.Errorf("%s: %w", fs.Arg(0), err)
		}
		in, name = r, fs.Arg(0)
	}
	// The objects go straight into one output buffer, written out whenever
	// it holds outChunk bytes, and at the end.
	const outChunk = 256 << 10
	enc := gpsdjson.NewEncoder(name, !*unscaled)
	buf := make([]byte, 0, outChunk+4096)
	var writeErr error
	flush := func() {
		if len(buf) > 0 && writeErr == nil {
			_, writeErr = e.stdout.Write(buf)
		}
		buf = buf[:0]
	}
	clock := &readClock{r: in}
	p := ais.NewPipeline(ais.PipelineConfig{
		Now: clock.Now,
		OnMessage: func(m *ais.Message) {
			buf = append(enc.Append(buf, m), '\n')
			if len(buf) >= outChunk {
				flush()
			}
		},
	})
	p.AddSource(name, "file", name)
	lr := source.NewLineReader(clock, source.DefaultMaxLine)
	for n := 0; writeErr == nil; n++ {
		if n&4095 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		line, tooLong, err := lr.Next()
		if tooLong {
			p.Reject(name, ais.ReasonTooLong, line)
		} else if line != nil {
			p.Feed(ais.Line{Source: name, Data: line, Received: clock.at})
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
	}
	flush()
	if writeErr != nil {
		return writeErr
	}
	if *stats {
		printStats(e.stderr, p.Totals())
	}
	return nil
}

// readClock reads the time once per read of its input rather than once per
// line: a line is received when the read that brought it returned. A read
// brings hundreds of lines from a file, and the clock was a noticeable
// part of decoding one.
type readClock struct {
	r  io.Reader
	at time.Time
}

func (c *readClock) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.at = time.Now()
	return n, err
}

// Now is the time of the last read, for the pipeline's fragment expiry.
func (c *readClock) Now() time.Time {
	if c.at.IsZero() {
		return time.Now()
	}
	return c.at
}

// printStats writes one summary line of the ingest counters.
func printStats(w io.Writer, t ais.SourceStats) {
	fmt.Fprintf(w, "lines %d, sentences %d, messages %d, duplicates %d", t.Lines, t.Sentences, t.Messages, t.Duplicate)
	for r := ais.Reason(0); r < ais.NumReasons; r++ {
		fmt.Fprintf(w, ", %s %d", r, t.Rejected[r])
	}
	fmt.Fprintln(w)
}
