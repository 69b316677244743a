package vessels

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/riverwatch/riverwatch/ais"
)

// Defaults of TrackerConfig.
const (
	DefaultStaleFactor   = 3.0
	DefaultLostAfter     = 30 * time.Minute
	DefaultMaxSpeedKnots = 60.0
	DefaultJumpConfirm   = 3
	DefaultSweepInterval = 5 * time.Second
	DefaultMaxClockSkew  = 2 * time.Minute
	DefaultMaxVessels    = 200_000
	DefaultPrefetchFrom  = 2048
)

// summaryEvery is how often the tracker logs a summary of refused reports.
const summaryEvery = time.Minute

// TrackerConfig tunes a Tracker. Zero fields take the defaults.
type TrackerConfig struct {
	StaleFactor   float64       // stale when silent > expected interval × factor (default 3)
	LostAfter     time.Duration // lost (and removed from the live picture, event EventLost) after this silence (default 30 min)
	MaxSpeedKnots float64       // implied speed between two reports above this is an impossible jump (default 60 kn: a river boat can't)
	// JumpConfirm is how many consecutive reports, each consistent with the
	// one before but all impossible from the last accepted position, make
	// the tracker accept the new place (default 3): a vessel re-reported
	// after a gap, or whose first fix was wrong, is not stuck forever.
	JumpConfirm   int
	SweepInterval time.Duration // how often Run judges staleness and loss (default 5 s)
	// MaxClockSkew is how far behind our clock a message's own time (a tag
	// block c:, a file's receive time) may lie (default 2 min). Beyond it —
	// a replayed capture, a base station with a wrong clock, a delayed
	// feed — all messages of that station are shifted by one offset that
	// brings the late one to now: the vessels are live, and their reports
	// keep their order and spacing, so tracks and jump checks still hold.
	// The offset is estimated again when shifted times fall more than
	// MaxClockSkew behind or more than an hour (maxAhead) ahead of our clock.
	MaxClockSkew time.Duration
	// MaxVessels bounds the live picture (default 200,000): messages from
	// new MMSIs beyond it are refused and counted, so that a flood of forged
	// MMSIs cannot grow memory without bound.
	MaxVessels int
	// PrefetchFrom is how many vessels the live picture must hold for
	// Handle and HandleBatch to ask for their records ahead (default 2048;
	// negative: always). Below it the records stay in the cache, and
	// asking would only cost.
	PrefetchFrom int
	Now          func() time.Time
	Logger       *slog.Logger
}

// TrackerStats count what the Tracker did with the messages it was given.
type TrackerStats struct {
	Messages      uint64 `json:"messages"`        // messages handled
	Positions     uint64 `json:"positions"`       // positions accepted
	Jumps         uint64 `json:"jumps"`           // positions refused as impossible jumps
	JumpsTaken    uint64 `json:"jumps_taken"`     // new places accepted after JumpConfirm consistent jumps
	Unavailable   uint64 `json:"unavailable"`     // position reports without a position
	Late          uint64 `json:"late"`            // positions older than the one accepted, ignored
	LongRangeHeld uint64 `json:"long_range_held"` // type 27 positions refused over a recent precise one
	InvalidMMSI   uint64 `json:"invalid_mmsi"`    // messages from an invalid MMSI (still shown, flagged)
	Errors        uint64 `json:"errors"`          // store or history errors
	Ignored       uint64 `json:"ignored"`         // messages from MMSI 0, which names no station
	Refused       uint64 `json:"refused"`         // messages from new MMSIs refused at MaxVessels
	Stale         uint64 `json:"stale"`           // stale events published
	Lost          uint64 `json:"lost"`            // lost events published
}

