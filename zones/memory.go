package zones

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/paulmach/orb"
)

// MemoryConfig configures a MemoryStore.
type MemoryConfig struct {
	// Now is the clock retention is judged by; time.Now when nil.
	Now func() time.Time
}

// MemoryStore is the in-memory StateStore: the embedded default for a
// single process, and what unit tests use. Everything is lost when the
// process ends.
//
// Values are copied in and out, so nothing a caller holds shares memory
// with the store. What has ended (expired bans, resolved alerts past
// AlertRetention) is invisible at once by Now and swept from memory at most
// once a minute of Now.
//
// The stream is a ring of the last StreamLength events with decimal ids
// "1", "2", ...: Publish only appends to it and wakes the subscribers, and
// each Subscribe copies what is new under a short lock and calls fn on its
// caller's goroutine, so a slow fn never holds up Publish or the other
// subscribers. A subscriber that falls more than StreamLength events behind
// has lost events: its Subscribe returns an error wrapping ErrInvalid, and
// it must reload the state and subscribe again from "".
type MemoryStore struct {
	now func() time.Time

	mu          sync.Mutex
	closed      bool
	swept       time.Time
	zones       map[string]Zone
	bans        map[string]Ban
	zoneVessels map[string]map[uint32]struct{}
	vesselZones map[uint32]map[string]struct{}
	alerts      map[string]*Alert
	open        map[string]string // episode key → id of its active alert

	ring    eventRing     // the stream's last StreamLength events
	editing Alert         // UpdateAlert's copy for fn, under mu
	seq     uint64        // id of the last event published
	wake    chan struct{} // closed on Close, and on a Publish once a subscriber waits on it
	// waited: a subscriber has taken wake to wait on since it was made, so
	// the next Publish closes and replaces it (a Publish nobody waits for
	// makes no channel)
	waited bool
}

var _ StateStore = (*MemoryStore)(nil)

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore(cfg MemoryConfig) *MemoryStore {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &MemoryStore{
		now:         now,
		zones:       make(map[string]Zone),
		bans:        make(map[string]Ban),
		zoneVessels: make(map[string]map[uint32]struct{}),
		vesselZones: make(map[uint32]map[string]struct{}),
		alerts:      make(map[string]*Alert),
		open:        make(map[string]string),
		wake:        make(chan struct{}),
	}
}

// BanKeptUntil returns when a store may forget b: BanRetention after the
// ban's end, which is Until or, lifted early, LiftedAt. ok is false for a
// yearly ban that is not lifted: it is kept for ever.
func BanKeptUntil(b *Ban) (t time.Time, ok bool) {
	end := b.Until
	switch {
	case b.Yearly && b.LiftedAt.IsZero():
		return time.Time{}, false
	case b.Yearly:
		end = b.LiftedAt
	case !b.LiftedAt.IsZero() && b.LiftedAt.Before(end):
		end = b.LiftedAt
	}
	return end.Add(BanRetention), true
}

// AlertKeptUntil returns when a store may forget a: AlertRetention after
// its ResolvedAt. ok is false while the alert is active.
func AlertKeptUntil(a *Alert) (t time.Time, ok bool) {
	if a.Active() {
		return time.Time{}, false
	}
	return a.ResolvedAt.Add(AlertRetention), true
}

// CheckBan reports whether a store can keep b: it needs an id, and an
// Until (a yearly one too, to name the first season), without which it
// would be forgotten the moment it is stored. Errors wrap ErrInvalid.
func CheckBan(b *Ban) error {
	if b.ID == "" {
		return fmt.Errorf("%w: ban without id", ErrInvalid)
	}
	if b.Until.IsZero() {
		return fmt.Errorf("%w: ban %q without until", ErrInvalid, b.ID)
	}
	return nil
}

