package influxstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/influxdata/influxdb-client-go/v2/api/query"
	"github.com/riverwatch/riverwatch/vessels"
)

var _ vessels.Archive = (*History)(nil)

// AppendReport implements vessels.Archive: one point of the position
// measurement, with its class, station and navigational status.
func (h *History) AppendReport(ctx context.Context, r vessels.Report) error {
	return h.AppendPosition(ctx, r)
}

// AppendZoneEntry records a vessel entering a zone in the zone_entry
// measurement.
func (h *History) AppendZoneEntry(_ context.Context, e ZoneEntry) error {
	if e.Time.IsZero() || e.Zone == "" {
		return fmt.Errorf("%w: influxstore: zone entry without a time or zone", vessels.ErrInvalid)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return ErrClosed
	}
	h.cur.data = appendZoneEntry(h.cur.data, &e)
	h.addedLocked()
	return nil
}

// CountTrack implements vessels.Archive.
func (h *History) CountTrack(ctx context.Context, mmsi uint32, since, until time.Time) (int, error) {
	start, stop, err := rangeOf(since, until)
	if err != nil {
		return 0, err
	}
	h.awaitPending(ctx)
	n, err := h.countPositions(ctx, mmsi, start, stop)
	return int(n), err
}

// Snapshot implements vessels.Archive: the last position of every vessel
// at or before at within lookback (see snapshotPositions), with the name
// and ship type of its last static record at or before at.
func (h *History) Snapshot(ctx context.Context, at time.Time, lookback time.Duration) ([]vessels.Sighting, error) {
	if at.IsZero() || lookback <= 0 {
		return nil, fmt.Errorf("%w: influxstore: snapshot needs a time and a positive lookback", vessels.ErrInvalid)
	}
	h.awaitPending(ctx)
	pos, err := h.snapshotPositions(ctx, at, lookback)
	if err != nil {
		return nil, err
	}
	out := make([]vessels.Sighting, len(pos))
	for i, p := range pos {
		out[i].Report = p
	}
	if len(out) == 0 {
		return out, nil
	}
	q := fmt.Sprintf(`from(bucket: %s)
  |> range(start: %s, stop: %s)
  |> filter(fn: (r) => r._measurement == "static" and (r._field == "name" or r._field == "ship_type"))
  |> last()`, h.bucket, fluxTime(openStart), fluxTime(at.Add(time.Nanosecond)))
	// One row per series and field: a vessel has a series per class it
	// was heard with, and the latest wins.
	nameAt := make([]time.Time, len(out))
	typeAt := make([]time.Time, len(out))
	err = h.each(ctx, q, func(rec *query.FluxRecord) {
		mmsi, ok := mmsiOf(rec)
		if !ok {
			return
		}
		i, found := slices.BinarySearchFunc(out, mmsi, func(s vessels.Sighting, m uint32) int { return cmp.Compare(s.MMSI, m) })
		if !found {
			return
		}
		switch v := rec.Value().(type) {
		case string:
			if rec.Time().After(nameAt[i]) {
				out[i].Name, nameAt[i] = v, rec.Time()
			}
		case int64:
			if rec.Time().After(typeAt[i]) {
				out[i].ShipType, typeAt[i] = int(v), rec.Time()
			}
		}
	})
	if err != nil {
		return nil, fmt.Errorf("%w: snapshot names: %v", ErrUnavailable, err)
	}
	return out, nil
}

// Changes implements vessels.Archive from the static measurement.
func (h *History) Changes(ctx context.Context, mmsi uint32, since, until time.Time) ([]vessels.StaticRecord, error) {
	start, stop, err := rangeOf(since, until)
	if err != nil {
		return nil, err
	}
	h.awaitPending(ctx)
	q := fmt.Sprintf(`from(bucket: %s)
  |> range(start: %s, stop: %s)
  |> filter(fn: (r) => r._measurement == "static" and r.mmsi == "%d")
  |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")
  |> group()
  |> sort(columns: ["_time"])`, h.bucket, start, stop, mmsi)
	out := []vessels.StaticRecord{}
	err = h.each(ctx, q, func(rec *query.FluxRecord) {
		s := vessels.StaticRecord{Time: rec.Time().UTC(), MMSI: mmsi, Persons: -1}
		s.Class = strOf(rec, "class")
		s.Name, s.CallSign = strOf(rec, "name"), strOf(rec, "callsign")
		s.Destination, s.ETA = strOf(rec, "destination"), strOf(rec, "eta")
		if v, ok := rec.ValueByKey("imo").(int64); ok {
			s.IMO = uint32(v)
		}
		if v, ok := rec.ValueByKey("ship_type").(int64); ok {
			s.ShipType = int(v)
		}
		if v, ok := rec.ValueByKey("persons").(int64); ok {
			s.Persons = int(v)
		}
		s.Length, s.Beam, s.Draught = max(floatOr(rec, "length"), 0), max(floatOr(rec, "beam"), 0), max(floatOr(rec, "draught"), 0)
		out = append(out, s)
	})
	if err != nil {
		return nil, fmt.Errorf("%w: changes of %d: %v", ErrUnavailable, mmsi, err)
	}
	return out, nil
}

