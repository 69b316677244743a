package influxstore_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/vessels"
	"github.com/riverwatch/riverwatch/vessels/influxstore"
	"github.com/riverwatch/riverwatch/vessels/influxstore/influxtest"
)

// BenchmarkWrite measures points per second into a real influxd through
// History.Append (until Flush returns) and, in the same run and on the same
// server, through a plain batched line-protocol loader. Both write the same
// six-field position points of 1,000 vessels, each into a database of its
// own.
func BenchmarkWrite(b *testing.B) {
	newDB := influxtest.DBs(b)
	b.Run("History", func(b *testing.B) {
		db := newDB(b)
		pts := benchPoints(b.N)
		h := mustNew(b, db, func(c *influxstore.Config) {
			c.MaxBuffered = b.N + influxstore.DefaultBatchSize // measure InfluxDB, not drops
			c.FlushInterval = time.Second
		})
		ctx := context.Background()
		b.ResetTimer()
		for i := range pts {
			if err := h.AppendPosition(ctx, pts[i]); err != nil {
				b.Fatal(err)
			}
		}
		if err := h.Flush(ctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		reportRate(b)
		if st := h.Stats(); st.Dropped != 0 || st.Written != uint64(b.N) {
			b.Fatalf("stats %+v, want %d written", st, b.N)
		}
		if err := h.Close(); err != nil {
			b.Fatal(err)
		}
	})
	b.Run("Loader", func(b *testing.B) {
		db := newDB(b)
		pts := benchPoints(b.N)
		b.ResetTimer()
		err := influxtest.LoadLines(db, len(pts), func(buf []byte, i int) []byte { return appendLine(buf, &pts[i]) })
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		reportRate(b)
	})
}

func reportRate(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "points/s")
}

// benchPoints returns n positions of 1,000 vessels a millisecond apart.
func benchPoints(n int) []influxstore.Position {
	base := time.Now().Add(-24 * time.Hour).Truncate(time.Second)
	out := make([]influxstore.Position, n)
	for i := range out {
		out[i] = influxstore.Position{
			MMSI: uint32(413000000 + i%1000), Class: "A", Station: "jilin", NavStatus: i % 16,
			TrackPoint: vessels.TrackPoint{
				Time: base.Add(time.Duration(i) * time.Millisecond),
				Lat:  43.85 + float64(i%5000)*1e-5, Lon: 126.55 + float64(i%7000)*1e-5,
				SOG: float64(i%150) / 10, COG: float64(i%3600) / 10, Heading: i % 360,
			},
		}
	}
	return out
}

// appendLine is the loader's own line-protocol encoding of a position.
func appendLine(b []byte, p *influxstore.Position) []byte {
	b = append(b, "position,class="...)
	b = append(b, p.Class...)
	b = append(b, ",mmsi="...)
	b = strconv.AppendUint(b, uint64(p.MMSI), 10)
	b = append(b, ",station="...)
	b = append(b, p.Station...)
	b = append(b, " lat="...)
	b = strconv.AppendFloat(b, p.Lat, 'f', -1, 64)
	b = append(b, ",lon="...)
	b = strconv.AppendFloat(b, p.Lon, 'f', -1, 64)
	b = append(b, ",sog="...)
	b = strconv.AppendFloat(b, p.SOG, 'f', -1, 64)
	b = append(b, ",cog="...)
	b = strconv.AppendFloat(b, p.COG, 'f', -1, 64)
	b = append(b, ",heading="...)
	b = strconv.AppendInt(b, int64(p.Heading), 10)
	b = append(b, "i,nav_status="...)
	b = strconv.AppendInt(b, int64(p.NavStatus), 10)
	b = append(b, "i "...)
	b = strconv.AppendInt(b, p.Time.UnixNano(), 10)
	return append(b, '\n')
}

