package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/riverwatch/riverwatch/ais"
	"github.com/riverwatch/riverwatch/ais/source"
	"github.com/riverwatch/riverwatch/vessels"
	"github.com/riverwatch/riverwatch/vessels/influxstore"
	"github.com/riverwatch/riverwatch/zones"
	"github.com/riverwatch/riverwatch/zones/waterway"
)

// replaySource names the import's lines in the pipeline.
const replaySource = "replay"

// importBacklog is how many points may wait for InfluxDB before the import
// pauses reading: an import goes as fast as InfluxDB takes points, never
// faster, so nothing spills or drops.
const importBacklog = influxstore.DefaultMaxBuffered / 2

// importStats is what an import did.
type importStats struct {
	Lines, Messages, Positions, Written, Dropped uint64
	Took                                         time.Duration
}

// replayIntoHistory loads a capture straight into InfluxDB: the same
// pipeline and tracker rules as live input, but with the clock of the
// capture itself (each message's tag-block or leading time), so that no
// clock-skew shift applies and a capture of last week lands last week.
// Lines without a time take the time of the line before them, or now.
func replayIntoHistory(ctx context.Context, file string, cfg Config, quiet bool, stderr io.Writer, logger *slog.Logger) (importStats, error) {
	var st importStats
	if cfg.InfluxURL == "" || cfg.InfluxBucket == "" {
		return st, errors.New("replay --into-history: give --influx-url and --influx-bucket (1.8: database/retention-policy)")
	}
	f, err := os.Open(file)
	if err != nil {
		return st, err
	}
	defer f.Close()
	h, err := influxstore.New(influxConfig(cfg, logger))
	if err != nil {
		return st, fmt.Errorf("replay --into-history: %w", err)
	}
	start := time.Now()

	// The capture's clock: the time of the message being handled (the
	// zones' sweeps read it from their own goroutine).
	var clock atomic.Int64
	now := func() time.Time {
		if ns := clock.Load(); ns != 0 {
			return time.Unix(0, ns).UTC()
		}
		return time.Now()
	}
	broker := vessels.NewBroker()
	feedStatic(h, broker, logger)
	w, err := importZones(cfg, now, logger)
	if err != nil {
		_ = h.Close()
		return st, err
	}
	broker.SubscribeRef(w.HandleRef)
	broker.SubscribePrefetch(w)
	entries := &zoneEntryFeed{h: h, w: w, log: logger, in: make(chan zones.Occupancy, zoneEntryQueue)}
	w.OnOccupancy(entries.offer)
	zctx, stopZones := context.WithCancel(context.Background())
	var zwg sync.WaitGroup
	zwg.Go(func() { _ = w.Run(zctx) })
	zwg.Go(func() { _ = entries.Run(zctx) })
	tracker := vessels.NewTracker(vessels.TrackerConfig{
		StaleFactor: cfg.StaleFactor, LostAfter: cfg.LostAfter, MaxSpeedKnots: cfg.MaxSpeedKnots,
		MaxClockSkew: cfg.MaxClockSkew, MaxVessels: cfg.MaxVessels, Now: now, Logger: logger,
	}, vessels.NewMemoryStore(), h, broker)
	pipeline := ais.NewPipeline(ais.PipelineConfig{
		DedupWindow: cfg.DedupWindow, FragmentTimeout: cfg.FragmentTimeout, Now: now, Logger: logger,
		OnMessage: func(m *ais.Message) {
			if !m.Received.IsZero() {
				clock.Store(m.Received.UnixNano())
			}
			tracker.Handle(m)
		},
	})
	pipeline.AddSource(replaySource, "file", file)

	bar := newLineBar(file, "import", quiet, stderr)
	r, err := source.Decompress(f)
	if err == nil {
		err = importLines(ctx, source.NewLineReader(r, source.DefaultMaxLine), pipeline, h, bar, &st)
	}
	_ = bar.Finish()
	stopZones()
	zwg.Wait() // the zone entries are appended
	_ = w.Close()
	flushCtx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	ferr := h.Flush(flushCtx)
	cancel()
	ts := tracker.Stats()
	st.Messages, st.Positions = ts.Messages, ts.Positions
	hs := h.Stats()
	cerr := h.Close()
	st.Written, st.Dropped, st.Took = hs.Written, hs.Dropped, time.Since(start)
	return st, errors.Join(err, ferr, cerr)
}

