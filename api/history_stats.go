package api

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/riverwatch/riverwatch/vessels"
)

// Bounds of the snapshot, zone statistics and alert history endpoints.
const (
	DefaultLookback = 30 * time.Minute
	MaxLookback     = 24 * time.Hour
	// maxBuckets bounds the buckets of one zone statistics answer
	// (a year of hours is 8,760).
	maxBuckets = 10_000
	// maxZoneEntries bounds the entries read for one statistics answer.
	maxZoneEntries = 2_000_000
	// defaultAlertLimit is the alert history's limit when none is given.
	defaultAlertLimit = 1000
	maxNameParam      = 64 // bytes of kind= and zone=
)

// statsZone is the time zone whose hours and days the zone statistics
// count: China Standard Time, as officers read them.
var statsZone = time.FixedZone("CST", 8*3600)

// Snapshot is the body of GET /api/v1/snapshot: where every vessel was at
// At (the board's time slider builds on this shape).
type Snapshot struct {
	At      time.Time        `json:"at"`
	Count   int              `json:"count"`
	Vessels []SnapshotVessel `json:"vessels"`
}

// SnapshotVessel is one vessel's last report at or before the snapshot's
// time. SOG, COG, heading and ship type are null when not available.
type SnapshotVessel struct {
	MMSI     uint32    `json:"mmsi"`
	Lat      float64   `json:"lat"`
	Lon      float64   `json:"lon"`
	SOG      *float64  `json:"sog"`
	COG      *float64  `json:"cog"`
	Heading  *int      `json:"heading"`
	At       time.Time `json:"at"`
	Name     string    `json:"name"`
	ShipType *int      `json:"ship_type"`
	Class    string    `json:"class"`
}

