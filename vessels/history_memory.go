package vessels

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Bounds of what a MemoryArchive keeps beside the tracks.
const (
	DefaultArchiveStatics = 32      // static records per vessel
	DefaultArchiveAlerts  = 10_000  // alert records
	DefaultArchiveEntries = 100_000 // zone entries
)

// MemoryArchive is the in-memory Archive: the tracks of a MemoryHistory
// (bounded by its HistoryConfig), each vessel's last class and station,
// and the last DefaultArchiveStatics static records per vessel, the last
// DefaultArchiveAlerts alert records and the last DefaultArchiveEntries
// zone entries. It is the default when no InfluxDB is configured: the same
// API, for a shorter window.
type MemoryArchive struct {
	*MemoryHistory

	mu      sync.Mutex
	tags    map[uint32]reportTags
	statics map[uint32][]StaticRecord // oldest first
	alerts  []AlertRecord             // in arrival order
	entries []ZoneEntry               // in arrival order
}

type reportTags struct{ class, station string }

var _ Archive = (*MemoryArchive)(nil)

// NewMemoryArchive returns an empty MemoryArchive whose tracks are bounded
// by cfg.
func NewMemoryArchive(cfg HistoryConfig) *MemoryArchive {
	return &MemoryArchive{
		MemoryHistory: NewMemoryHistory(cfg),
		tags:          map[uint32]reportTags{},
		statics:       map[uint32][]StaticRecord{},
	}
}

// AppendReport implements Archive: the point goes into the track, the
// class and station are kept as the vessel's latest.
func (a *MemoryArchive) AppendReport(ctx context.Context, r Report) error {
	if err := a.Append(ctx, r.MMSI, r.TrackPoint); err != nil {
		return err
	}
	a.mu.Lock()
	if t := a.tags[r.MMSI]; t.class != r.Class || t.station != r.Station {
		a.tags[r.MMSI] = reportTags{r.Class, r.Station}
	}
	a.mu.Unlock()
	return nil
}

