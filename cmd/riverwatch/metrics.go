package main

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/riverwatch/riverwatch/vessels"
)

// trackerCollector exposes what the tracker did with the messages it was
// given (jumps refused, late reports, vessels refused at the limit...) as
// Prometheus counters, read at scrape time.
type trackerCollector struct {
	tracker *vessels.Tracker
	desc    *prometheus.Desc
}

func newTrackerCollector(t *vessels.Tracker) *trackerCollector {
	return &trackerCollector{tracker: t, desc: prometheus.NewDesc("riverwatch_tracker_messages_total",
		"Messages the vessel tracker handled, by what became of them.", []string{"outcome"}, nil)}
}

func (c *trackerCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *trackerCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.tracker.Stats()
	for _, o := range []struct {
		name string
		n    uint64
	}{
		{"handled", s.Messages}, {"position", s.Positions}, {"jump_refused", s.Jumps}, {"jump_accepted", s.JumpsTaken},
		{"position_unavailable", s.Unavailable}, {"late", s.Late}, {"long_range_held", s.LongRangeHeld},
		{"invalid_mmsi", s.InvalidMMSI}, {"mmsi_zero", s.Ignored}, {"refused_full", s.Refused}, {"error", s.Errors},
	} {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.CounterValue, float64(o.n), o.name)
	}
}
