package zones

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Episodes: one alert per breach, raised, updated and cleared by the rules.

// key names an episode: rule, vessel(s) (a pair in ascending order) and zone.
func key(kind AlertKind, mmsi, other uint32, zone string) string {
	if other != 0 && other < mmsi {
		mmsi, other = other, mmsi
	}
	b := make([]byte, 0, 48)
	b = append(b, kind...)
	b = append(b, '|')
	b = strconv.AppendUint(b, uint64(mmsi), 10)
	if other != 0 {
		b = append(b, '|')
		b = strconv.AppendUint(b, uint64(other), 10)
	}
	if zone != "" {
		b = append(b, '@')
		b = append(b, zone...)
	}
	return string(b)
}

// raise says the breach a describes holds now: it opens the episode's alert,
// or updates the open one (written at most every UpdateEvery unless its
// severity changes).
func (e *Engine) raise(a Alert, now time.Time) {
	ep := e.episodes[a.Key]
	if ep != nil && ep.suppressed {
		if a.Kind != AlertDistress {
			return
		}
		// Distress is never suppressed: still calling, it is raised again.
		delete(e.episodes, a.Key)
		e.track(&ep.alert, false)
		ep = nil
	}
	if ep == nil {
		a.ID = NewID("A", now)
		a.State = StateOpen
		a.OpenedAt, a.UpdatedAt = now, now
		e.describe(&a)
		e.episodes[a.Key] = &episode{alert: a, emittedAt: now}
		e.track(&a, true)
		e.sink.AlertChanged(EventAlertOpened, a)
		return
	}
	ep.expires = time.Time{}
	old := &ep.alert
	sevChanged := old.Severity != a.Severity
	old.Severity, old.Lat, old.Lon, old.Values, old.BanID = a.Severity, a.Lat, a.Lon, a.Values, a.BanID
	old.UpdatedAt = now
	if sevChanged || now.Sub(ep.emittedAt) >= e.cfg.UpdateEvery {
		ep.emittedAt = now
		e.describe(old)
		e.sink.AlertChanged(EventAlertUpdated, *old)
	}
}

// clear says the breach of episode k no longer holds: its alert resolves.
func (e *Engine) clear(k string, now time.Time) {
	ep := e.episodes[k]
	if ep == nil {
		return
	}
	delete(e.episodes, k)
	e.track(&ep.alert, false)
	if ep.suppressed {
		return
	}
	a := ep.alert
	a.State, a.ResolvedAt, a.UpdatedAt = StateResolved, now, now
	e.sink.AlertChanged(EventAlertResolved, a)
}

// track adds (or removes) an episode's key to the vessels it concerns, so
// that a vessel's rules find its episodes without scanning them all.
func (e *Engine) track(a *Alert, add bool) {
	for _, m := range []uint32{a.MMSI, a.OtherMMSI} {
		s := e.vs[m]
		if m == 0 || s == nil {
			continue
		}
		if i := slices.Index(s.keys, a.Key); i >= 0 {
			if !add {
				s.keys = slices.Delete(s.keys, i, i+1)
			}
		} else if add {
			s.keys = append(s.keys, a.Key)
		}
	}
}

// episodesOf calls fn for each episode concerning s; fn may clear it.
func (e *Engine) episodesOf(s *vstate, fn func(k string, a *Alert)) {
	// Backwards: fn clearing k removes it from s.keys, shifting only the
	// keys already seen.
	for i := len(s.keys) - 1; i >= 0; i-- {
		if i >= len(s.keys) {
			continue
		}
		k := s.keys[i]
		if ep := e.episodes[k]; ep != nil {
			fn(k, &ep.alert)
		}
	}
}

// clearKind resolves s's episode of kind in zone (any zone when "*"),
// without building a key when there is none: the common case on every
// report.
func (e *Engine) clearKind(s *vstate, kind AlertKind, zone string, now time.Time) {
	for i := 0; i < len(s.keys); i++ {
		k := s.keys[i]
		ep := e.episodes[k]
		if ep == nil || ep.alert.Kind != kind || ep.alert.MMSI != s.mmsi || (zone != "*" && ep.alert.ZoneID != zone) {
			continue
		}
		e.clear(k, now)
		i-- // clear removed k from s.keys
	}
}

// zone finds a zone in either index.
func (e *Engine) zone(id string) (*Zone, bool) {
	if z, ok := e.index.Zone(id); ok {
		return z, true
	}
	return e.borders.Zone(id)
}

// open reports whether episode k has an alert open (or suppressed).
func (e *Engine) open(k string) bool { return e.episodes[k] != nil }

// NewID returns a new id that sorts by time: prefix, milliseconds in base
// 36, and 6 random bytes, unique across processes.
func NewID(prefix string, now time.Time) string {
	var r [6]byte
	_, _ = rand.Read(r[:])
	return fmt.Sprintf("%s%s-%s", prefix, strconv.FormatInt(now.UnixMilli(), 36), hex.EncodeToString(r[:]))
}
