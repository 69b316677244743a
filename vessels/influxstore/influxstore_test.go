package influxstore_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/ais/aistest"
	"github.com/riverwatch/riverwatch/vessels"
	"github.com/riverwatch/riverwatch/vessels/influxstore"
	"github.com/riverwatch/riverwatch/vessels/influxstore/influxtest"
	"github.com/riverwatch/riverwatch/vessels/vesselstest"
)

var discard = slog.New(slog.DiscardHandler)

// mustNew opens a History on db with fast retries; edit changes the
// config further.
//
// The tests read their writes at once, and Track waits at most ReadWait
// for them (2 s by default, so that a reader is not held long while
// InfluxDB is down). On a CI machine busy with the race detector a first
// write into a new database has taken longer (the conformance suite's
// RoundTrip read 0 of 20 points, in a subtest that ran 9 s), so here the
// wait is long enough for any write that succeeds.
func mustNew(tb testing.TB, db influxtest.DB, edit func(*influxstore.Config)) *influxstore.History {
	tb.Helper()
	cfg := influxstore.Config{
		URL: db.URL, Token: db.Token, Org: db.Org, Bucket: db.Bucket,
		FlushInterval: 20 * time.Millisecond, RetryInterval: 20 * time.Millisecond,
		MaxRetryInterval: 200 * time.Millisecond, ReadWait: time.Minute, Logger: discard,
	}
	if edit != nil {
		edit(&cfg)
	}
	h, err := influxstore.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

func TestArchive(t *testing.T) {
	newDB := influxtest.DBs(t)
	vesselstest.TestArchive(t, func(t *testing.T) vessels.Archive {
		return mustNew(t, newDB(t), nil)
	})
}

func TestNewInvalid(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  influxstore.Config
	}{
		{"no url", influxstore.Config{Bucket: "b"}},
		{"not http", influxstore.Config{URL: "tcp://127.0.0.1:8086", Bucket: "b"}},
		{"no bucket", influxstore.Config{URL: "http://127.0.0.1:8086"}},
		{"negative batch", influxstore.Config{URL: "http://127.0.0.1:8086", Bucket: "b", BatchSize: -1}},
	} {
		if _, err := influxstore.New(c.cfg); !errors.Is(err, vessels.ErrInvalid) {
			t.Errorf("%s: New = %v, want ErrInvalid", c.name, err)
		}
	}
}

