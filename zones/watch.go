package zones

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/riverwatch/riverwatch/vessels"
)

// DefaultMaxResolved is how many resolved alerts a Watch keeps in memory
// for listings; the StateStore keeps them for AlertRetention.
const DefaultMaxResolved = 10_000

// WatchConfig configures a Watch.
type WatchConfig struct {
	// Base are the built-in zones (the defaults, or a --zones file): not
	// editable through the API, not stored.
	Base      []Zone
	Store     StateStore // default: a MemoryStore
	StoreName string     // how /healthz names the store ("memory", "redis")
	Engine    EngineConfig
	// Origin names this process in the store's event stream; default
	// host, pid and a random part.
	Origin      string
	MaxResolved int
	Now         func() time.Time
	Logger      *slog.Logger
}

// Health is the state store's health as the Watch sees it.
type Health struct {
	Store     string    `json:"store"`
	StoreOK   bool      `json:"store_ok"`
	Since     time.Time `json:"since"`   // since when it has been up (or down)
	Pending   int       `json:"pending"` // changes waiting to be written
	LastError string    `json:"last_error,omitempty"`
}

// Watch is the zones service: it owns the Engine, keeps the live picture of
// alerts, bans and zones that the API reads, writes every change through
// the StateStore and follows the store's stream so that several processes
// share one picture. Reads never wait for the store; alerting goes on in
// memory while the store is down and the changes are written once it
// returns.
type Watch struct {
	cfg    WatchConfig
	store  StateStore
	engine *Engine
	log    *slog.Logger

	mu       sync.Mutex
	base     map[string]Zone
	apiZones map[string]Zone
	bans     map[string]Ban
	alerts   map[string]*Alert // active and recently resolved, by id
	resolved []string          // ids of resolved alerts, oldest first

	subs  atomic.Pointer[[]*watchSub]
	smu   sync.Mutex
	onOcc atomic.Pointer[func(Occupancy)] // see OnOccupancy

	w          *writer
	streamFrom string // where follow starts: the stream's head as Open found it

	// sent is the alert the engine's sink last pushed live, which its
	// event points to: under the engine's lock, reused.
	sent Alert
}

type watchSub struct{ fn func(Event) }

// NewWatch builds the service over cfg.Base and the store; Open loads what
// the store holds.
func NewWatch(cfg WatchConfig) (*Watch, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Store == nil {
		cfg.Store = NewMemoryStore(MemoryConfig{Now: cfg.Now})
		cfg.StoreName = "memory"
	}
	if cfg.StoreName == "" {
		cfg.StoreName = "store"
	}
	if cfg.MaxResolved <= 0 {
		cfg.MaxResolved = DefaultMaxResolved
	}
	if cfg.Origin == "" {
		host, _ := os.Hostname()
		cfg.Origin = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), NewID("", cfg.Now())[9:])
	}
	if cfg.Engine.Now == nil {
		cfg.Engine.Now = cfg.Now
	}
	if cfg.Engine.Logger == nil {
		cfg.Engine.Logger = cfg.Logger
	}
	w := &Watch{
		cfg: cfg, store: cfg.Store, log: cfg.Logger.With("component", "zones"),
		base: map[string]Zone{}, apiZones: map[string]Zone{}, bans: map[string]Ban{}, alerts: map[string]*Alert{},
	}
	for _, z := range cfg.Base {
		if err := z.Validate(); err != nil {
			return nil, err
		}
		if _, dup := w.base[z.ID]; dup {
			return nil, fmt.Errorf("%w: duplicate zone id %q", ErrInvalid, z.ID)
		}
		w.base[z.ID] = z
	}
	w.w = newWriter(w)
	w.engine = NewEngine(cfg.Engine, nil, (*watchSink)(w))
	if err := w.engine.SetZones(cfg.Base); err != nil {
		return nil, err
	}
	return w, nil
}

// Engine is the rules engine; cmd subscribes Handle to the tracker's broker.
func (w *Watch) Engine() *Engine { return w.engine }

// Handle evaluates a tracker event (a vessels.Broker subscriber).
func (w *Watch) Handle(ev vessels.Event) { w.engine.HandleRef(&ev) }

