package main

import (
	"context"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/vessels"
	"github.com/riverwatch/riverwatch/vessels/influxstore"
)

// TestInfluxSizing: both ways serve configures the InfluxDB history hold
// the points of 10 minutes at 2,000 per second. The size of a point on
// disk is measured: points like the tracker's (class and station tags,
// six fields) spilled by a history whose server is unreachable.
func TestInfluxSizing(t *testing.T) {
	logger := slog.New(slog.DiscardHandler)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + l.Addr().String()
	l.Close()
	h, err := influxstore.New(influxstore.Config{URL: dead, Bucket: "b", SpillDir: t.TempDir(), BatchSize: 500, MaxBuffered: 500,
		Timeout: 100 * time.Millisecond, CloseTimeout: 100 * time.Millisecond, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	base := time.Now().Add(-time.Hour)
	for i := range 20000 {
		p := influxstore.Position{MMSI: 412300000 + uint32(i%1000), Class: "A", Station: "jilin-songhua-01", NavStatus: 0,
			TrackPoint: vessels.TrackPoint{Time: base.Add(time.Duration(i) * time.Millisecond), Lat: 43.851234 + float64(i)*1e-6,
				Lon: 126.551234, SOG: 10.2, COG: 123.4, Heading: 123}}
		if err := h.AppendPosition(context.Background(), p); err != nil {
			t.Fatal(err)
		}
	}
	st := h.Stats()
	if st.Spilled == 0 {
		t.Fatalf("nothing spilled: %+v", st)
	}
	perPoint := st.SpillBytes / int64(st.Spilled)

	memOnly := influxConfig(Config{InfluxURL: dead, InfluxBucket: "b"}, logger)
	if memOnly.MaxBuffered < outagePoints {
		t.Errorf("without a spill folder %d points in memory, want at least %d", memOnly.MaxBuffered, outagePoints)
	}
	spill := influxConfig(Config{InfluxURL: dead, InfluxBucket: "b", InfluxSpill: t.TempDir()}, logger)
	held := int64(spill.MaxBuffered) + spill.MaxSpillBytes/perPoint
	if held < outagePoints {
		t.Errorf("with a spill folder %d points held (%d bytes a point), want at least %d", held, perPoint, outagePoints)
	}
	t.Logf("%d bytes a point: %d points held with a spill folder, %d without", perPoint, held, memOnly.MaxBuffered)
}
