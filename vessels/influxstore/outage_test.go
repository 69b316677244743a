package influxstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/vessels/influxstore"
	"github.com/riverwatch/riverwatch/vessels/influxstore/influxtest"
	"github.com/riverwatch/riverwatch/vessels/vesselstest"
)

// TestOutageTenMinutesAt2000 checks the sizing claim: with the default
// buffer and spill bounds, the points of a 10-minute outage at 2,000
// points per second (1,000 vessels reporting every half second, 1.2
// million points with class and station tags) are all kept and written
// once InfluxDB is back. The outage lasts only as long as appending them
// takes: the same points at a much higher rate.
func TestOutageTenMinutesAt2000(t *testing.T) {
	if testing.Short() {
		t.Skip("1.2 million points: not in -short")
	}
	const (
		fleet = 1000
		steps = 1200 // half seconds: 10 minutes
	)
	srv := influxtest.StartServer(t)
	h := mustNew(t, srv.DB(), func(c *influxstore.Config) {
		c.SpillDir = t.TempDir()
		c.BatchSize, c.MaxBuffered, c.MaxSpillBytes = 0, 0, 0 // the defaults
	})
	defer h.Close()
	ctx := t.Context()
	base := time.Now().Add(-time.Hour).Truncate(time.Second).UTC()
	track := vesselstest.Points(base, steps, 500*time.Millisecond)
	srv.Stop(t)
	for j, p := range track {
		for v := range fleet {
			q := p
			q.Lat += float64(v) * 0.001
			if err := h.AppendPosition(ctx, influxstore.Position{MMSI: 412300000 + uint32(v), Class: "A", Station: "jilin-songhua-1", NavStatus: 0, TrackPoint: q}); err != nil {
				t.Fatal(err)
			}
		}
		if j == 0 {
			waitFor(t, "the outage to be noticed", func() bool { return h.Stats().Down })
		}
	}
	st := h.Stats()
	t.Logf("during the outage: %d points in memory, %d spilled (%d MB)", st.Pending, st.Spilled, st.SpillBytes>>20)
	if st.Dropped != 0 || st.Spilled == 0 || st.Written != 0 {
		t.Fatalf("during the outage: %+v, want everything kept, most of it spilled", st)
	}

	srv.Restart(t)
	fctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	if err := h.Flush(fctx); err != nil {
		t.Fatalf("%v; stats %+v", err, h.Stats())
	}
	if st := h.Stats(); st.Written != fleet*steps || st.Dropped != 0 || st.Spilled != 0 || st.Pending != 0 {
		t.Fatalf("after the outage: %+v, want all %d written", st, fleet*steps)
	}
	pts, err := h.Track(ctx, 412300000, time.Time{}, time.Time{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := vesselstest.SamePoints(pts, track); err != nil {
		t.Errorf("the first vessel's track has a gap: %v", err)
	}
	if n, err := h.CountTrack(ctx, 412300000+fleet-1, base, base.Add(time.Hour)); err != nil || n != steps {
		t.Errorf("the last vessel's track: %d points, %v; want %d", n, err, steps)
	}
}
