package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/vessels/influxstore/influxtest"
)

// BenchmarkReplayIntoHistory imports a capture of 1,000,000 sentences
// (1,000 vessels reporting every 10 s for 2.8 hours, timed by tag blocks
// and leading times) into a real InfluxDB with `replay --into-history`'s
// code, and beside it posts the same positions as six-field points through
// a plain batched line-protocol loader (4 writers, 5,000-point batches) to
// the same server. Run with -benchtime=1x: one op is the whole capture.
func BenchmarkReplayIntoHistory(b *testing.B) {
	const fleet, reports = 1000, 1000
	newDB := influxtest.DBs(b)
	capture := filepath.Join(b.TempDir(), "million.nmea")
	sent := writeCapture(b, capture, fleet, reports, time.Now().Add(-30*24*time.Hour).Truncate(time.Second).UTC())
	b.Run("Replay", func(b *testing.B) {
		var st importStats
		for b.Loop() {
			cfg := DefaultConfig()
			d := newDB(b)
			cfg.InfluxURL, cfg.InfluxToken, cfg.InfluxOrg, cfg.InfluxBucket = d.URL, d.Token, d.Org, d.Bucket
			var err error
			if st, err = replayIntoHistory(context.Background(), capture, cfg, true, io.Discard, slog.New(slog.DiscardHandler)); err != nil {
				b.Fatal(err)
			}
			if st.Positions != uint64(len(sent)) || st.Dropped != 0 {
				b.Fatalf("imported %+v, want %d positions", st, len(sent))
			}
		}
		b.ReportMetric(float64(st.Lines)*float64(b.N)/b.Elapsed().Seconds(), "sentences/s")
		b.ReportMetric(float64(st.Written)*float64(b.N)/b.Elapsed().Seconds(), "points/s")
	})
	b.Run("Loader", func(b *testing.B) {
		for b.Loop() {
			if err := loadPlain(newDB(b), sent); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(sent))*float64(b.N)/b.Elapsed().Seconds(), "points/s")
	})
}

// loadPlain posts the reports as position points through the plain loader.
func loadPlain(d influxtest.DB, fixes []capFix) error {
	return influxtest.LoadLines(d, len(fixes), func(buf []byte, i int) []byte {
		f := &fixes[i]
		return fmt.Appendf(buf, "position,class=A,mmsi=%d,station=import lat=%s,lon=%s,sog=%s,cog=%s,heading=%di,nav_status=0i %d\n",
			f.mmsi, strconv.FormatFloat(f.lat, 'f', -1, 64), strconv.FormatFloat(f.lon, 'f', -1, 64),
			strconv.FormatFloat(f.sog, 'f', -1, 64), strconv.FormatFloat(f.cog, 'f', -1, 64), f.hdg, f.at.UnixNano())
	})
}
