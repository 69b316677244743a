package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/riverwatch/riverwatch/ais"
	"github.com/riverwatch/riverwatch/ais/nmeaout"
	"github.com/riverwatch/riverwatch/ais/simulate"
	"github.com/riverwatch/riverwatch/ais/source"
	"github.com/riverwatch/riverwatch/api"
	"github.com/riverwatch/riverwatch/api/accounts"
	"github.com/riverwatch/riverwatch/vessels"
	"github.com/riverwatch/riverwatch/video"
	"github.com/riverwatch/riverwatch/web"
	"github.com/riverwatch/riverwatch/zones"
	"github.com/riverwatch/riverwatch/zones/waterway"
)

func runServe(ctx context.Context, args []string, e env) error {
	cfg, err := parseServe(args, e)
	if err != nil {
		return err
	}
	logger, err := newLogger(e.stderr, cfg.LogLevel, cfg.LogFormat)
	if err != nil {
		return err
	}
	srv, err := openServer(cfg, e, logger)
	if err != nil {
		return err
	}
	return srv.run(ctx)
}

// server is the wired system of `serve`.
type server struct {
	cfg      Config
	logger   *slog.Logger
	pipeline *ais.Pipeline
	tracker  *vessels.Tracker
	history  vessels.Archive
	entries  *zoneEntryFeed
	broker   *vessels.Broker
	sources  []source.Source
	nmeaOut  *nmeaout.Server
	sim      *simulate.Simulator
	zones    *zones.Watch
	accounts *accounts.Service
	video    *videoStack
	api      *api.Server
	extras   *boardExtras
}

// openServer builds every component and binds every listener, so that a bad
// address or a port in use fails here, before anything runs.
func openServer(cfg Config, e env, logger *slog.Logger) (*server, error) {
	s := &server{cfg: cfg, logger: logger}
	water, err := waterway.Load()
	if err != nil {
		return nil, fmt.Errorf("waterways: %w", err)
	}

	s.broker = vessels.NewBroker()
	s.history, err = openHistory(cfg, logger)
	if err != nil {
		return nil, err
	}
	s.tracker = vessels.NewTracker(vessels.TrackerConfig{
		StaleFactor:   cfg.StaleFactor,
		LostAfter:     cfg.LostAfter,
		MaxSpeedKnots: cfg.MaxSpeedKnots,
		MaxClockSkew:  cfg.MaxClockSkew,
		MaxVessels:    cfg.MaxVessels,
		Logger:        logger,
	}, vessels.NewMemoryStore(), s.history, s.broker)

	s.zones, err = openZones(context.Background(), cfg, water, logger)
	if err != nil {
		return nil, err
	}
	s.broker.SubscribeRef(s.zones.HandleRef) // first: the rules see every event before the live push
	s.broker.SubscribePrefetch(s.zones)

	if cfg.NMEAOut != "" {
		s.nmeaOut = nmeaout.New(cfg.NMEAOut, logger)
		if err := s.nmeaOut.Open(); err != nil {
			return nil, fmt.Errorf("nmea out: %w", err)
		}
	}
	pcfg := ais.PipelineConfig{
		DedupWindow:     cfg.DedupWindow,
		FragmentTimeout: cfg.FragmentTimeout,
		OnMessage:       s.tracker.Handle,
		OnBatch:         s.tracker.HandleBatch, // a stream source's buffered lines together
		Logger:          logger,
	}
	if s.nmeaOut != nil {
		pcfg.OnSentences = s.nmeaOut.Send
	}
	s.pipeline = ais.NewPipeline(pcfg)

	for _, in := range cfg.Inputs {
		spec, err := source.Parse(in)
		if err != nil {
			return nil, fmt.Errorf("input %q: %w", in, err)
		}
		src, err := source.New(spec, logger)
		if err != nil {
			return nil, fmt.Errorf("input %q: %w", in, err)
		}
		if err := src.Open(); err != nil {
			return nil, fmt.Errorf("input %q: %w", in, err)
		}
		s.pipeline.AddSource(src.Name(), src.Kind(), src.Address())
		s.sources = append(s.sources, src)
	}
	if cfg.Simulate == "on" || (cfg.Simulate == "auto" && len(cfg.Inputs) == 0) {
		routes := simRoutes(water)
		s.sim, err = simulate.New(simulate.Config{
			Vessels:   cfg.SimVessels,
			Routes:    routes,
			Seed:      cfg.SimSeed,
			Hotspots:  simHotspots(s.zones.Zones(), routes), // incidents follow a --zones file too
			Incidents: cfg.SimIncidents,
		})
		if err != nil {
			return nil, fmt.Errorf("simulator: %w", err)
		}
		s.pipeline.AddSource(simSourceName, "simulator", fmt.Sprintf("%d vessels", cfg.SimVessels))
	}

	if s.sim != nil {
		setDemoBan(context.Background(), s.zones, logger)
	}

	s.accounts, err = openAccounts(context.Background(), cfg, e, logger)
	if err != nil {
		return nil, err
	}

	s.video, err = openVideo(cfg, s.sim != nil, logger)
	if err != nil {
		return nil, fmt.Errorf("video: %w", err)
	}
	extra := prometheus.NewRegistry()
	extra.MustRegister(newTrackerCollector(s.tracker), newZonesCollector(s.zones), newHistoryCollector(s.history), video.NewCollector(s.video.relay))
	s.entries = feedHistory(s.history, s.broker, s.zones, logger)
	s.extras, err = openBoardExtras(context.Background(), cfg, water, cameraSites{s.video.relay}, logger)
	if err != nil {
		return nil, err
	}
	s.api, err = api.New(api.Config{
		Addr:            cfg.HTTP,
		TileURL:         s.extras.tileURL,
		TileAttribution: s.extras.tileAttribution,
		TileGCJ02:       cfg.TilesGCJ02,
		Static:          web.Static(),
		Waterways:       waterway.GeoJSON(),
		MaxLiveClients:  cfg.MaxLiveClients,
		MetricsAddr:     cfg.MetricsAddr,
		TrustedProxies:  cfg.TrustedProxies,
		Logger:          logger,
	}, api.Deps{Vessels: s.tracker, Sources: s.pipeline, Live: s.broker, Zones: s.zones, History: s.history, Gatherer: extra,
		Accounts: s.accounts, Feed: s.pipeline, Rescue: s.extras.rescue, Tiles: s.extras.tileSource(), Cameras: s.video.relay})
	if err != nil {
		s.video.Close()
		return nil, fmt.Errorf("api: %w", err)
	}
	if err := s.api.Open(); err != nil {
		s.video.Close()
		return nil, fmt.Errorf("http %s: %w", cfg.HTTP, err)
	}
	return s, nil
}