// HandleRef is Handle by reference, for a Broker's SubscribeRef.
func (w *Watch) HandleRef(ev *vessels.Event) { w.engine.HandleRef(ev) }

// Prefetch implements vessels.Prefetcher, for a Broker's SubscribePrefetch
// beside HandleRef.
func (w *Watch) Prefetch(a *vessels.PrefetchAhead) { w.engine.Prefetch(a) }

// Open reads the shared state back from the store: API zones, bans, open
// alerts (adopted, so that nothing is raised twice after a restart). A store
// that does not answer is logged and read again once it does; Open fails
// only on a context error.
func (w *Watch) Open(ctx context.Context) error {
	// The stream's head first: what others publish while we read the state
	// is then followed, not lost.
	hctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	head, err := w.store.StreamHead(hctx)
	cancel()
	if err == nil {
		w.streamFrom = head
	}
	if err := w.load(ctx); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		w.w.down(err)
		w.w.needLoad.Store(true)
	}
	return nil
}

// load reads zones, bans, active alerts and the latest resolved ones (up
// to MaxResolved) from the store, so that a process started later lists
// the same alerts as those running before it.
func (w *Watch) load(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	zs, err := w.store.Zones(ctx)
	if err != nil {
		return err
	}
	bans, err := w.store.Bans(ctx)
	if err != nil {
		return err
	}
	alerts, err := w.store.Alerts(ctx, AlertFilter{State: StateOpen})
	if err != nil {
		return err
	}
	resolved, err := w.store.Alerts(ctx, AlertFilter{State: StateResolved, Limit: w.cfg.MaxResolved})
	if err != nil {
		return err
	}
	w.mu.Lock()
	for _, z := range zs {
		if _, builtIn := w.base[z.ID]; !builtIn {
			w.apiZones[z.ID] = z
		}
	}
	for _, b := range bans {
		w.bans[b.ID] = b
	}
	for i := range alerts {
		a := alerts[i]
		w.alerts[a.ID] = &a
	}
	w.mu.Unlock()
	for i := len(resolved) - 1; i >= 0; i-- { // oldest first: the first forgotten
		w.book(resolved[i])
	}
	if err := w.reindex(); err != nil {
		w.log.Warn("stored zones", "err", err)
	}
	w.engine.SetBans(w.banList())
	for _, a := range alerts {
		w.engine.Adopt(a)
	}
	w.log.Info("zones state loaded", "store", w.cfg.StoreName, "api_zones", len(zs), "bans", len(bans), "open_alerts", len(alerts), "resolved_alerts", len(resolved))
	return nil
}

// Run sweeps the rules, writes changes to the store and follows its
// stream until ctx ends; then it makes a last, bounded attempt to write
// what is pending.
func (w *Watch) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); w.engine.Run(ctx.Done()) }()
	go func() { defer wg.Done(); w.follow(ctx) }()
	w.w.run(ctx)
	wg.Wait()
	return nil
}

// Close releases the store.
func (w *Watch) Close() error { return w.store.Close() }

// Health reports the store's state.
func (w *Watch) Health() Health { return w.w.health() }

// OnOccupancy makes fn see every vessel entering or leaving a zone, as
// this process judges it (the history counts traffic per zone from it).
// fn runs on the rules' path, under the Engine's lock: it must return at
// once and must not call back into the Watch. A later call replaces fn.
func (w *Watch) OnOccupancy(fn func(Occupancy)) { w.onOcc.Store(&fn) }

func (w *Watch) occupancyChanged(o Occupancy) {
	w.w.occupancy(o)
	if fn := w.onOcc.Load(); fn != nil && *fn != nil {
		(*fn)(o)
	}
}

// Subscribe calls fn for every change of alerts, bans and zones, this
// process's and the others'. fn must not block, and may keep nothing the
// event points to (the Watch reuses it): it copies what it needs.
func (w *Watch) Subscribe(fn func(Event)) (unsubscribe func()) {
	s := &watchSub{fn: fn}
	w.smu.Lock()
	old := w.subList()
	next := append(slices.Clone(old), s)
	w.subs.Store(&next)
	w.smu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			w.smu.Lock()
			defer w.smu.Unlock()
			next := slices.DeleteFunc(slices.Clone(w.subList()), func(o *watchSub) bool { return o == s })
			w.subs.Store(&next)
		})
	}
}

