package api

import (
	"encoding/binary"
	"encoding/json"
	"log/slog"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fasthttp/websocket"
	fiberws "github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"

	"github.com/riverwatch/riverwatch/vessels"
	"github.com/riverwatch/riverwatch/zones"
)

// Live push tuning. The hub copies them so tests can shorten them.
const (
	liveFlushInterval = 200 * time.Millisecond // at most one flush per client this often
	liveMaxPending    = 50000                  // pending vessels before a client is skipped ahead
	liveWriteTimeout  = 10 * time.Second       // a write slower than this drops the client
	livePingInterval  = 30 * time.Second
	livePongWait      = 75 * time.Second // silence (no pong, no message) that ends a client
	liveReadLimit     = 4096             // clients have nothing to say beyond pongs and closes
)

// liveBBoxKey is the c.Locals key carrying the parsed bbox= into the
// WebSocket handler (string keys survive the upgrade).
const liveBBoxKey = "riverwatch.live.bbox"

// liveEvent is one published event shared by every client it is offered
// to: it is encoded into a WebSocket frame once, by whichever writer needs
// it first, and the same bytes go to every client. It is a vessel event, or
// with zone set an alert, ban or zone change.
type liveEvent struct {
	ev    vessels.Event
	zone  *zoneMessage
	once  sync.Once
	bytes []byte // one unmasked text frame holding the event's JSON
	err   error
}

func (e *liveEvent) frame() ([]byte, error) {
	e.once.Do(func() {
		var data []byte
		if e.zone != nil {
			data, e.err = json.Marshal(e.zone)
		} else {
			data, e.err = json.Marshal(e.ev)
		}
		if e.err == nil {
			e.bytes = appendTextFrame(make([]byte, 0, len(data)+10), data)
		}
	})
	return e.bytes, e.err
}

// appendTextFrame appends payload as one final, unmasked text frame (RFC
// 6455 section 5.2), as a server sends it.
func appendTextFrame(dst, payload []byte) []byte {
	const finText = 0x80 | websocket.TextMessage
	switch n := len(payload); {
	case n < 126:
		dst = append(dst, finText, byte(n))
	case n <= 0xffff:
		dst = append(dst, finText, 126, byte(n>>8), byte(n))
	default:
		dst = append(dst, finText, 127)
		dst = binary.BigEndian.AppendUint64(dst, uint64(n))
	}
	return append(dst, payload...)
}

// snapshotMessage is the first message a client gets, and the one that
// replaces its backlog when it is skipped ahead. Alerts (the active ones)
// and Bans are left out when the zone store cannot be read.
type snapshotMessage struct {
	Type    string           `json:"type"` // "snapshot"
	Vessels []vessels.Vessel `json:"vessels"`
	Alerts  []AlertView      `json:"alerts,omitzero"`
	Bans    []BanView        `json:"bans,omitzero"`
	At      time.Time        `json:"at"`
}

// hub fans vessel, alert and ban events out to the WebSocket clients.
// publish and publishZone are called on the ingest path: they only file the
// event with each client and wake the client's writer, so a slow client
// never holds up ingest.
type hub struct {
	reader VesselReader
	zones  ZoneWatch
	max    int
	log    *slog.Logger
	now    func() time.Time
	// stationOf names the rescue station of an alert's area, for the
	// clients of station accounts; set by New.
	stationOf func(*zones.Alert) string
	// viewAlert is an alert as the API shows it (with its rescue station);
	// set by New.
	viewAlert func(zones.Alert) AlertView

	// Tunables, set before the first client connects.
	flushInterval time.Duration
	writeTimeout  time.Duration
	maxPending    int
	pingInterval  time.Duration
	pongWait      time.Duration

	mu      sync.Mutex // serialises changes to clients and closed
	closed  bool
	clients atomic.Pointer[[]*liveClient] // copy on write, read by publish without a lock
	closing chan struct{}                 // closed by closeAll
	wg      sync.WaitGroup                // one per connected client

	dropped atomic.Uint64 // clients dropped for writing too slowly
	skipped atomic.Uint64 // backlogs replaced by a snapshot
}

