package api

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/riverwatch/riverwatch/vessels"
)

// HistoryReader is what the history endpoints read: tracks over any
// window, snapshots, static changes, alert records and zone entries.
// vessels.Archive implements it (vessels.MemoryArchive by default,
// influxstore.History with InfluxDB); its errors are the Archive's.
type HistoryReader interface {
	Track(ctx context.Context, mmsi uint32, since, until time.Time, limit int) ([]vessels.TrackPoint, error)
	CountTrack(ctx context.Context, mmsi uint32, since, until time.Time) (int, error)
	TrackThinned(ctx context.Context, mmsi uint32, since, until time.Time, maxPoints int) ([]vessels.TrackPoint, error)
	Snapshot(ctx context.Context, at time.Time, lookback time.Duration) ([]vessels.Sighting, error)
	Changes(ctx context.Context, mmsi uint32, since, until time.Time) ([]vessels.StaticRecord, error)
	Alerts(ctx context.Context, q vessels.AlertQuery) ([]vessels.AlertRecord, error)
	ZoneEntries(ctx context.Context, since, until time.Time, zone string, limit int) ([]vessels.ZoneEntry, error)
	Health() vessels.HistoryHealth
}

// Bounds of the history endpoints.
const (
	// AutoThinPoints is the track size past which a track is thinned when
	// the client did not say (thin= left out), to ThinPoints points.
	AutoThinPoints = MaxLimit
	ThinPoints     = 5000
	// maxTextBytes bounds AIS text (names, call signs, destinations) and
	// alert messages read back from the history.
	maxTextBytes = 256
)

// liveTrackHistory is the HistoryReader of a server given none: tracks
// from the VesselReader (the tracker's own history), the rest from an
// empty MemoryArchive, so that every endpoint answers with its shape.
type liveTrackHistory struct {
	VesselReader
	*vessels.MemoryArchive
}

func defaultHistory(v VesselReader) HistoryReader {
	return liveTrackHistory{v, vessels.NewMemoryArchive(vessels.HistoryConfig{})}
}

func (h liveTrackHistory) Track(ctx context.Context, mmsi uint32, since, until time.Time, limit int) ([]vessels.TrackPoint, error) {
	return h.VesselReader.Track(ctx, mmsi, since, until, limit)
}

func (h liveTrackHistory) CountTrack(ctx context.Context, mmsi uint32, since, until time.Time) (int, error) {
	pts, err := h.VesselReader.Track(ctx, mmsi, since, until, 0)
	return len(pts), err
}

func (h liveTrackHistory) TrackThinned(ctx context.Context, mmsi uint32, since, until time.Time, maxPoints int) ([]vessels.TrackPoint, error) {
	pts, err := h.VesselReader.Track(ctx, mmsi, since, until, 0)
	return vessels.ThinTrack(pts, since, until, maxPoints), err
}

// historyRoutes registers the history endpoints.
func (s *Server) historyRoutes(r fiber.Router) {
	r.Get("/vessels/:mmsi/track", s.getTrack)
	r.Get("/vessels/:mmsi/changes", s.getChanges)
	r.Get("/snapshot", s.getSnapshot)
	r.Get("/stats/zones", s.getZoneStats)
	r.Get("/alerts/history", s.getAlertHistory)
}

// Track is the body of GET /api/v1/vessels/{mmsi}/track. Count is how many
// points the window holds; Thinned says Points keeps only the last of
// each of equal windows (see vessels.ThinTrack).
type Track struct {
	MMSI    uint32               `json:"mmsi"`
	Points  []vessels.TrackPoint `json:"points"`
	Count   int                  `json:"count"`
	Thinned bool                 `json:"thinned"`
}

// getTrack answers a vessel's track. Without thin= or limit= a window of
// more than AutoThinPoints points comes back thinned to ThinPoints;
// thin=N thins to about N; thin=off returns every point or, for more
// than MaxLimit, 400; limit=N alone keeps the newest N.
func (s *Server) getTrack(c *fiber.Ctx) error {
	mmsi, err := parseMMSI(c.Params("mmsi"))
	if err != nil {
		return err
	}
	now := s.cfg.Now()
	r, err := parseTrackRange(c.Query, now)
	if err != nil {
		return err
	}
	thin, err := parseThin(c.Query("thin"))
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	h := s.deps.History
	out := Track{MMSI: mmsi}
	if c.Query("limit") != "" && thin == thinAuto {
		out.Points, err = h.Track(ctx, mmsi, r.since, r.until, r.limit)
		out.Count = len(out.Points)
	} else {
		out, err = s.readTrack(ctx, h, mmsi, r, thin, now)
	}
	if err != nil {
		return err
	}
	if len(out.Points) == 0 {
		if _, err := s.deps.Vessels.Vessel(ctx, mmsi); errors.Is(err, vessels.ErrNotFound) {
			return fmt.Errorf("api: no track of %d in this window: %w", mmsi, vessels.ErrNotFound)
		}
		out.Points = []vessels.TrackPoint{}
	}
	return c.JSON(out)
}

