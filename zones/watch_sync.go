package zones

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Backoff of the writer and the stream follower while the store is down.
const (
	minBackoff = 250 * time.Millisecond
	maxBackoff = 10 * time.Second
	lastFlush  = 2 * time.Second // bound of the final write at shutdown
)

type opKind int

const (
	opEngine     opKind = iota // an alert the engine opened, updated or resolved
	opOfficer                  // an officer's ack or resolve made while the store was down
	opPublish                  // an officer's change already stored: publish it
	opPutZone                  // an API zone stored
	opDeleteZone               // an API zone deleted
	opPutBan                   // a ban set or lifted
)

// op is one change waiting to be written to the store.
type op struct {
	kind  opKind
	event EventType
	alert Alert
	zone  Zone
	ban   Ban
}

type occKey struct {
	zone string
	mmsi uint32
}

// writer writes the Watch's changes to the store in order, batching what
// piles up while a write is under way. Nothing is dropped: while the store
// is down the changes wait (an alert's updates coalesced into its latest,
// occupancy into each vessel's last state per zone) and are written once it
// answers again.
type writer struct {
	w *Watch

	mu      sync.Mutex
	ops     []op
	lastUpd map[string]int // alert id → index in ops of its pending update
	occ     map[occKey]Occupancy
	remap   map[string]string // our alert id → the id another process stored first for the same episode
	sig     chan struct{}
	// the buffers of the last batch written, for the next (see recycle)
	spareOps []op
	spareOcc map[occKey]Occupancy

	// used by flush and apply only, on the writer's goroutine: what is
	// being written, so that the store's edit functions are made once and
	// an alert written needs no copy of its own
	cur                     op
	stored                  Alert
	occBatch                []Occupancy
	editEngine, editOfficer func(cur *Alert) error

	needLoad   atomic.Bool
	needResync atomic.Bool // the store was down: it may have come back empty

	hmu     sync.Mutex
	ok      bool
	since   time.Time
	lastErr string
}

func newWriter(w *Watch) *writer {
	q := &writer{w: w, lastUpd: map[string]int{}, occ: map[occKey]Occupancy{}, remap: map[string]string{},
		sig: make(chan struct{}, 1), ok: true, since: w.cfg.Now()}
	q.editEngine = func(cur *Alert) error {
		a := &q.cur.alert
		if !cur.Active() {
			return errSkip
		}
		cur.Severity, cur.Lat, cur.Lon, cur.Values = a.Severity, a.Lat, a.Lon, a.Values
		cur.MessageZH, cur.MessageEN, cur.BanID, cur.UpdatedAt = a.MessageZH, a.MessageEN, a.BanID, a.UpdatedAt
		if q.cur.event == EventAlertResolved {
			cur.State, cur.ResolvedAt = StateResolved, a.ResolvedAt
		}
		return nil
	}
	q.editOfficer = func(cur *Alert) error {
		a := &q.cur.alert
		if !cur.Active() {
			return errSkip
		}
		cur.State, cur.AckedBy, cur.AckedAt = a.State, a.AckedBy, a.AckedAt
		cur.ResolvedBy, cur.ResolvedAt, cur.UpdatedAt = a.ResolvedBy, a.ResolvedAt, a.UpdatedAt
		return nil
	}
	return q
}

func (q *writer) signal() {
	select {
	case q.sig <- struct{}{}:
	default:
	}
}

// push queues one change.
func (q *writer) push(o op) {
	q.mu.Lock()
	if o.kind == opEngine {
		id := o.alert.ID
		if i, ok := q.lastUpd[id]; ok && o.event == EventAlertUpdated {
			q.ops[i] = o // only the latest position and figures matter
			q.mu.Unlock()
			return
		}
		delete(q.lastUpd, id)
		if o.event == EventAlertUpdated {
			q.lastUpd[id] = len(q.ops)
		}
	}
	q.ops = append(q.ops, o)
	q.mu.Unlock()
	q.signal()
}

// occupancy queues one change of who is in a zone.
func (q *writer) occupancy(o Occupancy) {
	q.mu.Lock()
	q.occ[occKey{o.ZoneID, o.MMSI}] = o
	q.mu.Unlock()
	q.signal()
}

// take removes everything pending; the queue goes on in the buffers of
// the last batch written.
func (q *writer) take() ([]op, map[occKey]Occupancy) {
	q.mu.Lock()
	defer q.mu.Unlock()
	ops, occ := q.ops, q.occ
	q.ops, q.occ = q.spareOps, q.spareOcc
	q.spareOps, q.spareOcc = nil, nil
	if q.occ == nil {
		q.occ = map[occKey]Occupancy{}
	}
	clear(q.lastUpd)
	return ops, occ
}

