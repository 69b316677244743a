package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/riverwatch/riverwatch/vessels"
	"github.com/riverwatch/riverwatch/vessels/influxstore"
	"github.com/riverwatch/riverwatch/zones"
)

// openHistory is where tracks, static changes, alerts and zone entries
// are kept: InfluxDB when --influx-url is set, else the in-memory archive
// of the last history-age.
func openHistory(cfg Config, logger *slog.Logger) (vessels.Archive, error) {
	if cfg.InfluxURL == "" {
		return vessels.NewMemoryArchive(vessels.HistoryConfig{
			MaxPoints:   cfg.HistoryPoints,
			MaxAge:      cfg.HistoryAge,
			MinInterval: cfg.HistoryInterval,
		}), nil
	}
	h, err := influxstore.New(influxConfig(cfg, logger))
	if err != nil {
		return nil, fmt.Errorf("influx: %w", err)
	}
	return h, nil
}

// outagePoints is what an outage of 10 minutes at 2,000 points per second
// leaves to keep: the history is sized to hold it.
const outagePoints = 10 * 60 * 2000

// memoryOnlyBuffer is the memory buffer without a spill folder: the
// outage's points and a margin, about 200 MB of line protocol at worst.
const memoryOnlyBuffer = outagePoints + outagePoints/10

// influxConfig is the InfluxDB history of cfg, sized so that an outage
// of 10 minutes at 2,000 points per second (1.2 million points, about
// 185 MB of line protocol) loses nothing: with a spill folder 200,000
// points wait in memory and the rest on disk (up to 1 GiB); without one
// all of them wait in memory.
func influxConfig(cfg Config, logger *slog.Logger) influxstore.Config {
	c := influxstore.Config{
		URL: cfg.InfluxURL, Token: cfg.InfluxToken, Org: cfg.InfluxOrg, Bucket: cfg.InfluxBucket,
		SpillDir: cfg.InfluxSpill, MaxBuffered: influxstore.DefaultMaxBuffered, MaxSpillBytes: influxstore.DefaultMaxSpillBytes,
		Logger: logger,
	}
	if c.SpillDir == "" {
		c.MaxBuffered = memoryOnlyBuffer
	}
	return c
}

// historyCollector exposes the history's counters (all zero but up for
// the in-memory one).
type historyCollector struct {
	h                                 vessels.Archive
	written, pending, dropped, upDesc *prometheus.Desc
}

func newHistoryCollector(h vessels.Archive) *historyCollector {
	return &historyCollector{h: h,
		written: prometheus.NewDesc("riverwatch_history_points_written_total", "Track points InfluxDB accepted.", nil, nil),
		pending: prometheus.NewDesc("riverwatch_history_points_pending", "Track points waiting to be written, in memory or spilled.", []string{"where"}, nil),
		dropped: prometheus.NewDesc("riverwatch_history_points_dropped_total", "Track points given up (buffer and spill full, rejected).", nil, nil),
		upDesc:  prometheus.NewDesc("riverwatch_history_up", "1 while InfluxDB answers.", nil, nil),
	}
}

func (c *historyCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.written
	ch <- c.pending
	ch <- c.dropped
	ch <- c.upDesc
}

func (c *historyCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.h.Health()
	up := 1.0
	if !s.OK {
		up = 0
	}
	ch <- prometheus.MustNewConstMetric(c.written, prometheus.CounterValue, float64(s.Written))
	ch <- prometheus.MustNewConstMetric(c.pending, prometheus.GaugeValue, float64(s.Buffered), "memory")
	ch <- prometheus.MustNewConstMetric(c.pending, prometheus.GaugeValue, float64(s.Spilled), "spill")
	ch <- prometheus.MustNewConstMetric(c.dropped, prometheus.CounterValue, float64(s.Dropped))
	ch <- prometheus.MustNewConstMetric(c.upDesc, prometheus.GaugeValue, up)
}

// feedHistory writes to the history, besides the tracks the tracker
// appends, every change of a vessel's static data, every alert's opening,
// acknowledgement and resolution and every zone entry: the one flow of
// events, into history. The writes never block the publishers. The
// returned feed looks up zone kinds off the rules' path; run it with the
// zones.
func feedHistory(h vessels.Archive, broker *vessels.Broker, w *zones.Watch, logger *slog.Logger) *zoneEntryFeed {
	feedStatic(h, broker, logger)
	ctx := context.Background()
	w.Subscribe(func(e zones.Event) {
		if e.Alert == nil || e.Type == zones.EventAlertUpdated {
			return
		}
		a := e.Alert
		state := string(a.State)
		if a.State == zones.StateAcknowledged {
			state = "acked"
		}
		if err := h.AppendAlert(ctx, vessels.AlertRecord{Time: a.UpdatedAt, ID: a.ID, Kind: string(a.Kind), Zone: a.ZoneID,
			Severity: string(a.Severity), State: state, MMSI: a.MMSI, OtherMMSI: a.OtherMMSI,
			Lat: a.Lat, Lon: a.Lon, Message: a.MessageZH + " / " + a.MessageEN}); err != nil {
			logger.Debug("history: alert", "alert", a.ID, "err", err)
		}
	})
	f := &zoneEntryFeed{h: h, w: w, log: logger, in: make(chan zones.Occupancy, zoneEntryQueue)}
	w.OnOccupancy(f.offer)
	return f
}

// feedStatic writes every change of a vessel's static data. The broker
// calls its subscribers one event at a time, so the map needs no lock. It
// keeps the ingest path to one lookup per event: the static record is
// built and compared only when new static data came.
func feedStatic(h vessels.Archive, broker *vessels.Broker, logger *slog.Logger) {
	ctx := context.Background()
	staticAt := map[uint32]time.Time{}
	broker.Subscribe(func(ev vessels.Event) {
		v := &ev.Vessel
		if ev.Type == vessels.EventLost {
			delete(staticAt, v.MMSI)
			return
		}
		if ev.Type != vessels.EventUpdate || v.StaticAt.IsZero() || staticAt[v.MMSI].Equal(v.StaticAt) {
			return
		}
		staticAt[v.MMSI] = v.StaticAt
		if _, err := h.AppendStatic(ctx, staticOf(v)); err != nil {
			logger.Debug("history: static", "mmsi", v.MMSI, "err", err)
		}
	})
}

// staticOf is a vessel's static data as the history keeps it.
func staticOf(v *vessels.Vessel) vessels.StaticRecord {
	persons := -1
	if p := v.Persons; p != nil {
		for _, n := range []*int{p.Crew, p.Passengers, p.Personnel} {
			if n != nil {
				persons = max(persons, 0) + *n
			}
		}
	}
	return vessels.StaticRecord{Time: v.StaticAt, MMSI: v.MMSI, Class: v.Class, Name: v.Name, CallSign: v.CallSign,
		IMO: v.IMO, ShipType: v.ShipType, Length: v.Length, Beam: v.Beam, Draught: v.Draught,
		Destination: v.Destination, ETA: v.ETA, Persons: persons}
}
