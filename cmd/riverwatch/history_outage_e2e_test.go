package main

import (
	"fmt"
	"io"
	"math"
	"net"
	"strings"
	"testing"
	"time"

	goais "github.com/BertoldVdb/go-ais"

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
			waitHealth(t, "http://"+a.api.Addr(), "degraded")
			srv.Restart(t)
		}
		f := e2eFix{mmsi: mmsi, eastM: float64(i) * 0.15, sog: 6, cog: 90}
		if _, err := c.Write([]byte(f.lineAt(t, start.Add(time.Duration(i)*every)) + "\r\n")); err != nil {
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
	waitHealth(t, "http://"+a.api.Addr(), "ok")
	for i, p := range tr.Points {
		if want := start.Add(time.Duration(i) * every); !p.Time.Equal(want) || math.Abs(p.Lon-e2eEast(sent[i].eastM)) > 1e-5 {
			t.Fatalf("point %d at %v lon %v, sent at %v lon %v: a gap", i, p.Time, p.Lon, want, e2eEast(sent[i].eastM))
		}
	}
}

// waitHealth waits up to 15 s for /healthz to say status, with the
// history's health to match, and checks /metrics agrees.
func waitHealth(t *testing.T, base, status string) {
	t.Helper()
	var h struct {
		Status  string `json:"status"`
		History struct {
			OK        bool   `json:"ok"`
			LastError string `json:"last_error"`
			Buffered  int    `json:"buffered"`
			Spilled   int    `json:"spilled"`
			Dropped   uint64 `json:"dropped"`
		} `json:"history"`
	}
	deadline := time.Now().Add(15 * time.Second)
	for getJSON(t, base+"/healthz", &h); h.Status != status; getJSON(t, base+"/healthz", &h) {
		if time.Now().After(deadline) {
			t.Fatalf("/healthz %+v, want %s", h, status)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if h.History.OK != (status == "ok") || (status != "ok" && h.History.LastError == "") || h.History.Dropped != 0 {
		t.Errorf("/healthz history %+v, want ok %v, an error when down, nothing dropped", h.History, status == "ok")
	}
	up := "riverwatch_history_up 1"
	if status != "ok" {
		up = "riverwatch_history_up 0"
	}
	resp, err := authGet(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(body), up) || !strings.Contains(string(body), "riverwatch_history_points_dropped_total 0") {
		t.Errorf("/metrics lacks %q or the dropped count", up)
	}
}

// lineAt is the report f timed by a tag block at exactly at.
func (f e2eFix) lineAt(t *testing.T, at time.Time) string {
	t.Helper()
	p := goais.PositionReport{Header: goais.Header{MessageID: 1, UserID: f.mmsi}, Valid: true, NavigationalStatus: f.nav,
		Sog: goais.Field10(f.sog), Longitude: goais.FieldLatLonFine(e2eEast(f.eastM)), Latitude: goais.FieldLatLonFine(e2eNorth(f.north)),
		Cog: goais.Field10(f.cog), TrueHeading: uint16(f.cog) % 360, Timestamp: 60}
	return tagBlock(fmt.Sprintf("s:e2e,c:%d", at.UnixMilli())) + mustEncode(t, p, 0)[0]
}
