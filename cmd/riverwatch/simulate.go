package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sync"
	"syscall"
	"time"

	"github.com/riverwatch/riverwatch/ais/simulate"
	"github.com/riverwatch/riverwatch/zones"
	"github.com/riverwatch/riverwatch/zones/waterway"
)

// runSimulate prints the built-in fleet's AIS sentences to standard output,
// or sends them to a running riverwatch, in real time.
func runSimulate(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	to := fs.String("to", "", "send to `URL` (udp://HOST:PORT or tcp://HOST:PORT) instead of printing")
	n := fs.Int("vessels", 100, "number of simulated vessels")
	seed := fs.Int64("seed", 1, "seed of the simulated fleet")
	duration := fs.Duration("duration", 0, "stop after this long; 0 = until interrupted")
	incidents := fs.Bool("incidents", true, "stage incidents (a vessel breaking a rule every 20-40 s) at the default zones")
	fs.Usage = func() {
		fmt.Fprint(e.stderr, "Usage: riverwatch simulate [--to URL] [--vessels N] [--duration D] [--incidents=false]\n\nRuns the built-in traffic simulator: cargo ships, passenger boats, ferries,\nfishing boats and class B craft on the Songhua, Nen, Yalu and Tumen and the\nlakes, as real AIS sentences in real time, with now and then a vessel\nbreaking one of the rules of the default zones.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return errHelp
		}
		return errUsage
	}
	water, err := waterway.Load()
	if err != nil {
		return err
	}
	routes := simRoutes(water)
	sim, err := simulate.New(simulate.Config{Vessels: *n, Seed: *seed, Routes: routes,
		Hotspots: simHotspots(zones.DefaultZones(water), routes), Incidents: *incidents})
	if err != nil {
		return err
	}
	var w io.Writer = e.stdout
	if *to != "" {
		conn, err := dialTarget(ctx, *to)
		if err != nil {
			return err
		}
		defer conn.Close()
		w = conn
	}
	if *duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *duration)
		defer cancel()
	}
	ctx, stop := context.WithCancel(ctx) // a failed write stops the simulator
	defer stop()
	bw := bufio.NewWriter(w)
	var mu sync.Mutex // emit runs on the simulator's goroutine, Flush on this one
	var werr error
	emit := func(line []byte) {
		mu.Lock()
		defer mu.Unlock()
		if werr != nil {
			return
		}
		if *to != "" && isUDP(*to) {
			// One datagram per sentence, as receivers send them. A
			// receiver not listening (yet, or restarting) shows as
			// "connection refused" on a later write: keep sending, so
			// that it hears the traffic again once it is back.
			_, err := w.Write(append(append([]byte(nil), line...), '\r', '\n'))
			if err != nil && !errors.Is(err, syscall.ECONNREFUSED) {
				werr = err
				stop()
			}
			return
		}
		bw.Write(line)
		if _, werr = bw.Write([]byte("\r\n")); werr != nil {
			stop()
		}
	}
	done := make(chan error, 1)
	go func() { done <- sim.Run(ctx, emit) }()
	flush := time.NewTicker(200 * time.Millisecond)
	defer flush.Stop()
	for {
		select {
		case err := <-done:
			mu.Lock()
			defer mu.Unlock()
			if ferr := bw.Flush(); werr == nil {
				werr = ferr
			}
			if err != nil && ctx.Err() == nil {
				return err
			}
			return werr
		case <-flush.C:
			mu.Lock()
			if ferr := bw.Flush(); werr == nil && ferr != nil {
				werr = ferr
				stop()
			}
			mu.Unlock()
		}
	}
}

func isUDP(target string) bool { return len(target) > 6 && target[:6] == "udp://" }
