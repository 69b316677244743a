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

// episode is one open alert and what the engine remembers about it.
type episode struct {
	alert     Alert
	emittedAt time.Time
	// suppressed is an episode an officer resolved while its condition
	// still held: it stays quiet until the condition clears.
	suppressed bool
	// expires, when set, is when an episode of a moment (an exit, a
	// crossing) resolves itself.
	expires time.Time
	// misses counts the judgements in a row that found a pair clear.
	misses int
	// judged is the number (Engine.seq) of the report whose pair rules
	// last found the pair at risk.
	judged uint64
	id     epID
}

// epID is what names an episode besides its key: kind, vessel (or pair,
// lower MMSI first) and zone. A vessel's rules find their episodes by it
// among the vessel's few, without building a key or touching the map.
type epID struct {
	kind   AlertKind
	zone   string
	lo, hi uint32
	// ok: the key is made of these fields. An alert read from a store
	// may carry a key that is not; it is found by its key alone.
	ok bool
}

// epRef is an episode in a vessel's list, with its name beside it so that
// looking through the list reads the list only.
type epRef struct {
	ep *episode
	id epID
}

func pairOf(mmsi, other uint32) (lo, hi uint32) {
	if other != 0 && other < mmsi {
		return other, mmsi
	}
	return mmsi, other
}

// newEpisode is the episode of alert a, emitted at t.
func (e *Engine) newEpisode(a Alert, t time.Time) *episode {
	ep := &episode{alert: a, emittedAt: t}
	e.name(ep)
	return ep
}

// name sets ep.id from its alert.
func (e *Engine) name(ep *episode) {
	a := &ep.alert
	lo, hi := pairOf(a.MMSI, a.OtherMMSI)
	e.keyBuf = appendKey(e.keyBuf[:0], a.Kind, a.MMSI, a.OtherMMSI, a.ZoneID)
	ep.id = epID{kind: a.Kind, zone: a.ZoneID, lo: lo, hi: hi, ok: string(e.keyBuf) == a.Key}
}

// find returns s's episode of kind with other (0: none) in zone ("":
// none), or nil: what e.episodes holds under that key.
func (e *Engine) find(s *vstate, kind AlertKind, other uint32, zone string) *episode {
	lo, hi := pairOf(s.mmsi, other)
	odd := false
	for i := range s.eps {
		id := &s.eps[i].id
		if !id.ok {
			odd = true
		} else if id.lo == lo && id.hi == hi && id.kind == kind && id.zone == zone {
			return s.eps[i].ep
		}
	}
	if odd {
		return e.lookup(kind, s.mmsi, other, zone)
	}
	return nil
}

// breach is what a rule found: kind, severity and figures of s's breach,
// with another vessel and in a zone (both optional). The rules build one
// on every report a condition holds; raiseB turns it into an alert only
// when one opens or is sent.
type breach struct {
	kind  AlertKind
	sev   Severity
	s     *vstate
	other uint32
	zone  *Zone
	banID string
	figs  Figures
}

func breachOf(kind AlertKind, sev Severity, s *vstate, z *Zone) breach {
	return breach{kind: kind, sev: sev, s: s, zone: z}
}

// with adds a figure.
func (b breach) with(k string, v float64) breach {
	b.figs.Set(k, v)
	return b
}

// withOther names the other vessel of a pair.
func (b breach) withOther(mmsi uint32) breach {
	b.other = mmsi
	return b
}

func (b *breach) zoneID() string {
	if b.zone == nil {
		return ""
	}
	return b.zone.ID
}

// appendKey appends the key of an episode: rule, vessel(s) (a pair in
// ascending order) and zone.
func appendKey(dst []byte, kind AlertKind, mmsi, other uint32, zone string) []byte {
	if other != 0 && other < mmsi {
		mmsi, other = other, mmsi
	}
	dst = append(dst, kind...)
	dst = append(dst, '|')
	dst = strconv.AppendUint(dst, uint64(mmsi), 10)
	if other != 0 {
		dst = append(dst, '|')
		dst = strconv.AppendUint(dst, uint64(other), 10)
	}
	if zone != "" {
		dst = append(dst, '@')
		dst = append(dst, zone...)
	}
	return dst
}

// key names an episode (see appendKey).
func key(kind AlertKind, mmsi, other uint32, zone string) string {
	return string(appendKey(make([]byte, 0, 48), kind, mmsi, other, zone))
}

// lookup returns the episode of that key, or nil, without building a
// string.
func (e *Engine) lookup(kind AlertKind, mmsi, other uint32, zone string) *episode {
	e.keyBuf = appendKey(e.keyBuf[:0], kind, mmsi, other, zone)
	return e.episodes[string(e.keyBuf)]
}

// raiseB says breach b holds now (see raise) and returns its episode
// (which may be one an officer suppressed). An open episode is updated in
// place, without allocating, unless its alert is due to be sent.
func (e *Engine) raiseB(b breach, now time.Time) *episode {
	zone := b.zoneID()
	ep := e.find(b.s, b.kind, b.other, zone)
	if ep == nil || ep.suppressed {
		a := e.alert(b.kind, b.sev, b.s, b.zone, b.figs)
		if b.other != 0 {
			a.OtherMMSI, a.Key = b.other, key(b.kind, b.s.mmsi, b.other, zone)
		}
		a.BanID = b.banID
		e.raise(a, now)
		return e.episodes[a.Key]
	}
	e.refresh(ep, b.sev, b.s.lat, b.s.lon, b.figs, b.banID, now)
	return ep
}

