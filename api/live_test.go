package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/riverwatch/riverwatch/vessels"
	"github.com/riverwatch/riverwatch/zones"
)

// liveWait bounds how long a test waits for something that must happen; it
// is a hang guard, not a speed requirement.
const liveWait = 20 * time.Second

// liveMsg is any message of the live push.
type liveMsg struct {
	Type    string           `json:"type"`
	Vessels []vessels.Vessel `json:"vessels"`
	Vessel  vessels.Vessel   `json:"vessel"`
	Alerts  []zones.Alert    `json:"alerts"`
	Bans    []BanView        `json:"bans"`
	Alert   *zones.Alert     `json:"alert"`
	Ban     *BanView         `json:"ban"`
	ZoneID  string           `json:"zone_id"`
	At      time.Time        `json:"at"`
}

// dialLive opens /api/v1/live?query on the running fixture.
func dialLive(tb testing.TB, base, query string, header http.Header) (*websocket.Conn, *http.Response, error) {
	tb.Helper()
	url := "ws" + strings.TrimPrefix(base, "http") + "/api/v1/live" + query
	d := websocket.Dialer{HandshakeTimeout: liveWait}
	conn, resp, err := d.Dial(url, header)
	if conn != nil {
		tb.Cleanup(func() { conn.Close() })
	}
	return conn, resp, err
}

// mustDialLive dials and reads the snapshot.
func mustDialLive(tb testing.TB, base, query string) (*websocket.Conn, []vessels.Vessel) {
	tb.Helper()
	conn, _, err := dialLive(tb, base, query, nil)
	if err != nil {
		tb.Fatalf("dial: %v", err)
	}
	m := mustRead(tb, conn)
	if m.Type != "snapshot" {
		tb.Fatalf("first message %q, want snapshot", m.Type)
	}
	return conn, m.Vessels
}

func mustRead(tb testing.TB, conn *websocket.Conn) liveMsg {
	tb.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(liveWait))
	_, data, err := conn.ReadMessage()
	if err != nil {
		tb.Fatalf("read: %v", err)
	}
	var m liveMsg
	if err := json.Unmarshal(data, &m); err != nil {
		tb.Fatalf("decode %s: %v", data, err)
	}
	return m
}

func update(v vessels.Vessel) vessels.Event {
	return vessels.Event{Type: vessels.EventUpdate, Vessel: v, At: testNow}
}

func withSOG(v vessels.Vessel, sog float64) vessels.Vessel {
	v.SOG = &sog
	return v
}

func TestLiveSnapshotThenUpdates(t *testing.T) {
	fleet := jilinFleet()
	fx := newFixture(t, nil, fleet...)
	base := fx.run(t)
	conn, snap := mustDialLive(t, base, "")
	if len(snap) != 3 {
		t.Fatalf("snapshot of %d vessels, want 3", len(snap))
	}

	fx.broker.Publish(update(withSOG(fleet[0], 7.5)))
	m := mustRead(t, conn)
	if m.Type != "update" || m.Vessel.MMSI != fleet[0].MMSI || *m.Vessel.SOG != 7.5 || !m.At.Equal(testNow) {
		t.Errorf("got %+v", m)
	}
	fx.broker.Publish(vessels.Event{Type: vessels.EventLost, Vessel: fleet[1], At: testNow})
	if m := mustRead(t, conn); m.Type != "lost" || m.Vessel.MMSI != fleet[1].MMSI {
		t.Errorf("got %+v", m)
	}
}

func TestLiveCoalesces(t *testing.T) {
	fleet := jilinFleet()
	fx := newFixture(t, nil, fleet...)
	base := fx.run(t)
	conn, _ := mustDialLive(t, base, "")

	const n = 1000
	for i := 1; i <= n; i++ {
		fx.broker.Publish(update(withSOG(fleet[0], float64(i))))
	}
	got := 0
	for {
		m := mustRead(t, conn)
		got++
		if m.Vessel.MMSI != fleet[0].MMSI {
			t.Fatalf("update of %d", m.Vessel.MMSI)
		}
		if *m.Vessel.SOG == n {
			break
		}
	}
	if got > n/10 {
		t.Errorf("client got %d of %d updates; want them coalesced", got, n)
	}
	t.Logf("%d updates published, %d sent", n, got)
}