// Values of thin= besides a number of points.
const (
	thinAuto = 0
	thinOff  = -1
)

func parseThin(v string) (int, error) {
	switch v {
	case "", "auto":
		return thinAuto, nil
	case "off", "false":
		return thinOff, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 2 || n > MaxLimit || v[0] == '+' {
		return 0, badParam("thin", "want 2..%d points, auto or off, got %s", MaxLimit, quote(v))
	}
	return n, nil
}

// readTrack counts the window's points first and thins when it must.
func (s *Server) readTrack(ctx context.Context, h HistoryReader, mmsi uint32, r trackRange, thin int, now time.Time) (Track, error) {
	until := r.until
	if until.IsZero() {
		until = now
	}
	out := Track{MMSI: mmsi}
	n, err := h.CountTrack(ctx, mmsi, r.since, r.until)
	if err != nil {
		return out, err
	}
	out.Count = n
	target := thin
	switch thin {
	case thinOff:
		if n > MaxLimit {
			return out, badParam("thin", "the window holds %d points, more than %d unthinned: narrow since/until or leave thin= out", n, MaxLimit)
		}
	case thinAuto:
		if n > AutoThinPoints {
			target = ThinPoints
		}
	}
	if target > 0 && n > target && until.After(r.since) {
		out.Points, err = h.TrackThinned(ctx, mmsi, r.since, until, target)
		out.Thinned = true
		return out, err
	}
	out.Points, err = h.Track(ctx, mmsi, r.since, r.until, r.limit)
	return out, err
}

// Changes is the body of GET /api/v1/vessels/{mmsi}/changes.
type Changes struct {
	MMSI    uint32   `json:"mmsi"`
	Changes []Change `json:"changes"`
}

// Change is one static record: what the vessel sent about itself as of At.
// Values not sent are null.
type Change struct {
	At          time.Time `json:"at"`
	Name        string    `json:"name"`
	CallSign    string    `json:"callsign"`
	ShipType    *int      `json:"ship_type"`
	Destination string    `json:"destination"`
	DraughtM    *float64  `json:"draught_m"`
	Persons     *int      `json:"persons"`
}

func (s *Server) getChanges(c *fiber.Ctx) error {
	mmsi, err := parseMMSI(c.Params("mmsi"))
	if err != nil {
		return err
	}
	since, until, err := parseOpenRange(c.Query)
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	recs, err := s.deps.History.Changes(ctx, mmsi, since, until)
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		if _, err := s.deps.Vessels.Vessel(ctx, mmsi); errors.Is(err, vessels.ErrNotFound) {
			return fmt.Errorf("api: no changes of %d: %w", mmsi, vessels.ErrNotFound)
		}
	}
	out := Changes{MMSI: mmsi, Changes: make([]Change, len(recs))}
	for i, r := range recs {
		out.Changes[i] = Change{At: r.Time, Name: boundText(r.Name), CallSign: boundText(r.CallSign),
			ShipType: positiveInt(r.ShipType), Destination: boundText(r.Destination)}
		if r.Draught > 0 {
			d := r.Draught
			out.Changes[i].DraughtM = &d
		}
		if r.Persons >= 0 {
			p := r.Persons
			out.Changes[i].Persons = &p
		}
	}
	return c.JSON(out)
}

// parseOpenRange reads optional since and until (RFC 3339 or unix
// seconds), until not before since.
func parseOpenRange(q queryGetter) (since, until time.Time, err error) {
	if v := q("since"); v != "" {
		if since, err = parseTime("since", v); err != nil {
			return
		}
	}
	if v := q("until"); v != "" {
		if until, err = parseTime("until", v); err != nil {
			return
		}
	}
	if !since.IsZero() && !until.IsZero() && until.Before(since) {
		err = badParam("until", "must not be before since")
	}
	return
}

func positiveInt(n int) *int {
	if n <= 0 {
		return nil
	}
	return &n
}

// boundText cuts text read back from the history to maxTextBytes, on a
// character boundary: AIS text is attacker-controlled.
func boundText(s string) string {
	if len(s) <= maxTextBytes {
		return s
	}
	s = s[:maxTextBytes]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}
