package vessels_test

import (
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/ais"
	"github.com/riverwatch/riverwatch/vessels"
	"github.com/riverwatch/riverwatch/vessels/vesselstest"
)

// rig is a Tracker over memory backends with a settable clock and a
// recording publisher.
type rig struct {
	tr    *vessels.Tracker
	clock *vesselstest.Clock
	rec   *vesselstest.Recorder
	hist  *vessels.MemoryHistory
}

func newRig(tb testing.TB, cfg vessels.TrackerConfig) *rig {
	tb.Helper()
	clock := vesselstest.NewClock(t0)
	cfg.Now = clock.Now
	hist := vessels.NewMemoryHistory(vessels.HistoryConfig{Now: clock.Now})
	rec := &vesselstest.Recorder{}
	return &rig{tr: vessels.NewTracker(cfg, vessels.NewMemoryStore(), hist, rec), clock: clock, rec: rec, hist: hist}
}

// feed moves the clock to each message's time (never back) and handles it.
func (r *rig) feed(ms ...*ais.Message) {
	for _, m := range ms {
		if m.Received.After(r.clock.Now()) {
			r.clock.Set(m.Received)
		}
		r.tr.Handle(m)
	}
}

func (r *rig) vessel(tb testing.TB, mmsi uint32) vessels.Vessel {
	tb.Helper()
	v, err := r.tr.Vessel(tb.Context(), mmsi)
	if err != nil {
		tb.Fatalf("Vessel %d: %v", mmsi, err)
	}
	return v
}

// at is t0 plus sec seconds.
func at(sec int) time.Time { return t0.Add(time.Duration(sec) * time.Second) }

const (
	jilinLat, jilinLon = 43.85, 126.55 // the Songhua at Jilin city
	mmsiA              = 412345678
	mmsiB              = 413000001
)

func pos(mmsi uint32, sec int, lat, lon, sog float64) *ais.Message {
	return vesselstest.PositionReport(mmsi, at(sec), lat, lon, sog)
}

func with(m *ais.Message, fn func(m *ais.Message)) *ais.Message { fn(m); return m }

func part24(mmsi uint32, sec int, s ais.Static) *ais.Message {
	return &ais.Message{Type: 24, MMSI: mmsi, Received: at(sec), Station: "st", Class: ais.ClassB, Static: &s}
}

func longRange(mmsi uint32, sec int, lat, lon float64) *ais.Message {
	return &ais.Message{Type: 27, MMSI: mmsi, Received: at(sec), Station: "st",
		Position: &ais.Position{Lat: lat, Lon: lon, PosValid: true, SOG: 9, SOGValid: true, COG: 90, COGValid: true,
			Heading: 511, NavStatus: 0, LongRange: true}}
}

func inland(mmsi uint32, sec int, in ais.InlandVoyage) *ais.Message {
	return &ais.Message{Type: 8, MMSI: mmsi, Received: at(sec), Station: "st", Inland: &in,
		Binary: &ais.Binary{DAC: 200, FI: 10}}
}

func hasFlag(v vessels.Vessel, f string) bool {
	for _, g := range v.Flags {
		if g == f {
			return true
		}
	}
	return false
}

func val[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
