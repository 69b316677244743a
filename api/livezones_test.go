package api

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/riverwatch/riverwatch/zones"
)

// readRaw reads one message as its JSON text.
func readRaw(tb testing.TB, conn *websocket.Conn) string {
	tb.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(liveWait))
	_, data, err := conn.ReadMessage()
	if err != nil {
		tb.Fatalf("read: %v", err)
	}
	return string(data)
}

func TestLiveSnapshotCarriesAlertsAndBans(t *testing.T) {
	fx := newFixture(t, nil, jilinFleet()...)
	seedAlerts(fx)
	if r := fx.doBody(t, "POST", "/api/v1/bans", "application/json", banBody, nil); r.status != 201 {
		t.Fatalf("ban: %d %s", r.status, r.body)
	}
	base := fx.run(t)
	conn, _, err := dialLive(t, base, "?bbox=124,40,125,41", nil)
	if err != nil {
		t.Fatal(err)
	}
	m := mustRead(t, conn)
	if m.Type != "snapshot" || len(m.Vessels) != 1 {
		t.Fatalf("snapshot %q with %d vessels", m.Type, len(m.Vessels))
	}
	// The active alerts, whatever the bbox; not the resolved one.
	var ids []string
	for _, a := range m.Alerts {
		ids = append(ids, a.ID)
	}
	if strings.Join(ids, " ") != "alert-2 alert-1" {
		t.Errorf("snapshot alerts %v, want alert-2 alert-1", ids)
	}
	if len(m.Bans) != 1 || m.Bans[0].ID != "ban-1" || !m.Bans[0].Active || m.Bans[0].Reason != zones.ReasonFog {
		t.Errorf("snapshot bans %+v", m.Bans)
	}
}

