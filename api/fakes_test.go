package api

import (
	"cmp"
	"context"
	"fmt"
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
	"github.com/riverwatch/riverwatch/zones"
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
	zones   *fakeZones
	stop    func() error // set by run: stops the server, returns Run's error
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// newFixture builds a server over fakes holding vs; edit adjusts the config.
func newFixture(tb testing.TB, edit func(*Config, *Deps), vs ...vessels.Vessel) *fixture {
	tb.Helper()
	fx := &fixture{vessels: newFakeVessels(vs...), broker: newFakeBroker(), zones: newFakeZones(testZones()...)}
	cfg := Config{
		Addr:            "127.0.0.1:0",
		TileURL:         "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png",
		TileAttribution: "© OpenStreetMap contributors",
		Now:             func() time.Time { return testNow },
		Logger:          discardLogger(),
		Auth:            Anonymous{},
	}
	deps := Deps{Vessels: fx.vessels, Sources: fakeSources{stats: testSourceStats}, Live: fx.broker, Zones: fx.zones}
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

// doBody runs one request with a body of content type ctype ("" = none).
func (fx *fixture) doBody(tb testing.TB, method, target, ctype, body string, header map[string]string) response {
	tb.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := fx.srv.App().Test(req, -1)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("%s %s: read body: %v", method, target, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(data)}
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

// fakeZones is an in-memory ZoneWatch following the contract *zones.Watch
// keeps: built-in zones cannot be changed, bans get ids, alerts move
// open → acknowledged → resolved, and every change is an event to the
// subscribers, called inline as the real watch does.
type fakeZones struct {
	mu      sync.Mutex
	persons map[uint32]int
	zones   map[string]zones.Zone
	bans    map[string]zones.Ban
	alerts  map[string]zones.Alert
	inside  map[string][]uint32
	nextBan int
	err     error // returned by every call taking a ctx when set
	now     func() time.Time

	lastFilter zones.AlertFilter
	lastBy     string

	next int
	subs map[int]func(zones.Event)
}

func (f *fakeZones) SetPersons(mmsi uint32, persons int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.persons == nil {
		f.persons = map[uint32]int{}
	}
	f.persons[mmsi] = persons
}

func (f *fakeZones) Health() zones.Health {
	return zones.Health{Store: "fake", StoreOK: true}
}

func newFakeZones(zs ...zones.Zone) *fakeZones {
	f := &fakeZones{
		zones: make(map[string]zones.Zone), bans: make(map[string]zones.Ban),
		alerts: make(map[string]zones.Alert), inside: make(map[string][]uint32),
		now: func() time.Time { return testNow }, subs: make(map[int]func(zones.Event)),
	}
	for _, z := range zs {
		f.zones[z.ID] = z
	}
	return f
}

func (f *fakeZones) Zones() []zones.Zone {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]zones.Zone, 0, len(f.zones))
	for _, z := range f.zones {
		out = append(out, z)
	}
	slices.SortFunc(out, func(a, b zones.Zone) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

func (f *fakeZones) Zone(id string) (zones.Zone, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	z, ok := f.zones[id]
	if !ok {
		return zones.Zone{}, fmt.Errorf("zone %q: %w", id, zones.ErrNotFound)
	}
	return z, nil
}

func (f *fakeZones) PutZone(_ context.Context, z zones.Zone, by string) (zones.Zone, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return zones.Zone{}, f.err
	}
	if err := z.Validate(); err != nil {
		return zones.Zone{}, err
	}
	if old, ok := f.zones[z.ID]; ok && old.Source != "api" {
		return zones.Zone{}, fmt.Errorf("%w: zone %q is built in", zones.ErrConflict, z.ID)
	}
	z.Source, z.UpdatedAt = "api", f.now()
	f.zones[z.ID] = z
	f.lastBy = by
	f.emit(zones.Event{Type: zones.EventZonePut, ZoneID: z.ID, At: f.now()})
	return z, nil
}

func (f *fakeZones) DeleteZone(_ context.Context, id, by string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	z, ok := f.zones[id]
	switch {
	case !ok:
		return fmt.Errorf("zone %q: %w", id, zones.ErrNotFound)
	case z.Source != "api":
		return fmt.Errorf("%w: zone %q is built in", zones.ErrConflict, id)
	}
	delete(f.zones, id)
	f.lastBy = by
	f.emit(zones.Event{Type: zones.EventZoneDeleted, ZoneID: id, At: f.now()})
	return nil
}

func (f *fakeZones) ZoneVessels(_ context.Context, id string) ([]uint32, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	if _, ok := f.zones[id]; !ok {
		return nil, fmt.Errorf("zone %q: %w", id, zones.ErrNotFound)
	}
	return slices.Clone(f.inside[id]), nil
}

func (f *fakeZones) Bans(context.Context) ([]zones.Ban, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	out := make([]zones.Ban, 0, len(f.bans))
	for _, b := range f.bans {
		out = append(out, b)
	}
	slices.SortFunc(out, func(a, b zones.Ban) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

func (f *fakeZones) Ban(_ context.Context, id string) (zones.Ban, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return zones.Ban{}, f.err
	}
	b, ok := f.bans[id]
	if !ok {
		return zones.Ban{}, fmt.Errorf("ban %q: %w", id, zones.ErrNotFound)
	}
	return b, nil
}

func (f *fakeZones) SetBan(_ context.Context, b zones.Ban, by string) (zones.Ban, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return zones.Ban{}, f.err
	}
	if err := b.Validate(); err != nil {
		return zones.Ban{}, err
	}
	for _, id := range b.ZoneIDs {
		if _, ok := f.zones[id]; !ok {
			return zones.Ban{}, fmt.Errorf("%w: ban: unknown zone %q", zones.ErrInvalid, id)
		}
	}
	f.nextBan++
	b.ID = fmt.Sprintf("ban-%d", f.nextBan)
	b.CreatedBy, b.CreatedAt = by, f.now()
	f.bans[b.ID] = b
	f.emit(zones.Event{Type: zones.EventBanSet, Ban: &b, At: f.now()})
	return b, nil
}

func (f *fakeZones) LiftBan(_ context.Context, id, by string) (zones.Ban, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return zones.Ban{}, f.err
	}
	b, ok := f.bans[id]
	switch {
	case !ok:
		return zones.Ban{}, fmt.Errorf("ban %q: %w", id, zones.ErrNotFound)
	case b.Ended(f.now()):
		return zones.Ban{}, fmt.Errorf("%w: ban %q has ended", zones.ErrConflict, id)
	}
	b.LiftedBy, b.LiftedAt = by, f.now()
	f.bans[id] = b
	f.emit(zones.Event{Type: zones.EventBanLifted, Ban: &b, At: f.now()})
	return b, nil
}

func (f *fakeZones) Alerts(_ context.Context, flt zones.AlertFilter) ([]zones.Alert, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastFilter = flt
	if f.err != nil {
		return nil, f.err
	}
	var out []zones.Alert
	for _, a := range f.alerts {
		if flt.Match(&a) {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b zones.Alert) int { return b.UpdatedAt.Compare(a.UpdatedAt) })
	if flt.Limit > 0 && len(out) > flt.Limit {
		out = out[:flt.Limit]
	}
	return out, nil
}

func (f *fakeZones) Alert(_ context.Context, id string) (zones.Alert, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return zones.Alert{}, f.err
	}
	a, ok := f.alerts[id]
	if !ok {
		return zones.Alert{}, fmt.Errorf("alert %q: %w", id, zones.ErrNotFound)
	}
	return a, nil
}

