package influxstore

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/influxdata/influxdb-client-go/v2/api"
	http2 "github.com/influxdata/influxdb-client-go/v2/api/http"
	"github.com/influxdata/influxdb-client-go/v2/api/query"
	"github.com/riverwatch/riverwatch/vessels"
)

// Flux range bounds standing for open ends of a time range.
var (
	openStart = time.Unix(0, 0).UTC()
	openStop  = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

// permanent reports whether a write error is InfluxDB refusing the data
// (retrying would fail again) rather than being unavailable. A missing
// database or bad credentials count as unavailable: an operator fixes them
// and the buffered points are written then.
func permanent(err error) bool {
	var he *http2.Error
	if !errors.As(err, &he) {
		return false
	}
	switch he.StatusCode {
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
		return true
	}
	return false
}

// fluxString quotes s as a Flux string literal.
func fluxString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\', '$':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

func fluxTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// rangeOf turns an inclusive [since, until] with zero open ends into Flux's
// half-open range.
func rangeOf(since, until time.Time) (start, stop string, err error) {
	s, e := openStart, openStop
	if !since.IsZero() {
		s = since
	}
	if !until.IsZero() {
		e = until.Add(time.Nanosecond)
	}
	if !s.Before(e) {
		return "", "", fmt.Errorf("%w: influxstore: since %v after until %v", vessels.ErrInvalid, since, until)
	}
	return fluxTime(s), fluxTime(e), nil
}

// trackFields are the position fields a TrackPoint holds.
const trackFields = `r._field == "lat" or r._field == "lon" or r._field == "sog" or r._field == "cog" or r._field == "heading"`

// Track returns mmsi's positions with since <= Time <= until in time order
// (zero bounds are open), at most limit of them (0 = all, newest kept). It
// first waits, for at most Config.ReadWait, until the points appended
// before the call are written, so a caller reads its own writes. Errors:
// vessels.ErrInvalid for since after until, ErrUnavailable when the query
// fails.
func (h *History) Track(ctx context.Context, mmsi uint32, since, until time.Time, limit int) ([]vessels.TrackPoint, error) {
	if limit < 0 {
		return nil, fmt.Errorf("%w: influxstore: negative limit", vessels.ErrInvalid)
	}
	if !since.IsZero() && !until.IsZero() && since.After(until) {
		return nil, nil
	}
	start, stop, err := rangeOf(since, until)
	if err != nil {
		return nil, err
	}
	h.awaitPending(ctx)
	q := h.trackFlux(mmsi, start, stop)
	if limit > 0 {
		q += "\n  |> tail(n: " + strconv.Itoa(limit) + ")"
	}
	return h.readTrack(ctx, mmsi, q)
}

// TrackThinned returns mmsi's track between since and until (both
// required) with at most about maxPoints points: the whole track when it
// has no more, else the last position in each of maxPoints equal windows,
// so a week comes back as a few thousand real reports.
func (h *History) TrackThinned(ctx context.Context, mmsi uint32, since, until time.Time, maxPoints int) ([]vessels.TrackPoint, error) {
	if since.IsZero() || until.IsZero() || maxPoints <= 0 {
		return nil, fmt.Errorf("%w: influxstore: thinned track needs since, until and a positive maximum", vessels.ErrInvalid)
	}
	start, stop, err := rangeOf(since, until)
	if err != nil {
		return nil, err
	}
	h.awaitPending(ctx)
	count, err := h.countPositions(ctx, mmsi, start, stop)
	if err != nil {
		return nil, err
	}
	q := h.trackFlux(mmsi, start, stop)
	if count > int64(maxPoints) {
		every := until.Sub(since) / time.Duration(maxPoints)
		every = max(every.Truncate(time.Millisecond), time.Millisecond)
		q += fmt.Sprintf(`
  |> window(every: %dms)
  |> last(column: "lat")
  |> group()
  |> sort(columns: ["_time"])`, every.Milliseconds())
	}
	return h.readTrack(ctx, mmsi, q)
}

func (h *History) trackFlux(mmsi uint32, start, stop string) string {
	return fmt.Sprintf(`from(bucket: %s)
  |> range(start: %s, stop: %s)
  |> filter(fn: (r) => r._measurement == "position" and r.mmsi == "%d")
  |> filter(fn: (r) => %s)
  |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")
  |> keep(columns: ["_time", "lat", "lon", "sog", "cog", "heading"])
  |> group()
  |> sort(columns: ["_time"])`, h.bucket, start, stop, mmsi, trackFields)
}

func (h *History) countPositions(ctx context.Context, mmsi uint32, start, stop string) (int64, error) {
	q := fmt.Sprintf(`from(bucket: %s)
  |> range(start: %s, stop: %s)
  |> filter(fn: (r) => r._measurement == "position" and r.mmsi == "%d" and r._field == "lat")
  |> group()
  |> count()`, h.bucket, start, stop, mmsi)
	res, err := h.runQuery(ctx, q)
	if err != nil {
		return 0, fmt.Errorf("%w: count %d: %v", ErrUnavailable, mmsi, err)
	}
	defer res.Close()
	var n int64
	for res.Next() {
		if v, ok := res.Record().Value().(int64); ok {
			n += v
		}
	}
	if err := res.Err(); err != nil {
		return 0, fmt.Errorf("%w: count %d: %v", ErrUnavailable, mmsi, err)
	}
	return n, nil
}

func (h *History) readTrack(ctx context.Context, mmsi uint32, q string) ([]vessels.TrackPoint, error) {
	res, err := h.runQuery(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("%w: track %d: %v", ErrUnavailable, mmsi, err)
	}
	defer res.Close()
	var pts []vessels.TrackPoint
	for res.Next() {
		rec := res.Record()
		lat, ok1 := rec.ValueByKey("lat").(float64)
		lon, ok2 := rec.ValueByKey("lon").(float64)
		if !ok1 || !ok2 {
			continue
		}
		pts = append(pts, vessels.TrackPoint{
			Time: rec.Time().UTC(), Lat: lat, Lon: lon,
			SOG: floatOr(rec, "sog"), COG: floatOr(rec, "cog"), Heading: int(intOr(rec, "heading")),
		})
	}
	if err := res.Err(); err != nil {
		return nil, fmt.Errorf("%w: track %d: %v", ErrUnavailable, mmsi, err)
	}
	return pts, nil
}

// runQuery runs a Flux query. The client builds its query URL lazily
// without locking the read, so the first query runs alone; once one has
// returned the URL is set and queries run concurrently.
func (h *History) runQuery(ctx context.Context, q string) (*api.QueryTableResult, error) {
	if h.queryReady.Load() {
		return h.query.Query(ctx, q)
	}
	h.queryFirst.Lock()
	defer h.queryFirst.Unlock()
	res, err := h.query.Query(ctx, q)
	h.queryReady.Store(true)
	return res, err
}

// awaitPending waits, for at most ReadWait, until what was appended before
// the call is written.
func (h *History) awaitPending(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, h.cfg.ReadWait)
	defer cancel()
	_ = h.Flush(ctx)
}