// Tracker keeps the live picture: it merges every message into its vessel's
// record, flags what is implausible, appends accepted positions to the
// history and publishes an Event for every change.
//
// Handle and Sweep are serialised by one mutex, so events of a vessel are
// published in order; queries go straight to the Store and History and never
// wait for ingest.
type Tracker struct {
	cfg     TrackerConfig
	store   Store
	history History
	pub     Publisher
	log     *slog.Logger

	mu       sync.Mutex
	state    map[uint32]trackState    // only vessels with something to remember
	offsets  map[string]time.Duration // per station: added to its message times
	stats    TrackerStats
	logged   TrackerStats // as of the last summary
	loggedAt time.Time

	// cur is the message Handle is merging, and mergeFn the Store.Update
	// callback that merges it: kept here (guarded by mu) rather than in a
	// fresh closure so that the ingest path allocates nothing for them.
	cur     handling
	mergeFn func(v *Vessel) error

	// pubRef is pub when it can publish by reference, and ev the event
	// Handle publishes through it (guarded by mu): the update of every
	// message then reaches the subscribers by reference without a copy.
	pubRef refPublisher
	ev     Event

	// prefetchers are the store, the history and the publisher, those of
	// them that are Prefetchers, asked for each report's vessel first.
	prefetchers []Prefetcher
	ahead       PrefetchAhead // what prefetch asks; guarded by mu

	dynamics dynamicPool // the values of accepted reports; guarded by mu
}

// refPublisher is a Publisher that hands subscribers an event by
// reference (Broker does).
type refPublisher interface{ PublishRef(*Event) }

// handling is the state of one Handle call.
type handling struct {
	m         *ais.Message
	st        trackState
	at        time.Time
	res       merged
	refuseNew bool // the live picture is full: no new records
}

// errFull refuses a new record when the live picture holds MaxVessels.
var errFull = errors.New("vessels: live picture full")

// trackState is what the tracker remembers of a vessel beyond its record.
type trackState struct {
	jumps            int // consecutive refused reports consistent with each other
	jumpLat, jumpLon float64
	jumpAt           time.Time
	staleSent        bool // EventStale published, not yet heard again
}

// pruner is a History that must be told to forget silent vessels.
type pruner interface{ Prune() int }

