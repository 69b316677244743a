// Package zones watches the waterways' rules: geofences (zones), the
// navigation bans officers set on them, and the safety alerts raised when a
// vessel breaks a rule.
//
// The flow is one: the tracker publishes every vessel event; the Engine
// evaluates each accepted position in memory, in order, against a spatial
// index of zones and a spatial index of vessels, and turns rule breaches
// into alert episodes (one alert per episode, updated while it lasts,
// resolved when it ends). The Watch keeps the live picture of alerts, bans
// and zone occupancy, writes it through a StateStore (memory by default,
// Redis in zones/redisstore so that several processes share one picture)
// and follows the store's event stream so it sees what the other processes
// raise.
//
// Zone events use tile38's vocabulary: enter, exit, inside, outside and
// cross, where cross means the segment between two reports crosses the zone
// although neither report lies in it.
package zones

import (
	"context"
	"errors"
	"time"

	"github.com/paulmach/orb"
)

// Errors returned by this package and by every StateStore.
var (
	ErrNotFound    = errors.New("zones: not found")
	ErrInvalid     = errors.New("zones: invalid")
	ErrConflict    = errors.New("zones: conflict")    // the change contradicts the stored state (lifting a lifted ban)
	ErrUnavailable = errors.New("zones: unavailable") // the state store cannot be reached
)

// Kind is what a zone is for.
type Kind string

// Zone kinds.
const (
	KindFerryCrossing Kind = "ferry_crossing" // a ferry's route bank to bank (line with a buffer, or polygon)
	KindQuay          Kind = "quay"           // a berth or landing
	KindRestricted    Kind = "restricted"     // no entry without permission (dams, military, intakes)
	KindBridge        Kind = "bridge"         // the water under and around a bridge
	KindBorder        Kind = "border"         // a boundary line in the Yalu or Tumen (a line; buffer_m is the approach distance)
	KindSpeedLimit    Kind = "speed_limit"    // a reach with a speed limit
	KindAnchorage     Kind = "anchorage"      // where vessels may anchor
	KindRiverSection  Kind = "river_section"  // a named reach, for bans and statistics
	KindLake          Kind = "lake"           // a lake or reservoir
)

// Kinds lists every zone kind, in the order the board's legend shows them.
var Kinds = []Kind{KindFerryCrossing, KindQuay, KindRestricted, KindBridge, KindBorder,
	KindSpeedLimit, KindAnchorage, KindRiverSection, KindLake}