// importLines feeds every line to the pipeline, pausing while InfluxDB
// is more than importBacklog points behind.
func importLines(ctx context.Context, lr *source.LineReader, p *ais.Pipeline, h *influxstore.History, bar *progressbar.ProgressBar, st *importStats) error {
	for {
		line, tooLong, err := lr.Next()
		if len(line) > 0 || err == nil {
			st.Lines++
			if st.Lines%1024 == 0 {
				_ = bar.Add(1024)
				if err := waitBacklog(ctx, h); err != nil {
					return err
				}
			}
		}
		if len(line) > 0 {
			if tooLong {
				p.Reject(replaySource, ais.ReasonTooLong, line)
			} else {
				p.Feed(ais.Line{Source: replaySource, Data: line})
			}
		}
		if errors.Is(err, io.EOF) {
			_ = bar.Add(int(st.Lines % 1024))
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func waitBacklog(ctx context.Context, h *influxstore.History) error {
	for {
		s := h.Stats()
		if s.Pending+s.Spilled <= importBacklog {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// historyFlags adds --into-history and the --influx-* flags of serve to
// the replay command.
func historyFlags(fs *flag.FlagSet, cfg *Config) *bool {
	into := fs.Bool("into-history", false, "import the capture straight into InfluxDB (the --influx-* flags) instead of sending it")
	fs.StringVar(&cfg.InfluxURL, "influx-url", cfg.InfluxURL, "InfluxDB (2.x, Cloud, or 1.8+) to import into, e.g. http://127.0.0.1:8086")
	fs.StringVar(&cfg.InfluxToken, "influx-token", cfg.InfluxToken, "InfluxDB API token (1.8: user:password, or empty)")
	fs.StringVar(&cfg.InfluxOrg, "influx-org", cfg.InfluxOrg, "InfluxDB organisation (2.x and Cloud)")
	fs.StringVar(&cfg.InfluxBucket, "influx-bucket", cfg.InfluxBucket, "InfluxDB bucket (1.8: database/retention-policy)")
	fs.StringVar(&cfg.InfluxSpill, "influx-spill", cfg.InfluxSpill, "`DIR` where points wait on disk if InfluxDB goes away during the import")
	fs.StringVar(&cfg.Zones, "zones", cfg.Zones, "GeoJSON `FILE` of the zones whose entries the import counts (default the built-in Jilin zones)")
	return into
}

// runImport is `replay FILE --into-history`.
func runImport(ctx context.Context, file string, cfg Config, quiet bool, e env) error {
	logger, err := newLogger(e.stderr, "warn", "text")
	if err != nil {
		return err
	}
	st, err := replayIntoHistory(ctx, file, cfg, quiet, e.stderr, logger)
	rate := float64(st.Written) / max(st.Took.Seconds(), 1e-9)
	fmt.Fprintf(e.stderr, "replay: %d lines, %d messages, %d positions; %d points written to InfluxDB in %v (%.0f points/s), %d dropped\n",
		st.Lines, st.Messages, st.Positions, st.Written, st.Took.Round(time.Millisecond), rate, st.Dropped)
	return err
}

// importZones is the zones service of an import, on the capture's clock:
// the built-in zones or the --zones file, in memory, so that vessels
// entering zones are counted in the history as they were live. Its
// alerts stay out of the history: they were not raised at the time.
func importZones(cfg Config, now func() time.Time, logger *slog.Logger) (*zones.Watch, error) {
	water, err := waterway.Load()
	if err != nil {
		return nil, fmt.Errorf("waterways: %w", err)
	}
	base := zones.DefaultZones(water)
	if cfg.Zones != "" {
		data, err := os.ReadFile(cfg.Zones)
		if err != nil {
			return nil, fmt.Errorf("zones: %w", err)
		}
		if base, err = zones.ParseZones(data); err != nil {
			return nil, fmt.Errorf("zones %s: %w", cfg.Zones, err)
		}
	}
	w, err := zones.NewWatch(zones.WatchConfig{Base: base, Now: now, Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("zones: %w", err)
	}
	if err := w.Open(context.Background()); err != nil {
		return nil, fmt.Errorf("zones: %w", err)
	}
	return w, nil
}