func TestLiveBBox(t *testing.T) {
	fleet := jilinFleet()
	yalu := fleet[1]
	fx := newFixture(t, nil, fleet...)
	base := fx.run(t)
	conn, snap := mustDialLive(t, base, "?bbox=124,40,125,41")
	if len(snap) != 1 || snap[0].MMSI != yalu.MMSI {
		t.Fatalf("snapshot %+v, want only the Yalu vessel", snap)
	}
	marker := func(sog float64) {
		t.Helper()
		fx.broker.Publish(update(withSOG(yalu, sog)))
		for {
			m := mustRead(t, conn)
			if m.Vessel.MMSI != yalu.MMSI {
				t.Fatalf("got vessel %d outside the box", m.Vessel.MMSI)
			}
			if m.Vessel.SOG != nil && *m.Vessel.SOG == sog {
				return
			}
		}
	}
	fx.broker.Publish(update(withSOG(fleet[0], 9))) // Songhua Lake: outside
	marker(1)
	marker(2)

	// The Yalu vessel leaving the box is told once, then no more.
	away := testVessel(yalu.MMSI, yalu.Name, 43.0, 126.0)
	fx.broker.Publish(update(away))
	if m := mustRead(t, conn); m.Vessel.MMSI != yalu.MMSI || *m.Vessel.Lat != 43.0 {
		t.Fatalf("got %+v, want the vessel leaving", m)
	}
	fx.broker.Publish(update(withSOG(away, 99)))
	other := testVessel(412000009, "DANDONG PILOT", 40.5, 124.5) // inside, new
	fx.broker.Publish(update(other))
	if m := mustRead(t, conn); m.Vessel.MMSI != other.MMSI {
		t.Fatalf("got %d, want the new vessel inside only", m.Vessel.MMSI)
	}
}