// refresh updates open episode ep with what holds now, and sends its alert
// at once when its severity changed, else at most every UpdateEvery.
func (e *Engine) refresh(ep *episode, sev Severity, lat, lon float64, figs Figures, banID string, now time.Time) {
	ep.expires = time.Time{}
	a := &ep.alert
	sevChanged := a.Severity != sev
	a.Severity, a.Lat, a.Lon, a.Values, a.BanID, a.UpdatedAt = sev, lat, lon, figs, banID, now
	if sevChanged || now.Sub(ep.emittedAt) >= e.cfg.UpdateEvery {
		ep.emittedAt = now
		e.describe(a)
		e.sink.AlertChanged(EventAlertUpdated, *a)
	}
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
		e.track(ep, false)
		ep = nil
	}
	if ep == nil {
		a.ID = NewID("A", now)
		a.State = StateOpen
		a.OpenedAt, a.UpdatedAt = now, now
		e.describe(&a)
		ep = e.newEpisode(a, now)
		e.episodes[a.Key] = ep
		e.track(ep, true)
		e.sink.AlertChanged(EventAlertOpened, a)
		return
	}
	e.refresh(ep, a.Severity, a.Lat, a.Lon, a.Values, a.BanID, now)
}

// clear says the breach of episode k no longer holds: its alert resolves.
func (e *Engine) clear(k string, now time.Time) {
	if ep := e.episodes[k]; ep != nil {
		e.end(ep, now)
	}
}

// end resolves episode ep.
func (e *Engine) end(ep *episode, now time.Time) {
	delete(e.episodes, ep.alert.Key)
	e.track(ep, false)
	if ep.suppressed {
		return
	}
	a := ep.alert
	a.State, a.ResolvedAt, a.UpdatedAt = StateResolved, now, now
	e.sink.AlertChanged(EventAlertResolved, a)
}

// track adds (or removes) an episode to the vessels it concerns, so that
// a vessel's rules find its episodes without scanning them all. An
// episode of a vessel not heard yet (adopted from the store) waits in
// orphans until it is.
func (e *Engine) track(ep *episode, add bool) {
	a := &ep.alert
	for _, m := range [2]uint32{a.MMSI, a.OtherMMSI} {
		if m == 0 {
			continue
		}
		s := e.vs.get(m)
		if s == nil {
			os := e.orphans[m]
			if i := slices.Index(os, ep); i >= 0 {
				if !add {
					os = slices.Delete(os, i, i+1)
				}
			} else if add {
				os = append(os, ep)
			}
			if len(os) == 0 {
				delete(e.orphans, m)
			} else {
				e.orphans[m] = os
			}
			continue
		}
		if i := slices.IndexFunc(s.eps, func(r epRef) bool { return r.ep == ep }); i >= 0 {
			if !add {
				s.eps = slices.Delete(s.eps, i, i+1)
			}
		} else if add {
			s.eps = append(s.eps, epRef{ep: ep, id: ep.id})
		}
	}
}

// episodesOf calls fn for each episode concerning s; fn may end it.
func (e *Engine) episodesOf(s *vstate, fn func(ep *episode)) {
	// Backwards: fn ending ep removes it from s.eps, shifting only the
	// episodes already seen.
	for i := len(s.eps) - 1; i >= 0; i-- {
		if i >= len(s.eps) {
			continue
		}
		fn(s.eps[i].ep)
	}
}

// episodesOfKind is episodesOf for the episodes of one kind.
func (e *Engine) episodesOfKind(s *vstate, kind AlertKind, fn func(ep *episode)) {
	e.episodesOfKinds(s, kind, kind, fn)
}

// episodesOfKinds is episodesOf for the episodes of either kind. It picks
// them by the names in s's list: an episode of another kind is not read.
func (e *Engine) episodesOfKinds(s *vstate, k1, k2 AlertKind, fn func(ep *episode)) {
	for i := len(s.eps) - 1; i >= 0; i-- {
		if i < len(s.eps) {
			if k := s.eps[i].id.kind; k == k1 || k == k2 {
				fn(s.eps[i].ep)
			}
		}
	}
}

// clearKind resolves s's episode of kind in zone (any zone when "*"),
// without building a key: the common case on every report is that there
// is none.
func (e *Engine) clearKind(s *vstate, kind AlertKind, zone string, now time.Time) {
	for i := 0; i < len(s.eps); i++ {
		r := &s.eps[i]
		if r.id.kind != kind || (zone != "*" && r.id.zone != zone) || r.ep.alert.MMSI != s.mmsi {
			continue
		}
		e.end(r.ep, now)
		i-- // end removed ep from s.eps
	}
}

// zone finds a zone in either index.
func (e *Engine) zone(id string) (*Zone, bool) {
	if z, ok := e.index.Zone(id); ok {
		return z, true
	}
	return e.borders.Zone(id)
}

// NewID returns a new id that sorts by time: prefix, milliseconds in base
// 36, and 6 random bytes, unique across processes.
func NewID(prefix string, now time.Time) string {
	var r [6]byte
	_, _ = rand.Read(r[:])
	return fmt.Sprintf("%s%s-%s", prefix, strconv.FormatInt(now.UnixMilli(), 36), hex.EncodeToString(r[:]))
}