// recycle keeps the buffers of a batch written in full for the next one.
func (q *writer) recycle(ops []op, occ map[occKey]Occupancy) {
	clear(ops) // no alert, zone or ban left behind for the collector
	clear(occ)
	q.mu.Lock()
	q.spareOps, q.spareOcc = ops[:0], occ
	q.mu.Unlock()
}

// putBack returns what was not written to the front of the queue; newer
// occupancy of the same vessel and zone wins.
func (q *writer) putBack(ops []op, occ map[occKey]Occupancy) {
	q.mu.Lock()
	defer q.mu.Unlock()
	rest := q.ops
	q.ops = append(ops, rest...)
	q.lastUpd = map[string]int{}
	for i, o := range q.ops {
		if o.kind == opEngine {
			if o.event == EventAlertUpdated {
				q.lastUpd[o.alert.ID] = i
			} else {
				delete(q.lastUpd, o.alert.ID)
			}
		}
	}
	for k, o := range occ {
		if _, newer := q.occ[k]; !newer {
			q.occ[k] = o
		}
	}
}

func (q *writer) pending() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.ops) + len(q.occ)
}

// run writes until ctx ends, then tries once more, bounded by lastFlush.
func (q *writer) run(ctx context.Context) {
	backoff := minBackoff
	retry := time.NewTicker(time.Second)
	defer retry.Stop()
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.Background(), lastFlush)
			ops, occ := q.take()
			if n, err := q.flush(fctx, ops, occ); err != nil {
				q.w.log.Warn("zones state not written at shutdown", "pending", len(ops)-n+len(occ), "err", err)
			}
			cancel()
			return
		case <-q.sig:
		case <-retry.C:
			if !q.needLoad.Load() && q.pending() == 0 && q.healthy() {
				continue
			}
		}
		ops, occ := q.take()
		n, err := q.flush(ctx, ops, occ)
		if err == nil {
			q.up(len(ops))
			q.recycle(ops, occ)
			backoff = minBackoff
			continue
		}
		q.putBack(ops[n:], occ) // occ is empty once written
		if ctx.Err() != nil {
			continue
		}
		q.down(err)
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// flush writes ops in order and the occupancy as one batch. It returns how
// many ops were written; on the store being unavailable, the rest are to
// be tried again (occupancy too, unless all ops were written after it).
func (q *writer) flush(ctx context.Context, ops []op, occ map[occKey]Occupancy) (int, error) {
	st := q.w.store
	if !q.healthy() {
		if err := st.Ping(ctx); err != nil {
			return 0, err
		}
	}
	if q.needLoad.Load() {
		if err := q.w.load(ctx); err != nil {
			return 0, err
		}
		q.needLoad.Store(false)
	}
	if q.needResync.Load() {
		if err := q.resync(ctx); err != nil {
			return 0, err
		}
		q.needResync.Store(false)
	}
	if len(occ) > 0 {
		batch := q.occBatch[:0]
		for _, o := range occ {
			batch = append(batch, o)
		}
		err := st.ApplyOccupancy(ctx, batch)
		clear(batch)
		q.occBatch = batch[:0]
		if err != nil {
			return 0, err
		}
		clear(occ)
	}
	for i, o := range ops {
		if err := q.apply(ctx, o); err != nil {
			if errors.Is(err, ErrUnavailable) || ctx.Err() != nil {
				return i, err
			}
			q.w.log.Warn("zones state change not stored", "event", o.event, "alert", o.alert.ID, "err", err)
		}
	}
	return len(ops), nil
}

// errSkip leaves a stored alert as it is: the change came too late.
var errSkip = errors.New("zones: stale change")

