package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/riverwatch/riverwatch/zones"
	"github.com/riverwatch/riverwatch/zones/redisstore"
	"github.com/riverwatch/riverwatch/zones/waterway"
)

// openZones builds the zones service: the built-in zones (the defaults on
// the waterway map, or the --zones file instead) over the state store
// (--redis, or memory), with the state read back from the store.
func openZones(ctx context.Context, cfg Config, water *waterway.Map, logger *slog.Logger) (*zones.Watch, error) {
	base := zones.DefaultZones(water)
	if cfg.Zones != "" {
		data, err := os.ReadFile(cfg.Zones)
		if err != nil {
			return nil, fmt.Errorf("zones: %w", err)
		}
		if base, err = zones.ParseZones(data); err != nil {
			return nil, fmt.Errorf("zones %s: %w", cfg.Zones, err)
		}
		for i := range base {
			base[i].Source = "file"
		}
	}
	wcfg := zones.WatchConfig{Base: base, Logger: logger}
	if cfg.Redis != "" {
		redisstore.SetRedisLogger(logger) // go-redis's own process-wide log, into ours
		st, err := redisstore.New(ctx, redisstore.Config{URL: cfg.Redis, Prefix: cfg.RedisPrefix, Logger: logger})
		if err != nil {
			return nil, fmt.Errorf("redis: %w", err)
		}
		wcfg.Store, wcfg.StoreName = st, "redis"
	}
	w, err := zones.NewWatch(wcfg)
	if err != nil {
		if wcfg.Store != nil {
			_ = wcfg.Store.Close()
		}
		return nil, fmt.Errorf("zones: %w", err)
	}
	if err := w.Open(ctx); err != nil {
		_ = w.Close()
		return nil, err
	}
	return w, nil
}

// demoBanZone is where the demo ban of `make run` applies: the speed-limit
// circle around Jilin City quay, on the busiest reach of the simulator.
const demoBanZone = "speed-q-jilin"

// setDemoBan closes the Jilin City reach for a (simulated) regatta while the
// simulator runs and no ban is set, so that the board shows a hatched zone
// and ban_violation alerts without an officer's action.
func setDemoBan(ctx context.Context, w *zones.Watch, logger *slog.Logger) {
	if bans, err := w.Bans(ctx); err != nil || len(bans) > 0 {
		return
	}
	if _, err := w.Zone(demoBanZone); err != nil {
		return
	}
	now := time.Now()
	_, err := w.SetBan(ctx, zones.Ban{
		ZoneIDs: []string{demoBanZone}, Kind: zones.BanProhibit, Reason: zones.ReasonEvent,
		Note: "演示：吉林市江段龙舟赛临时禁航 / demo: Jilin City reach closed for a regatta",
		From: now, Until: now.Add(24 * time.Hour), AllowedTypes: []int{51, 55},
	}, "simulator")
	if err != nil {
		logger.Warn("demo ban", "err", err)
	}
}

// zonesCollector exposes the zones service: the state store's health, what
// waits to be written, and the open alerts by kind.
type zonesCollector struct {
	w                                    *zones.Watch
	up, pending, open, seen, count, bans *prometheus.Desc
}

func newZonesCollector(w *zones.Watch) *zonesCollector {
	return &zonesCollector{w: w,
		up:      prometheus.NewDesc("riverwatch_zones_store_up", "1 while the zones state store answers.", []string{"store"}, nil),
		pending: prometheus.NewDesc("riverwatch_zones_store_pending", "Zone state changes waiting to be written to the store.", nil, nil),
		open:    prometheus.NewDesc("riverwatch_alerts_open", "Alerts not yet resolved, by kind.", []string{"kind"}, nil),
		seen:    prometheus.NewDesc("riverwatch_zones_vessels", "Vessels the rules engine remembers.", nil, nil),
		count:   prometheus.NewDesc("riverwatch_zones", "Zones watched, by kind.", []string{"kind"}, nil),
		bans:    prometheus.NewDesc("riverwatch_bans_active", "Navigation bans in force now.", nil, nil),
	}
}

func (c *zonesCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.up
	ch <- c.pending
	ch <- c.open
	ch <- c.seen
	ch <- c.count
	ch <- c.bans
}

func (c *zonesCollector) Collect(ch chan<- prometheus.Metric) {
	h := c.w.Health()
	up := 0.0
	if h.StoreOK {
		up = 1
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, up, h.Store)
	ch <- prometheus.MustNewConstMetric(c.pending, prometheus.GaugeValue, float64(h.Pending))
	ch <- prometheus.MustNewConstMetric(c.seen, prometheus.GaugeValue, float64(c.w.Engine().Len()))
	as, _ := c.w.Alerts(context.Background(), zones.AlertFilter{State: zones.StateOpen})
	n := map[zones.AlertKind]int{}
	for _, a := range as {
		n[a.Kind]++
	}
	for _, k := range zones.AlertKinds {
		ch <- prometheus.MustNewConstMetric(c.open, prometheus.GaugeValue, float64(n[k]), string(k))
	}
	kinds := map[zones.Kind]int{}
	for _, z := range c.w.Zones() {
		kinds[z.Kind]++
	}
	for _, k := range zones.Kinds {
		ch <- prometheus.MustNewConstMetric(c.count, prometheus.GaugeValue, float64(kinds[k]), string(k))
	}
	bans, _ := c.w.Bans(context.Background())
	active, now := 0, time.Now()
	for _, b := range bans {
		if b.ActiveAt(now) {
			active++
		}
	}
	ch <- prometheus.MustNewConstMetric(c.bans, prometheus.GaugeValue, float64(active))
}
