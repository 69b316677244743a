package zones

import (
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/riverwatch/riverwatch/vessels"
)

// Rule thresholds, fit for rivers a few hundred metres wide rather than
// open sea. EngineConfig fields of zero take these.
const (
	DefaultHysteresisM      = 25.0            // a vessel leaves a zone only this far beyond its edge
	DefaultMaxCrossGap      = 3 * time.Minute // no crossing inferred across a longer silence
	DefaultUnderWayKn       = 0.5             // slower is not under way
	DefaultSpeedingReports  = 3               // consecutive reports above a limit to raise, below it to clear
	DefaultSpeedingMarginKn = 0.5
	DefaultBorderApproachM  = 50.0 // the boundary runs mid-river: 50 m from it is well into the other half's approach
	DefaultBorderLoiterM    = 150.0
	DefaultBorderLoiterKn   = 2.0
	DefaultBorderLoiterFor  = 5 * time.Minute
	DefaultBridgeApproachM  = 800.0
	DefaultBridgeApproachKn = 6.0
	DefaultCollisionTCPA    = 5 * time.Minute
	DefaultCollisionRangeM  = 3000.0 // neighbours searched this far
	DefaultFerryConflictM   = 150.0  // CPA to a crossing ferry
	DefaultFerryConflictFor = 3 * time.Minute
	DefaultPairEvery        = 30 * time.Second // each pair judged again this often (by one of its two vessels), and on a change of course or speed
	DefaultAISGapFactor     = 6.0              // intervals of silence under way (the IEC lost-target rule)
	DefaultLongUnsupervised = 72 * time.Hour
	DefaultGroundFromKn     = 7.0
	DefaultGroundToKn       = 1.0
	DefaultGroundWithin     = 30 * time.Second
	DefaultGroundStay       = 60 * time.Second
	DefaultAnchorDragM      = 100.0
	DefaultUpdateEvery      = 30 * time.Second // an open alert's position is written at most this often
	DefaultExitAlertFor     = 10 * time.Minute // a zone_exit alert resolves itself after this
	DefaultMaxVessels       = 300_000
	maxPositionAge          = 2 * time.Minute // a neighbour's last fix older than this is not extrapolated
)

// ExemptTypes are the ITU ship types a restricted zone lets in: search and
// rescue (51) and law enforcement (55).
var ExemptTypes = []int{51, 55}

// EngineConfig tunes the rules. Zero fields take the defaults above.
type EngineConfig struct {
	HysteresisM      float64
	MaxCrossGap      time.Duration
	UnderWayKn       float64
	SpeedingReports  int
	SpeedingMarginKn float64
	BorderApproachM  float64
	BorderLoiterM    float64
	BorderLoiterKn   float64
	BorderLoiterFor  time.Duration
	BridgeApproachM  float64
	BridgeApproachKn float64
	CollisionTCPA    time.Duration
	CollisionRangeM  float64
	FerryConflictM   float64
	AISGapFactor     float64
	LongUnsupervised time.Duration
	AnchorDragM      float64
	UpdateEvery      time.Duration
	ExitAlertFor     time.Duration
	// MaxVessels bounds the vessels remembered (default 300,000: the
	// tracker's live picture and those it lost, kept for long_unsupervised).
	MaxVessels int
	Now        func() time.Time
	Logger     *slog.Logger
}