func (q *writer) apply(ctx context.Context, o op) error {
	st, origin := q.w.store, q.w.cfg.Origin
	publish := func(e Event) error {
		e.Origin = origin
		if e.At.IsZero() {
			e.At = q.w.cfg.Now().UTC()
		}
		return st.Publish(ctx, e)
	}
	a := o.alert
	id, remapped := q.remap[a.ID]
	if remapped {
		a.ID = id
	}
	switch o.kind {
	case opEngine:
		if o.event == EventAlertOpened && remapped {
			return nil // the store has the episode's alert: ours gave way to it
		}
		if o.event == EventAlertOpened {
			stored, created, err := st.OpenAlert(ctx, a)
			if err != nil {
				return err
			}
			if !created && stored.ID != a.ID {
				q.merged(a, stored)
				return nil
			}
			q.stored = stored // a store's Publish keeps no pointer it is given
			return publish(Event{Type: EventAlertOpened, Alert: &q.stored, At: stored.OpenedAt})
		}
		q.cur.alert, q.cur.event = a, o.event
		stored, err := st.UpdateAlert(ctx, a.ID, q.editEngine)
		switch {
		case errors.Is(err, errSkip):
			return nil
		case errors.Is(err, ErrNotFound) && a.Active():
			// Its opening was written by a process that lost it, or it
			// expired: open it again.
			return q.apply(ctx, op{kind: opEngine, event: EventAlertOpened, alert: a})
		case errors.Is(err, ErrNotFound):
			return nil
		case err != nil:
			return err
		}
		q.stored = stored // a store's Publish keeps no pointer it is given
		return publish(Event{Type: o.event, Alert: &q.stored, At: stored.UpdatedAt})
	case opOfficer:
		q.cur.alert, q.cur.event = a, o.event
		stored, err := st.UpdateAlert(ctx, a.ID, q.editOfficer)
		if errors.Is(err, errSkip) || errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		q.stored = stored
		return publish(Event{Type: o.event, Alert: &q.stored, At: stored.UpdatedAt})
	case opPublish:
		q.stored = a
		return publish(Event{Type: o.event, Alert: &q.stored, At: a.UpdatedAt})
	case opPutZone:
		if err := st.PutZone(ctx, o.zone); err != nil {
			return err
		}
		return publish(Event{Type: EventZonePut, ZoneID: o.zone.ID})
	case opDeleteZone:
		if err := st.DeleteZone(ctx, o.zone.ID); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		return publish(Event{Type: EventZoneDeleted, ZoneID: o.zone.ID})
	case opPutBan:
		if err := st.PutBan(ctx, o.ban); err != nil {
			return err
		}
		b := o.ban
		return publish(Event{Type: o.event, Ban: &b})
	}
	return nil
}

// dropWritten returns the resolved alerts of ours that the store lacks.
// An episode that began and ended while the store was down may have been
// seen whole by another process too, under its own id: if that process
// wrote it back first, the store holds a resolved alert of the same key
// whose time overlaps ours (one process's episodes of a key never
// overlap). Ours gives way to it, as an open one does in merged. Two
// processes writing back at the same moment can still both store theirs.
func (q *writer) dropWritten(ctx context.Context, ours []Alert) ([]Alert, error) {
	if len(ours) == 0 {
		return ours, nil
	}
	since := ours[0].OpenedAt
	for _, a := range ours {
		if a.OpenedAt.Before(since) {
			since = a.OpenedAt
		}
	}
	// A resolved alert that overlaps ours was updated, at the latest when
	// resolved, after ours opened.
	stored, err := q.w.store.Alerts(ctx, AlertFilter{State: StateResolved, Since: since})
	if err != nil {
		return nil, err
	}
	byKey := make(map[string][]int, len(stored))
	for i := range stored {
		byKey[stored[i].Key] = append(byKey[stored[i].Key], i)
	}
	return slices.DeleteFunc(ours, func(a Alert) bool {
		for _, i := range byKey[a.Key] {
			t := &stored[i]
			if t.ID != a.ID && !t.OpenedAt.After(a.ResolvedAt) && !a.OpenedAt.After(t.ResolvedAt) {
				q.merged(a, *t)
				return true
			}
		}
		return false
	}), nil
}

// merged handles an episode another process raised first: its alert is the
// one, ours gives way to it.
func (q *writer) merged(ours, theirs Alert) {
	q.remap[ours.ID] = theirs.ID
	w := q.w
	w.mu.Lock()
	delete(w.alerts, ours.ID)
	w.mu.Unlock()
	w.book(theirs)
	w.engine.Adopt(theirs)
	w.emit(Event{Type: EventAlertUpdated, Alert: &theirs, At: theirs.UpdatedAt, Origin: w.cfg.Origin})
}

func (q *writer) down(err error) {
	q.hmu.Lock()
	defer q.hmu.Unlock()
	q.lastErr = err.Error()
	if !q.ok {
		return
	}
	q.ok, q.since = false, q.w.cfg.Now()
	q.needResync.Store(true)
	q.w.log.Warn("state store unavailable: alerting goes on in memory, changes kept until it returns",
		"store", q.w.cfg.StoreName, "err", err)
}

func (q *writer) up(wrote int) {
	q.hmu.Lock()
	defer q.hmu.Unlock()
	if q.ok {
		return
	}
	q.ok, q.since, q.lastErr = true, q.w.cfg.Now(), ""
	q.w.log.Info("state store back: pending changes written", "store", q.w.cfg.StoreName, "changes", wrote)
}