// Alerts implements vessels.Archive from the alert measurement.
func (h *History) Alerts(ctx context.Context, aq vessels.AlertQuery) ([]vessels.AlertRecord, error) {
	if aq.Limit < 0 {
		return nil, fmt.Errorf("%w: influxstore: negative limit", vessels.ErrInvalid)
	}
	start, stop, err := rangeOf(aq.Since, aq.Until)
	if err != nil {
		return nil, err
	}
	h.awaitPending(ctx)
	var b strings.Builder
	fmt.Fprintf(&b, `from(bucket: %s)
  |> range(start: %s, stop: %s)
  |> filter(fn: (r) => r._measurement == "alert"`, h.bucket, start, stop)
	if aq.Kind != "" {
		b.WriteString(" and r.kind == " + fluxString(aq.Kind))
	}
	if aq.Zone != "" {
		b.WriteString(" and r.zone == " + fluxString(aq.Zone))
	}
	b.WriteString(`)
  |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")`)
	if aq.MMSI != 0 {
		fmt.Fprintf(&b, `
  |> filter(fn: (r) => r.mmsi == %d or (exists r.other_mmsi and r.other_mmsi == %d))`, aq.MMSI, aq.MMSI)
	}
	b.WriteString(`
  |> group()
  |> sort(columns: ["_time"], desc: true)`)
	if aq.Limit > 0 {
		fmt.Fprintf(&b, "\n  |> limit(n: %d)", aq.Limit)
	}
	out := []vessels.AlertRecord{}
	err = h.each(ctx, b.String(), func(rec *query.FluxRecord) {
		a := vessels.AlertRecord{Time: rec.Time().UTC(), ID: strOf(rec, "id"), Kind: strOf(rec, "kind"), Zone: strOf(rec, "zone"),
			Severity: strOf(rec, "severity"), State: strOf(rec, "state"), Message: strOf(rec, "message")}
		if v, ok := rec.ValueByKey("mmsi").(int64); ok {
			a.MMSI = uint32(v)
		}
		if v, ok := rec.ValueByKey("other_mmsi").(int64); ok {
			a.OtherMMSI = uint32(v)
		}
		a.Lat, _ = rec.ValueByKey("lat").(float64)
		a.Lon, _ = rec.ValueByKey("lon").(float64)
		out = append(out, a)
	})
	if err != nil {
		return nil, fmt.Errorf("%w: alerts: %v", ErrUnavailable, err)
	}
	return out, nil
}

// ZoneEntries implements vessels.Archive from the zone_entry measurement.
func (h *History) ZoneEntries(ctx context.Context, since, until time.Time, zone string, limit int) ([]vessels.ZoneEntry, error) {
	if since.IsZero() || until.IsZero() || limit < 0 {
		return nil, fmt.Errorf("%w: influxstore: zone entries need since, until and a limit >= 0", vessels.ErrInvalid)
	}
	start, stop, err := rangeOf(since, until)
	if err != nil {
		return nil, err
	}
	h.awaitPending(ctx)
	var b strings.Builder
	fmt.Fprintf(&b, `from(bucket: %s)
  |> range(start: %s, stop: %s)
  |> filter(fn: (r) => r._measurement == "zone_entry" and r._field == "n"`, h.bucket, start, stop)
	if zone != "" {
		b.WriteString(" and r.zone == " + fluxString(zone))
	}
	b.WriteString(`)
  |> keep(columns: ["_time", "zone", "kind", "mmsi"])
  |> group()
  |> sort(columns: ["_time"])`)
	if limit > 0 {
		fmt.Fprintf(&b, "\n  |> limit(n: %d)", limit)
	}
	out := []vessels.ZoneEntry{}
	err = h.each(ctx, b.String(), func(rec *query.FluxRecord) {
		mmsi, ok := mmsiOf(rec)
		if !ok {
			return
		}
		out = append(out, vessels.ZoneEntry{Time: rec.Time().UTC(), Zone: strOf(rec, "zone"), Kind: strOf(rec, "kind"), MMSI: mmsi})
	})
	if err != nil {
		return nil, fmt.Errorf("%w: zone entries: %v", ErrUnavailable, err)
	}
	slices.SortStableFunc(out, func(x, y vessels.ZoneEntry) int {
		return cmp.Or(x.Time.Compare(y.Time), cmp.Compare(x.MMSI, y.MMSI))
	})
	return out, nil
}

// Health implements vessels.Archive from Stats.
func (h *History) Health() vessels.HistoryHealth {
	s := h.Stats()
	hh := vessels.HistoryHealth{Backend: "influxdb", OK: !s.Down, LastError: s.LastError,
		Buffered: s.Pending, Spilled: s.Spilled, Dropped: s.Dropped, Written: s.Written}
	if s.Down {
		hh.DownSince = s.DownSince
	}
	return hh
}

// each runs a Flux query and calls fn on every record.
func (h *History) each(ctx context.Context, q string, fn func(*query.FluxRecord)) error {
	res, err := h.runQuery(ctx, q)
	if err != nil {
		return err
	}
	defer res.Close()
	for res.Next() {
		fn(res.Record())
	}
	return res.Err()
}

func strOf(rec *query.FluxRecord, key string) string {
	s, _ := rec.ValueByKey(key).(string)
	return s
}

func mmsiOf(rec *query.FluxRecord) (uint32, bool) {
	m, err := strconv.ParseUint(strOf(rec, "mmsi"), 10, 32)
	return uint32(m), err == nil
}