// AppendStatic implements Archive.
func (a *MemoryArchive) AppendStatic(_ context.Context, s StaticRecord) (bool, error) {
	if s.Time.IsZero() {
		return false, fmt.Errorf("vessels: static record of %d without a time: %w", s.MMSI, ErrInvalid)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	list := a.statics[s.MMSI]
	if n := len(list); n > 0 {
		last := list[n-1]
		last.Time = s.Time
		if last == s {
			return false, nil
		}
	}
	if len(list) >= DefaultArchiveStatics {
		list = slices.Delete(list, 0, 1)
	}
	a.statics[s.MMSI] = append(list, s)
	return true, nil
}

// AppendAlert implements Archive.
func (a *MemoryArchive) AppendAlert(_ context.Context, r AlertRecord) error {
	if r.Time.IsZero() || r.Kind == "" {
		return fmt.Errorf("vessels: alert record without a time or kind: %w", ErrInvalid)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.alerts = appendBounded(a.alerts, r, DefaultArchiveAlerts)
	return nil
}

// AppendZoneEntry implements Archive.
func (a *MemoryArchive) AppendZoneEntry(_ context.Context, e ZoneEntry) error {
	if e.Time.IsZero() || e.Zone == "" {
		return fmt.Errorf("vessels: zone entry without a time or zone: %w", ErrInvalid)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.entries = appendBounded(a.entries, e, DefaultArchiveEntries)
	return nil
}

// appendBounded appends v, forgetting the oldest quarter once s holds max:
// amortised, one copy per max/4 appends.
func appendBounded[T any](s []T, v T, limit int) []T {
	if len(s) >= limit {
		s = slices.Delete(s, 0, len(s)-limit*3/4)
	}
	return append(s, v)
}

// CountTrack implements Archive.
func (a *MemoryArchive) CountTrack(ctx context.Context, mmsi uint32, since, until time.Time) (int, error) {
	pts, err := a.Track(ctx, mmsi, since, until, 0)
	return len(pts), err
}

// TrackThinned implements Archive with ThinTrack.
func (a *MemoryArchive) TrackThinned(ctx context.Context, mmsi uint32, since, until time.Time, maxPoints int) ([]TrackPoint, error) {
	if since.IsZero() || until.IsZero() || maxPoints <= 0 || until.Before(since) {
		return nil, fmt.Errorf("vessels: thinned track needs since <= until and a positive maximum: %w", ErrInvalid)
	}
	pts, err := a.Track(ctx, mmsi, since, until, 0)
	if err != nil {
		return nil, err
	}
	return ThinTrack(pts, since, until, maxPoints), nil
}

// Snapshot implements Archive. Times are whole seconds, as the tracks
// keep them; class and station are the vessel's latest, not as of at.
func (a *MemoryArchive) Snapshot(ctx context.Context, at time.Time, lookback time.Duration) ([]Sighting, error) {
	if at.IsZero() || lookback <= 0 {
		return nil, fmt.Errorf("vessels: snapshot needs a time and a positive lookback: %w", ErrInvalid)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	hi := unixSeconds(at)
	lo := at.Add(-lookback)
	var out []Sighting
	h := a.MemoryHistory
	for i := range h.shards {
		s := &h.shards[i]
		s.mu.RLock()
		for mmsi, r := range s.rings.All() {
			j := r.search(hi+1) - 1
			if j < 0 {
				continue
			}
			p := r.at(j).point()
			if p.Time.Before(lo) {
				continue
			}
			out = append(out, Sighting{Report: Report{MMSI: mmsi, NavStatus: -1, TrackPoint: p}})
		}
		s.mu.RUnlock()
	}
	slices.SortFunc(out, func(x, y Sighting) int { return cmp.Compare(x.MMSI, y.MMSI) })
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := range out {
		s := &out[i]
		t := a.tags[s.MMSI]
		s.Class, s.Station = t.class, t.station
		list := a.statics[s.MMSI]
		k, _ := slices.BinarySearchFunc(list, at, func(r StaticRecord, t time.Time) int {
			if r.Time.After(t) {
				return 1
			}
			return -1
		})
		if k > 0 {
			s.Name, s.ShipType = list[k-1].Name, list[k-1].ShipType
		}
	}
	return out, nil
}

// Changes implements Archive.
func (a *MemoryArchive) Changes(ctx context.Context, mmsi uint32, since, until time.Time) ([]StaticRecord, error) {
	if err := checkRange(since, until); err != nil {
		return nil, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	out := []StaticRecord{}
	for _, s := range a.statics[mmsi] {
		if inRange(s.Time, since, until) {
			out = append(out, s)
		}
	}
	return out, nil
}

// Alerts implements Archive.
func (a *MemoryArchive) Alerts(ctx context.Context, q AlertQuery) ([]AlertRecord, error) {
	if err := checkRange(q.Since, q.Until); err != nil {
		return nil, err
	}
	if q.Limit < 0 {
		return nil, fmt.Errorf("vessels: negative limit: %w", ErrInvalid)
	}
	a.mu.Lock()
	var out []AlertRecord
	for _, r := range a.alerts {
		if inRange(r.Time, q.Since, q.Until) && (q.Kind == "" || r.Kind == q.Kind) && (q.Zone == "" || r.Zone == q.Zone) &&
			(q.MMSI == 0 || r.MMSI == q.MMSI || r.OtherMMSI == q.MMSI) {
			out = append(out, r)
		}
	}
	a.mu.Unlock()
	slices.SortStableFunc(out, func(x, y AlertRecord) int { return y.Time.Compare(x.Time) })
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	if out == nil {
		out = []AlertRecord{}
	}
	return out, nil
}

// ZoneEntries implements Archive.
func (a *MemoryArchive) ZoneEntries(ctx context.Context, since, until time.Time, zone string, limit int) ([]ZoneEntry, error) {
	if since.IsZero() || until.IsZero() || limit < 0 {
		return nil, fmt.Errorf("vessels: zone entries need since, until and a limit >= 0: %w", ErrInvalid)
	}
	if err := checkRange(since, until); err != nil {
		return nil, err
	}
	a.mu.Lock()
	out := []ZoneEntry{}
	for _, e := range a.entries {
		if inRange(e.Time, since, until) && (zone == "" || e.Zone == zone) {
			out = append(out, e)
		}
	}
	a.mu.Unlock()
	slices.SortStableFunc(out, func(x, y ZoneEntry) int {
		return cmp.Or(x.Time.Compare(y.Time), cmp.Compare(x.MMSI, y.MMSI))
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// Health implements Archive: memory is always up and drops nothing but
// what its bounds forget.
func (a *MemoryArchive) Health() HistoryHealth { return HistoryHealth{Backend: "memory", OK: true} }

// Prune forgets, beside what MemoryHistory.Prune forgets, the tags of
// vessels left without a track and the static records of vessels without
// a track whose last record is older than the history's MaxAge.
func (a *MemoryArchive) Prune() int {
	n := a.MemoryHistory.Prune()
	cut := a.now().Add(-a.maxAge)
	a.mu.Lock()
	defer a.mu.Unlock()
	for mmsi := range a.tags {
		if n > 0 && !a.hasTrack(mmsi) {
			delete(a.tags, mmsi)
		}
	}
	for mmsi, list := range a.statics {
		if list[len(list)-1].Time.Before(cut) && !a.hasTrack(mmsi) {
			delete(a.statics, mmsi)
		}
	}
	return n
}

func (a *MemoryArchive) hasTrack(mmsi uint32) bool {
	s := a.shard(mmsi)
	s.mu.RLock()
	defer s.mu.RUnlock()
	r := s.rings.Get(mmsi)
	return r != nil && r.n > 0
}

func checkRange(since, until time.Time) error {
	if !since.IsZero() && !until.IsZero() && until.Before(since) {
		return fmt.Errorf("vessels: until %v before since %v: %w", until, since, ErrInvalid)
	}
	return nil
}

// inRange reports since <= t <= until, zero bounds open.
func inRange(t, since, until time.Time) bool {
	return (since.IsZero() || !t.Before(since)) && (until.IsZero() || !t.After(until))
}