func (c *EngineConfig) defaults() {
	def := func(v *float64, d float64) {
		if *v <= 0 {
			*v = d
		}
	}
	defD := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.HysteresisM, DefaultHysteresisM)
	defD(&c.MaxCrossGap, DefaultMaxCrossGap)
	def(&c.UnderWayKn, DefaultUnderWayKn)
	if c.SpeedingReports <= 0 {
		c.SpeedingReports = DefaultSpeedingReports
	}
	def(&c.SpeedingMarginKn, DefaultSpeedingMarginKn)
	def(&c.BorderApproachM, DefaultBorderApproachM)
	def(&c.BorderLoiterM, DefaultBorderLoiterM)
	def(&c.BorderLoiterKn, DefaultBorderLoiterKn)
	defD(&c.BorderLoiterFor, DefaultBorderLoiterFor)
	def(&c.BridgeApproachM, DefaultBridgeApproachM)
	def(&c.BridgeApproachKn, DefaultBridgeApproachKn)
	defD(&c.CollisionTCPA, DefaultCollisionTCPA)
	def(&c.CollisionRangeM, DefaultCollisionRangeM)
	def(&c.FerryConflictM, DefaultFerryConflictM)
	def(&c.AISGapFactor, DefaultAISGapFactor)
	defD(&c.LongUnsupervised, DefaultLongUnsupervised)
	def(&c.AnchorDragM, DefaultAnchorDragM)
	defD(&c.UpdateEvery, DefaultUpdateEvery)
	defD(&c.ExitAlertFor, DefaultExitAlertFor)
	if c.MaxVessels <= 0 {
		c.MaxVessels = DefaultMaxVessels
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Sink receives what the Engine concludes, synchronously and in order,
// while the Engine holds its lock: it must return at once and must not call
// back into the Engine.
type Sink interface {
	// AlertChanged is an alert opened, updated or resolved (typ is one of
	// EventAlertOpened, EventAlertUpdated, EventAlertResolved).
	AlertChanged(typ EventType, a Alert)
	// OccupancyChanged is a vessel entering or leaving a zone.
	OccupancyChanged(o Occupancy)
}

// Engine evaluates every accepted position of every vessel, in order,
// against the zones, the bans and the other vessels, and keeps one alert
// episode per breach. All of it is in memory: Handle is called on the
// tracker's publishing path and never waits for a backend.
type Engine struct {
	cfg  EngineConfig
	sink Sink
	log  *slog.Logger

	mu       sync.Mutex
	index    *Index            // every zone but the borders
	bridges  *Index            // the bridge zones again, for looking ahead
	borders  *Index            // the border lines, which are crossed, never entered
	bans     map[string][]*Ban // zone id → bans naming it
	vs       vtable
	grid     vesselGrid
	members  map[string]map[uint32]struct{} // zone id → vessels inside
	episodes map[string]*episode
	orphans  map[uint32][]*episode // episodes of vessels not heard yet (adopted from the store)
	seq      uint64                // positions evaluated: marks what one report judged
	zgen     uint64                // counts the zone sets (see vstate.insideZ)

	// scratch reused by Handle (guarded by mu)
	near       []Near
	containing []*Zone
	next       []string
	crossed    []*Zone
	ahead      []*Zone
	nbrs       []*vstate
	keyBuf     []byte
	msgBuf     []byte
}

// NewEngine returns an engine over the zones of ix (nil: none) that tells
// sink what it concludes.
func NewEngine(cfg EngineConfig, ix *Index, sink Sink) *Engine {
	cfg.defaults()
	e := &Engine{
		cfg: cfg, sink: sink, log: cfg.Logger.With("component", "zones"),
		bans: map[string][]*Ban{},
		grid: newVesselGrid(), members: map[string]map[uint32]struct{}{}, episodes: map[string]*episode{},
		orphans: map[uint32][]*episode{},
	}
	e.setIndex(ix)
	return e
}

// setIndex takes the zones of an index the caller built.
func (e *Engine) setIndex(ix *Index) {
	if ix == nil {
		ix = emptyIndex
	}
	zs := make([]Zone, 0, ix.Len())
	for _, z := range ix.Zones() {
		zs = append(zs, *z)
	}
	// Every zone was valid in ix, so this does not fail.
	_ = e.setZones(zs)
}

// setZones splits the zones into the borders and the rest, and indexes
// the bridges again on their own (the look-ahead searches a long segment,
// which in the whole index would visit every zone along it). Each index
// is built once; nothing changes on an error.
func (e *Engine) setZones(zs []Zone) error {
	var borders, rest, bridges []Zone
	seen := make(map[string]bool, len(zs))
	for _, z := range zs {
		if seen[z.ID] { // the split indexes could not see a duplicate across them
			return fmt.Errorf("%w: duplicate zone id %q", ErrInvalid, z.ID)
		}
		seen[z.ID] = true
		switch z.Kind {
		case KindBorder:
			borders = append(borders, z)
			continue
		case KindBridge:
			bridges = append(bridges, z)
		}
		rest = append(rest, z)
	}
	ix, err := NewIndex(rest)
	if err != nil {
		return err
	}
	bix, err := NewIndex(borders)
	if err != nil {
		return err
	}
	brx, err := NewIndex(bridges)
	if err != nil {
		return err
	}
	e.index, e.borders, e.bridges = ix, bix, brx
	e.zgen++
	return nil
}

var emptyIndex, _ = NewIndex(nil)

// SetIndex replaces the zones. Vessels in zones that are gone leave them
// at their next position.
func (e *Engine) SetIndex(ix *Index) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.setIndex(ix)
}

// SetZones replaces the zones, validated and indexed. ErrInvalid (nothing
// changes) for a bad zone or a duplicate id.
func (e *Engine) SetZones(zs []Zone) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.setZones(zs)
}