// NewTracker returns a Tracker over store, history and pub; a nil one is
// replaced by MemoryStore, a MemoryHistory with default bounds, or
// NopPublisher.
func NewTracker(cfg TrackerConfig, store Store, history History, pub Publisher) *Tracker {
	if cfg.StaleFactor <= 0 {
		cfg.StaleFactor = DefaultStaleFactor
	}
	if cfg.LostAfter <= 0 {
		cfg.LostAfter = DefaultLostAfter
	}
	if cfg.MaxSpeedKnots <= 0 {
		cfg.MaxSpeedKnots = DefaultMaxSpeedKnots
	}
	if cfg.JumpConfirm <= 0 {
		cfg.JumpConfirm = DefaultJumpConfirm
	}
	if cfg.SweepInterval <= 0 {
		cfg.SweepInterval = DefaultSweepInterval
	}
	if cfg.MaxClockSkew <= 0 {
		cfg.MaxClockSkew = DefaultMaxClockSkew
	}
	if cfg.MaxVessels <= 0 {
		cfg.MaxVessels = DefaultMaxVessels
	}
	if cfg.PrefetchFrom == 0 {
		cfg.PrefetchFrom = DefaultPrefetchFrom
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if store == nil {
		store = NewMemoryStore()
	}
	if history == nil {
		history = NewMemoryHistory(HistoryConfig{Now: cfg.Now})
	}
	if pub == nil {
		pub = NopPublisher{}
	}
	t := &Tracker{
		cfg: cfg, store: store, history: history, pub: pub,
		log:     cfg.Logger.With("component", "vessels"),
		state:   make(map[uint32]trackState),
		offsets: make(map[string]time.Duration),
	}
	t.mergeFn = t.mergeCurrent
	t.pubRef, _ = pub.(refPublisher)
	for _, part := range []any{store, history, pub} {
		if p, ok := part.(Prefetcher); ok {
			t.prefetchers = append(t.prefetchers, p)
		}
	}
	return t
}

// maxAhead is how far ahead of our clock shifted message times may run:
// a capture replayed faster than real time runs ahead by its own length.
const maxAhead = time.Hour

// maxStations bounds the per-station offsets (station names come from tag
// blocks, which anyone can write).
const maxStations = 4096

// heardAt is when a message counts as heard: its own time shifted by its
// station's clock offset (see TrackerConfig.MaxClockSkew). t.mu is held.
func (t *Tracker) heardAt(station string, sent, now time.Time) time.Time {
	if sent.IsZero() {
		return now
	}
	off := t.offsets[station]
	at := sent
	if off != 0 {
		at = sent.Add(off)
	}
	if behind := Elapsed(at, now); behind <= t.cfg.MaxClockSkew && behind >= -maxAhead {
		return at
	}
	off = now.Sub(sent)
	if _, known := t.offsets[station]; !known && len(t.offsets) >= maxStations {
		clear(t.offsets)
	}
	t.offsets[station] = off
	return sent.Add(off)
}

// mergeCurrent merges t.cur into v; it runs inside Store.Update under t.mu.
func (t *Tracker) mergeCurrent(v *Vessel) error {
	c := &t.cur
	if c.refuseNew && v.LastSeen.IsZero() {
		return errFull
	}
	c.res = t.merge(v, c.m, &c.st, c.at)
	return nil
}

// Handle merges one decoded message into the live picture: it is the
// pipeline's OnMessage. The message's Received time is when its parts were
// heard (clamped to now: a tag block from the future is not trusted). Every
// handled message publishes one EventUpdate with the record after it.
func (t *Tracker) Handle(m *ais.Message) {
	if m == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.asksAhead() {
		t.prefetch(PrefetchAhead{m.MMSI})
		t.prefetch(PrefetchAhead{1: m.MMSI})
	}
	t.handle(m)
}

// HandleBatch is Handle of each message in turn (nil ones skipped), for a
// Pipeline's OnBatch. It asks the store, the history and the subscribers
// for the vessels of the messages to come while it handles each, a stage
// further for each message nearer (see Prefetcher): the table slots of
// the third message on, the records of the second, what the records point
// to of the next. Each load then has a message's handling to arrive in,
// instead of costing a memory latency after another.
func (t *Tracker) HandleBatch(ms []*ais.Message) {
	mmsiAt := func(i int) uint32 {
		if i < 0 || i >= len(ms) || ms[i] == nil {
			return 0
		}
		return ms[i].MMSI
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.asksAhead() {
		for _, m := range ms {
			if m != nil {
				t.handle(m)
			}
		}
		return
	}
	for i := -PrefetchStages; i < len(ms); i++ {
		var a PrefetchAhead
		for stage := range a {
			a[stage] = mmsiAt(i + PrefetchStages - stage)
		}
		if a != (PrefetchAhead{}) { // the batch's last message asks for nobody
			t.prefetch(a)
		}
		if i >= 0 && ms[i] != nil {
			t.handle(ms[i])
		}
	}
}

// handle is Handle once the vessel's records are asked for. t.mu is held.
func (t *Tracker) handle(m *ais.Message) {
	now := t.cfg.Now()
	ctx := context.Background()
	at := t.heardAt(m.Station, m.Received, now)
	t.stats.Messages++
	if m.MMSI == 0 {
		t.stats.Ignored++
		return
	}
	t.cur = handling{m: m, st: t.state[m.MMSI], at: at, refuseNew: t.store.Len() >= t.cfg.MaxVessels}
	defer func() { t.cur.m = nil }() // keep no message alive
	ev := &t.ev
	var err error
	ev.Vessel, err = t.store.Update(ctx, m.MMSI, t.mergeFn)
	v := &ev.Vessel
	if errors.Is(err, errFull) {
		if t.stats.Refused++; t.stats.Refused == 1 {
			t.log.Warn("live picture full: refusing new vessels", "max_vessels", t.cfg.MaxVessels)
		}
		return
	}
	if err != nil {
		t.stats.Errors++
		t.log.Debug("store update failed", "mmsi", m.MMSI, "err", err)
		return
	}
	res, st := t.cur.res, t.cur.st
	t.count(res, v)
	if res.accepted {
		if err := appendAccepted(ctx, t.history, v, res.point); err != nil {
			t.stats.Errors++
			t.log.Debug("history append failed", "mmsi", m.MMSI, "err", err)
		}
	}
	Judge(v, now, t.cfg.StaleFactor, t.cfg.LostAfter)
	if !v.Stale {
		st.staleSent = false
	}
	t.setState(m.MMSI, st)
	ev.Type, ev.At = EventUpdate, now
	if t.pubRef != nil {
		t.pubRef.PublishRef(ev)
	} else {
		t.pub.Publish(*ev)
	}
}

// asksAhead reports whether the live picture is large enough for asking
// ahead to pay (see TrackerConfig.PrefetchFrom).
func (t *Tracker) asksAhead() bool {
	return len(t.prefetchers) > 0 && t.store.Len() >= t.cfg.PrefetchFrom
}

// prefetch asks the store, the history and the subscribers for the
// vessels of a (see Prefetcher), all together, so that their loads
// overlap. The prefetchers take their own locks. t.mu is held: a is
// handed on from t.ahead, which (unlike a variable of its own, handed to
// an interface) costs no allocation.
func (t *Tracker) prefetch(a PrefetchAhead) {
	t.ahead = a
	for _, p := range t.prefetchers {
		p.Prefetch(&t.ahead)
	}
}

func (t *Tracker) count(res merged, v *Vessel) {
	s := &t.stats
	switch {
	case res.accepted:
		s.Positions++
	case res.jump:
		s.Jumps++
	case res.unavailable:
		s.Unavailable++
	case res.late:
		s.Late++
	case res.held:
		s.LongRangeHeld++
	}
	if res.jumpAccept {
		s.JumpsTaken++
	}
	for _, f := range v.Flags {
		if f == FlagInvalidMMSI {
			s.InvalidMMSI++
		}
	}
}

func (t *Tracker) setState(mmsi uint32, st trackState) {
	if st == (trackState{}) {
		delete(t.state, mmsi)
		return
	}
	t.state[mmsi] = st
}

// Vessel returns the record of mmsi with Stale and Lost judged now, or
// ErrNotFound.
func (t *Tracker) Vessel(ctx context.Context, mmsi uint32) (Vessel, error) {
	v, err := t.store.Get(ctx, mmsi)
	if err != nil {
		return Vessel{}, err
	}
	t.judge(&v, t.cfg.Now())
	return v, nil
}

func (t *Tracker) judge(v *Vessel, now time.Time) {
	Judge(v, now, t.cfg.StaleFactor, t.cfg.LostAfter)
}

// Vessels lists the records f selects, in MMSI order, with Stale judged now.
// Lost vessels are not part of the live picture and are never listed. A
// filter with a negative Limit or an inverted BBox is ErrInvalid.
func (t *Tracker) Vessels(ctx context.Context, f Filter) ([]Vessel, error) {
	if f.Limit < 0 || (f.BBox != nil && (f.BBox.South > f.BBox.North || f.BBox.West > f.BBox.East)) {
		return nil, fmt.Errorf("vessels: filter: %w", ErrInvalid)
	}
	now := t.cfg.Now()
	q := foldSpaces(strings.TrimSpace(f.Query))
	if len(q) > 64 {
		q = q[:64]
	}
	keep := func(v *Vessel) bool {
		t.judge(v, now)
		return match(v, &f, q)
	}
	vs, err := t.store.List(ctx, keep)
	if err != nil {
		return nil, err
	}
	for i := range vs { // a Store need not hand keep the copy it returns
		t.judge(&vs[i], now)
	}
	if f.Limit > 0 && len(vs) > f.Limit {
		vs = vs[:f.Limit]
	}
	return vs, nil
}

// Track returns mmsi's track as History.Track does. A vessel neither in the
// live picture nor in the history is ErrNotFound; one that was lost keeps
// its track until the history forgets it.
func (t *Tracker) Track(ctx context.Context, mmsi uint32, since, until time.Time, limit int) ([]TrackPoint, error) {
	pts, err := t.history.Track(ctx, mmsi, since, until, limit)
	if err != nil {
		return nil, err
	}
	if len(pts) == 0 {
		if _, err := t.store.Get(ctx, mmsi); err != nil {
			return nil, err
		}
	}
	return pts, nil
}

// Count is the number of vessels in the live picture.
func (t *Tracker) Count() int { return t.store.Len() }

// Stats returns the counters so far.
func (t *Tracker) Stats() TrackerStats {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.stats
}

// Run sweeps every SweepInterval until ctx is done, then returns nil.
func (t *Tracker) Run(ctx context.Context) error {
	tick := time.NewTicker(t.cfg.SweepInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			if err := t.Sweep(ctx); err != nil && ctx.Err() == nil {
				t.log.Warn("sweep failed", "err", err)
			}
		}
	}
}

// Sweep judges every vessel now: it publishes EventStale once when a vessel
// turns stale, and EventLost when it is lost, removing it from the live
// picture. It also lets a MemoryHistory forget silent vessels, and logs a
// summary of refused reports at most once a minute. Run calls it; it is
// exported for tests and for callers that keep their own schedule.
func (t *Tracker) Sweep(ctx context.Context) error {
	now := t.cfg.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	act := func(v *Vessel) bool {
		t.judge(v, now)
		return v.Lost || v.Stale != t.state[v.MMSI].staleSent
	}
	vs, err := t.store.List(ctx, act)
	if err != nil {
		return fmt.Errorf("vessels: sweep: %w", err)
	}
	var errs []error
	for i := range vs {
		v := &vs[i]
		if !act(v) {
			continue
		}
		st := t.state[v.MMSI]
		switch {
		case v.Lost:
			if err := t.store.Delete(ctx, v.MMSI); err != nil && !errors.Is(err, ErrNotFound) {
				t.stats.Errors++
				errs = append(errs, err)
				continue
			}
			delete(t.state, v.MMSI)
			t.stats.Lost++
			t.pub.Publish(Event{Type: EventLost, Vessel: *v, At: now})
		case v.Stale:
			st.staleSent = true
			t.setState(v.MMSI, st)
			t.stats.Stale++
			t.pub.Publish(Event{Type: EventStale, Vessel: *v, At: now})
		default:
			st.staleSent = false
			t.setState(v.MMSI, st)
		}
	}
	if p, ok := t.history.(pruner); ok {
		p.Prune()
	}
	t.summary(now)
	return errors.Join(errs...)
}

// summary logs what was refused since the last summary, at most once per
// summaryEvery and only when something was.
func (t *Tracker) summary(now time.Time) {
	if now.Sub(t.loggedAt) < summaryEvery {
		return
	}
	s, l := t.stats, t.logged
	if s.Jumps == l.Jumps && s.Late == l.Late && s.LongRangeHeld == l.LongRangeHeld &&
		s.Unavailable == l.Unavailable && s.Errors == l.Errors {
		return
	}
	t.log.Info("refused reports",
		"jumps", s.Jumps-l.Jumps, "late", s.Late-l.Late, "long_range_held", s.LongRangeHeld-l.LongRangeHeld,
		"unavailable", s.Unavailable-l.Unavailable, "errors", s.Errors-l.Errors, "vessels", t.store.Len())
	t.logged, t.loggedAt = s, now
}
