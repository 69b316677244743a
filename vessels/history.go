package vessels

import (
	"context"
	"time"
)

// Report is an accepted position with what the history keeps beside its
// track point: the vessel's class, the station that heard it and its
// navigational status.
type Report struct {
	MMSI      uint32
	Class     string // "A", "B", "base", "aton", "sar"; "" unknown
	Station   string // the receiving station; "" unknown
	NavStatus int    // 0..15; -1 = not known
	TrackPoint
}

// StaticRecord is a vessel's static and voyage data as of Time: the
// history keeps one per change.
type StaticRecord struct {
	Time        time.Time
	MMSI        uint32
	Class       string
	Name        string
	CallSign    string
	IMO         uint32
	ShipType    int
	Length      float64 // metres
	Beam        float64 // metres
	Draught     float64 // metres
	Destination string
	ETA         string
	// Persons on board (crew + passengers + personnel as reported), -1 when
	// not reported.
	Persons int
}

// AlertRecord is one state change of an alert (opened, acknowledged,
// resolved) at Time. The vessels package does not know alerts; the zones
// service fills these from its own.
type AlertRecord struct {
	Time      time.Time
	ID        string
	Kind      string
	Zone      string // empty for alerts without a zone
	Severity  string
	State     string // open, acked, resolved
	MMSI      uint32
	OtherMMSI uint32 // 0 = none
	Lat, Lon  float64
	Message   string
}

// ZoneEntry is a vessel entering a zone at Time.
type ZoneEntry struct {
	Time time.Time
	Zone string // zone id
	Kind string // zone kind
	MMSI uint32
}

// Sighting is where a vessel was at a moment: its last report at or
// before it, with the name and ship type it had then (empty and 0 when
// the history has no static data for it).
type Sighting struct {
	Report
	Name     string
	ShipType int
}

// AlertQuery selects alert records. Zero fields do not filter.
type AlertQuery struct {
	Since, Until time.Time // inclusive
	Kind, Zone   string
	MMSI         uint32 // the alert's vessel or its other vessel
	Limit        int    // at most this many, newest kept; 0 = all
}

// HistoryHealth is how the history backend is doing, for /healthz.
type HistoryHealth struct {
	Backend   string    `json:"backend"` // "memory", "influxdb"
	OK        bool      `json:"ok"`
	DownSince time.Time `json:"down_since,omitzero"`
	LastError string    `json:"last_error,omitempty"`
	Buffered  int       `json:"buffered"` // points waiting in memory
	Spilled   int       `json:"spilled"`  // points waiting in the spill folder
	Dropped   uint64    `json:"dropped"`  // points given up since the start
	Written   uint64    `json:"written"`  // points the backend accepted
}

// Archive is a History that keeps more than tracks: the tags of every
// report, static data changes, alert state changes and zone entries, and
// answers the questions of the history API. Appends never block on a
// backend. MemoryArchive is the embedded default; vessels/influxstore keeps
// it in InfluxDB.
//
// Errors: ErrInvalid for a bad argument (since after until, a negative
// limit or maximum, a zero time where one is needed); a backend's own
// unavailable error when it cannot answer.
type Archive interface {
	History
	// AppendReport records one accepted position with its tags.
	AppendReport(ctx context.Context, r Report) error
	// AppendStatic records s when it differs from the vessel's last
	// static record; it reports whether it did.
	AppendStatic(ctx context.Context, s StaticRecord) (bool, error)
	// AppendAlert records one state change of an alert.
	AppendAlert(ctx context.Context, a AlertRecord) error
	// AppendZoneEntry records a vessel entering a zone.
	AppendZoneEntry(ctx context.Context, e ZoneEntry) error

	// CountTrack is how many points mmsi's track has in [since, until].
	CountTrack(ctx context.Context, mmsi uint32, since, until time.Time) (int, error)
	// TrackThinned returns mmsi's track in [since, until] (both required)
	// with at most about maxPoints points: all of them when there are no
	// more, else the last report in each of maxPoints equal windows.
	TrackThinned(ctx context.Context, mmsi uint32, since, until time.Time, maxPoints int) ([]TrackPoint, error)
	// Snapshot returns every vessel's last report at or before at and
	// after at-lookback, in MMSI order.
	Snapshot(ctx context.Context, at time.Time, lookback time.Duration) ([]Sighting, error)
	// Changes returns mmsi's static records in [since, until] (zero bounds
	// open), oldest first.
	Changes(ctx context.Context, mmsi uint32, since, until time.Time) ([]StaticRecord, error)
	// Alerts returns the alert records q selects, newest first.
	Alerts(ctx context.Context, q AlertQuery) ([]AlertRecord, error)
	// ZoneEntries returns the zone entries in [since, until] (both
	// required), of one zone unless zone is empty, oldest first (ties by
	// MMSI), at most limit (0 = all; the oldest kept).
	ZoneEntries(ctx context.Context, since, until time.Time, zone string, limit int) ([]ZoneEntry, error)
	// Health reports the backend's state.
	Health() HistoryHealth
}

// reportAppender is a History that keeps the tags of a report.
type reportAppender interface {
	AppendReport(ctx context.Context, r Report) error
}

// appendAccepted hands an accepted position to the history, with its
// class, station and navigational status when the history keeps them.
// Status 15 is "not defined" (class B sends no status): not known, as in
// the vessel's JSON.
func appendAccepted(ctx context.Context, h History, v *Vessel, p TrackPoint) error {
	if ra, ok := h.(reportAppender); ok {
		nav := v.NavStatus
		if nav < 0 || nav >= navStatusUndefined {
			nav = -1
		}
		return ra.AppendReport(ctx, Report{MMSI: v.MMSI, Class: v.Class, Station: v.PositionStation, NavStatus: nav, TrackPoint: p})
	}
	return h.Append(ctx, v.MMSI, p)
}

// ThinTrack keeps at most about maxPoints of pts (in time order, within
// [since, until]): all of them when there are no more, else the last point
// of each window of ThinWindow, windows counted from the Unix epoch as
// Flux's window() counts them. It is what the backends' TrackThinned
// returns, so memory and InfluxDB agree.
func ThinTrack(pts []TrackPoint, since, until time.Time, maxPoints int) []TrackPoint {
	if len(pts) <= maxPoints || maxPoints <= 0 {
		return pts
	}
	every := ThinWindow(since, until, maxPoints)
	out := make([]TrackPoint, 0, maxPoints+1)
	for i, p := range pts {
		w := p.Time.UnixNano() / int64(every)
		if i+1 < len(pts) && pts[i+1].Time.UnixNano()/int64(every) == w {
			continue
		}
		out = append(out, p)
	}
	return out
}

// ThinWindow is the window of a thinned track: the span split in
// maxPoints, in whole milliseconds (at least one).
func ThinWindow(since, until time.Time, maxPoints int) time.Duration {
	every := until.Sub(since) / time.Duration(maxPoints)
	return max(every.Truncate(time.Millisecond), time.Millisecond)
}