// CheckNewAlert reports whether OpenAlert can store a: it needs an id and
// a key, and must be open or acknowledged. Errors wrap ErrInvalid.
func CheckNewAlert(a *Alert) error {
	if a.ID == "" || a.Key == "" {
		return fmt.Errorf("%w: alert needs an id and a key (id %q, key %q)", ErrInvalid, a.ID, a.Key)
	}
	if a.State != StateOpen && a.State != StateAcknowledged {
		return fmt.Errorf("%w: alert %q: a new alert must be open or acknowledged, not %q", ErrInvalid, a.ID, a.State)
	}
	return nil
}

// CheckRestoredAlert reports whether RestoreAlerts can take a: it needs an
// id, a key and a ResolvedAt, and must be resolved. Errors wrap ErrInvalid.
func CheckRestoredAlert(a *Alert) error {
	if a.ID == "" || a.Key == "" {
		return fmt.Errorf("%w: alert needs an id and a key (id %q, key %q)", ErrInvalid, a.ID, a.Key)
	}
	if a.State != StateResolved || a.ResolvedAt.IsZero() {
		return fmt.Errorf("%w: alert %q: only a resolved alert with its ResolvedAt is restored, not %q", ErrInvalid, a.ID, a.State)
	}
	return nil
}

// CheckAlertUpdate reports whether UpdateAlert can store next in place of
// prev: the id and the key stay, the state is a known one. A resolved
// alert without ResolvedAt gets now. Errors wrap ErrInvalid.
func CheckAlertUpdate(prev, next *Alert, now time.Time) error {
	if next.ID != prev.ID || next.Key != prev.Key {
		return fmt.Errorf("%w: alert %q: an update must not change the id or the key", ErrInvalid, prev.ID)
	}
	switch next.State {
	case StateOpen, StateAcknowledged:
	case StateResolved:
		if next.ResolvedAt.IsZero() {
			next.ResolvedAt = now
		}
	default:
		return fmt.Errorf("%w: alert %q: unknown state %q", ErrInvalid, prev.ID, next.State)
	}
	return nil
}

// CheckOccupancy reports whether every change names a zone and a vessel.
// Errors wrap ErrInvalid.
func CheckOccupancy(changes []Occupancy) error {
	for i, c := range changes {
		if c.ZoneID == "" || c.MMSI == 0 {
			return fmt.Errorf("%w: occupancy change %d needs a zone id and an MMSI", ErrInvalid, i)
		}
	}
	return nil
}

// AlertOrder orders alerts as Alerts returns them: most recently updated
// first, to the microsecond (what a Redis score holds exactly), then by id
// descending.
func AlertOrder(a, b *Alert) int {
	if c := cmp.Compare(b.UpdatedAt.UnixMicro(), a.UpdatedAt.UnixMicro()); c != 0 {
		return c
	}
	return cmp.Compare(b.ID, a.ID)
}

func (s *MemoryStore) begin(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return fmt.Errorf("%w: memory store closed", ErrUnavailable)
	}
	return nil
}

// PutZone implements StateStore. The zone must be valid (Zone.Validate), as
// it must be to be read back from GeoJSON.
func (s *MemoryStore) PutZone(ctx context.Context, z Zone) error {
	if err := z.Validate(); err != nil {
		return err
	}
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	s.zones[z.ID] = cloneZone(z)
	return nil
}

// DeleteZone implements StateStore.
func (s *MemoryStore) DeleteZone(ctx context.Context, id string) error {
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if _, ok := s.zones[id]; !ok {
		return fmt.Errorf("zones: zone %q: %w", id, ErrNotFound)
	}
	delete(s.zones, id)
	return nil
}

// Zones implements StateStore.
func (s *MemoryStore) Zones(ctx context.Context) ([]Zone, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	out := make([]Zone, 0, len(s.zones))
	for _, id := range slices.Sorted(maps.Keys(s.zones)) {
		out = append(out, cloneZone(s.zones[id]))
	}
	return out, nil
}

