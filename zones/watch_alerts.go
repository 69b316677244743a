package zones

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// The Watch's alerts: listed from memory, acted on by officers through the
// store, kept live by the engine's sink.

// Alerts returns the alerts f selects, most recently updated first.
func (w *Watch) Alerts(ctx context.Context, f AlertFilter) ([]Alert, error) {
	w.mu.Lock()
	out := make([]Alert, 0, 64)
	for _, a := range w.alerts {
		if f.Match(a) {
			out = append(out, *a)
		}
	}
	w.mu.Unlock()
	slices.SortFunc(out, func(a, b Alert) int {
		if c := b.UpdatedAt.Compare(a.UpdatedAt); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	})
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

// Alert returns one alert; ErrNotFound.
func (w *Watch) Alert(ctx context.Context, id string) (Alert, error) {
	w.mu.Lock()
	if a, ok := w.alerts[id]; ok {
		cp := *a // book updates it in place
		w.mu.Unlock()
		return cp, nil
	}
	w.mu.Unlock()
	a, err := w.store.Alert(ctx, id)
	if errors.Is(err, ErrUnavailable) {
		err = fmt.Errorf("alert %q: %w", id, ErrNotFound)
	}
	return a, err
}

// Ack records that an officer has seen an alert. ErrNotFound; ErrConflict
// for a resolved alert.
func (w *Watch) Ack(ctx context.Context, id, by string) (Alert, error) {
	// Acknowledged already: the first officer's acknowledgement stands.
	if a, err := w.Alert(ctx, id); err == nil && a.State == StateAcknowledged {
		return a, nil
	}
	return w.officer(ctx, id, EventAlertAcked, func(a *Alert, now time.Time) {
		a.State, a.AckedBy, a.AckedAt = StateAcknowledged, by, now
	})
}

// Resolve closes an alert by an officer's hand: its episode stays quiet
// until its condition clears (distress excepted). ErrNotFound; ErrConflict
// for a resolved alert.
func (w *Watch) Resolve(ctx context.Context, id, by string) (Alert, error) {
	return w.officer(ctx, id, EventAlertResolved, func(a *Alert, now time.Time) {
		a.State, a.ResolvedBy, a.ResolvedAt = StateResolved, by, now
	})
}

// officer applies an officer's change to an alert: in the store when it
// answers (so two processes cannot both act on it), else in memory and
// written later.
func (w *Watch) officer(ctx context.Context, id string, typ EventType, change func(a *Alert, now time.Time)) (Alert, error) {
	now := w.cfg.Now().UTC()
	edit := func(a *Alert) error {
		if !a.Active() {
			return fmt.Errorf("%w: alert %q is already resolved", ErrConflict, id)
		}
		change(a, now)
		a.UpdatedAt = now
		return nil
	}
	a, err := w.store.UpdateAlert(ctx, id, edit)
	switch {
	case err == nil:
	case errors.Is(err, ErrUnavailable), errors.Is(err, ErrNotFound):
		// Down, or not written yet: act on our own copy and write it later.
		w.mu.Lock()
		cur, ok := w.alerts[id]
		if !ok {
			w.mu.Unlock()
			if errors.Is(err, ErrUnavailable) {
				return Alert{}, err
			}
			return Alert{}, fmt.Errorf("alert %q: %w", id, ErrNotFound)
		}
		a = *cur
		w.mu.Unlock()
		if err := edit(&a); err != nil {
			return Alert{}, err
		}
		w.w.push(op{kind: opOfficer, alert: a, event: typ})
	default:
		return Alert{}, err
	}
	w.book(a)
	w.engine.Adopt(a)
	if err == nil {
		w.w.push(op{kind: opPublish, alert: a, event: typ})
	}
	w.emit(Event{Type: typ, Alert: &a, At: now, Origin: w.cfg.Origin})
	return a, nil
}

// book keeps a in the live picture of alerts, forgetting the oldest
// resolved ones beyond MaxResolved.
func (w *Watch) book(a Alert) {
	w.mu.Lock()
	defer w.mu.Unlock()
	cur, had := w.alerts[a.ID]
	if had && !cur.Active() && a.Active() {
		return // a late update of one already resolved
	}
	wasActive := had && cur.Active()
	if had {
		*cur = a // updated in place: readers copy it under w.mu
	} else {
		p := new(Alert)
		*p = a
		w.alerts[a.ID] = p
	}
	if !a.Active() && (!had || wasActive) {
		w.resolved = append(w.resolved, a.ID)
		for len(w.resolved) > w.cfg.MaxResolved {
			delete(w.alerts, w.resolved[0])
			w.resolved = w.resolved[1:]
		}
	}
}

// watchSink is the Engine's Sink: it books each change, pushes it live and
// queues its write. It runs under the engine's lock and never blocks.
type watchSink Watch

func (s *watchSink) AlertChanged(typ EventType, a Alert) {
	w := (*Watch)(s)
	w.book(a)
	w.w.push(op{kind: opEngine, alert: a, event: typ})
	w.sent = a
	w.emit(Event{Type: typ, Alert: &w.sent, At: a.UpdatedAt, Origin: w.cfg.Origin})
}

func (s *watchSink) OccupancyChanged(o Occupancy) { (*Watch)(s).occupancyChanged(o) }
