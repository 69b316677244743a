package main

import (
	"fmt"
	"math"
	"net"
	"testing"
	"time"

	goais "github.com/BertoldVdb/go-ais"

	"github.com/riverwatch/riverwatch/vessels/influxstore/influxtest"
	"github.com/riverwatch/riverwatch/zones"
)

// TestServeHistoryInInflux: with --influx-url, a vessel's track is kept in
// a real InfluxDB: every position sent is on the API in order, and a new
// process on the same InfluxDB still has it (the in-memory ring would not).
func TestServeHistoryInInflux(t *testing.T) {
	args := append(influxtest.NewDB(t).Flags(), "--influx-spill", t.TempDir(), "--zones", userZones(t))
	a := startServer(t, args...)
	const mmsi = 412100099
	fixes := runFixes(mmsi, 0, 0, 6, 45, 8) // a report every 10 s, the last now, into the restricted square
	sendUDP(t, a.sourceAddr(t, "udp"), fixes)
	stat := goais.ShipStaticData{Header: goais.Header{MessageID: 5, UserID: mmsi}, Valid: true, CallSign: "BHIST", Name: "LI SHI 1", Type: 70}
	udp, err := net.Dial("udp", a.sourceAddr(t, "udp"))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range mustEncode(t, stat, 2) {
		if _, err := udp.Write([]byte(l + "\r\n")); err != nil {
			t.Fatal(err)
		}
	}
	udp.Close()
	waitAlert(t, "http://"+a.api.Addr(), zones.AlertRestrictedEntry, mmsi, 5*time.Second)

	// The static data and the alert are in InfluxDB too.
	api := "http://" + a.api.Addr()
	for _, target := range []string{fmt.Sprintf("/api/v1/vessels/%d/changes", mmsi), fmt.Sprintf("/api/v1/alerts/history?mmsi=%d", mmsi)} {
		deadline := time.Now().Add(10 * time.Second)
		for {
			var got struct {
				Changes []struct{ Name string } `json:"changes"`
				Alerts  []struct{ Kind string } `json:"alerts"`
			}
			getJSON(t, api+target, &got)
			done := len(got.Changes) == 1 && got.Changes[0].Name == "LI SHI 1"
			for _, a := range got.Alerts {
				done = done || a.Kind == string(zones.AlertRestrictedEntry)
			}
			if done {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: %+v, want the static change or the alert", target, got)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}

	check := func(base string) {
		t.Helper()
		var tr struct {
			MMSI   uint32 `json:"mmsi"`
			Points []struct {
				Time     time.Time `json:"time"`
				Lat, Lon float64
			} `json:"points"`
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			getJSON(t, fmt.Sprintf("%s/api/v1/vessels/%d/track?since=%d", base, mmsi, time.Now().Add(-10*time.Minute).Unix()), &tr)
			if len(tr.Points) >= len(fixes) || time.Now().After(deadline) {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if len(tr.Points) != len(fixes) {
			t.Fatalf("%s: %d track points, want the %d sent", base, len(tr.Points), len(fixes))
		}
		for i, p := range tr.Points {
			f := fixes[i]
			if math.Abs(p.Lat-e2eNorth(f.north)) > 1e-5 || math.Abs(p.Lon-e2eEast(f.eastM)) > 1e-5 {
				t.Errorf("%s: point %d at %v,%v, sent %v,%v", base, i, p.Lat, p.Lon, e2eNorth(f.north), e2eEast(f.eastM))
			}
			if i > 0 && !p.Time.After(tr.Points[i-1].Time) {
				t.Errorf("%s: point %d not after the one before", base, i)
			}
		}
	}
	check("http://" + a.api.Addr())
	b := startServer(t, args...)
	check("http://" + b.api.Addr())
}