// PutBan implements StateStore. A ban needs an id and an Until (CheckBan);
// one already past its retention is accepted and is at once not kept.
func (s *MemoryStore) PutBan(ctx context.Context, b Ban) error {
	if err := CheckBan(&b); err != nil {
		return err
	}
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	s.sweepLocked()
	s.bans[b.ID] = cloneBan(b)
	return nil
}

// Ban implements StateStore.
func (s *MemoryStore) Ban(ctx context.Context, id string) (Ban, error) {
	if err := s.begin(ctx); err != nil {
		return Ban{}, err
	}
	defer s.mu.Unlock()
	b, ok := s.bans[id]
	if !ok || banGone(&b, s.now()) {
		return Ban{}, fmt.Errorf("zones: ban %q: %w", id, ErrNotFound)
	}
	return cloneBan(b), nil
}

// Bans implements StateStore.
func (s *MemoryStore) Bans(ctx context.Context) ([]Ban, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	now := s.now()
	out := make([]Ban, 0, len(s.bans))
	for _, id := range slices.Sorted(maps.Keys(s.bans)) {
		if b := s.bans[id]; !banGone(&b, now) {
			out = append(out, cloneBan(b))
		}
	}
	return out, nil
}

// ApplyOccupancy implements StateStore. Every change needs a zone id and an
// MMSI (CheckOccupancy); a batch with a bad one applies nothing.
func (s *MemoryStore) ApplyOccupancy(ctx context.Context, changes []Occupancy) error {
	if err := CheckOccupancy(changes); err != nil {
		return err
	}
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	for _, c := range changes {
		if c.In {
			addTo(s.zoneVessels, c.ZoneID, c.MMSI)
			addTo(s.vesselZones, c.MMSI, c.ZoneID)
		} else {
			removeFrom(s.zoneVessels, c.ZoneID, c.MMSI)
			removeFrom(s.vesselZones, c.MMSI, c.ZoneID)
		}
	}
	return nil
}

func addTo[K, V comparable](m map[K]map[V]struct{}, k K, v V) {
	set := m[k]
	if set == nil {
		set = make(map[V]struct{})
		m[k] = set
	}
	set[v] = struct{}{}
}

func removeFrom[K, V comparable](m map[K]map[V]struct{}, k K, v V) {
	if set := m[k]; set != nil {
		delete(set, v)
		if len(set) == 0 {
			delete(m, k)
		}
	}
}

// ZoneVessels implements StateStore.
func (s *MemoryStore) ZoneVessels(ctx context.Context, zoneID string) ([]uint32, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	set := s.zoneVessels[zoneID]
	out := slices.AppendSeq(make([]uint32, 0, len(set)), maps.Keys(set))
	slices.Sort(out)
	return out, nil
}

// VesselZones implements StateStore.
func (s *MemoryStore) VesselZones(ctx context.Context, mmsi uint32) ([]string, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	set := s.vesselZones[mmsi]
	out := slices.AppendSeq(make([]string, 0, len(set)), maps.Keys(set))
	slices.Sort(out)
	return out, nil
}

// OpenAlert implements StateStore. a needs an id and a key and must be open
// or acknowledged (CheckNewAlert); an id already kept for another alert is
// ErrConflict.
func (s *MemoryStore) OpenAlert(ctx context.Context, a Alert) (Alert, bool, error) {
	if err := CheckNewAlert(&a); err != nil {
		return Alert{}, false, err
	}
	if err := s.begin(ctx); err != nil {
		return Alert{}, false, err
	}
	defer s.mu.Unlock()
	s.sweepLocked()
	if id, ok := s.open[a.Key]; ok {
		return *s.alerts[id], false, nil
	}
	if old, ok := s.alerts[a.ID]; ok && !alertGone(old, s.now()) {
		return Alert{}, false, fmt.Errorf("zones: alert %q: id already used by episode %q: %w", a.ID, old.Key, ErrConflict)
	}
	stored := a
	s.alerts[a.ID] = &stored
	s.open[a.Key] = a.ID
	return a, true, nil
}

