package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/riverwatch/riverwatch/ais"
	"github.com/riverwatch/riverwatch/ais/source"
)

// runReplay sends the sentences of a capture file to a running riverwatch
// (or any AIS consumer) over UDP or TCP, paced by a fixed rate or by the
// receive times the file carries.
func runReplay(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	to := fs.String("to", "", "destination `URL`: udp://HOST:PORT or tcp://HOST:PORT (required)")
	rate := fs.Float64("rate", 1000, "lines per second; 0 = as fast as possible")
	speed := fs.Float64("speed", 0, "follow the file's receive timestamps, this many times faster than real time (overrides --rate)")
	loop := fs.Bool("loop", false, "start again at the end of the file")
	quiet := fs.Bool("quiet", false, "no progress bar")
	cfg := DefaultConfig()
	intoHistory := historyFlags(fs, &cfg)
	fs.Usage = func() {
		fmt.Fprint(e.stderr, "Usage: riverwatch replay FILE --to udp://HOST:PORT [--rate N | --speed X] [--loop]\n       riverwatch replay FILE --into-history --influx-url URL --influx-bucket B [--influx-token T] [--influx-org O]\n\nSends a capture (plain or .gz; lines may start with a unix receive time\nor an NMEA 4.0 tag block) to a running riverwatch, or imports it straight\ninto InfluxDB at full speed with the capture's own times.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := applyEnv(fs, &inputList{values: new([]string)}, e.getenv); err != nil {
		return err
	}
	file, rest := splitFirstArg(args)
	if err := fs.Parse(rest); err != nil {
		if err == flag.ErrHelp {
			return errHelp
		}
		return errUsage
	}
	if file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	}
	if *intoHistory && file != "" {
		return runImport(ctx, file, cfg, *quiet, e)
	}
	if file == "" || *to == "" {
		fs.Usage()
		return errUsage
	}
	if *rate < 0 || *speed < 0 {
		return errors.New("replay: --rate and --speed must not be negative")
	}
	conn, err := dialTarget(ctx, *to)
	if err != nil {
		return err
	}
	defer conn.Close()
	for {
		n, err := replayOnce(ctx, file, conn, *rate, *speed, *quiet, e.stderr)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "replay: sent %d lines to %s\n", n, *to)
		if !*loop || ctx.Err() != nil {
			return nil
		}
	}
}

// splitFirstArg lets the file come before the flags, as in
// "replay FILE --to URL".
func splitFirstArg(args []string) (string, []string) {
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		return args[0], args[1:]
	}
	return "", args
}

// dialTarget connects to udp://HOST:PORT or tcp://HOST:PORT.
func dialTarget(ctx context.Context, target string) (net.Conn, error) {
	u, err := url.Parse(target)
	if err != nil || u.Host == "" || (u.Scheme != "udp" && u.Scheme != "tcp") {
		return nil, fmt.Errorf("replay: --to %q: want udp://HOST:PORT or tcp://HOST:PORT", target)
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, u.Scheme, u.Host)
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	return conn, nil
}

// replayOnce sends every line of file once and returns how many it sent.
func replayOnce(ctx context.Context, file string, conn net.Conn, rate, speed float64, quiet bool, stderr io.Writer) (int, error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	bar := newLineBar(file, "replay", quiet, stderr)
	defer bar.Finish()
	r, err := source.Decompress(f)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", file, err)
	}
	lr := source.NewLineReader(r, source.DefaultMaxLine)
	p := pacer{rate: rate, speed: speed, start: time.Now()}
	sent := 0
	out := make([]byte, 0, 256)
	for {
		line, tooLong, err := lr.Next()
		if err == nil || len(line) > 0 {
			bar.Add(1)
		}
		if len(line) > 0 && !tooLong && line[0] != '#' {
			if werr := p.wait(ctx, line); werr != nil {
				return sent, nil // interrupted: not an error
			}
			out = append(append(out[:0], line...), '\r', '\n')
			if _, werr := conn.Write(out); werr != nil {
				// UDP reports a receiver that is not (yet) listening as
				// "connection refused" on a later write: keep sending.
				if _, isUDP := conn.(*net.UDPConn); !isUDP || !errors.Is(werr, syscall.ECONNREFUSED) {
					return sent, fmt.Errorf("replay: %w", werr)
				}
			}
			sent++
		}
		if errors.Is(err, io.EOF) {
			return sent, nil
		}
		if err != nil {
			return sent, err
		}
	}
}

// countLines counts the lines of a capture (plain or gzip) for the
// progress bar: a quick pass before the paced one.
func countLines(file string) (int64, error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	r, err := source.Decompress(f)
	if err != nil {
		return 0, err
	}
	var n int64
	buf := make([]byte, 64<<10)
	for {
		k, err := r.Read(buf)
		n += int64(bytes.Count(buf[:k], []byte{'\n'}))
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// pacer spaces lines either at a fixed rate or by their receive times.
type pacer struct {
	rate, speed float64
	start       time.Time
	first       float64 // first receive time in the file, seconds
	sent        int
}

func (p *pacer) wait(ctx context.Context, line []byte) error {
	var due time.Time
	if p.speed > 0 {
		ts, ok := lineTime(line)
		if !ok {
			return ctx.Err()
		}
		if p.first == 0 {
			p.first = ts
		}
		due = p.start.Add(time.Duration((ts - p.first) / p.speed * float64(time.Second)))
	} else if p.rate > 0 {
		due = p.start.Add(time.Duration(float64(p.sent) / p.rate * float64(time.Second)))
	}
	p.sent++
	if d := time.Until(due); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return ctx.Err()
}

// lineTime reads the receive time a line carries — a unix or RFC 3339
// time in front of it, or its tag block's c: field — with the pipeline's
// own framing, in unix seconds.
func lineTime(line []byte) (float64, bool) {
	s, err := ais.ParseSentence(line)
	switch {
	case err != nil:
		return 0, false
	case !s.Tag.Time.IsZero():
		return float64(s.Tag.Time.UnixNano()) / 1e9, true
	case !s.Received.IsZero():
		return float64(s.Received.UnixNano()) / 1e9, true
	}
	return 0, false
}

// newLineBar is the progress bar of a command reading file line by line:
// out of the file's line count, or spinning when it is unknown (quiet
// skips counting; the bar is hidden then anyway).
func newLineBar(file, what string, quiet bool, stderr io.Writer) *progressbar.ProgressBar {
	total := int64(-1)
	if !quiet {
		if n, err := countLines(file); err == nil {
			total = n
		}
	}
	return progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription(what),
		progressbar.OptionSetItsString("lines"),
		progressbar.OptionShowIts(),
		progressbar.OptionShowCount(),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionSetVisibility(!quiet),
		progressbar.OptionClearOnFinish(),
	)
}
