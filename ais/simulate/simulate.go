// Package simulate is riverwatch's built-in AIS traffic generator: a
// deterministic fleet of about a hundred inland vessels (cargo ships,
// tankers, passenger boats, ferries, fishing boats, tugs, pleasure craft)
// moving along the routes it is given, sending real AIS sentences — go-ais
// packets framed as NMEA 0183 by package ais — at the reporting intervals of
// ITU-R M.1371.
//
// It exists so the whole system can be run and shown without a receiver.
// Like the rest of package ais it imports no other riverwatch package: the
// caller converts its map into Routes.
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
}

// Config configures a Simulator. Zero fields take the defaults noted.
type Config struct {
	Vessels int     // fleet size, default 100
	Routes  []Route // at least one
	Seed    int64   // the same seed and routes give the same fleet and voyages
	Now     func() time.Time
	Step    time.Duration // Run's tick, default 1 s
	Logger  *slog.Logger  // default discards
}

// Simulator moves the fleet and emits its reports. Tick and Run may not be
// used at the same time from several goroutines (a mutex serialises them).
type Simulator struct {
	cfg     Config
	log     *slog.Logger
	start   time.Time
	routes  []*route
	vessels []*vessel

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
	s.vessels = buildFleet(cfg.Vessels, cfg.Seed, s.routes, s.start)
	s.log.Info("fleet built", "vessels", len(s.vessels), "routes", len(s.routes), "seed", cfg.Seed)
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