// RestoreAlerts implements StateStore.
func (s *MemoryStore) RestoreAlerts(ctx context.Context, as []Alert) (int, error) {
	for i := range as {
		if err := CheckRestoredAlert(&as[i]); err != nil {
			return 0, err
		}
	}
	if err := s.begin(ctx); err != nil {
		return 0, err
	}
	defer s.mu.Unlock()
	now := s.now()
	restored := 0
	for i := range as {
		a := &as[i]
		if old, ok := s.alerts[a.ID]; ok && !alertGone(old, now) || alertGone(a, now) {
			continue
		}
		stored := *a
		s.alerts[a.ID] = &stored
		restored++
	}
	return restored, nil
}

// UpdateAlert implements StateStore. fn runs once, with the store locked:
// it must be quick and must not call back into the store. fn may not
// change the id or the key (ErrInvalid); a resolved alert without
// ResolvedAt gets Now. Making a resolved alert active again takes its key
// back, or fails with ErrConflict when a newer episode holds it.
func (s *MemoryStore) UpdateAlert(ctx context.Context, id string, fn func(a *Alert) error) (Alert, error) {
	if err := s.begin(ctx); err != nil {
		return Alert{}, err
	}
	defer s.mu.Unlock()
	now := s.now()
	cur, ok := s.alerts[id]
	if !ok || alertGone(cur, now) {
		return Alert{}, fmt.Errorf("zones: alert %q: %w", id, ErrNotFound)
	}
	next := &s.editing // fn's copy, kept in the store so as not to allocate one
	*next = *cur
	if err := fn(next); err != nil {
		return Alert{}, err
	}
	if err := CheckAlertUpdate(cur, next, now); err != nil {
		return Alert{}, err
	}
	holder, held := s.open[next.Key]
	switch {
	case next.Active() && held && holder != id:
		return Alert{}, fmt.Errorf("zones: alert %q: episode %q is held by alert %q: %w", id, next.Key, holder, ErrConflict)
	case next.Active():
		s.open[next.Key] = id
	case held && holder == id:
		delete(s.open, next.Key)
	}
	*cur = *next
	return *next, nil
}

// Alert implements StateStore.
func (s *MemoryStore) Alert(ctx context.Context, id string) (Alert, error) {
	if err := s.begin(ctx); err != nil {
		return Alert{}, err
	}
	defer s.mu.Unlock()
	a, ok := s.alerts[id]
	if !ok || alertGone(a, s.now()) {
		return Alert{}, fmt.Errorf("zones: alert %q: %w", id, ErrNotFound)
	}
	return *a, nil
}

// Alerts implements StateStore. Alerts updated in the same microsecond
// come in descending id order (AlertOrder).
func (s *MemoryStore) Alerts(ctx context.Context, f AlertFilter) ([]Alert, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	now := s.now()
	var sel []*Alert
	for _, a := range s.alerts {
		if !alertGone(a, now) && f.Match(a) {
			sel = append(sel, a)
		}
	}
	slices.SortFunc(sel, AlertOrder)
	if f.Limit > 0 && len(sel) > f.Limit {
		sel = sel[:f.Limit]
	}
	out := make([]Alert, len(sel))
	for i, a := range sel {
		out[i] = *a
	}
	return out, nil
}

// Publish implements StateStore. An event needs a type (ErrInvalid).
func (s *MemoryStore) Publish(ctx context.Context, e Event) error {
	if e.Type == "" {
		return fmt.Errorf("%w: event without type", ErrInvalid)
	}
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	s.seq++
	s.ring.push(s.seq).keep(e)
	if s.waited {
		close(s.wake)
		s.wake, s.waited = make(chan struct{}), false
	}
	return nil
}

// subscribeBatch bounds how many events a subscriber copies per lock.
const subscribeBatch = 256