func (w *Watch) subList() []*watchSub {
	if p := w.subs.Load(); p != nil {
		return *p
	}
	return nil
}

func (w *Watch) emit(e Event) {
	for _, s := range w.subList() {
		s.fn(e)
	}
}

// ---- zones

// Zones returns every zone, built-in and API, in id order.
func (w *Watch) Zones() []Zone {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.zonesLocked()
}

func (w *Watch) zonesLocked() []Zone {
	out := make([]Zone, 0, len(w.base)+len(w.apiZones))
	for _, z := range w.base {
		out = append(out, z)
	}
	for _, z := range w.apiZones {
		out = append(out, z)
	}
	slices.SortFunc(out, func(a, b Zone) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// Zone returns one zone; ErrNotFound.
func (w *Watch) Zone(id string) (Zone, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if z, ok := w.base[id]; ok {
		return z, nil
	}
	if z, ok := w.apiZones[id]; ok {
		return z, nil
	}
	return Zone{}, fmt.Errorf("zone %q: %w", id, ErrNotFound)
}

// PutZone creates or replaces an API zone. ErrInvalid for a bad zone,
// ErrConflict for the id of a built-in zone.
func (w *Watch) PutZone(ctx context.Context, z Zone, by string) (Zone, error) {
	if err := z.Validate(); err != nil {
		return Zone{}, err
	}
	z.Source, z.UpdatedAt = "api", w.cfg.Now().UTC()
	w.mu.Lock()
	if _, builtIn := w.base[z.ID]; builtIn {
		w.mu.Unlock()
		return Zone{}, fmt.Errorf("%w: zone %q is built in (defaults or --zones file) and cannot be changed through the API", ErrConflict, z.ID)
	}
	old, had := w.apiZones[z.ID]
	w.apiZones[z.ID] = z
	w.mu.Unlock()
	if err := w.reindex(); err != nil {
		w.mu.Lock()
		if had {
			w.apiZones[z.ID] = old
		} else {
			delete(w.apiZones, z.ID)
		}
		w.mu.Unlock()
		return Zone{}, err
	}
	w.w.push(op{kind: opPutZone, zone: z})
	w.log.Info("zone stored", "zone", z.ID, "kind", z.Kind, "by", by)
	w.emit(Event{Type: EventZonePut, ZoneID: z.ID, At: z.UpdatedAt, Origin: w.cfg.Origin})
	return z, nil
}

// DeleteZone removes an API zone. ErrNotFound, or ErrConflict for a
// built-in zone.
func (w *Watch) DeleteZone(ctx context.Context, id, by string) error {
	w.mu.Lock()
	if _, builtIn := w.base[id]; builtIn {
		w.mu.Unlock()
		return fmt.Errorf("%w: zone %q is built in and cannot be deleted through the API", ErrConflict, id)
	}
	if _, ok := w.apiZones[id]; !ok {
		w.mu.Unlock()
		return fmt.Errorf("zone %q: %w", id, ErrNotFound)
	}
	now := w.cfg.Now()
	for _, b := range w.bans {
		if !b.Ended(now) && slices.Contains(b.ZoneIDs, id) {
			w.mu.Unlock()
			return fmt.Errorf("%w: zone %q has ban %q in force or to come: lift it first", ErrConflict, id, b.ID)
		}
	}
	delete(w.apiZones, id)
	w.mu.Unlock()
	if err := w.reindex(); err != nil {
		return err
	}
	w.w.push(op{kind: opDeleteZone, zone: Zone{ID: id}})
	w.log.Info("zone deleted", "zone", id, "by", by)
	w.emit(Event{Type: EventZoneDeleted, ZoneID: id, At: w.cfg.Now().UTC(), Origin: w.cfg.Origin})
	return nil
}

// reindex rebuilds the spatial index from every zone.
func (w *Watch) reindex() error { return w.engine.SetZones(w.Zones()) }

// ZoneVessels returns who is inside a zone now: from the store (every
// process's vessels), or this process's view while the store is down.
func (w *Watch) ZoneVessels(ctx context.Context, id string) ([]uint32, error) {
	if _, err := w.Zone(id); err != nil {
		return nil, err
	}
	ms, err := w.store.ZoneVessels(ctx, id)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		ms = w.engine.Occupants(id)
	}
	slices.Sort(ms)
	return ms, nil
}

// SetPersons records an officer's count of persons on board (for the
// overcrowding rule); negative forgets it.
func (w *Watch) SetPersons(mmsi uint32, persons int) { w.engine.SetPersons(mmsi, persons) }

// ---- bans

// Bans returns the bans still kept (active, future, or ended less than
// BanRetention ago), in id order.
func (w *Watch) Bans(ctx context.Context) ([]Ban, error) {
	now := w.cfg.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]Ban, 0, len(w.bans))
	for id, b := range w.bans {
		if banExpired(&b, now) {
			delete(w.bans, id)
			continue
		}
		out = append(out, b)
	}
	slices.SortFunc(out, func(a, b Ban) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

func banExpired(b *Ban, now time.Time) bool {
	end := b.Until
	if !b.LiftedAt.IsZero() {
		end = b.LiftedAt
	} else if b.Yearly {
		return false
	}
	return now.Sub(end) > BanRetention
}

func (w *Watch) banList() []Ban {
	bans, _ := w.Bans(context.Background())
	return bans
}

// Ban returns one ban; ErrNotFound.
func (w *Watch) Ban(ctx context.Context, id string) (Ban, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	b, ok := w.bans[id]
	if !ok {
		return Ban{}, fmt.Errorf("ban %q: %w", id, ErrNotFound)
	}
	return b, nil
}

// SetBan validates and stores a new ban made by an officer. ErrInvalid for
// a bad ban or one naming an unknown zone.
func (w *Watch) SetBan(ctx context.Context, b Ban, by string) (Ban, error) {
	if err := b.Validate(); err != nil {
		return Ban{}, err
	}
	for _, id := range b.ZoneIDs {
		if _, err := w.Zone(id); err != nil {
			return Ban{}, fmt.Errorf("%w: ban: unknown zone id %q", ErrInvalid, id)
		}
	}
	now := w.cfg.Now().UTC()
	if !b.Yearly && !b.Until.After(now) {
		return Ban{}, fmt.Errorf("%w: ban: until %s is already past", ErrInvalid, b.Until.UTC().Format(time.RFC3339))
	}
	b.ID, b.CreatedBy, b.CreatedAt = NewID("B", now), by, now
	b.LiftedBy, b.LiftedAt = "", time.Time{}
	b.From, b.Until = b.From.UTC(), b.Until.UTC()
	w.putBan(b, EventBanSet)
	w.log.Info("ban set", "ban", b.ID, "zones", b.ZoneIDs, "kind", b.Kind, "reason", b.Reason, "from", b.From, "until", b.Until, "by", by)
	return b, nil
}

// LiftBan ends a ban early, recording who and when. ErrNotFound; ErrConflict
// for a ban already lifted or over.
func (w *Watch) LiftBan(ctx context.Context, id, by string) (Ban, error) {
	now := w.cfg.Now().UTC()
	b, err := w.Ban(ctx, id)
	if err != nil {
		return Ban{}, err
	}
	if !b.LiftedAt.IsZero() || b.Ended(now) {
		return Ban{}, fmt.Errorf("%w: ban %q has already ended", ErrConflict, id)
	}
	b.LiftedBy, b.LiftedAt = by, now
	w.putBan(b, EventBanLifted)
	w.log.Info("ban lifted", "ban", id, "by", by)
	return b, nil
}

func (w *Watch) putBan(b Ban, typ EventType) {
	w.mu.Lock()
	w.bans[b.ID] = b
	w.mu.Unlock()
	w.engine.SetBans(w.banList())
	w.w.push(op{kind: opPutBan, ban: b, event: typ})
	w.emit(Event{Type: typ, Ban: &b, At: w.cfg.Now().UTC(), Origin: w.cfg.Origin})
}
