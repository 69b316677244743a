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

// openHistory is where tracks are kept: InfluxDB when --influx-url is set,
// else the in-memory ring of the last history-age.
func openHistory(cfg Config, logger *slog.Logger) (vessels.History, error) {
	if cfg.InfluxURL == "" {
		return vessels.NewMemoryHistory(vessels.HistoryConfig{
			MaxPoints:   cfg.HistoryPoints,
			MaxAge:      cfg.HistoryAge,
			MinInterval: cfg.HistoryInterval,
		}), nil
	}
	h, err := influxstore.New(influxstore.Config{
		URL: cfg.InfluxURL, Token: cfg.InfluxToken, Org: cfg.InfluxOrg, Bucket: cfg.InfluxBucket,
		SpillDir: cfg.InfluxSpill, Logger: logger,
	})
	if err != nil {
		return nil, fmt.Errorf("influx: %w", err)
	}
	return h, nil
}

// historyCollector exposes the InfluxDB history's counters.
type historyCollector struct {
	h                                 *influxstore.History
	written, pending, dropped, upDesc *prometheus.Desc
}

func newHistoryCollector(h *influxstore.History) *historyCollector {
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
	s := c.h.Stats()
	up := 1.0
	if s.Down {
		up = 0
	}
	ch <- prometheus.MustNewConstMetric(c.written, prometheus.CounterValue, float64(s.Written))
	ch <- prometheus.MustNewConstMetric(c.pending, prometheus.GaugeValue, float64(s.Pending), "memory")
	ch <- prometheus.MustNewConstMetric(c.pending, prometheus.GaugeValue, float64(s.Spilled), "spill")
	ch <- prometheus.MustNewConstMetric(c.dropped, prometheus.CounterValue, float64(s.Dropped))
	ch <- prometheus.MustNewConstMetric(c.upDesc, prometheus.GaugeValue, up)
}

// feedHistory writes to InfluxDB, besides the tracks the tracker appends,
// every change of a vessel's static data and every alert's opening,
// acknowledgement and resolution: the one flow of events, into history.
// Both writes are batched and never block the publisher.
func feedHistory(h *influxstore.History, broker *vessels.Broker, w *zones.Watch, logger *slog.Logger) {
	ctx := context.Background()
	// The broker calls its subscribers one event at a time, so the map
	// needs no lock. It keeps the ingest path to one lookup per event: the
	// static record is built and compared only when new static data came.
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
	w.Subscribe(func(e zones.Event) {
		if e.Alert == nil || e.Type == zones.EventAlertUpdated {
			return
		}
		a := e.Alert
		state := string(a.State)
		if a.State == zones.StateAcknowledged {
			state = "acked"
		}
		if err := h.AppendAlert(ctx, influxstore.Alert{Time: a.UpdatedAt, ID: a.ID, Kind: string(a.Kind), Zone: a.ZoneID,
			Severity: string(a.Severity), State: state, MMSI: a.MMSI, OtherMMSI: a.OtherMMSI,
			Lat: a.Lat, Lon: a.Lon, Message: a.MessageZH + " / " + a.MessageEN}); err != nil {
			logger.Debug("history: alert", "alert", a.ID, "err", err)
		}
	})
}

// staticOf is a vessel's static data as the history keeps it.
func staticOf(v *vessels.Vessel) influxstore.Static {
	persons := -1
	if p := v.Persons; p != nil {
		for _, n := range []*int{p.Crew, p.Passengers, p.Personnel} {
			if n != nil {
				persons = max(persons, 0) + *n
			}
		}
	}
	return influxstore.Static{Time: v.StaticAt, MMSI: v.MMSI, Class: v.Class, Name: v.Name, CallSign: v.CallSign,
		IMO: v.IMO, ShipType: v.ShipType, Length: v.Length, Beam: v.Beam, Draught: v.Draught,
		Destination: v.Destination, ETA: v.ETA, Persons: persons}
}
