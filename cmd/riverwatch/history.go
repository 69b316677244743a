package main

import (
	"fmt"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/riverwatch/riverwatch/vessels"
	"github.com/riverwatch/riverwatch/vessels/influxstore"
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
