package api

import (
	"cmp"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/ais"
	"github.com/riverwatch/riverwatch/vessels"
)

// testNow is the fixed clock of every test.
var testNow = time.Date(2025, 7, 1, 4, 0, 0, 0, time.UTC)

// fakeVessels is an in-memory VesselReader that records what it was asked.
type fakeVessels struct {
	mu     sync.Mutex
	byMMSI map[uint32]vessels.Vessel
	tracks map[uint32][]vessels.TrackPoint
	err    error // returned by every call when set

	lastFilter vessels.Filter
	lastTrack  trackCall
}

type trackCall struct {
	mmsi         uint32
	since, until time.Time
	limit        int
}

func newFakeVessels(vs ...vessels.Vessel) *fakeVessels {
	f := &fakeVessels{byMMSI: make(map[uint32]vessels.Vessel), tracks: make(map[uint32][]vessels.TrackPoint)}
	for _, v := range vs {
		f.byMMSI[v.MMSI] = v
	}
	return f
}

func (f *fakeVessels) Vessel(_ context.Context, mmsi uint32) (vessels.Vessel, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return vessels.Vessel{}, f.err
	}
	v, ok := f.byMMSI[mmsi]
	if !ok {
		return vessels.Vessel{}, vessels.ErrNotFound
	}
	return v, nil
}

func (f *fakeVessels) Vessels(_ context.Context, flt vessels.Filter) ([]vessels.Vessel, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastFilter = flt
	if f.err != nil {
		return nil, f.err
	}
	out := make([]vessels.Vessel, 0, len(f.byMMSI))
	for _, v := range f.byMMSI {
		if flt.BBox != nil && !inside(flt.BBox, &v) {
			continue
		}
		if flt.Class != "" && v.Class != flt.Class {
			continue
		}
		if len(flt.ShipType) > 0 && !slices.Contains(flt.ShipType, v.ShipType) {
			continue
		}
		if flt.Stale != nil && v.Stale != *flt.Stale {
			continue
		}
		if flt.Query != "" && !strings.Contains(strings.ToLower(v.Name), strings.ToLower(flt.Query)) &&
			!strings.HasPrefix(strconv.FormatUint(uint64(v.MMSI), 10), flt.Query) {
			continue
		}
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b vessels.Vessel) int { return cmp.Compare(a.MMSI, b.MMSI) })
	if flt.Limit > 0 && len(out) > flt.Limit {
		out = out[:flt.Limit]
	}
	return out, nil
}

func (f *fakeVessels) Track(_ context.Context, mmsi uint32, since, until time.Time, limit int) ([]vessels.TrackPoint, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastTrack = trackCall{mmsi, since, until, limit}
	if f.err != nil {
		return nil, f.err
	}
	if _, ok := f.byMMSI[mmsi]; !ok {
		return nil, vessels.ErrNotFound
	}
	return f.tracks[mmsi], nil
}

// fakeSources is a fixed SourceCounter.
type fakeSources struct{ stats []ais.SourceStats }

func (f fakeSources) Stats() []ais.SourceStats { return slices.Clone(f.stats) }

func (f fakeSources) Totals() ais.SourceStats {
	t := ais.SourceStats{Name: "total"}
	for _, s := range f.stats {
		t.Lines += s.Lines
		t.Sentences += s.Sentences
		t.Messages += s.Messages
		t.Duplicate += s.Duplicate
		for r := range s.Rejected {
			t.Rejected[r] += s.Rejected[r]
		}
	}
	return t
}

// fakeBroker is a LiveFeed whose Publish calls every subscriber inline, as
// the real broker does on the ingest path.
type fakeBroker struct {
	mu   sync.Mutex
	next int
	subs map[int]func(vessels.Event)
}

func newFakeBroker() *fakeBroker { return &fakeBroker{subs: make(map[int]func(vessels.Event))} }

func (b *fakeBroker) Subscribe(fn func(vessels.Event)) func() {
	b.mu.Lock()
	defer b.mu.Unlock()
	id := b.next
	b.next++
	b.subs[id] = fn
	return func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		delete(b.subs, id)
	}
}

func (b *fakeBroker) Publish(ev vessels.Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, fn := range b.subs {
		fn(ev)
	}
}

func (b *fakeBroker) subscribers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs)
}

// testVessel is a class A vessel at lat, lon.
func testVessel(mmsi uint32, name string, lat, lon float64) vessels.Vessel {
	sog := 5.0
	return vessels.Vessel{
		MMSI: mmsi, Class: "A", Name: name, ShipType: 70,
		Lat: &lat, Lon: &lon, SOG: &sog, NavStatus: 0,
		LastSeen: testNow, PositionAt: testNow, Station: "jilin-1",
	}
}

var testSourceStats = []ais.SourceStats{
	{Name: "songhua-udp", Kind: "udp", Address: "127.0.0.1:10110", Connected: true,
		Lines: 42, Sentences: 40, Messages: 38, Duplicate: 2,
		Rejected: [ais.NumReasons]uint64{ais.ReasonChecksum: 1, ais.ReasonMalformed: 1}},
	{Name: "yalu-file", Kind: "file", Address: "yalu.nmea", Lines: 7, Sentences: 7, Messages: 7},
}

// fixture is a server over fakes.
type fixture struct {
	srv     *Server
	vessels *fakeVessels
	broker  *fakeBroker
	stop    func() error // set by run: stops the server, returns Run's error
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// newFixture builds a server over fakes holding vs; edit adjusts the config.
func newFixture(tb testing.TB, edit func(*Config, *Deps), vs ...vessels.Vessel) *fixture {
	tb.Helper()
	fx := &fixture{vessels: newFakeVessels(vs...), broker: newFakeBroker()}
	cfg := Config{
		Addr:            "127.0.0.1:0",
		TileURL:         "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png",
		TileAttribution: "© OpenStreetMap contributors",
		Now:             func() time.Time { return testNow },
		Logger:          discardLogger(),
	}
	deps := Deps{Vessels: fx.vessels, Sources: fakeSources{stats: testSourceStats}, Live: fx.broker}
	if edit != nil {
		edit(&cfg, &deps)
	}
	srv, err := New(cfg, deps)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	fx.srv = srv
	return fx
}

// response is what do returns.
type response struct {
	status int
	header http.Header
	body   string
}

// do runs one request through app.Test.
func (fx *fixture) do(tb testing.TB, method, target string, header map[string]string) response {
	tb.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := fx.srv.App().Test(req, -1)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("%s %s: read body: %v", method, target, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

func newRequest(method, target string) *http.Request { return httptest.NewRequest(method, target, nil) }

// run serves fx on 127.0.0.1:0 until the test ends (or fx.stop) and
// returns its base URL.
func (fx *fixture) run(tb testing.TB) string {
	tb.Helper()
	if err := fx.srv.Open(); err != nil {
		tb.Fatalf("Open: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- fx.srv.Run(ctx) }()
	var once sync.Once
	fx.stop = func() error {
		var err error
		once.Do(func() {
			cancel()
			err = <-done
		})
		return err
	}
	tb.Cleanup(func() {
		if err := fx.stop(); err != nil {
			tb.Errorf("Run: %v", err)
		}
	})
	return "http://" + fx.srv.Addr()
}
