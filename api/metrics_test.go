package api

import (
	"errors"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func TestMetrics(t *testing.T) {
	extra := prometheus.NewRegistry()
	alerts := prometheus.NewCounter(prometheus.CounterOpts{Name: "riverwatch_zone_alerts_total", Help: "test"})
	extra.MustRegister(alerts)
	alerts.Add(3)
	fx := newFixture(t, func(_ *Config, d *Deps) { d.Gatherer = extra }, jilinFleet()...)

	fx.do(t, "GET", "/api/v1/vessels/412999999", nil)
	fx.do(t, "GET", "/api/v1/vessels/412000001", nil)
	fx.do(t, "GET", "/no/such/thing", nil)
	fx.do(t, "GET", "/no/such/other", nil)

	r := fx.do(t, "GET", "/metrics", nil)
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
		t.Fatalf("%d %s", r.status, r.header.Get("Content-Type"))
	}
	for _, want := range []string{
		`riverwatch_ais_lines_total{source="songhua-udp"} 42`,
		`riverwatch_ais_lines_total{source="yalu-file"} 7`,
		`riverwatch_ais_sentences_total{source="songhua-udp"} 40`,
		`riverwatch_ais_messages_total{source="songhua-udp"} 38`,
		`riverwatch_ais_duplicates_total{source="songhua-udp"} 2`,
		`riverwatch_ais_rejected_total{reason="checksum",source="songhua-udp"} 1`,
		`riverwatch_ais_rejected_total{reason="orphan_fragment",source="songhua-udp"} 0`,
		`riverwatch_ais_source_connected{source="songhua-udp"} 1`,
		`riverwatch_ais_source_connected{source="yalu-file"} 0`,
		`riverwatch_vessels{state="fresh"} 2`,
		`riverwatch_vessels{state="stale"} 1`,
		`riverwatch_live_clients 0`,
		`riverwatch_live_dropped_total 0`,
		`riverwatch_live_skipped_total 0`,
		`riverwatch_http_requests_total{route="/api/v1/vessels/:mmsi",status="404"} 1`,
		`riverwatch_http_requests_total{route="/api/v1/vessels/:mmsi",status="200"} 1`,
		`riverwatch_http_requests_total{route="unmatched",status="404"} 2`,
		`riverwatch_zone_alerts_total 3`,
	} {
		if !strings.Contains(r.body, want+"\n") {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(r.body, "/no/such") {
		t.Error("a raw path became a label")
	}
}

// A failing reader shows as a scrape error of that metric only.
func TestMetricsVesselError(t *testing.T) {
	fx := newFixture(t, nil)
	fx.vessels.err = errors.New("store down")
	r := fx.do(t, "GET", "/metrics", nil)
	if r.status != 200 || !strings.Contains(r.body, `riverwatch_ais_lines_total{source="songhua-udp"} 42`) {
		t.Errorf("%d\n%s", r.status, r.body)
	}
}
