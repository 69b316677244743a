package main

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/vessels/influxstore/influxtest"
)

// TestServeHistoryInInflux: with --influx-url, a vessel's track is kept in
// a real InfluxDB: every position sent is on the API in order, and a new
// process on the same InfluxDB still has it (the in-memory ring would not).
func TestServeHistoryInInflux(t *testing.T) {
	url := influxtest.Start(t)
	args := []string{"--influx-url", url, "--influx-bucket", influxtest.Database + "/autogen", "--influx-spill", t.TempDir()}
	a := startServer(t, args...)
	const mmsi = 412100099
	fixes := runFixes(mmsi, 0, 0, 6, 45, 8) // a report every 10 s, the last now
	sendUDP(t, a.sourceAddr(t, "udp"), fixes)

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