func floatOr(rec *query.FluxRecord, key string) float64 {
	if v, ok := rec.ValueByKey(key).(float64); ok {
		return v
	}
	return -1
}

func intOr(rec *query.FluxRecord, key string) int64 {
	if v, ok := rec.ValueByKey(key).(int64); ok {
		return v
	}
	return -1
}

// snapshotPositions returns the last position of every vessel at or
// before at, within lookback before it, in MMSI order. Class, station and
// navigational status are those of that position (NavStatus -1 when not
// stored); SOG, COG and heading are -1 when that position lacked them.
//
// InfluxDB takes the last point of each series (a vessel has one per
// class and station it was heard with); the latest of a vessel's series
// is picked here, which costs far less than grouping and sorting in Flux.
func (h *History) snapshotPositions(ctx context.Context, at time.Time, lookback time.Duration) ([]Position, error) {
	q := fmt.Sprintf(`from(bucket: %s)
  |> range(start: %s, stop: %s)
  |> filter(fn: (r) => r._measurement == "position")
  |> last()`, h.bucket, fluxTime(at.Add(-lookback)), fluxTime(at.Add(time.Nanosecond)))
	res, err := h.runQuery(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("%w: snapshot: %v", ErrUnavailable, err)
	}
	defer res.Close()
	type fieldAt struct {
		t time.Time
		v any
	}
	byMMSI := map[uint32]map[string]fieldAt{}
	tags := map[uint32][2]string{}
	var order []uint32
	for res.Next() {
		rec := res.Record()
		s, _ := rec.ValueByKey("mmsi").(string)
		m, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			continue
		}
		mmsi := uint32(m)
		f := byMMSI[mmsi]
		if f == nil {
			f = map[string]fieldAt{}
			byMMSI[mmsi] = f
			order = append(order, mmsi)
		}
		if old, ok := f[rec.Field()]; ok && !rec.Time().After(old.t) {
			continue // an older series of the vessel
		}
		f[rec.Field()] = fieldAt{rec.Time(), rec.Value()}
		if rec.Field() == "lat" {
			class, _ := rec.ValueByKey("class").(string)
			station, _ := rec.ValueByKey("station").(string)
			tags[mmsi] = [2]string{class, station}
		}
	}
	if err := res.Err(); err != nil {
		return nil, fmt.Errorf("%w: snapshot: %v", ErrUnavailable, err)
	}
	slices.Sort(order)
	out := make([]Position, 0, len(order))
	for _, mmsi := range order {
		f := byMMSI[mmsi]
		lat, ok1 := f["lat"]
		lon, ok2 := f["lon"]
		if !ok1 || !ok2 {
			continue
		}
		p := Position{MMSI: mmsi, Class: tags[mmsi][0], Station: tags[mmsi][1], NavStatus: -1,
			TrackPoint: vessels.TrackPoint{Time: lat.t.UTC(), SOG: -1, COG: -1, Heading: -1}}
		p.Lat, _ = lat.v.(float64)
		p.Lon, _ = lon.v.(float64)
		same := func(k string) (any, bool) { // a field of the same report
			v, ok := f[k]
			return v.v, ok && v.t.Equal(lat.t)
		}
		if v, ok := same("sog"); ok {
			p.SOG, _ = v.(float64)
		}
		if v, ok := same("cog"); ok {
			p.COG, _ = v.(float64)
		}
		if v, ok := same("heading"); ok {
			if n, ok := v.(int64); ok {
				p.Heading = int(n)
			}
		}
		if v, ok := same("nav_status"); ok {
			if n, ok := v.(int64); ok {
				p.NavStatus = int(n)
			}
		}
		out = append(out, p)
	}
	return out, nil
}
