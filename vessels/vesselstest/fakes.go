package vesselstest

import (
	"sync"
	"time"

	"github.com/riverwatch/riverwatch/ais"
	"github.com/riverwatch/riverwatch/vessels"
)

// Recorder is a vessels.Publisher that keeps every event, for tests.
type Recorder struct {
	mu     sync.Mutex
	events []vessels.Event
}

var _ vessels.Publisher = (*Recorder)(nil)

// Publish implements vessels.Publisher.
func (r *Recorder) Publish(e vessels.Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

// Events returns the events so far and forgets them.
func (r *Recorder) Events() []vessels.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.events
	r.events = nil
	return out
}

// Types returns the types of the events so far, as "type:mmsi" strings, and
// forgets them.
func (r *Recorder) Types() []string {
	var out []string
	for _, e := range r.Events() {
		out = append(out, string(e.Type)+":"+itoa(e.Vessel.MMSI))
	}
	return out
}

func itoa(u uint32) string {
	var b [10]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + u%10)
		u /= 10
		if u == 0 {
			return string(b[i:])
		}
	}
}

// Clock is a settable clock for injected Now functions.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock reading t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Add moves the clock by d and returns the new time.
func (c *Clock) Add(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

// Set sets the clock.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// PositionReport builds a class A position report (type 1) as the decoder
// would: valid position, speed and course, heading equal to the course,
// navigational status 0 (under way using engine).
func PositionReport(mmsi uint32, at time.Time, lat, lon, sog float64) *ais.Message {
	return &ais.Message{
		Type: 1, MMSI: mmsi, Source: "test", Station: "test", Received: at, Channel: 'A', Class: ais.ClassA,
		Position: &ais.Position{
			Lat: lat, Lon: lon, PosValid: true,
			SOG: sog, SOGValid: true, COG: 45, COGValid: true, Heading: 45, HeadingValid: true,
			NavStatus: 0, ROT: -128, Accuracy: true, Second: at.Second(),
		},
	}
}

// ClassBReport builds a class B position report (type 18).
func ClassBReport(mmsi uint32, at time.Time, lat, lon, sog float64) *ais.Message {
	m := PositionReport(mmsi, at, lat, lon, sog)
	m.Type, m.Class = 18, ais.ClassB
	m.Position.NavStatus = 15
	m.Position.HeadingValid, m.Position.Heading = false, 511
	return m
}

// StaticReport builds a class A static and voyage report (type 5).
func StaticReport(mmsi uint32, at time.Time, name, callSign, destination string) *ais.Message {
	return &ais.Message{
		Type: 5, MMSI: mmsi, Source: "test", Station: "test", Received: at, Class: ais.ClassA,
		Static: &ais.Static{
			Name: name, CallSign: callSign, Destination: destination, IMO: 9876543, ShipType: 70,
			ToBow: 60, ToStern: 20, ToPort: 5, ToStarboard: 6, Draught: 3.2,
			ETAMonth: 6, ETADay: 15, ETAHour: 14, ETAMinute: 30,
		},
	}
}