// TestOutage stops InfluxDB while more points arrive than the memory buffer
// holds: they spill, and once it is back every point is there, in order.
func TestOutage(t *testing.T) {
	srv := influxtest.StartServer(t)
	var logs aistest.SyncBuffer
	h := mustNew(t, srv.DB(), func(c *influxstore.Config) {
		c.BatchSize, c.MaxBuffered, c.Writers = 50, 200, 2
		c.SpillDir = t.TempDir()
		c.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	defer h.Close()
	const mmsi = 211000300
	base := time.Now().Add(-time.Hour).Truncate(time.Second).UTC()
	all := vesselstest.Points(base, 2000, time.Second)
	appendSome(t, h, mmsi, all[:100])
	flush(t, h)

	srv.Stop(t)
	appendSome(t, h, mmsi, all[100:1900])
	waitFor(t, "the outage to be noticed", func() bool { return h.Stats().Down })
	appendSome(t, h, mmsi, all[1900:])
	if st := h.Stats(); st.Spilled == 0 || st.Dropped != 0 {
		t.Fatalf("during the outage: %+v, want points spilled and none dropped", st)
	}

	srv.Restart(t)
	flush(t, h)
	pts, err := h.Track(t.Context(), mmsi, time.Time{}, time.Time{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := vesselstest.SamePoints(pts, all); err != nil {
		t.Fatal(err)
	}
	st := h.Stats()
	if st.Written != uint64(len(all)) || st.Dropped != 0 || st.Pending != 0 || st.Spilled != 0 || st.Down || st.Outages != 1 {
		t.Errorf("after the outage: %+v", st)
	}
	if n := strings.Count(logs.String(), "InfluxDB not answering"); n != 1 {
		t.Errorf("outage logged %d times, want once:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), "InfluxDB answers again") {
		t.Errorf("end of the outage not logged:\n%s", logs.String())
	}
}

// TestSpillSurvivesClose closes the history during an outage; a new one on
// the same spill folder writes what the first could not.
func TestSpillSurvivesClose(t *testing.T) {
	srv := influxtest.StartServer(t)
	dir := t.TempDir()
	edit := func(c *influxstore.Config) {
		c.BatchSize, c.MaxBuffered, c.SpillDir, c.CloseTimeout = 20, 40, dir, 100*time.Millisecond
	}
	const mmsi = 211000301
	all := vesselstest.Points(time.Now().Add(-time.Hour).Truncate(time.Second).UTC(), 300, time.Second)
	srv.Stop(t)
	h := mustNew(t, srv.DB(), edit)
	appendSome(t, h, mmsi, all)
	if err := h.Close(); err != nil {
		t.Fatalf("Close during an outage with a spill folder: %v", err)
	}
	srv.Restart(t)
	h = mustNew(t, srv.DB(), edit)
	defer h.Close()
	pts, err := h.Track(t.Context(), mmsi, time.Time{}, time.Time{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := vesselstest.SamePoints(pts, all); err != nil {
		t.Fatal(err)
	}
}

// TestDeadServerNeverBlocks appends to a port nobody listens on and to a
// server that accepts connections but never answers: Append stays fast,
// the overflow is dropped and counted, and Close gives up in time.
func TestDeadServerNeverBlocks(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + l.Addr().String()
	l.Close()
	hang, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer hang.Close()
	var conns sync.WaitGroup
	go func() {
		for {
			c, err := hang.Accept()
			if err != nil {
				return
			}
			conns.Go(func() { // read forever, answer never
				buf := make([]byte, 4096)
				for {
					if _, err := c.Read(buf); err != nil {
						c.Close()
						return
					}
				}
			})
		}
	}()
	for _, url := range []string{refused, "http://" + hang.Addr().String()} {
		h := mustNew(t, influxtest.DB{URL: url, Bucket: "db/rp"}, func(c *influxstore.Config) {
			c.BatchSize, c.MaxBuffered = 100, 1000
			c.Timeout, c.CloseTimeout = 200*time.Millisecond, 200*time.Millisecond
		})
		pts := vesselstest.Points(time.Now().Add(-time.Hour), 20000, time.Millisecond)
		// Appends that waited on the server would take at least one 200 ms
		// timeout per batch of 100, 40 s for these 20,000; not waiting,
		// they take about a second even on a loaded machine. The bound is
		// far from both, so it tells the two apart without timing the code.
		start := time.Now()
		for _, p := range pts {
			if err := h.Append(t.Context(), 211000302, p); err != nil {
				t.Fatal(err)
			}
		}
		if took := time.Since(start); took > 20*time.Second {
			t.Errorf("%s: %d appends took %v: they waited on the dead server", url, len(pts), took)
		}
		if st := h.Stats(); st.Dropped == 0 || st.Written != 0 {
			t.Errorf("%s: stats %+v, want points dropped", url, st)
		}
		start = time.Now()
		if err := h.Close(); !errors.Is(err, influxstore.ErrUnavailable) {
			t.Errorf("%s: Close = %v, want ErrUnavailable", url, err)
		}
		if took := time.Since(start); took > 20*time.Second { // CloseTimeout is 200 ms; this only catches a hang
			t.Errorf("%s: Close took %v", url, took)
		}
		if err := h.Append(t.Context(), 211000302, pts[0]); !errors.Is(err, influxstore.ErrClosed) {
			t.Errorf("Append after Close = %v, want ErrClosed", err)
		}
	}
	hang.Close()
}

func TestThinnedAndSnapshot(t *testing.T) {
	h := mustNew(t, influxtest.NewDB(t), nil)
	defer h.Close()
	ctx := t.Context()
	base := time.Now().Add(-2 * time.Hour).Truncate(time.Second).UTC()
	a := vesselstest.Points(base, 600, 10*time.Second) // 100 minutes
	appendSome(t, h, 211000401, a)
	for i, p := range vesselstest.Points(base, 3, time.Minute) {
		p.Lat += 1
		if err := h.AppendPosition(ctx, influxstore.Position{MMSI: 211000402, Class: "B", Station: "jilin 1", NavStatus: i, TrackPoint: p}); err != nil {
			t.Fatal(err)
		}
	}

	full, err := h.TrackThinned(ctx, 211000401, a[0].Time, a[599].Time, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if err := vesselstest.SamePoints(full, a); err != nil {
		t.Errorf("under the maximum: %v", err)
	}
	thin, err := h.TrackThinned(ctx, 211000401, a[0].Time, a[599].Time, 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(thin) < 40 || len(thin) > 52 {
		t.Errorf("thinned to 50: %d points", len(thin))
	}
	for i := 1; i < len(thin); i++ {
		if !thin[i].Time.After(thin[i-1].Time) {
			t.Fatalf("thinned track out of order at %d: %v after %v", i, thin[i].Time, thin[i-1].Time)
		}
	}
	if _, err := h.TrackThinned(ctx, 211000401, time.Time{}, a[9].Time, 10); !errors.Is(err, vessels.ErrInvalid) {
		t.Errorf("open since: %v, want ErrInvalid", err)
	}

	snap, err := h.Snapshot(ctx, base.Add(90*time.Second), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap) != 2 {
		t.Fatalf("snapshot = %+v, want 2 vessels", snap)
	}
	if s := snap[0]; s.MMSI != 211000401 || !s.Time.Equal(a[9].Time) || s.Lat != a[9].Lat || s.Heading != a[9].Heading {
		t.Errorf("snapshot of a = %+v, want %+v", s, a[9])
	}
	if s := snap[1]; s.MMSI != 211000402 || !s.Time.Equal(base.Add(time.Minute)) || s.Class != "B" || s.Station != "jilin 1" || s.NavStatus != 1 {
		t.Errorf("snapshot of b = %+v", s)
	}
	if snap, err := h.Snapshot(ctx, base.Add(-time.Minute), time.Hour); err != nil || len(snap) != 0 {
		t.Errorf("snapshot before all = %v, %v", snap, err)
	}
}

func TestStaticOnChangeAndAlerts(t *testing.T) {
	h := mustNew(t, influxtest.NewDB(t), nil)
	defer h.Close()
	ctx := t.Context()
	at := time.Now().Add(-time.Hour).Truncate(time.Second)
	s := influxstore.Static{Time: at, MMSI: 211000501, Class: "A", Name: `SONG "HUA" 1`, CallSign: "BX1", ShipType: 70, Length: 80, Persons: -1}
	for i, c := range []struct {
		edit func(*influxstore.Static)
		want bool
	}{
		{func(*influxstore.Static) {}, true},
		{func(s *influxstore.Static) { s.Time = s.Time.Add(time.Minute) }, false},
		{func(s *influxstore.Static) { s.Destination = "JILIN, PORT" }, true},
	} {
		c.edit(&s)
		wrote, err := h.AppendStatic(ctx, s)
		if err != nil || wrote != c.want {
			t.Errorf("static %d: wrote %v, %v; want %v", i, wrote, err, c.want)
		}
	}
	if err := h.AppendAlert(ctx, influxstore.Alert{Time: at, ID: "a1", Kind: "speeding", Zone: "bridge 1", Severity: "warning", State: "open", MMSI: 211000501, Message: "too fast"}); err != nil {
		t.Fatal(err)
	}
	if err := h.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if st := h.Stats(); st.Written != 3 || st.Dropped != 0 {
		t.Errorf("stats %+v, want 3 points written", st)
	}
}

func appendSome(t *testing.T, h *influxstore.History, mmsi uint32, pts []vessels.TrackPoint) {
	t.Helper()
	for _, p := range pts {
		if err := h.Append(t.Context(), mmsi, p); err != nil {
			t.Fatal(err)
		}
	}
}

func flush(t *testing.T, h *influxstore.History) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if err := h.Flush(ctx); err != nil {
		t.Fatalf("%v; stats %+v", err, h.Stats())
	}
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