func TestLiveRefusals(t *testing.T) {
	for _, tc := range []struct {
		name   string
		query  string
		header http.Header
		status int
		want   string
	}{
		{"full", "", nil, 503, `{"error":"too many live clients, try again later"}`},
		{"cross-site", "", http.Header{"Origin": {"https://evil.example"}}, 403, `{"error":"forbidden"}`},
		{"bad bbox", "?bbox=1,2,3", nil, 400, `bad parameter \"bbox\"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t, func(c *Config, _ *Deps) { c.MaxLiveClients = 1 }, jilinFleet()...)
			base := fx.run(t)
			if tc.status == 503 {
				mustDialLive(t, base, "")
			}
			_, resp, err := dialLive(t, base, tc.query, tc.header)
			if !errors.Is(err, websocket.ErrBadHandshake) || resp == nil {
				t.Fatalf("dial: %v", err)
			}
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status || !strings.Contains(string(body), tc.want) {
				t.Errorf("%d %s, want %d %s", resp.StatusCode, body, tc.status, tc.want)
			}
		})
	}
	// A same-origin browser is let in.
	fx := newFixture(t, nil)
	base := fx.run(t)
	conn, _, err := dialLive(t, base, "", http.Header{"Origin": {base}})
	if err != nil {
		t.Fatalf("same-origin dial: %v", err)
	}
	if m := mustRead(t, conn); m.Type != "snapshot" {
		t.Errorf("got %q", m.Type)
	}
}

// TestLiveSlowClientDropped: a client that never reads is dropped once a
// write blocks past the deadline, Publish never waits for it, and another
// client keeps receiving.
func TestLiveSlowClientDropped(t *testing.T) {
	fx := newFixture(t, nil)
	fx.srv.live.writeTimeout = 3 * time.Second // long enough that the fast client never trips it on a loaded machine
	fx.srv.live.flushInterval = 5 * time.Millisecond
	base := fx.run(t)

	if _, _, err := dialLive(t, base, "", nil); err != nil { // never reads, not even the snapshot
		t.Fatal(err)
	}
	fast, _ := mustDialLive(t, base, "")
	var fastGot atomic.Int64
	lastSOG := make(chan float64, 1024)
	go func() {
		for {
			_, data, err := fast.ReadMessage()
			if err != nil {
				return
			}
			fastGot.Add(1)
			if !bytes.Contains(data, []byte(`"mmsi":999000001`)) {
				continue // keep up cheaply: only the marker is decoded
			}
			var m liveMsg
			if json.Unmarshal(data, &m) == nil {
				lastSOG <- *m.Vessel.SOG
			}
		}
	}()
	waitFor(t, "both clients registered", func() bool { return fx.srv.live.count() == 2 })

	// Publish rounds of 2000 vessels until the slow client is dropped; each
	// round is published from a goroutine that must always finish.
	ctx, cancel := context.WithTimeout(context.Background(), liveWait)
	defer cancel()
	names := strings.Repeat("W", 20)
	for round := 0; fx.srv.live.dropped.Load() == 0; round++ {
		done := make(chan struct{})
		go func() {
			defer close(done)
			for i := range 2000 {
				v := testVessel(413000000+uint32(i), names, 43+float64(i)/1e4, 126)
				fx.broker.Publish(update(withSOG(v, float64(round))))
			}
		}()
		select {
		case <-done:
		case <-ctx.Done():
			t.Fatalf("Publish blocked, or the slow client was never dropped (round %d)", round)
		}
		time.Sleep(fx.srv.live.flushInterval) // let the writers flush
	}
	waitFor(t, "slow client unregistered", func() bool { return fx.srv.live.count() == 1 })

	marker := testVessel(999000001, "MARKER", 43.9, 126.5)
	fx.broker.Publish(update(withSOG(marker, 42)))
	select {
	case sog := <-lastSOG:
		if sog != 42 {
			t.Errorf("marker sog %v", sog)
		}
	case <-ctx.Done():
		t.Fatalf("fast client stopped receiving after %d messages", fastGot.Load())
	}
	r := fx.do(t, "GET", "/metrics", nil)
	if !strings.Contains(r.body, "riverwatch_live_dropped_total 1\n") || !strings.Contains(r.body, "riverwatch_live_clients 1\n") {
		t.Errorf("metrics do not show the drop:\n%s", grepLines(r.body, "riverwatch_live"))
	}
}

// TestLiveSkipAhead: a backlog past maxPending is replaced by a snapshot.
func TestLiveSkipAhead(t *testing.T) {
	fleet := jilinFleet()
	fx := newFixture(t, nil, fleet...)
	fx.srv.live.maxPending = 10
	fx.srv.live.flushInterval = time.Second // the backlog builds before the first flush
	base := fx.run(t)
	conn, _ := mustDialLive(t, base, "")
	for i := range 11 {
		fx.broker.Publish(update(testVessel(413000000+uint32(i), "X", 43, 126)))
	}
	fx.broker.Publish(update(fleet[0])) // dropped: the snapshot to come has it
	if n := fx.srv.live.skipped.Load(); n != 1 {
		t.Fatalf("skipped %d, want 1", n)
	}
	if m := mustRead(t, conn); m.Type != "snapshot" || len(m.Vessels) != len(fleet) {
		t.Fatalf("got %q with %d vessels, want a fresh snapshot", m.Type, len(m.Vessels))
	}
	fx.broker.Publish(update(withSOG(fleet[2], 4)))
	if m := mustRead(t, conn); m.Type != "update" || m.Vessel.MMSI != fleet[2].MMSI {
		t.Fatalf("after the snapshot got %+v", m)
	}
}

func TestLiveKeepalive(t *testing.T) {
	fleet := jilinFleet()
	fx := newFixture(t, nil, fleet...)
	fx.srv.live.pingInterval = 20 * time.Millisecond
	fx.srv.live.pongWait = 400 * time.Millisecond
	base := fx.run(t)
	conn, _ := mustDialLive(t, base, "")
	var pings atomic.Int64
	conn.SetPingHandler(func(data string) error {
		pings.Add(1)
		return conn.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
	})
	// Reading runs the ping handler; wait past two pong waits.
	msgs := make(chan liveMsg, 16)
	go func() {
		for {
			var m liveMsg
			if err := conn.ReadJSON(&m); err != nil {
				close(msgs)
				return
			}
			msgs <- m
		}
	}()
	waitFor(t, "50 pings", func() bool { return pings.Load() >= 50 })
	fx.broker.Publish(update(withSOG(fleet[0], 3)))
	if m, ok := <-msgs; !ok || m.Type != "update" {
		t.Fatalf("connection did not survive its pings: %+v %v", m, ok)
	}
}

func TestLiveShutdownClosesClients(t *testing.T) {
	fx := newFixture(t, nil, jilinFleet()...)
	base := fx.run(t)
	conn, _ := mustDialLive(t, base, "")
	if err := fx.stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(liveWait))
	_, _, err := conn.ReadMessage()
	if !websocket.IsCloseError(err, websocket.CloseGoingAway) {
		t.Errorf("read after shutdown: %v, want close 1001", err)
	}
	if n := fx.broker.subscribers() + fx.zones.subscribers(); n != 0 {
		t.Errorf("%d subscriptions left after Run", n)
	}
}

func TestOpenAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	fx := newFixture(t, func(c *Config, _ *Deps) { c.Addr = ln.Addr().String() })
	if err := fx.srv.Open(); err == nil {
		t.Fatal("Open on a bound address succeeded")
	}
}

// waitFor polls cond until it holds, failing after liveWait.
func waitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(liveWait)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func grepLines(s, sub string) string {
	var out []string
	for l := range strings.Lines(s) {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "")
}
