package api

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/riverwatch/riverwatch/ais"
	"github.com/riverwatch/riverwatch/vessels"
)

// metrics is the API's own registry merged with Deps.Gatherer.
type metrics struct {
	reg      *prometheus.Registry
	gatherer prometheus.Gatherer
	requests *prometheus.CounterVec
}

func newMetrics(deps Deps, live *hub) (*metrics, error) {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "riverwatch_http_requests_total",
			Help: "HTTP requests served, by route pattern and status code.",
		}, []string{"route", "status"}),
	}
	collectors := []prometheus.Collector{
		m.requests,
		newSourceCollector(deps.Sources),
		&vesselCollector{reader: deps.Vessels, desc: prometheus.NewDesc(
			"riverwatch_vessels", "Vessels in the live picture, by state.", []string{"state"}, nil)},
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "riverwatch_live_clients",
			Help: "Connected live WebSocket clients.",
		}, func() float64 { return float64(live.count()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "riverwatch_live_dropped_total",
			Help: "Live clients dropped because a write took longer than the deadline.",
		}, func() float64 { return float64(live.dropped.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "riverwatch_live_skipped_total",
			Help: "Times a live client's backlog overflowed and was replaced by a snapshot.",
		}, func() float64 { return float64(live.skipped.Load()) }),
	}
	for _, c := range collectors {
		if err := m.reg.Register(c); err != nil {
			return nil, fmt.Errorf("api: register metrics: %w", err)
		}
	}
	m.gatherer = m.reg
	if deps.Gatherer != nil {
		m.gatherer = prometheus.Gatherers{m.reg, deps.Gatherer}
	}
	return m, nil
}

// handler serves the merged metrics in the Prometheus text format.
func (m *metrics) handler() fiber.Handler {
	return adaptor.HTTPHandler(promhttp.HandlerFor(m.gatherer, promhttp.HandlerOpts{
		ErrorHandling: promhttp.ContinueOnError,
	}))
}

// sourceCollector reads the pipeline's counters at scrape time, so the
// pipeline keeps plain counters and knows nothing of Prometheus.
type sourceCollector struct {
	src                                        SourceCounter
	lines, sentences, messages, dups, rejected *prometheus.Desc
	connected                                  *prometheus.Desc
}

func newSourceCollector(src SourceCounter) *sourceCollector {
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, append([]string{"source"}, labels...), nil)
	}
	return &sourceCollector{
		src:       src,
		lines:     d("riverwatch_ais_lines_total", "Lines read by an AIS source."),
		sentences: d("riverwatch_ais_sentences_total", "NMEA sentences accepted by an AIS source."),
		messages:  d("riverwatch_ais_messages_total", "AIS messages decoded and passed on."),
		dups:      d("riverwatch_ais_duplicates_total", "AIS messages dropped as already heard by another receiver."),
		rejected:  d("riverwatch_ais_rejected_total", "Lines or sentences rejected, by reason.", "reason"),
		connected: d("riverwatch_ais_source_connected", "1 while the AIS source is connected or open."),
	}
}

func (sc *sourceCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{sc.lines, sc.sentences, sc.messages, sc.dups, sc.rejected, sc.connected} {
		ch <- d
	}
}

func (sc *sourceCollector) Collect(ch chan<- prometheus.Metric) {
	seen := make(map[string]bool)
	for _, st := range sc.src.Stats() {
		if seen[st.Name] {
			continue // two sources of one name would fail the whole scrape
		}
		seen[st.Name] = true
		counter := func(d *prometheus.Desc, v uint64, labels ...string) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), append([]string{st.Name}, labels...)...)
		}
		counter(sc.lines, st.Lines)
		counter(sc.sentences, st.Sentences)
		counter(sc.messages, st.Messages)
		counter(sc.dups, st.Duplicate)
		for r := ais.Reason(0); r < ais.NumReasons; r++ {
			counter(sc.rejected, st.Rejected[r], r.String())
		}
		up := 0.0
		if st.Connected {
			up = 1
		}
		ch <- prometheus.MustNewConstMetric(sc.connected, prometheus.GaugeValue, up, st.Name)
	}
}

// vesselCollector counts the live picture at scrape time.
type vesselCollector struct {
	reader VesselReader
	desc   *prometheus.Desc
}

func (vc *vesselCollector) Describe(ch chan<- *prometheus.Desc) { ch <- vc.desc }

func (vc *vesselCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	list, err := vc.reader.Vessels(ctx, vessels.Filter{})
	if err != nil {
		ch <- prometheus.NewInvalidMetric(vc.desc, err)
		return
	}
	stale := 0
	for i := range list {
		if list[i].Stale {
			stale++
		}
	}
	ch <- prometheus.MustNewConstMetric(vc.desc, prometheus.GaugeValue, float64(len(list)-stale), "fresh")
	ch <- prometheus.MustNewConstMetric(vc.desc, prometheus.GaugeValue, float64(stale), "stale")
}

// observe wraps every request: it turns a returned error into the JSON
// error response, counts the request by route pattern (never the raw path,
// which would let clients mint series) and status, and logs it at debug.
func (s *Server) observe(c *fiber.Ctx) error {
	start := time.Now()
	if err := c.Next(); err != nil {
		if herr := s.handleError(c, err); herr != nil {
			return herr
		}
	}
	status := c.Response().StatusCode()
	route := "unmatched"
	if r := c.Route(); r.Method != "USE" && s.routePaths[r.Path] {
		route = r.Path
	}
	s.metrics.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	if s.log.Enabled(c.UserContext(), slog.LevelDebug) {
		s.log.LogAttrs(c.UserContext(), slog.LevelDebug, "request",
			slog.String("method", c.Method()),
			slog.String("route", route),
			slog.String("path", c.Path()),
			slog.Int("status", status),
			slog.Duration("took", time.Since(start)),
			slog.String("ip", c.IP()),
		)
	}
	return nil
}
