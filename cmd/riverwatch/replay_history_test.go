package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	goais "github.com/BertoldVdb/go-ais"

	"github.com/riverwatch/riverwatch/ais"
	"github.com/riverwatch/riverwatch/vessels/influxstore/influxtest"
)

// capFix is one position report of a capture, as sent.
type capFix struct {
	mmsi     uint32
	at       time.Time
	lat, lon float64
	sog, cog float64
	hdg      int
}

// writeCapture writes a capture of reports every 10 s from base for
// fleet vessels, in time order, timed alternately by a tag block c: (in
// milliseconds) and by a leading unix time; vessel 0 also sends its
// static data. It returns the reports in the order written.
func writeCapture(tb testing.TB, path string, fleet, reports int, base time.Time) []capFix {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var out []capFix
	stat := goais.ShipStaticData{Header: goais.Header{MessageID: 5, UserID: 412200000}, Valid: true, CallSign: "BIMP", Name: "DAO RU 1", Type: 70, Destination: "JILIN"}
	lines, err := ais.EncodeSentences(stat, "AI", 'A', 1)
	if err != nil {
		tb.Fatal(err)
	}
	for _, l := range lines {
		fmt.Fprintf(w, "%s%s\n", tagBlock(fmt.Sprintf("s:import,c:%d", base.Add(-time.Second).UnixMilli())), l)
	}
	for i := range reports {
		for k := range fleet {
			c := capFix{mmsi: 412200000 + uint32(k), at: base.Add(time.Duration(i)*10*time.Second + time.Duration(k)*7*time.Millisecond),
				sog: 6.5, cog: float64((k*37)%360) + 0.5, hdg: (k * 37) % 360}
			c.lat = math.Round((43.8+float64(k)*0.01+float64(i)*0.0003)*600000) / 600000
			c.lon = math.Round((126.5+float64(i)*0.0001)*600000) / 600000
			p := goais.PositionReport{Header: goais.Header{MessageID: 1, UserID: c.mmsi}, Valid: true, NavigationalStatus: 0,
				Sog: goais.Field10(c.sog), Longitude: goais.FieldLatLonFine(c.lon), Latitude: goais.FieldLatLonFine(c.lat),
				Cog: goais.Field10(c.cog), TrueHeading: uint16(c.hdg), Timestamp: 60}
			l, err := ais.EncodeSentences(p, "AI", 'A', 0)
			if err != nil {
				tb.Fatal(err)
			}
			if (i+k)%2 == 0 {
				fmt.Fprintf(w, "%s%s\n", tagBlock(fmt.Sprintf("s:import,c:%d", c.at.UnixMilli())), l[0])
			} else {
				fmt.Fprintf(w, "%d.%03d %s\n", c.at.Unix(), c.at.Nanosecond()/1e6, l[0])
			}
			out = append(out, c)
		}
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// TestReplayIntoHistory imports a capture of last week into a real
// InfluxDB, then serve on the same InfluxDB gives every vessel's whole
// track over the API: every position, in order, at the capture's own
// times, equal to what was sent; the snapshot and the static change too.
func TestReplayIntoHistory(t *testing.T) {
	base := time.Now().Add(-7 * 24 * time.Hour).Truncate(time.Second).UTC()
	const fleet, reports = 5, 120
	capture := filepath.Join(t.TempDir(), "week-ago.nmea")
	sent := writeCapture(t, capture, fleet, reports, base)
	influx := influxtest.NewDB(t).Flags()
	// A quay on vessel 0's way at its report 60; the others pass far off.
	quay := feature("import-quay", "quay", map[string]any{"radius_m": 150}, "Point", [2]float64{126.506, 43.818})
	data, err := json.Marshal(map[string]any{"type": "FeatureCollection", "features": []any{quay}})
	if err != nil {
		t.Fatal(err)
	}
	zonesFile := filepath.Join(t.TempDir(), "zones.geojson")
	if err := os.WriteFile(zonesFile, data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, err := runCmd(t, "", append([]string{"replay", capture, "--into-history", "--quiet", "--zones", zonesFile}, influx...)...)
	if err != nil {
		t.Fatalf("replay: %v\n%s", err, stderr)
	}
	// The positions, the static data and the zone entry.
	if want := fmt.Sprintf("%d positions; %d points written", len(sent), len(sent)+2); !strings.Contains(stderr, want) {
		t.Errorf("replay said %q, want it to contain %q", stderr, want)
	}

	a := startServer(t, influx...)
	api := "http://" + a.api.Addr()
	for k := range fleet {
		mmsi := 412200000 + uint32(k)
		var want []capFix
		for _, c := range sent {
			if c.mmsi == mmsi {
				want = append(want, c)
			}
		}
		var tr struct {
			Count   int  `json:"count"`
			Thinned bool `json:"thinned"`
			Points  []struct {
				Time     time.Time `json:"time"`
				Lat, Lon float64
				SOG, COG float64
				Heading  int
			} `json:"points"`
		}
		target := fmt.Sprintf("%s/api/v1/vessels/%d/track?since=%s&until=%s&thin=off", api, mmsi,
			base.Add(-time.Minute).Format(time.RFC3339), base.Add(time.Hour).Format(time.RFC3339))
		if st := getJSON(t, target, &tr); st != 200 || len(tr.Points) != len(want) || tr.Thinned {
			t.Fatalf("vessel %d: status %d, %d points (thinned %v), want the %d sent", mmsi, st, len(tr.Points), tr.Thinned, len(want))
		}
		for i, p := range tr.Points {
			w := want[i]
			if !p.Time.Equal(w.at) || math.Abs(p.Lat-w.lat) > 2e-6 || math.Abs(p.Lon-w.lon) > 2e-6 ||
				math.Abs(p.SOG-w.sog) > 0.051 || math.Abs(p.COG-w.cog) > 0.051 || p.Heading != w.hdg {
				t.Fatalf("vessel %d point %d = %+v, sent %+v", mmsi, i, p, w)
			}
		}
	}

	var snap struct {
		Count   int `json:"count"`
		Vessels []struct {
			MMSI uint32    `json:"mmsi"`
			At   time.Time `json:"at"`
			Lat  float64   `json:"lat"`
			Name string    `json:"name"`
		} `json:"vessels"`
	}
	at := base.Add(55 * time.Second) // after report 5 of every vessel
	getJSON(t, api+"/api/v1/snapshot?at="+at.Format(time.RFC3339)+"&lookback=1h", &snap)
	if snap.Count != fleet {
		t.Fatalf("snapshot at %v: %+v, want %d vessels", at, snap, fleet)
	}
	for k, v := range snap.Vessels {
		w := sent[5*fleet+k]
		if v.MMSI != w.mmsi || !v.At.Equal(w.at) || math.Abs(v.Lat-w.lat) > 2e-6 {
			t.Errorf("snapshot vessel %d = %+v, want %+v", k, v, w)
		}
	}
	if snap.Vessels[0].Name != "DAO RU 1" {
		t.Errorf("snapshot name %q, want the static data's DAO RU 1", snap.Vessels[0].Name)
	}
	var ch struct {
		Changes []struct {
			At          time.Time `json:"at"`
			Name        string    `json:"name"`
			Destination string    `json:"destination"`
		} `json:"changes"`
	}
	getJSON(t, api+"/api/v1/vessels/412200000/changes", &ch)
	if len(ch.Changes) != 1 || ch.Changes[0].Name != "DAO RU 1" || ch.Changes[0].Destination != "JILIN" || !ch.Changes[0].At.Equal(base.Add(-time.Second)) {
		t.Errorf("changes = %+v, want DAO RU 1 to JILIN at %v", ch.Changes, base.Add(-time.Second))
	}

	var zs struct {
		Zones []struct {
			Zone    string `json:"zone_id"`
			Kind    string `json:"kind"`
			Entries int    `json:"entries"`
			Vessels int    `json:"vessels"`
			Buckets []struct {
				Start   time.Time `json:"start"`
				Entries int       `json:"entries"`
			} `json:"buckets"`
		} `json:"zones"`
	}
	getJSON(t, api+"/api/v1/stats/zones?every=1h&since="+base.Format(time.RFC3339)+"&until="+base.Add(30*time.Minute).Format(time.RFC3339), &zs)
	if len(zs.Zones) != 1 || zs.Zones[0].Zone != "import-quay" || zs.Zones[0].Kind != "quay" || zs.Zones[0].Entries != 1 || zs.Zones[0].Vessels != 1 {
		t.Errorf("zone statistics of the import = %+v, want one entry of import-quay", zs.Zones)
	}
}

func TestReplayIntoHistoryNeedsInflux(t *testing.T) {
	capture := filepath.Join(t.TempDir(), "c.nmea")
	writeCapture(t, capture, 1, 1, time.Now())
	if _, _, err := runCmd(t, "", "replay", capture, "--into-history", "--quiet"); err == nil || !strings.Contains(err.Error(), "--influx-url") {
		t.Errorf("replay --into-history without InfluxDB: %v, want an error naming --influx-url", err)
	}
}
