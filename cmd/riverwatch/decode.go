package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

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
	out := bufio.NewWriterSize(e.stdout, 256<<10)
	var buf []byte
	var writeErr error
	p := ais.NewPipeline(ais.PipelineConfig{
		OnMessage: func(m *ais.Message) {
			buf = gpsdjson.AppendDevice(buf[:0], m, !*unscaled, name)
			buf = append(buf, '\n')
			if _, err := out.Write(buf); err != nil && writeErr == nil {
				writeErr = err
			}
		},
	})
	p.AddSource(name, "file", name)
	lr := source.NewLineReader(in, source.DefaultMaxLine)
	for n := 0; writeErr == nil; n++ {
		if n&4095 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		line, tooLong, err := lr.Next()
		if tooLong {
			p.Reject(name, ais.ReasonTooLong, line)
		} else if line != nil {
			p.Feed(ais.Line{Source: name, Data: line})
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
	}
	if err := out.Flush(); err != nil {
		return err
	}
	if writeErr != nil {
		return writeErr
	}
	if *stats {
		printStats(e.stderr, p.Totals())
	}
	return nil
}

// printStats writes one summary line of the ingest counters.
func printStats(w io.Writer, t ais.SourceStats) {
	fmt.Fprintf(w, "lines %d, sentences %d, messages %d, duplicates %d", t.Lines, t.Sentences, t.Messages, t.Duplicate)
	for r := ais.Reason(0); r < ais.NumReasons; r++ {
		fmt.Fprintf(w, ", %s %d", r, t.Rejected[r])
	}
	fmt.Fprintln(w)
}