// load writes pts into db through the plain loader, for the read
// benchmarks' setup.
func load(b *testing.B, db influxtest.DB, pts []influxstore.Position) {
	b.Helper()
	if err := influxtest.LoadLines(db, len(pts), func(buf []byte, i int) []byte { return appendLine(buf, &pts[i]) }); err != nil {
		b.Fatalf("load: %v", err)
	}
}

// BenchmarkRead times a one-day track of one vessel (a report every 10 s,
// 8,640 points; whole and thinned to 2,000), a week of another (60,480
// points, counted and thinned to 5,000 as the API does) and a snapshot of
// 1,000 vessels (30 reports each in the last 5 minutes, with names).
func BenchmarkRead(b *testing.B) {
	db := influxtest.NewDB(b)
	day := time.Now().Add(-25 * time.Hour).Truncate(time.Second)
	var pts []influxstore.Position
	for i := range 8640 {
		pts = append(pts, influxstore.Position{MMSI: 413999999, Class: "A", Station: "jilin", NavStatus: 0,
			TrackPoint: vessels.TrackPoint{Time: day.Add(time.Duration(i) * 10 * time.Second), Lat: 43.85 + float64(i)*1e-5, Lon: 126.55, SOG: 8, COG: 45, Heading: 44}})
	}
	week := time.Now().Add(-8 * 24 * time.Hour).Truncate(time.Second)
	for i := range 7 * 8640 {
		pts = append(pts, influxstore.Position{MMSI: 413999998, Class: "A", Station: "jilin", NavStatus: 0,
			TrackPoint: vessels.TrackPoint{Time: week.Add(time.Duration(i) * 10 * time.Second), Lat: 43.85 + float64(i)*1e-6, Lon: 126.55, SOG: 8, COG: 45, Heading: 44}})
	}
	at := time.Now().Truncate(time.Second)
	for r := range 30 {
		for v := range 1000 {
			pts = append(pts, influxstore.Position{MMSI: uint32(413000000 + v), Class: "A", Station: "jilin", NavStatus: 0,
				TrackPoint: vessels.TrackPoint{Time: at.Add(-time.Duration(r) * 10 * time.Second), Lat: 43.85 + float64(v)*1e-4, Lon: 126.55, SOG: 5, COG: 90, Heading: 91}})
		}
	}
	load(b, db, pts)
	h := mustNew(b, db, nil)
	defer h.Close()
	ctx := context.Background()
	until := day.Add(24*time.Hour - time.Second)
	b.Run("TrackDay", func(b *testing.B) {
		for b.Loop() {
			got, err := h.Track(ctx, 413999999, day, until, 0)
			if err != nil || len(got) != 8640 {
				b.Fatalf("%d points, %v", len(got), err)
			}
		}
	})
	b.Run("TrackDayThinned", func(b *testing.B) {
		for b.Loop() {
			got, err := h.TrackThinned(ctx, 413999999, day, until, 2000)
			if err != nil || len(got) > 2001 || len(got) < 1500 {
				b.Fatalf("%d points, %v", len(got), err)
			}
		}
	})
	b.Run("TrackWeekThinned", func(b *testing.B) { // as the API answers a week: count, then thin to 5,000
		weekEnd := week.Add(7*24*time.Hour - time.Second)
		for b.Loop() {
			n, err := h.CountTrack(ctx, 413999998, week, weekEnd)
			if err != nil || n != 7*8640 {
				b.Fatalf("count %d, %v", n, err)
			}
			got, err := h.TrackThinned(ctx, 413999998, week, weekEnd, 5000)
			if err != nil || len(got) > 5001 || len(got) < 4000 {
				b.Fatalf("%d points, %v", len(got), err)
			}
		}
	})
	b.Run("Snapshot1000", func(b *testing.B) {
		for b.Loop() {
			got, err := h.Snapshot(ctx, at, 5*time.Minute)
			if err != nil || len(got) != 1000 {
				b.Fatalf("%d vessels, %v", len(got), err)
			}
		}
	})
}