func (q *writer) healthy() bool {
	q.hmu.Lock()
	defer q.hmu.Unlock()
	return q.ok
}

// resync writes back everything this process holds, not only what changed
// while the store was down: a Redis without persistence comes back empty.
// That includes the resolved alerts it keeps, so that a process started
// later lists the same alerts as those that saw them. Each write is one
// the store takes again without harm (an alert already stored under its
// key or id is kept; an episode another process stored first is merged).
func (q *writer) resync(ctx context.Context) error {
	w, st := q.w, q.w.store
	w.mu.Lock()
	zs := make([]Zone, 0, len(w.apiZones))
	for _, z := range w.apiZones {
		zs = append(zs, z)
	}
	var active, resolved []Alert
	for _, a := range w.alerts {
		if a.Active() {
			active = append(active, *a)
		} else {
			resolved = append(resolved, *a)
		}
	}
	w.mu.Unlock()
	for _, z := range zs {
		if err := st.PutZone(ctx, z); err != nil {
			return err
		}
	}
	for _, b := range w.banList() {
		if err := st.PutBan(ctx, b); err != nil {
			return err
		}
	}
	for _, a := range active {
		stored, created, err := st.OpenAlert(ctx, a)
		if err != nil {
			return err
		}
		if !created && stored.ID != a.ID {
			q.merged(a, stored)
		}
	}
	// Only alerts a store takes: no outage can cure the others.
	resolved = slices.DeleteFunc(resolved, func(a Alert) bool { return CheckRestoredAlert(&a) != nil })
	resolved, err := q.dropWritten(ctx, resolved)
	if err != nil {
		return err
	}
	restored, err := st.RestoreAlerts(ctx, resolved)
	if err != nil {
		return err
	}
	if occ := w.engine.Occupancy(); len(occ) > 0 {
		if err := st.ApplyOccupancy(ctx, occ); err != nil {
			return err
		}
	}
	w.log.Info("zones state written back after the outage", "api_zones", len(zs), "open_alerts", len(active), "resolved_alerts_restored", restored)
	return nil
}

func (q *writer) health() Health {
	q.hmu.Lock()
	defer q.hmu.Unlock()
	return Health{Store: q.w.cfg.StoreName, StoreOK: q.ok, Since: q.since, Pending: q.pending(), LastError: q.lastErr}
}

// follow reads the store's stream and applies the other processes'
// changes, resuming where it stopped after an outage.
func (w *Watch) follow(ctx context.Context) {
	var mu sync.Mutex
	after := w.streamFrom
	backoff := minBackoff
	for ctx.Err() == nil {
		mu.Lock()
		from := after
		mu.Unlock()
		started := time.Now()
		err := w.store.Subscribe(ctx, from, func(e Event) {
			mu.Lock()
			after = e.StreamID
			mu.Unlock()
			w.remote(ctx, e)
		})
		if ctx.Err() != nil {
			return
		}
		if time.Since(started) > maxBackoff {
			backoff = minBackoff // it ran a good while: a new outage
		}
		if errors.Is(err, ErrUnavailable) {
			w.w.down(err) // an idle process learns of the outage here
		}
		if errors.Is(err, ErrInvalid) { // cannot resume: read the whole state again
			mu.Lock()
			after = ""
			mu.Unlock()
			w.w.needLoad.Store(true)
			w.w.signal()
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// remote applies a change another process made.
func (w *Watch) remote(ctx context.Context, e Event) {
	if e.Origin == w.cfg.Origin {
		return
	}
	switch {
	case e.Alert != nil:
		w.book(*e.Alert)
		w.engine.Adopt(*e.Alert)
	case e.Ban != nil:
		w.mu.Lock()
		w.bans[e.Ban.ID] = *e.Ban
		w.mu.Unlock()
		w.engine.SetBans(w.banList())
	case e.Type == EventZonePut || e.Type == EventZoneDeleted:
		rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		zs, err := w.store.Zones(rctx)
		cancel()
		if err != nil {
			w.log.Warn("zones reload", "err", err)
			return
		}
		w.mu.Lock()
		w.apiZones = map[string]Zone{}
		for _, z := range zs {
			if _, builtIn := w.base[z.ID]; !builtIn {
				w.apiZones[z.ID] = z
			}
		}
		w.mu.Unlock()
		if err := w.reindex(); err != nil {
			w.log.Warn("zones reindex", "err", err)
		}
	default:
		return
	}
	w.emit(e)
}
