package api

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/riverwatch/riverwatch/api/accounts"
)

// loginCollector exposes login outcomes: a rising failed or throttled
// count is someone guessing passwords.
type loginCollector struct {
	svc  *accounts.Service
	desc *prometheus.Desc
}

func newLoginCollector(svc *accounts.Service) *loginCollector {
	return &loginCollector{svc: svc, desc: prometheus.NewDesc("riverwatch_logins_total",
		"Logins by outcome: ok, failed (wrong username or password), throttled (refused after failures), busy (hashing saturated, 429).",
		[]string{"outcome"}, nil)}
}

func (c *loginCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *loginCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.svc.LoginStats()
	for _, o := range []struct {
		name string
		n    uint64
	}{{"ok", st.OK}, {"failed", st.Failed}, {"throttled", st.Throttled}, {"busy", st.Busy}} {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.CounterValue, float64(o.n), o.name)
	}
}
