// Package vessels keeps the live state of every vessel heard on AIS: one
// record per MMSI that merges position, static and inland data, judges when a
// vessel went stale or was lost, flags impossible reports, keeps each
// vessel's track, and publishes every change as an Event so the rest of the
// system (zones, the live push, history) follows one flow.
//
// Storage is behind the Store and History interfaces; the in-memory
// implementations in this package are the embedded defaults.
package vessels

import (
	"context"
	"errors"
	"time"
)

// Errors returned by Store, History and Tracker methods.
var (
	ErrNotFound = errors.New("vessels: not found")
	ErrInvalid  = errors.New("vessels: invalid argument")
)

// Vessel is the merged live record of one MMSI. It is a value: readers get a
// copy. Pointer fields are nil when the value was never received or was
// "not available"; they are never mutated after being set, only replaced.
type Vessel struct {
	MMSI        uint32   `json:"mmsi"`
	Class       string   `json:"class"` // "A", "B", "base", "aton", "sar", "" until known
	Name        string   `json:"name"`
	CallSign    string   `json:"callsign"`
	IMO         uint32   `json:"imo"`       // 0 = not available (null in JSON)
	ShipType    int      `json:"ship_type"` // 0 = not available (null in JSON)
	Destination string   `json:"destination,omitempty"`
	ETA         string   `json:"eta,omitempty"`    // "MM-DD HH:MM" UTC as sent, no year
	Length      float64  `json:"length,omitempty"` // metres, bow+stern or inland length
	Beam        float64  `json:"beam,omitempty"`   // metres, port+starboard or inland beam
	Draught     float64  `json:"draught,omitempty"`
	Lat         *float64 `json:"lat"`
	Lon         *float64 `json:"lon"`
	SOG         *float64 `json:"sog"`        // knots
	COG         *float64 `json:"cog"`        // degrees
	Heading     *int     `json:"heading"`    // degrees
	NavStatus   int      `json:"nav_status"` // 0..15, 15 = not defined (null in JSON)
	Accuracy    bool     `json:"accuracy,omitempty"`

	Inland  *Inland  `json:"inland,omitempty"`
	Persons *Persons `json:"persons,omitempty"`

	// Flags name what is wrong with the record: "invalid_mmsi",
	// "position_jump" (last rejected report implied an impossible speed),
	// "position_unavailable".
	Flags []string `json:"flags,omitempty"`

	LastSeen        time.Time `json:"last_seen"`            // any message
	PositionAt      time.Time `json:"position_at,omitzero"` // last accepted position
	StaticAt        time.Time `json:"static_at,omitzero"`   // last static data
	InlandAt        time.Time `json:"inland_at,omitzero"`   // last inland data
	Station         string    `json:"station"`              // station that last heard it
	PositionStation string    `json:"position_station,omitempty"`
	StaticStation   string    `json:"static_station,omitempty"`
	LongRange       bool      `json:"long_range,omitempty"` // position came from a type 27 report

	// Stale and Lost are judged at read time against the expected reporting
	// interval (ITU-R M.1371 by class and speed); they are not stored.
	Stale bool `json:"stale"`
	Lost  bool `json:"lost"`
}

// Inland is the Inland AIS voyage data (DAC 200 FI 10) of a vessel.
type Inland struct {
	ENI            string  `json:"eni,omitempty"`
	Length         float64 `json:"length,omitempty"`
	Beam           float64 `json:"beam,omitempty"`
	ERIType        int     `json:"eri_type,omitempty"`
	HazardousCones int     `json:"hazardous_cones"`
	Draught        float64 `json:"draught,omitempty"`
	Loaded         string  `json:"loaded"` // "loaded", "unloaded", ""
}

// Persons is the persons-on-board report (DAC 200 FI 55); nil counts were
// not available.
type Persons struct {
	Crew       *int `json:"crew"`
	Passengers *int `json:"passengers"`
	Personnel  *int `json:"personnel"`
}

// TrackPoint is one accepted position of a vessel's track.
type TrackPoint struct {
	Time    time.Time `json:"time"`
	Lat     float64   `json:"lat"`
	Lon     float64   `json:"lon"`
	SOG     float64   `json:"sog"`     // knots, -1 = not available
	COG     float64   `json:"cog"`     // degrees, -1 = not available
	Heading int       `json:"heading"` // degrees, -1 = not available
}

// BBox is a lon/lat box, west-south-east-north as in GeoJSON.
type BBox struct{ West, South, East, North float64 }

// Contains reports whether the point lies inside the box (edges included).
func (b BBox) Contains(lat, lon float64) bool {
	return lat >= b.South && lat <= b.North && lon >= b.West && lon <= b.East
}

// Filter selects vessels in a listing. Zero fields do not filter.
type Filter struct {
	BBox     *BBox
	Class    string // "A", "B", ...
	ShipType []int  // any of these ITU ship types; a value 30..39 range given as individual values
	Stale    *bool  // only stale (true) or only fresh (false)
	Query    string // case-insensitive substring of name or call sign, or MMSI prefix
	Limit    int    // at most this many, 0 = all
}

// Store holds the live records. Implementations are safe for concurrent use.
type Store interface {
	// Update runs fn on the record of mmsi (a zero Vessel with MMSI set if
	// there is none) and stores the result atomically. If fn returns an
	// error nothing is stored and Update returns it. Returns the stored copy.
	Update(ctx context.Context, mmsi uint32, fn func(v *Vessel) error) (Vessel, error)
	// Get returns a copy of the record, or ErrNotFound.
	Get(ctx context.Context, mmsi uint32) (Vessel, error)
	// List returns copies of all records for which keep returns true
	// (all if keep is nil), in MMSI order.
	List(ctx context.Context, keep func(*Vessel) bool) ([]Vessel, error)
	// Delete removes a record; ErrNotFound if there was none.
	Delete(ctx context.Context, mmsi uint32) error
	// Len is the number of records.
	Len() int
}

// History keeps where each vessel has been.
type History interface {
	// Append records one point of mmsi's track. Points arrive in time order
	// per vessel; an implementation may drop the oldest to stay bounded.
	Append(ctx context.Context, mmsi uint32, p TrackPoint) error
	// Track returns mmsi's points with since <= Time <= until in time order
	// (zero bounds are open), at most limit (0 = no limit, newest kept).
	// An unknown vessel has an empty track, not an error.
	Track(ctx context.Context, mmsi uint32, since, until time.Time, limit int) ([]TrackPoint, error)
	// Close flushes what is buffered and releases the backend.
	Close() error
}

// EventType says what happened to a vessel.
type EventType string

// Event types, in the vocabulary the live push and zones use.
const (
	EventUpdate EventType = "update" // any accepted change to the record
	EventStale  EventType = "stale"  // silent longer than its expected interval
	EventLost   EventType = "lost"   // silent much longer; removed from the live picture
)

// Event is one change to a vessel's record, carrying the record after it.
type Event struct {
	Type   EventType `json:"type"`
	Vessel Vessel    `json:"vessel"`
	At     time.Time `json:"at"`
}

// Publisher receives every event. Publish must not block ingest: a slow
// consumer is skipped or dropped, never waited for.
type Publisher interface {
	Publish(Event)
}