func (f *fakeZones) Ack(_ context.Context, id, by string) (zones.Alert, error) {
	return f.changeAlert(id, zones.EventAlertAcked, func(a *zones.Alert) {
		a.State, a.AckedBy, a.AckedAt = zones.StateAcknowledged, by, f.now()
	})
}

func (f *fakeZones) Resolve(_ context.Context, id, by string) (zones.Alert, error) {
	return f.changeAlert(id, zones.EventAlertResolved, func(a *zones.Alert) {
		a.State, a.ResolvedBy, a.ResolvedAt = zones.StateResolved, by, f.now()
	})
}

func (f *fakeZones) changeAlert(id string, typ zones.EventType, edit func(*zones.Alert)) (zones.Alert, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return zones.Alert{}, f.err
	}
	a, ok := f.alerts[id]
	switch {
	case !ok:
		return zones.Alert{}, fmt.Errorf("alert %q: %w", id, zones.ErrNotFound)
	case !a.Active():
		return zones.Alert{}, fmt.Errorf("%w: alert %q is resolved", zones.ErrConflict, id)
	}
	edit(&a)
	a.UpdatedAt = f.now()
	f.alerts[id] = a
	f.emit(zones.Event{Type: typ, Alert: &a, At: f.now()})
	return a, nil
}

func (f *fakeZones) Subscribe(fn func(zones.Event)) func() {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := f.next
	f.next++
	f.subs[id] = fn
	return func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		delete(f.subs, id)
	}
}

// raise stores a as the engine would and publishes typ for it (opened,
// updated, resolved by itself).
func (f *fakeZones) raise(typ zones.EventType, a zones.Alert) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.alerts[a.ID] = a
	f.emit(zones.Event{Type: typ, Alert: &a, At: a.UpdatedAt})
}

// emit calls every subscriber with e; f.mu is held.
func (f *fakeZones) emit(e zones.Event) {
	for _, fn := range f.subs {
		fn(e)
	}
}

func (f *fakeZones) subscribers() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.subs)
}