func (s *Server) getSnapshot(c *fiber.Ctx) error {
	v := c.Query("at")
	if v == "" {
		return badParam("at", "required: RFC 3339 or unix seconds")
	}
	at, err := parseTime("at", v)
	if err != nil {
		return err
	}
	lookback := DefaultLookback
	if v := c.Query("lookback"); v != "" {
		if lookback, err = time.ParseDuration(v); err != nil || lookback <= 0 || lookback > MaxLookback {
			return badParam("lookback", "want a duration such as 30m, up to %v, got %s", MaxLookback, quote(v))
		}
	}
	var bbox *vessels.BBox
	if v := c.Query("bbox"); v != "" {
		if bbox, err = parseBBox(v); err != nil {
			return err
		}
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	sightings, err := s.deps.History.Snapshot(ctx, at, lookback)
	if err != nil {
		return err
	}
	out := Snapshot{At: at.UTC(), Vessels: make([]SnapshotVessel, 0, len(sightings))}
	for _, g := range sightings {
		if bbox != nil && !bbox.Contains(g.Lat, g.Lon) {
			continue
		}
		sv := SnapshotVessel{MMSI: g.MMSI, Lat: g.Lat, Lon: g.Lon, At: g.Time.UTC(),
			SOG: nonNegative(g.SOG), COG: nonNegative(g.COG), Name: boundText(g.Name), ShipType: positiveInt(g.ShipType), Class: g.Class}
		if g.Heading >= 0 {
			h := g.Heading
			sv.Heading = &h
		}
		if sv.Name == "" || sv.ShipType == nil || sv.Class == "" {
			// What the history does not know, the live picture may.
			if live, err := s.deps.Vessels.Vessel(ctx, g.MMSI); err == nil {
				sv.Name = cmp.Or(sv.Name, boundText(live.Name))
				sv.Class = cmp.Or(sv.Class, live.Class)
				if sv.ShipType == nil {
					sv.ShipType = positiveInt(live.ShipType)
				}
			}
		}
		out.Vessels = append(out.Vessels, sv)
	}
	out.Count = len(out.Vessels)
	return c.JSON(out)
}

func nonNegative(f float64) *float64 {
	if f < 0 {
		return nil
	}
	return &f
}

// ZoneStats is the body of GET /api/v1/stats/zones: vessels entering each
// zone per hour or per day (China Standard Time), one bucket per step from
// Since, empty ones included.
type ZoneStats struct {
	Since time.Time       `json:"since"`
	Until time.Time       `json:"until"`
	Every string          `json:"every"`
	Zones []ZoneStatsZone `json:"zones"`
}

// ZoneStatsZone is one zone's traffic: Entries counts every entry (a
// ferry crossing ten times counts ten), Vessels the distinct vessels.
type ZoneStatsZone struct {
	Zone    string       `json:"zone_id"`
	Kind    string       `json:"kind"`
	Entries int          `json:"entries"`
	Vessels int          `json:"vessels"`
	Buckets []ZoneBucket `json:"buckets"`
}

// ZoneBucket is one hour or day of a zone's traffic.
type ZoneBucket struct {
	Start   time.Time `json:"start"`
	Entries int       `json:"entries"`
	Vessels int       `json:"vessels"`
}

func (s *Server) getZoneStats(c *fiber.Ctx) error {
	now := s.cfg.Now()
	since, until, err := parseOpenRange(c.Query)
	if err != nil {
		return err
	}
	if until.IsZero() {
		until = now
	}
	if since.IsZero() {
		since = until.Add(-24 * time.Hour)
	}
	if !since.Before(until) {
		return badParam("since", "must be before until")
	}
	every := c.Query("every", "1h")
	step := map[string]time.Duration{"1h": time.Hour, "1d": 24 * time.Hour}[every]
	if step == 0 {
		return badParam("every", "want 1h or 1d, got %s", quote(every))
	}
	start := bucketStart(since, step)
	if n := until.Sub(start) / step; n >= maxBuckets {
		return badParam("since", "%d buckets of %s are more than %d: narrow since/until or count per day", n+1, every, maxBuckets)
	}
	zone := c.Query("zone")
	if len(zone) > maxNameParam {
		return badParam("zone", "at most %d bytes", maxNameParam)
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	entries, err := s.deps.History.ZoneEntries(ctx, since, until, zone, maxZoneEntries)
	if err != nil {
		return err
	}
	if len(entries) >= maxZoneEntries {
		return badParam("since", "more than %d zone entries in the window: narrow since/until or name a zone", maxZoneEntries)
	}
	n := int(until.Sub(start)/step) + 1
	return c.JSON(ZoneStats{Since: since.UTC(), Until: until.UTC(), Every: every, Zones: countEntries(entries, start, step, n)})
}

// bucketStart is the start of t's hour, or of its day in statsZone.
func bucketStart(t time.Time, step time.Duration) time.Time {
	if step == time.Hour {
		return t.Truncate(time.Hour).UTC()
	}
	l := t.In(statsZone)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, statsZone).UTC()
}

// countEntries buckets the entries per zone, zones in id order.
func countEntries(entries []vessels.ZoneEntry, start time.Time, step time.Duration, n int) []ZoneStatsZone {
	type acc struct {
		z       ZoneStatsZone
		seen    map[uint32]bool
		perStep []map[uint32]bool
	}
	byZone := map[string]*acc{}
	for _, e := range entries {
		i := int(e.Time.Sub(start) / step)
		if i < 0 || i >= n {
			continue
		}
		a := byZone[e.Zone]
		if a == nil {
			a = &acc{z: ZoneStatsZone{Zone: e.Zone, Kind: e.Kind, Buckets: make([]ZoneBucket, n)},
				seen: map[uint32]bool{}, perStep: make([]map[uint32]bool, n)}
			for k := range a.z.Buckets {
				a.z.Buckets[k].Start = start.Add(time.Duration(k) * step)
			}
			byZone[e.Zone] = a
		}
		a.z.Entries++
		a.z.Buckets[i].Entries++
		a.seen[e.MMSI] = true
		if a.perStep[i] == nil {
			a.perStep[i] = map[uint32]bool{}
		}
		a.perStep[i][e.MMSI] = true
	}
	out := make([]ZoneStatsZone, 0, len(byZone))
	for _, a := range byZone {
		a.z.Vessels = len(a.seen)
		for k, m := range a.perStep {
			a.z.Buckets[k].Vessels = len(m)
		}
		out = append(out, a.z)
	}
	slices.SortFunc(out, func(x, y ZoneStatsZone) int { return strings.Compare(x.Zone, y.Zone) })
	return out
}

// AlertHistory is the body of GET /api/v1/alerts/history: alert state
// changes, newest first.
type AlertHistory struct {
	Count  int           `json:"count"`
	Alerts []AlertChange `json:"alerts"`
}

// AlertChange is one state change of an alert.
type AlertChange struct {
	At        time.Time `json:"at"`
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`
	ZoneID    string    `json:"zone_id,omitempty"`
	Severity  string    `json:"severity"`
	State     string    `json:"state"` // open, acked, resolved
	MMSI      uint32    `json:"mmsi"`
	OtherMMSI uint32    `json:"other_mmsi,omitempty"`
	Lat       float64   `json:"lat"`
	Lon       float64   `json:"lon"`
	Message   string    `json:"message"`
}

func (s *Server) getAlertHistory(c *fiber.Ctx) error {
	since, until, err := parseOpenRange(c.Query)
	if err != nil {
		return err
	}
	q := vessels.AlertQuery{Since: since, Until: until, Kind: c.Query("kind"), Zone: c.Query("zone"), Limit: defaultAlertLimit}
	if len(q.Kind) > maxNameParam || len(q.Zone) > maxNameParam {
		return badParam("kind", "kind and zone: at most %d bytes", maxNameParam)
	}
	if v := c.Query("mmsi"); v != "" {
		if q.MMSI, err = parseMMSI(v); err != nil {
			return err
		}
	}
	if v := c.Query("limit"); v != "" {
		if q.Limit, err = parseLimit(v); err != nil {
			return err
		}
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	recs, err := s.deps.History.Alerts(ctx, q)
	if err != nil {
		return err
	}
	out := AlertHistory{Count: len(recs), Alerts: make([]AlertChange, len(recs))}
	for i, r := range recs {
		out.Alerts[i] = AlertChange{At: r.Time.UTC(), ID: boundText(r.ID), Kind: r.Kind, ZoneID: r.Zone, Severity: r.Severity,
			State: r.State, MMSI: r.MMSI, OtherMMSI: r.OtherMMSI, Lat: r.Lat, Lon: r.Lon, Message: boundText(r.Message)}
	}
	return c.JSON(out)
}