// Zone is one geofence. Geometry is a Polygon or MultiPolygon, a LineString
// with BufferM metres either side (a border line may have no buffer: it is
// crossed, not entered), or a Point with RadiusM.
type Zone struct {
	ID     string       `json:"id"`
	Name   string       `json:"name"`
	NameZH string       `json:"name_zh"`
	Kind   Kind         `json:"kind"`
	River  string       `json:"river,omitempty"`
	Geom   orb.Geometry `json:"-"`

	BufferM         float64 `json:"buffer_m,omitempty"`         // half-width around a line
	RadiusM         float64 `json:"radius_m,omitempty"`         // radius around a point
	SpeedLimitKn    float64 `json:"speed_limit_kn,omitempty"`   // speeding above this (speed_limit, quay, bridge, ...)
	CapacityPersons int     `json:"capacity_persons,omitempty"` // a ferry crossing's or a ferry's licensed persons
	// Notify asks for zone_entry and zone_exit alerts (tile38's enter,
	// exit and cross) on this zone.
	Notify bool `json:"notify,omitempty"`

	// Source says where the zone came from: "default" (built in), "file"
	// (--zones) or "api"; only "api" zones live in the StateStore.
	Source    string    `json:"source,omitempty"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// BanKind is how strict a ban is.
type BanKind string

// Ban kinds.
const (
	// BanProhibit closes the zones to every vessel under way except the
	// allowed types.
	BanProhibit BanKind = "prohibit"
	// BanRestrict lets vessels through at no more than MaxSpeedKn (default
	// DefaultRestrictSpeedKn), except the allowed types.
	BanRestrict BanKind = "restrict"
)

// DefaultRestrictSpeedKn is a restricting ban's speed when it gives none:
// steerage way on a river in fog.
const DefaultRestrictSpeedKn = 5.0

// BanReason is why a ban was set.
type BanReason string

// Ban reasons.
const (
	ReasonWind  BanReason = "wind"
	ReasonFog   BanReason = "fog"
	ReasonIce   BanReason = "ice" // the ice season; lifted at the reopening after the thaw (开江复航)
	ReasonFlood BanReason = "flood"
	ReasonNight BanReason = "night"
	ReasonEvent BanReason = "event"
	ReasonOther BanReason = "other"
)

// Ban is a navigation ban or restriction on one or more zones for a time.
type Ban struct {
	ID      string    `json:"id"`
	ZoneIDs []string  `json:"zone_ids"`
	Kind    BanKind   `json:"kind"`
	Reason  BanReason `json:"reason"`
	Note    string    `json:"note,omitempty"`
	From    time.Time `json:"from"`
	Until   time.Time `json:"until"`
	// Yearly makes the ban recur each year from From's month, day and time
	// of day to Until's (the ice season from November to the reopening in
	// April): From and Until then name the first season.
	Yearly bool `json:"yearly,omitempty"`
	// AppliesTo limits the ban to these ITU ship types (60–69 passenger:
	// "ferries suspended"); empty means every vessel.
	AppliesTo []int `json:"applies_to,omitempty"`
	// AllowedTypes are the ITU ship types the ban lets through (51 search
	// and rescue, 55 law enforcement, ...).
	AllowedTypes []int   `json:"allowed_types,omitempty"`
	MaxSpeedKn   float64 `json:"max_speed_kn,omitempty"` // restrict only

	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	LiftedBy  string    `json:"lifted_by,omitempty"` // lifted early, by whom
	LiftedAt  time.Time `json:"lifted_at,omitzero"`
}

// AlertKind is the rule an alert comes from.
type AlertKind string

// Alert kinds, one per rule.
const (
	AlertZoneEntry        AlertKind = "zone_entry"
	AlertZoneExit         AlertKind = "zone_exit"
	AlertRestrictedEntry  AlertKind = "restricted_entry"
	AlertBanViolation     AlertKind = "ban_violation"
	AlertSpeeding         AlertKind = "speeding"
	AlertBorderApproach   AlertKind = "border_approach"
	AlertBorderCrossing   AlertKind = "border_crossing"
	AlertBorderLoitering  AlertKind = "border_loitering"
	AlertBridgeApproach   AlertKind = "bridge_approach"
	AlertFerryConflict    AlertKind = "ferry_conflict"
	AlertCollisionRisk    AlertKind = "collision_risk"
	AlertAISGap           AlertKind = "ais_gap"
	AlertLongUnsupervised AlertKind = "long_unsupervised"
	AlertGroundingSuspect AlertKind = "grounding_suspect"
	AlertAnchorDrag       AlertKind = "anchor_drag"
	AlertOvercrowding     AlertKind = "overcrowding"
	AlertDistress         AlertKind = "distress"
	AlertPositionJump     AlertKind = "position_jump"
)

// AlertKinds lists every alert kind.
var AlertKinds = []AlertKind{AlertZoneEntry, AlertZoneExit, AlertRestrictedEntry, AlertBanViolation,
	AlertSpeeding, AlertBorderApproach, AlertBorderCrossing, AlertBorderLoitering, AlertBridgeApproach,
	AlertFerryConflict, AlertCollisionRisk, AlertAISGap, AlertLongUnsupervised, AlertGroundingSuspect,
	AlertAnchorDrag, AlertOvercrowding, AlertDistress, AlertPositionJump}

// Severity orders alerts for the officer.
type Severity string

// Severities, lowest first.
const (
	SeverityInfo     Severity = "info"
	SeverityWarning  Severity = "warning"
	SeverityAlarm    Severity = "alarm"
	SeverityCritical Severity = "critical" // distress: never suppressed
)

// Rank orders severities: info 1 … critical 4, unknown 0.
func (s Severity) Rank() int {
	switch s {
	case SeverityInfo:
		return 1
	case SeverityWarning:
		return 2
	case SeverityAlarm:
		return 3
	case SeverityCritical:
		return 4
	}
	return 0
}

// AlertState is where an alert is in its life.
type AlertState string

// Alert states.
const (
	StateOpen         AlertState = "open"
	StateAcknowledged AlertState = "acknowledged" // still going on, an officer has seen it
	StateResolved     AlertState = "resolved"
)

// Alert is one episode of a rule breach: raised once, updated while it
// lasts, resolved when it ends (or by an officer).
type Alert struct {
	ID        string    `json:"id"`
	Key       string    `json:"key"` // the episode: kind, vessel(s), zone; at most one unresolved alert per key
	Kind      AlertKind `json:"kind"`
	Severity  Severity  `json:"severity"`
	MMSI      uint32    `json:"mmsi"`
	OtherMMSI uint32    `json:"other_mmsi,omitempty"`
	ZoneID    string    `json:"zone_id,omitempty"`
	BanID     string    `json:"ban_id,omitempty"`
	Lat       float64   `json:"lat"`
	Lon       float64   `json:"lon"`
	MessageZH string    `json:"message_zh"`
	MessageEN string    `json:"message_en"`
	// Values are the figures behind the alert (sog_kn, limit_kn, cpa_m,
	// tcpa_s, distance_m, persons, capacity, gap_s ...).
	Values Figures `json:"values,omitzero"`

	State      AlertState `json:"state"`
	OpenedAt   time.Time  `json:"opened_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	AckedBy    string     `json:"acked_by,omitempty"`
	AckedAt    time.Time  `json:"acked_at,omitzero"`
	ResolvedBy string     `json:"resolved_by,omitempty"` // empty when the episode ended by itself
	ResolvedAt time.Time  `json:"resolved_at,omitzero"`
}

