package main

import (
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/vessels/influxstore/influxtest"
)

// TestServeHistoryOutage stops InfluxDB for a few seconds while a vessel
// reports at a steady 20 per second, then starts it again: the track on
// the API has every report, in order, with no gap.
func TestServeHistoryOutage(t *testing.T) {
	srv := influxtest.StartServer(t)
	a := startServer(t, append(srv.DB().Flags(), "--influx-spill", t.TempDir())...)
	c, err := net.Dial("udp", a.sourceAddr(t, "udp"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const (
		mmsi  = 412100077
		every = 50 * time.Millisecond
		n     = 140 // 7 s
	)
	start := time.Now().Add(-time.Minute).Truncate(time.Second)
	var sent []e2eFix
	tick := time.NewTicker(every)
	defer tick.Stop()
	for i := range n {
		switch i {
		case 30:
			srv.Stop(t)
		case 90:
			srv.Restart(t)
		}
		f := e2eFix{mmsi: mmsi, eastM: float64(i) * 0.15, sog: 6, cog: 90, ago: time.Since(start.Add(time.Duration(i) * every))}
		if _, err := c.Write([]byte(f.line(t) + "\r\n")); err != nil {
			t.Fatal(err)
		}
		sent = append(sent, f)
		<-tick.C
	}
	var tr struct {
		Points []struct {
			Time time.Time `json:"time"`
			Lon  float64   `json:"lon"`
		} `json:"points"`
	}
	t.Logf("sent %d reports in %v", n, time.Since(start.Add(time.Minute)).Round(time.Millisecond))
	deadline := time.Now().Add(40 * time.Second)
	target := fmt.Sprintf("http://%s/api/v1/vessels/%d/track?since=%d&thin=off", a.api.Addr(), mmsi, start.Add(-time.Second).Unix())
	for {
		getJSON(t, target, &tr)
		if len(tr.Points) >= n || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("all on the API %v later", time.Since(deadline.Add(-40*time.Second)).Round(time.Millisecond))
	if len(tr.Points) != n {
		t.Fatalf("%d track points after the outage, want the %d sent", len(tr.Points), n)
	}
	for i := 1; i < n; i++ {
		if gap := tr.Points[i].Time.Sub(tr.Points[i-1].Time); gap <= 0 || gap > every+time.Millisecond {
			t.Fatalf("gap of %v between points %d and %d", gap, i-1, i)
		}
	}
}