// StreamHead implements StateStore: "0" for an empty stream.
func (s *MemoryStore) StreamHead(ctx context.Context) (string, error) {
	if err := s.begin(ctx); err != nil {
		return "", err
	}
	defer s.mu.Unlock()
	return strconv.FormatUint(s.seq, 10), nil
}

// Subscribe implements StateStore. after is a decimal id this store handed
// out ("0" is before the first); one whose successor the ring no longer
// holds, or one never handed out, is ErrInvalid. fn runs on the caller's
// goroutine, in turn with nothing else: Publish never waits for it.
func (s *MemoryStore) Subscribe(ctx context.Context, after string, fn func(Event)) error {
	if err := s.begin(ctx); err != nil {
		return err
	}
	pos := s.seq
	if after != "" {
		n, err := strconv.ParseUint(after, 10, 64)
		switch {
		case err != nil:
			err = fmt.Errorf("%w: stream id %q: not a decimal id", ErrInvalid, after)
		case n > s.seq:
			err = fmt.Errorf("%w: stream id %q: after the last event %d", ErrInvalid, after, s.seq)
		}
		if err != nil {
			s.mu.Unlock()
			return err
		}
		pos = n
	}
	s.mu.Unlock()
	batch := make([]Event, 0, subscribeBatch)
	alerts := make([]Alert, subscribeBatch) // what batch's events point to, reused
	for {
		if err := s.begin(ctx); err != nil {
			return err
		}
		if oldest := s.seq - uint64(s.ring.n) + 1; pos+1 < oldest {
			s.mu.Unlock()
			return fmt.Errorf("%w: stream id %d: events up to %d are no longer kept", ErrInvalid, pos, oldest-1)
		}
		if pos == s.seq {
			wake := s.wake
			s.waited = true
			s.mu.Unlock()
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-wake:
			}
			continue
		}
		batch = batch[:0]
		for seq := pos + 1; seq <= s.seq && len(batch) < subscribeBatch; seq++ {
			batch = append(batch, s.ring.slot(seq).event(seq, &alerts[len(batch)]))
		}
		s.mu.Unlock()
		for _, e := range batch {
			if err := ctx.Err(); err != nil {
				return err
			}
			fn(e)
			pos++
		}
	}
}

// Ping implements StateStore: ErrUnavailable once closed.
func (s *MemoryStore) Ping(ctx context.Context) error {
	if err := s.begin(ctx); err != nil {
		return err
	}
	s.mu.Unlock()
	return nil
}

// Close implements StateStore. Running subscriptions end with
// ErrUnavailable, and so does every later call. Closing twice is harmless.
func (s *MemoryStore) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		close(s.wake)
	}
	return nil
}

// sweepLocked forgets what is no longer kept, at most once a minute of Now.
func (s *MemoryStore) sweepLocked() {
	now := s.now()
	if now.Sub(s.swept) < time.Minute && !now.Before(s.swept) {
		return
	}
	s.swept = now
	for id, b := range s.bans {
		if banGone(&b, now) {
			delete(s.bans, id)
		}
	}
	for id, a := range s.alerts {
		if alertGone(a, now) {
			delete(s.alerts, id)
		}
	}
}

func banGone(b *Ban, now time.Time) bool {
	t, ok := BanKeptUntil(b)
	return ok && !now.Before(t)
}

func alertGone(a *Alert, now time.Time) bool {
	t, ok := AlertKeptUntil(a)
	return ok && !now.Before(t)
}

func cloneZone(z Zone) Zone {
	if z.Geom != nil {
		z.Geom = orb.Clone(z.Geom)
	}
	return z
}

func cloneBan(b Ban) Ban {
	b.ZoneIDs = slices.Clone(b.ZoneIDs)
	b.AppliesTo = slices.Clone(b.AppliesTo)
	b.AllowedTypes = slices.Clone(b.AllowedTypes)
	return b
}