// SetBans replaces the bans the engine enforces.
func (e *Engine) SetBans(bans []Ban) {
	m := make(map[string][]*Ban, len(bans))
	for i := range bans {
		b := bans[i]
		for _, id := range b.ZoneIDs {
			m[id] = append(m[id], &b)
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.bans = m
}

// Adopt makes a the alert of its episode: one raised by another process
// or before a restart, so the engine updates it instead of raising its own.
// A resolved a ends the engine's episode of that key if it carries a's id.
func (e *Engine) Adopt(a Alert) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ep := e.episodes[a.Key]
	if !a.Active() {
		if ep != nil && ep.alert.ID == a.ID {
			if a.ResolvedBy != "" {
				prev, prevID := ep.alert, ep.id
				ep.suppressed, ep.alert = true, a // an officer closed it: quiet until it clears
				if e.name(ep); ep.id != prevID {
					ep.alert = prev
					e.track(ep, false)
					ep.alert = a
					e.track(ep, true)
				}
			} else {
				delete(e.episodes, a.Key)
				e.track(ep, false)
			}
		}
		return
	}
	if ep == nil {
		ep = e.newEpisode(a, a.UpdatedAt)
		e.episodes[a.Key] = ep
		e.track(ep, true)
		return
	}
	// Keep the engine's latest figures, take the stored identity and the
	// officer's acknowledgement.
	ep.alert.ID, ep.alert.OpenedAt = a.ID, a.OpenedAt
	if a.State == StateAcknowledged {
		ep.alert.State, ep.alert.AckedBy, ep.alert.AckedAt = a.State, a.AckedBy, a.AckedAt
	}
}

// Handle evaluates one tracker event. It is a Broker subscriber: it runs
// on the tracker's goroutine, in order, and does only in-memory work.
func (e *Engine) Handle(ev vessels.Event) { e.HandleRef(&ev) }

// HandleRef is Handle of the event ev points to, for a Broker's
// SubscribeRef: the tracker's event reaches the rules without a copy.
func (e *Engine) HandleRef(ev *vessels.Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	v := &ev.Vessel
	now := ev.At
	if now.IsZero() {
		now = e.cfg.Now()
	}
	switch ev.Type {
	case vessels.EventLost:
		if s := e.vs.get(v.MMSI); s != nil {
			e.lost(s, now)
		}
		return
	case vessels.EventStale:
		return
	}
	s := e.vs.get(v.MMSI)
	if s == nil {
		s = &vstate{mmsi: v.MMSI, persons: -1, manualPersons: -1}
		s.sog, s.cog = math.NaN(), math.NaN()
		e.vs.put(s)
		for _, ep := range e.orphans[v.MMSI] { // adopted before the vessel was heard
			s.eps = append(s.eps, epRef{ep: ep, id: ep.id})
		}
		delete(e.orphans, v.MMSI)
	}
	s.lastSeen = instantOf(v.LastSeen)
	if s.lastSeen.isZero() {
		s.lastSeen = instantOf(now)
	}
	s.shipType, s.class, s.navStatus = narrowShipType(v.ShipType), v.Class, narrowNavStatus(v.NavStatus)
	if s.length != v.Length {
		s.length = v.Length
		e.grid.refresh(s) // its domain's reach is in its grid entry
	}
	s.name = v.Name
	s.persons = narrowPersons(personsOf(v))
	s.gone = false
	for i := len(s.eps) - 1; i >= 0; i-- {
		if k := s.eps[i].id.kind; k == AlertAISGap || k == AlertLongUnsupervised {
			e.end(s.eps[i].ep, now) // heard again
		}
	}

	if at := instantOf(v.PositionAt); v.Lat != nil && v.Lon != nil && !at.isZero() && at != s.at {
		prev := s.fix
		s.fix = fix{lat: *v.Lat, lon: *v.Lon, at: at, sog: deref(v.SOG), cog: deref(v.COG)}
		s.slow = !prev.valid() || prev.at > at || prev.at.until(at) > DefaultPairEvery
		s.underWay = underWay(v, e.cfg.UnderWayKn)
		s.setMotion()
		if s.underWay && s.moving {
			e.grid.move(s)
		} else {
			e.grid.remove(s) // never a pair rule's candidate: moored fleets cost no scan
		}
		e.position(s, prev, now)
	}
	e.vesselRules(s, v, now)
}

// Sweep judges what silence means (ais_gap, long_unsupervised, the end of
// self-resolving alerts, bans that ended). Run calls it every second.
func (e *Engine) Sweep(now time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.sweep(now)
}

// Run sweeps once a second until ctx is done.
func (e *Engine) Run(done <-chan struct{}) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
			e.Sweep(e.cfg.Now())
		}
	}
}

// Occupants returns the vessels inside zone id, as this process sees them.
func (e *Engine) Occupants(id string) []uint32 {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]uint32, 0, len(e.members[id]))
	for m := range e.members[id] {
		out = append(out, m)
	}
	return out
}

// Occupancy lists every vessel inside every zone as this process sees it,
// to write the whole picture back to a store that lost it.
func (e *Engine) Occupancy() []Occupancy {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.cfg.Now()
	var out []Occupancy
	for id, ms := range e.members {
		for m := range ms {
			out = append(out, Occupancy{ZoneID: id, MMSI: m, In: true, At: now})
		}
	}
	return out
}

// SetPersons records the persons on board an officer counted (negative:
// forget the count), for the overcrowding rule.
func (e *Engine) SetPersons(mmsi uint32, persons int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if s := e.vs.get(mmsi); s != nil {
		s.manualPersons = narrowPersons(persons)
	}
}

// Len is the number of vessels the engine remembers.
func (e *Engine) Len() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.vs.len()
}
