package api

import (
	"context"
	"time"

	"github.com/riverwatch/riverwatch/zones"
)

// zoneMessage is the live push of one alert, ban or zone change:
// {"type":"alert_opened","alert":{...},"at":T}, {"type":"ban_set",
// "ban":{...},"at":T} or {"type":"zone_put","zone_id":"...","at":T}.
type zoneMessage struct {
	Type   zones.EventType `json:"type"`
	Alert  *AlertView      `json:"alert,omitempty"`
	Ban    *BanView        `json:"ban,omitempty"`
	ZoneID string          `json:"zone_id,omitempty"`
	At     time.Time       `json:"at"`
}

// newZoneMessage copies what the push needs out of e (the watch may reuse
// what e points to), with the ban's "active" as of now and an alert's
// rescue station (view).
func newZoneMessage(e zones.Event, now time.Time, view func(zones.Alert) AlertView) *zoneMessage {
	m := &zoneMessage{Type: e.Type, At: e.At}
	switch {
	case e.Alert != nil:
		a := *e.Alert
		v := view(a)
		m.Alert = &v
	case e.Ban != nil:
		b := *e.Ban
		b.ZoneIDs = append([]string(nil), b.ZoneIDs...)
		v := banView(b, now)
		m.Ban = &v
	default:
		m.ZoneID = e.ZoneID
	}
	return m
}

// publishZone is the ZoneWatch subscriber. It never blocks on a client.
// Every client gets every change, whatever its bbox: there are few, and an
// officer must not miss an alert just off the screen. A station account's
// client gets only the alerts of its own area.
func (h *hub) publishZone(e zones.Event) {
	list := *h.clients.Load()
	if len(list) == 0 {
		return
	}
	le := &liveEvent{zone: newZoneMessage(e, h.now(), h.viewAlert)}
	station, judged := "", false
	for _, c := range list {
		if c.station != "" && le.zone.Alert != nil {
			if !judged {
				station, judged = h.stationOf(&le.zone.Alert.Alert), true
			}
			if station != c.station {
				continue
			}
		}
		c.offerZone(le)
	}
}

// noStation is the scope of a station account that names no station: it
// matches no alert.
const noStation = "\x00none"

// stationScope is the station whose alerts alone p may hear of: "" (all)
// for everyone but a station account, which hears of its own area only.
func stationScope(p Principal) string {
	if !p.HasRole(RoleStation) || p.HasRole(RoleOfficer) {
		return ""
	}
	if p.Station == "" {
		return noStation
	}
	return p.Station
}

// offerZone files a zone event behind those already queued.
func (c *liveClient) offerZone(le *liveEvent) {
	c.mu.Lock()
	if !c.resync { // else a snapshot is coming that includes the change
		c.zq.add(le)
		if c.zq.len() > c.h.maxPending {
			c.skipAhead()
		}
	}
	c.mu.Unlock()
	c.notify()
}

// zoneQueue holds a client's zone events in order. Only alert_updated is
// coalesced: a newer update of the same alert replaces a queued one unless
// another event of that alert came between them, so that opened, acked and
// resolved always reach the client, in order.
type zoneQueue struct {
	events  []*liveEvent
	updates map[string]int // alert id → index in events of its queued alert_updated
}

func newZoneQueue() zoneQueue { return zoneQueue{updates: make(map[string]int)} }

func (q *zoneQueue) len() int { return len(q.events) }

func (q *zoneQueue) add(le *liveEvent) {
	a := le.zone.Alert
	if a != nil {
		if le.zone.Type == zones.EventAlertUpdated {
			if i, ok := q.updates[a.ID]; ok {
				q.events[i] = le
				return
			}
			q.updates[a.ID] = len(q.events)
		} else {
			delete(q.updates, a.ID)
		}
	}
	q.events = append(q.events, le)
}

// take returns the queued events and empties the queue.
func (q *zoneQueue) take() []*liveEvent {
	out := q.events
	q.events = nil
	clear(q.updates)
	return out
}

func (q *zoneQueue) reset() { q.take() }

// zoneSnapshot reads the active alerts and the bans for a snapshot; both
// nil (left out of the message) when the store cannot be read, so that
// vessels still flow while it is down.
func (h *hub) zoneSnapshot(ctx context.Context) ([]zones.Alert, []BanView) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	alerts, err := h.zones.Alerts(ctx, zones.AlertFilter{State: zones.StateOpen})
	if err != nil {
		h.log.Warn("live snapshot without alerts", "err", err)
		return nil, nil
	}
	bans, err := h.zones.Bans(ctx)
	if err != nil {
		h.log.Warn("live snapshot without bans", "err", err)
		return nil, nil
	}
	if alerts == nil {
		alerts = []zones.Alert{}
	}
	now := h.now()
	views := make([]BanView, len(bans))
	for i, b := range bans {
		views[i] = banView(b, now)
	}
	return alerts, views
}