// Active reports whether the alert is not resolved.
func (a *Alert) Active() bool { return a.State != StateResolved }

// AlertFilter selects alerts. Zero fields do not filter.
type AlertFilter struct {
	State  AlertState // "open" also matches acknowledged ones: all that are not resolved
	Kind   AlertKind
	MMSI   uint32
	ZoneID string
	Since  time.Time // updated at or after
	Limit  int       // newest first, 0 = all
}

// Match reports whether a passes f.
func (f *AlertFilter) Match(a *Alert) bool {
	switch f.State {
	case "":
	case StateOpen:
		if !a.Active() {
			return false
		}
	default:
		if a.State != f.State {
			return false
		}
	}
	return (f.Kind == "" || a.Kind == f.Kind) &&
		(f.MMSI == 0 || a.MMSI == f.MMSI || a.OtherMMSI == f.MMSI) &&
		(f.ZoneID == "" || a.ZoneID == f.ZoneID) &&
		(f.Since.IsZero() || !a.UpdatedAt.Before(f.Since))
}

// Occupancy is one change of who is inside a zone.
type Occupancy struct {
	ZoneID string    `json:"zone_id"`
	MMSI   uint32    `json:"mmsi"`
	In     bool      `json:"in"` // entered (true) or left (false)
	At     time.Time `json:"at"`
}

// EventType names a change every process learns of through the store.
type EventType string

// Event types.
const (
	EventAlertOpened   EventType = "alert_opened"
	EventAlertUpdated  EventType = "alert_updated"
	EventAlertAcked    EventType = "alert_acked"
	EventAlertResolved EventType = "alert_resolved"
	EventBanSet        EventType = "ban_set"
	EventBanLifted     EventType = "ban_lifted"
	EventZonePut       EventType = "zone_put"
	EventZoneDeleted   EventType = "zone_deleted"
)

// Event is one change to the shared state, as the store's stream carries it
// and the live push sends it. Exactly one of Alert, Ban, Zone is set (Zone
// carries only its id when deleted).
type Event struct {
	Type   EventType `json:"type"`
	Alert  *Alert    `json:"alert,omitempty"`
	Ban    *Ban      `json:"ban,omitempty"`
	ZoneID string    `json:"zone_id,omitempty"`
	At     time.Time `json:"at"`
	// Origin is the process that made the change, so a process can skip
	// its own events when it reads the stream back.
	Origin string `json:"origin,omitempty"`
	// StreamID is the store's position of the event, to resume after it.
	StreamID string `json:"-"`
}