// TestLiveSnapshotZoneStoreDown: vessels still flow when alerts cannot be
// read; the snapshot just has no alerts or bans.
func TestLiveSnapshotZoneStoreDown(t *testing.T) {
	fx := newFixture(t, nil, jilinFleet()...)
	fx.zones.err = fmt.Errorf("redis: %w", zones.ErrUnavailable)
	base := fx.run(t)
	conn, _, err := dialLive(t, base, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	raw := readRaw(t, conn)
	if !strings.HasPrefix(raw, `{"type":"snapshot","vessels":[{`) || strings.Contains(raw, `"alerts"`) || strings.Contains(raw, `"bans"`) {
		t.Errorf("snapshot %.300s", raw)
	}
	var empty liveMsg
	fx.zones.err = nil
	fx.srv.live.maxPending = 0 // the next event skips the client ahead: a fresh snapshot
	fx.zones.raise(zones.EventAlertOpened, testAlert("alert-1", 412000001, "jilin.quay:1", testNow))
	if err := json.Unmarshal([]byte(readRaw(t, conn)), &empty); err != nil || empty.Type != "snapshot" || len(empty.Alerts) != 1 || empty.Bans == nil {
		t.Errorf("resync snapshot %+v: %v", empty, err)
	}
}

// TestLiveZoneEvents: every kind of change reaches every client as its own
// message, in order, in the documented format.
func TestLiveZoneEvents(t *testing.T) {
	fx := newFixture(t, nil, jilinFleet()...)
	base := fx.run(t)
	all, _ := mustDialLive(t, base, "")
	boxed, _ := mustDialLive(t, base, "?bbox=100,10,101,11") // nowhere near the alerts

	a := testAlert("alert-7", 412000001, "jilin.quay:1", testNow)
	fx.zones.raise(zones.EventAlertOpened, a)
	a.Values = zones.FiguresOf("sog_kn", 11.0, "limit_kn", 3.0)
	fx.zones.raise(zones.EventAlertUpdated, a)
	steps := []struct {
		method, target, ctype, body string
	}{
		{"POST", "/api/v1/alerts/alert-7/ack", "", ""},
		{"POST", "/api/v1/alerts/alert-7/resolve", "", ""},
		{"POST", "/api/v1/bans", "application/json", banBody},
		{"DELETE", "/api/v1/bans/ban-1", "", ""},
		{"PUT", "/api/v1/zones/anchor-1", "application/geo+json", anchorageFeature("", square)},
		{"DELETE", "/api/v1/zones/anchor-1", "", ""},
	}
	for _, s := range steps {
		if r := fx.doBody(t, s.method, s.target, s.ctype, s.body, nil); r.status >= 300 {
			t.Fatalf("%s %s: %d %s", s.method, s.target, r.status, r.body)
		}
	}
	want := []string{"alert_opened", "alert_updated", "alert_acked", "alert_resolved", "ban_set", "ban_lifted", "zone_put", "zone_deleted"}
	for name, conn := range map[string]*websocket.Conn{"all": all, "bbox": boxed} {
		var got []liveMsg
		for range want {
			var m liveMsg
			raw := readRaw(t, conn)
			if err := json.Unmarshal([]byte(raw), &m); err != nil {
				t.Fatal(err)
			}
			got = append(got, m)
			if m.Type == "alert_updated" && !strings.HasPrefix(raw, `{"type":"alert_updated","alert":{"id":"alert-7",`) {
				t.Errorf("%s: alert message %s", name, raw)
			}
			if m.Type == "zone_put" && raw != `{"type":"zone_put","zone_id":"anchor-1","at":"2025-07-01T04:00:00Z"}` {
				t.Errorf("%s: zone message %s", name, raw)
			}
		}
		for i, m := range got {
			if m.Type != want[i] {
				t.Fatalf("%s: message %d is %q, want %q (all: %+v)", name, i, m.Type, want[i], got)
			}
		}
		if got[1].Alert.Values.Value("sog_kn") != 11 || got[2].Alert.State != zones.StateAcknowledged || got[3].Alert.ResolvedBy != "anonymous" {
			t.Errorf("%s: alerts %+v %+v %+v", name, got[1].Alert, got[2].Alert, got[3].Alert)
		}
		if !got[4].Ban.Active || got[5].Ban.Active || got[5].Ban.LiftedBy != "anonymous" || got[6].ZoneID != "anchor-1" || got[7].ZoneID != "anchor-1" {
			t.Errorf("%s: bans and zones %+v %+v %+v %+v", name, got[4].Ban, got[5].Ban, got[6], got[7])
		}
	}
}

// TestLiveAlertsNeverCoalescedAway: a burst of updates is coalesced per
// alert, but the opening and the resolution always arrive, in order, with
// the vessel stream going on alongside.
func TestLiveAlertsNeverCoalescedAway(t *testing.T) {
	fleet := jilinFleet()
	fx := newFixture(t, nil, fleet...)
	fx.srv.live.flushInterval = 100 * time.Millisecond
	base := fx.run(t)
	conn, _ := mustDialLive(t, base, "")

	const alerts, updates = 20, 200
	for i := range alerts {
		a := testAlert(fmt.Sprintf("alert-%02d", i), 412000001, "jilin.quay:1", testNow)
		fx.zones.raise(zones.EventAlertOpened, a)
		for u := range updates {
			a.Values = zones.FiguresOf("sog_kn", float64(u))
			fx.zones.raise(zones.EventAlertUpdated, a)
			if u%50 == 0 {
				fx.broker.Publish(update(withSOG(fleet[0], float64(u))))
			}
		}
		a.State = zones.StateResolved
		fx.zones.raise(zones.EventAlertResolved, a)
	}
	seen := map[string][]string{}
	resolved := 0
	total := 0
	for resolved < alerts {
		m := mustRead(t, conn)
		total++
		if m.Alert == nil {
			continue
		}
		seen[m.Alert.ID] = append(seen[m.Alert.ID], m.Type)
		if m.Type == "alert_resolved" {
			resolved++
		}
	}
	for id, types := range seen {
		if types[0] != "alert_opened" || types[len(types)-1] != "alert_resolved" {
			t.Errorf("%s: %v, want opened first and resolved last", id, types)
		}
	}
	if len(seen) != alerts {
		t.Errorf("%d alerts seen, want %d", len(seen), alerts)
	}
	if total > alerts*updates/4 {
		t.Errorf("%d messages for %d updates; want them coalesced", total, alerts*updates)
	}
	t.Logf("%d alert events published, %d messages sent", alerts*(updates+2), total)
}

func TestZoneQueue(t *testing.T) {
	ev := func(typ zones.EventType, id string, n float64) *liveEvent {
		a := AlertView{Alert: zones.Alert{ID: id, Values: zones.FiguresOf("n", n)}}
		return &liveEvent{zone: &zoneMessage{Type: typ, Alert: &a}}
	}
	ban := &liveEvent{zone: &zoneMessage{Type: zones.EventBanSet, Ban: &BanView{}}}
	for _, tc := range []struct {
		name string
		in   []*liveEvent
		want string
	}{
		{"updates coalesce", []*liveEvent{ev("alert_opened", "a", 0), ev("alert_updated", "a", 1), ev("alert_updated", "a", 2)},
			"alert_opened a 0, alert_updated a 2"},
		{"per alert", []*liveEvent{ev("alert_updated", "a", 1), ev("alert_updated", "b", 1), ev("alert_updated", "a", 2)},
			"alert_updated a 2, alert_updated b 1"},
		{"not across an ack", []*liveEvent{ev("alert_updated", "a", 1), ev("alert_acked", "a", 2), ev("alert_updated", "a", 3), ev("alert_updated", "a", 4)},
			"alert_updated a 1, alert_acked a 2, alert_updated a 4"},
		{"resolve kept", []*liveEvent{ev("alert_opened", "a", 0), ev("alert_updated", "a", 1), ev("alert_resolved", "a", 2), ev("alert_opened", "a", 3)},
			"alert_opened a 0, alert_updated a 1, alert_resolved a 2, alert_opened a 3"},
		{"bans in order", []*liveEvent{ev("alert_updated", "a", 1), ban, ev("alert_updated", "a", 2)},
			"alert_updated a 2, ban_set, "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := newZoneQueue()
			for _, le := range tc.in {
				q.add(le)
			}
			var got []string
			for _, le := range q.take() {
				if a := le.zone.Alert; a != nil {
					got = append(got, fmt.Sprintf("%s %s %v", le.zone.Type, a.ID, a.Values.Value("n")))
				} else {
					got = append(got, string(le.zone.Type)+", ")
				}
			}
			if s := strings.Join(got, ", "); strings.TrimSuffix(s, ", ") != strings.TrimSuffix(tc.want, ", ") {
				t.Errorf("got %s\nwant %s", s, tc.want)
			}
			if q.len() != 0 || len(q.updates) != 0 {
				t.Error("take left events behind")
			}
		})
	}
}