func newHub(reader VesselReader, zw ZoneWatch, maxClients int, now func() time.Time, log *slog.Logger) *hub {
	h := &hub{
		reader:        reader,
		zones:         zw,
		max:           maxClients,
		log:           log.With("part", "live"),
		now:           now,
		stationOf:     func(*zones.Alert) string { return "" },
		viewAlert:     func(a zones.Alert) AlertView { return AlertView{Alert: a} },
		flushInterval: liveFlushInterval,
		writeTimeout:  liveWriteTimeout,
		maxPending:    liveMaxPending,
		pingInterval:  livePingInterval,
		pongWait:      livePongWait,
		closing:       make(chan struct{}),
	}
	h.clients.Store(&[]*liveClient{})
	return h
}

// publish is the LiveFeed subscriber. It never blocks on a client.
func (h *hub) publish(ev vessels.Event) {
	list := *h.clients.Load()
	if len(list) == 0 {
		return
	}
	le := &liveEvent{ev: ev}
	for _, c := range list {
		c.offer(le)
	}
}

// count is the number of connected clients.
func (h *hub) count() int { return len(*h.clients.Load()) }

// full reports whether no client may join now.
func (h *hub) full() bool { return h.count() >= h.max }

// register adds a client; false when the hub is full or closing.
func (h *hub) register(c *liveClient) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	old := *h.clients.Load()
	if h.closed || len(old) >= h.max {
		return false
	}
	next := make([]*liveClient, len(old), len(old)+1)
	copy(next, old)
	next = append(next, c)
	h.clients.Store(&next)
	h.wg.Add(1)
	return true
}

func (h *hub) unregister(c *liveClient) {
	h.mu.Lock()
	defer h.mu.Unlock()
	old := *h.clients.Load()
	next := make([]*liveClient, 0, len(old))
	for _, o := range old {
		if o != c {
			next = append(next, o)
		}
	}
	h.clients.Store(&next)
	h.wg.Done()
}

// closeAll tells every client to go away and waits for them, at most timeout.
func (h *hub) closeAll(timeout time.Duration) {
	h.mu.Lock()
	if !h.closed {
		h.closed = true
		close(h.closing)
	}
	h.mu.Unlock()
	done := make(chan struct{})
	go func() { h.wg.Wait(); close(done) }()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		h.log.Warn("live clients still open after shutdown timeout", "clients", h.count())
	}
}

// liveUpgrade runs before the upgrade: it answers plain HTTP errors (426,
// 403 cross-site, 503 full, 400 bad bbox) while the client can still read them.
func (s *Server) liveUpgrade(c *fiber.Ctx) error {
	if !fiberws.IsWebSocketUpgrade(c) {
		return fiber.ErrUpgradeRequired
	}
	if !sameOrigin(c) {
		return ErrForbidden
	}
	if s.live.full() {
		return ErrTooManyClients
	}
	var bbox *vessels.BBox
	if v := c.Query("bbox"); v != "" {
		var err error
		if bbox, err = parseBBox(v); err != nil {
			return err
		}
	}
	c.Locals(liveBBoxKey, bbox)
	return c.Next()
}

// sameOrigin refuses cross-site WebSocket connections from browsers (which
// always send Origin); clients without a browser send none and are let in.
func sameOrigin(c *fiber.Ctx) bool {
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host != "" && u.Host == c.Hostname()
}

// liveHandler upgrades and serves one client until it leaves, is dropped or
// the server shuts down.
func (s *Server) liveHandler() fiber.Handler {
	return fiberws.New(func(conn *fiberws.Conn) {
		bbox, _ := conn.Locals(liveBBoxKey).(*vessels.BBox)
		c := newLiveClient(s.live, conn.Conn, bbox)
		p, _ := conn.Locals(principalKey).(Principal)
		c.station = stationScope(p)
		if !s.live.register(c) {
			deadline := time.Now().Add(time.Second)
			_ = conn.WriteControl(websocket.CloseMessage,
				websocket.FormatCloseMessage(websocket.CloseTryAgainLater, "too many live clients"), deadline)
			return
		}
		defer s.live.unregister(c)
		c.serve()
	}, fiberws.Config{
		HandshakeTimeout: 10 * time.Second,
		RecoverHandler: func(conn *fiberws.Conn) {
			if r := recover(); r != nil {
				s.log.Error("live handler panic", "panic", r)
			}
		},
	})
}