// StateStore keeps the state several riverwatch processes share: the zones
// added through the API, bans, zone occupancy, alerts and the stream of
// changes. Implementations are safe for concurrent use; every method returns
// ErrUnavailable (wrapped) when the backend cannot be reached, and ctx's
// error when it ends.
type StateStore interface {
	// PutZone stores an API zone (create or replace). Zones are stored as
	// GeoJSON features, so Geom must be set.
	PutZone(ctx context.Context, z Zone) error
	// DeleteZone removes an API zone; ErrNotFound if there is none.
	DeleteZone(ctx context.Context, id string) error
	// Zones returns every stored zone, in id order.
	Zones(ctx context.Context) ([]Zone, error)

	// PutBan stores a ban (create or replace). A ban is kept until its
	// Until (or, lifted early, its LiftedAt) is BanRetention in the past;
	// a yearly ban is kept until lifted.
	PutBan(ctx context.Context, b Ban) error
	// Ban returns one ban; ErrNotFound if it is unknown or expired.
	Ban(ctx context.Context, id string) (Ban, error)
	// Bans returns every ban still kept, in id order.
	Bans(ctx context.Context) ([]Ban, error)

	// ApplyOccupancy applies changes in order: In adds the vessel to the
	// zone (and the zone to the vessel), !In removes it. It keeps nothing
	// of changes, which the caller reuses.
	ApplyOccupancy(ctx context.Context, changes []Occupancy) error
	// ZoneVessels returns the MMSIs inside a zone, ascending.
	ZoneVessels(ctx context.Context, zoneID string) ([]uint32, error)
	// VesselZones returns the ids of the zones a vessel is inside, sorted.
	VesselZones(ctx context.Context, mmsi uint32) ([]string, error)

	// OpenAlert stores a as the alert of its episode (a.Key) unless an
	// active alert with that key exists: then it stores nothing and returns
	// the existing one with created false. a must be active.
	OpenAlert(ctx context.Context, a Alert) (stored Alert, created bool, err error)
	// UpdateAlert changes the alert id atomically: fn gets the current
	// value and edits it in place; an error from fn aborts and is returned.
	// Resolving an alert frees its key for a new episode and keeps the
	// alert until AlertRetention after its ResolvedAt. ErrNotFound if id is
	// unknown.
	UpdateAlert(ctx context.Context, id string, fn func(a *Alert) error) (Alert, error)
	// RestoreAlerts stores each resolved alert of as under its id unless
	// an alert with that id is kept, and returns how many it stored: a
	// process writes back with it, in few round trips, the resolved alerts
	// a store without persistence lost in an outage. Every alert must pass
	// CheckRestoredAlert, or nothing is stored; one past its retention is
	// skipped. On an error, restored counts those stored before it.
	RestoreAlerts(ctx context.Context, as []Alert) (restored int, err error)
	// Alert returns one alert; ErrNotFound if it is unknown or expired.
	Alert(ctx context.Context, id string) (Alert, error)
	// Alerts returns the alerts f selects, most recently updated first.
	Alerts(ctx context.Context, f AlertFilter) ([]Alert, error)

	// Publish appends e to the stream every process reads; the stream
	// keeps at least the last StreamLength events. It keeps nothing e
	// points to: the caller may reuse it once Publish returns.
	Publish(ctx context.Context, e Event) error
	// Subscribe calls fn for every event published after the one with
	// stream id after ("" = from now on), in order, until ctx ends; then it
	// returns ctx's error. It returns early only with ErrUnavailable or
	// ErrInvalid (an after it cannot resume from); fn must not block, and
	// may keep nothing the event points to: the store may reuse it.
	Subscribe(ctx context.Context, after string, fn func(Event)) error
	// StreamHead returns the stream id of the newest event (an id before
	// every event when the stream is empty): Subscribe from it delivers
	// every event published after StreamHead was called, so a process can
	// read the state and then follow the stream without a gap.
	StreamHead(ctx context.Context) (string, error)

	// Ping checks that the backend answers.
	Ping(ctx context.Context) error
	// Close releases the backend.
	Close() error
}

// How long a StateStore keeps what has ended, and how much of the stream.
const (
	BanRetention   = 7 * 24 * time.Hour
	AlertRetention = 7 * 24 * time.Hour
	StreamLength   = 100_000
)
