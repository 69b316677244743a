// Package simulate is riverwatch's built-in AIS traffic generator: a
// deterministic fleet of about a hundred inland vessels (cargo ships,
// tankers, passenger boats, ferries, fishing boats, tugs, pleasure craft)
// moving along the routes it is given, sending real AIS sentences — go-ais
// packets framed as NMEA 0183 by package ais — at the reporting intervals of
// ITU-R M.1371.
//
// River vessels keep a lane (lane.go): to starboard on most rivers, on our
// half of a border river. With Incidents on, a scheduler (incident.go)
// stages, every 20–40 s of simulated time and each kind in turn, one
// vessel breaking one of the rules of package zones — adding vessels from
// a reserved block of MMSIs or taking a fleet vessel over for a while —
// so that a demo shows every kind of alert within a few minutes.
//
// It exists so the whole system can be run and shown without a receiver.
// Like the rest of package ais it imports no other riverwatch package: the
// caller converts its map into Routes and its zones into Hotspots.
package simulate

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// ErrConfig is returned (wrapped) by New for an unusable Config.
var ErrConfig = errors.New("simulate: bad config")

// Route kinds.
const (
	KindRiver = "river" // a centerline, vessels run along it and turn at the ends
	KindLake  = "lake"  // a closed outline, vessels wander inside it
	KindFerry = "ferry" // a bank-to-bank line, ferries shuttle across
)

// Route is a way vessels may use.
type Route struct {
	ID   string
	Kind string       // KindRiver, KindLake or KindFerry
	Line [][2]float64 // [lon, lat]; for a lake the closed outline
	// Cargo marks a navigable waterway with commercial traffic: cargo
	// ships, tankers and tugs only use such routes (any river when none is
	// marked).
	Cargo bool
	// Name is a pinyin prefix for the names of vessels based here, in AIS
	// characters ("SONG HUA HU"); empty for generic names.
	Name string
	// Ports are destinations vessels here report ("SONGYUAN", "JILIN").
	Ports []string
	// Border marks a river whose centerline is a state boundary (the Yalu,
	// the Tumen): its vessels keep to our half, ChinaSide, 60–150 m off the
	// line whichever way they go, and moor at our bank. Vessels on other
	// rivers keep to starboard, 30–100 m off the centerline.
	Border bool
	// ChinaSide is our half of a border river: +1 right of the line's
	// direction, −1 left of it.
	ChinaSide int
}

// Config configures a Simulator. Zero fields take the defaults noted.
type Config struct {
	Vessels int     // fleet size, default 100
	Routes  []Route // at least one
	Seed    int64   // the same seed and routes give the same fleet and voyages
	Now     func() time.Time
	Step    time.Duration // Run's tick, default 1 s
	Logger  *slog.Logger  // default discards
	// Hotspots are the places incidents are staged at. Ferries and
	// passenger boats carry fewer persons than the smallest crossing
	// capacity among them, so that only an incident overcrowds one.
	Hotspots []Hotspot
	// Incidents turns on the incident scheduler (incident.go): every
	// 20–40 s of simulated time one more vessel breaks a rule, each kind
	// in turn, at most MaxIncidents at once.
	Incidents bool
}

// Simulator moves the fleet and emits its reports. Tick and Run may not be
// used at the same time from several goroutines (a mutex serialises them).
type Simulator struct {
	cfg      Config
	log      *slog.Logger
	start    time.Time
	routes   []*route
	vessels  []*vessel
	hotspots []*hotspot
	sched    *scheduler // nil without incidents

	mu    sync.Mutex
	seq   int // sequential message id for multi-sentence messages, 0..9
	chanB bool
	buf   []byte
	stats Stats
}

// Stats counts what the simulator sent.
type Stats struct {
	Sentences, Positions, Statics, Inland uint64
}