// simSourceName is the input name the simulator's sentences carry.
const simSourceName = "simulator"

// run starts every worker and stops them in order when ctx ends or one
// fails: the API first, then inputs, the pipeline, the tracker, and last the
// history is flushed.
func (s *server) run(ctx context.Context) error {
	st := newStages(s.logger)
	core := st.layer("core")
	st.goLog(core, "tracker", s.tracker.Run)
	st.goLog(core, "pipeline", s.pipeline.Run)
	if s.nmeaOut != nil {
		st.goFatal(core, "nmea-out", s.nmeaOut.Run)
	}
	zl := st.layer("zones") // stops after the inputs, so what they fed is written
	st.goLog(zl, "zones", s.zones.Run)
	st.goLog(zl, "history zone entries", s.entries.Run)
	inputs := st.layer("inputs")
	for _, src := range s.sources {
		src := src
		st.goLog(inputs, "source "+src.Name(), func(ctx context.Context) error {
			err := src.Run(ctx, s.pipeline)
			if err == nil && ctx.Err() == nil {
				s.logger.Info("input finished", "source", src.Name())
			}
			return err
		})
	}
	if s.sim != nil {
		st.goLog(inputs, "simulator", func(ctx context.Context) error {
			s.pipeline.SetConnected(simSourceName, true, nil)
			defer s.pipeline.SetConnected(simSourceName, false, nil)
			return s.sim.Run(ctx, func(line []byte) {
				s.pipeline.Feed(ais.Line{Source: simSourceName, Data: line, Received: time.Now()})
			})
		})
	}
	front := st.layer("api")
	st.goFatal(front, "api", s.api.Run)

	s.logger.Info("riverwatch serving", "http", "http://"+s.api.Addr(), "inputs", len(s.sources), "simulator", s.sim != nil, "version", version)
	var err error
	select {
	case <-ctx.Done():
	case err = <-st.failed:
	}
	s.logger.Info("shutting down")
	st.stop()
	s.video.Close() // after the API: no new viewers; before the stores
	if cerr := s.history.Close(); cerr != nil && !errors.Is(cerr, context.Canceled) {
		s.logger.Warn("history close", "err", cerr)
	}
	if cerr := s.zones.Close(); cerr != nil {
		s.logger.Warn("zones store close", "err", cerr)
	}
	if cerr := s.extras.Close(); cerr != nil {
		s.logger.Warn("tiles close", "err", cerr)
	}
	if cerr := s.accounts.Store().Close(); cerr != nil {
		s.logger.Warn("accounts store close", "err", cerr)
	}
	return err
}