// New builds the fleet. It fails only for a config it cannot use: no
// routes, a route with too few points, an unknown kind.
func New(cfg Config) (*Simulator, error) {
	if cfg.Vessels <= 0 {
		cfg.Vessels = 100
	}
	if cfg.Step <= 0 {
		cfg.Step = time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if len(cfg.Routes) == 0 {
		return nil, fmt.Errorf("%w: no routes", ErrConfig)
	}
	s := &Simulator{cfg: cfg, log: cfg.Logger.With("component", "simulator"), start: cfg.Now()}
	for i := range cfg.Routes {
		r, err := newRoute(&cfg.Routes[i])
		if err != nil {
			return nil, fmt.Errorf("%w: route %q: %v", ErrConfig, cfg.Routes[i].ID, err)
		}
		s.routes = append(s.routes, r)
	}
	for i, h := range cfg.Hotspots {
		hs, err := newHotspot(h, s.routes)
		if err != nil {
			return nil, fmt.Errorf("%w: hotspot %d %q: %v", ErrConfig, i, h.ID, err)
		}
		s.hotspots = append(s.hotspots, hs)
	}
	addBarriers(s.routes, s.hotspots)
	s.vessels = buildFleet(cfg.Vessels, cfg.Seed, s.routes, s.start)
	s.limitPersons()
	if cfg.Incidents {
		s.sched = newScheduler(s)
	}
	s.log.Info("fleet built", "vessels", len(s.vessels), "routes", len(s.routes), "seed", cfg.Seed,
		"hotspots", len(s.hotspots), "incidents", cfg.Incidents)
	return s, nil
}

// Vessel is a read-only description of one simulated vessel, for tests and
// diagnostics.
type Vessel struct {
	MMSI     uint32
	Name     string
	CallSign string
	ShipType int
	ClassB   bool
	Route    string
	Kind     string // "cargo", "tanker", "passenger", "ferry", "fishing", "tug", "pleasure"
}

// Fleet describes the vessels, in the order they were built.
func (s *Simulator) Fleet() []Vessel {
	out := make([]Vessel, len(s.vessels))
	for i, v := range s.vessels {
		out[i] = Vessel{v.mmsi, v.name, v.callSign, v.shipType, v.classB, v.route.id, v.kind.String()}
	}
	return out
}

// Stats returns the counters so far.
func (s *Simulator) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// Tick advances every vessel to now and emits, in time order per vessel,
// each report that fell due since the last Tick. Each line is one NMEA
// sentence without line terminator, valid only during the call to emit.
// Ticks with a time before the previous one emit nothing.
func (s *Simulator) Tick(now time.Time, emit func(line []byte)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Incidents start, and change fleet vessels, at their own times: the
	// traffic is brought up to each first, so that what an incident finds
	// does not depend on how long the ticks are.
	for s.sched != nil {
		t := s.sched.nextEvent()
		if t.After(now) {
			break
		}
		s.tickFleet(t, emit)
		s.tickActors(t, emit)
		s.sched.run(s, t)
	}
	s.tickFleet(now, emit)
	if s.sched != nil {
		s.tickActors(now, emit)
	}
}

// tickFleet emits every fleet report due by now.
func (s *Simulator) tickFleet(now time.Time, emit func(line []byte)) {
	for _, v := range s.vessels {
		for {
			due, what := v.nextDue()
			if due.After(now) {
				break
			}
			v.advance(due)
			s.send(v, what, due, emit)
		}
	}
}

// limitPersons keeps the persons on board of every ferry and passenger
// boat under 80% of the smallest crossing capacity of the hotspots, scaling
// the counts drawn for the fleet.
func (s *Simulator) limitPersons() {
	capacity := 0
	for _, h := range s.hotspots {
		if h.Kind == HotspotCrossing && h.Capacity > 0 && (capacity == 0 || h.Capacity < capacity) {
			capacity = h.Capacity
		}
	}
	if capacity == 0 {
		return
	}
	for _, v := range s.vessels {
		if limit := capacity*4/5 - v.crew; v.passengers > limit {
			v.passengers = max(0, v.passengers*limit/maxPassengers)
		}
	}
}

// Run calls Tick with cfg.Now() every Step until ctx is done, then returns
// nil.
func (s *Simulator) Run(ctx context.Context, emit func(line []byte)) error {
	t := time.NewTicker(s.cfg.Step)
	defer t.Stop()
	s.Tick(s.cfg.Now(), emit)
	for {
		select {
		case <-ctx.Done():
			st := s.Stats()
			s.log.Info("simulator stopped", "sentences", st.Sentences, "positions", st.Positions)
			return nil
		case <-t.C:
			s.Tick(s.cfg.Now(), emit)
		}
	}
}
