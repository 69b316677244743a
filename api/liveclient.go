package api

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"slices"
	"sync"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/riverwatch/riverwatch/vessels"
	"github.com/riverwatch/riverwatch/zones"
)

// batchBytes is how many bytes of event frames go out in one write.
const batchBytes = 64 << 10

// Errors that end a client's writer.
var (
	errDropped = errors.New("live client too slow")
	errClosing = errors.New("live hub closing")
)

// liveClient is one WebSocket client: a pending map filled by the hub and a
// writer that flushes it.
//
// Writes: every data frame is written by the writer goroutine. Event frames
// are batched and written to the connection directly, whole frames per
// Write call (the socket serialises Write calls, so frames never mix); the
// reader only hands pongs to the writer, so the one other writer left is
// the websocket library answering a protocol error with a close frame,
// itself one whole frame.
type liveClient struct {
	h    *hub
	conn *websocket.Conn
	raw  net.Conn // the connection under conn, for batched writes
	bbox *vessels.BBox
	// station is the rescue station whose alerts alone the client hears
	// (a station account), "" for all (see stationScope).
	station string

	wake chan struct{} // cap 1: "pending has something"
	pong chan string   // cap 1: ping payloads to answer
	buf  []byte        // batch being written

	mu      sync.Mutex
	pending map[uint32]*liveEvent // latest event per MMSI not yet written
	spare   map[uint32]*liveEvent // the previous batch, emptied, for reuse
	resync  bool                  // pending overflowed: send a snapshot instead
	known   map[uint32]bool       // with a bbox: vessels the client was shown inside it
	zq      zoneQueue             // alert, ban and zone events not yet written, in order
}

func newLiveClient(h *hub, conn *websocket.Conn, bbox *vessels.BBox) *liveClient {
	c := &liveClient{
		h:       h,
		conn:    conn,
		raw:     conn.NetConn(),
		bbox:    bbox,
		wake:    make(chan struct{}, 1),
		pong:    make(chan string, 1),
		pending: make(map[uint32]*liveEvent),
		spare:   make(map[uint32]*liveEvent),
		zq:      newZoneQueue(),
	}
	if bbox != nil {
		c.known = make(map[uint32]bool)
	}
	return c
}

// inside reports whether v has a position within b.
func inside(b *vessels.BBox, v *vessels.Vessel) bool {
	return v.Lat != nil && v.Lon != nil && b.Contains(*v.Lat, *v.Lon)
}

// offer files an event; it runs on the ingest path and never blocks beyond
// the short critical section the writer shares.
func (c *liveClient) offer(le *liveEvent) {
	mmsi := le.ev.Vessel.MMSI
	c.mu.Lock()
	switch {
	case c.resync:
		// A snapshot is coming that will include this change.
	case c.bbox != nil && !c.known[mmsi] && !inside(c.bbox, &le.ev.Vessel):
		// Outside the client's view and never shown to it.
	default:
		c.pending[mmsi] = le
		if len(c.pending) > c.h.maxPending {
			c.skipAhead()
		}
	}
	c.mu.Unlock()
	c.notify()
}

// notify wakes the writer.
func (c *liveClient) notify() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// skipAhead drops the backlog for a snapshot; c.mu is held.
func (c *liveClient) skipAhead() {
	clear(c.pending)
	c.zq.reset()
	c.resync = true
	c.h.skipped.Add(1)
}

// serve sends the snapshot, then runs the writer until the client leaves,
// is dropped or the hub closes. It returns once the reader has stopped too.
func (c *liveClient) serve() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		defer cancel()
		c.read()
	}()

	err := c.sendSnapshot(ctx)
	if err == nil {
		err = c.write(ctx)
	}
	closeCode := websocket.CloseNormalClosure // echo of the client's close
	switch {
	case errors.Is(err, errDropped):
		c.h.dropped.Add(1)
		c.h.log.Info("live client dropped", "remote", c.raw.RemoteAddr().String(), "err", err)
		closeCode = -1
	case errors.Is(err, errClosing):
		closeCode = websocket.CloseGoingAway
	case err != nil:
		closeCode = -1
	}
	if closeCode > 0 {
		_ = c.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(closeCode, ""),
			time.Now().Add(time.Second))
	}
	// Closing the connection ends the reader's ReadMessage. fasthttp hands
	// out a hijacked conn whose Close does nothing (it closes it after the
	// handler returns), so close what it wraps.
	nc := c.raw
	if u, ok := nc.(interface{ UnsafeConn() net.Conn }); ok {
		nc = u.UnsafeConn()
	}
	_ = nc.Close()
	<-readerDone
}

// read consumes what the client sends so that pongs and closes are seen,
// and ends the client after pongWait of silence. Pings are answered by the
// writer; a close is echoed by serve.
func (c *liveClient) read() {
	c.conn.SetReadLimit(liveReadLimit)
	_ = c.conn.SetReadDeadline(time.Now().Add(c.h.pongWait))
	c.conn.SetPongHandler(func(string) error {
		return c.conn.SetReadDeadline(time.Now().Add(c.h.pongWait))
	})
	c.conn.SetPingHandler(func(data string) error {
		select {
		case c.pong <- data:
		default: // one answer pending is enough
		}
		return c.conn.SetReadDeadline(time.Now().Add(c.h.pongWait))
	})
	c.conn.SetCloseHandler(func(int, string) error { return nil })
	for {
		if _, _, err := c.conn.ReadMessage(); err != nil {
			return
		}
		_ = c.conn.SetReadDeadline(time.Now().Add(c.h.pongWait))
	}
}

// write flushes pending events at most every flushInterval and keeps the
// connection alive.
func (c *liveClient) write(ctx context.Context) error {
	ping := time.NewTicker(c.h.pingInterval)
	defer ping.Stop()
	var pace *time.Timer
	defer func() {
		if pace != nil {
			pace.Stop()
		}
	}()
	last := time.Now() // the snapshot counts as a flush
	for {
		select {
		case <-ctx.Done():
			return nil // the reader saw the client go
		case <-c.h.closing:
			return errClosing
		case <-ping.C:
			if err := c.control(websocket.PingMessage, nil); err != nil {
				return err
			}
			continue
		case data := <-c.pong:
			if err := c.control(websocket.PongMessage, []byte(data)); err != nil {
				return err
			}
			continue
		case <-c.wake:
		}
		if wait := c.h.flushInterval - time.Since(last); wait > 0 {
			if pace == nil {
				pace = time.NewTimer(wait)
			} else {
				pace.Reset(wait)
			}
			select {
			case <-ctx.Done():
				return nil
			case <-c.h.closing:
				return errClosing
			case <-pace.C:
			}
		}
		last = time.Now()
		if err := c.flush(ctx); err != nil {
			return err
		}
	}
}

func (c *liveClient) control(kind int, data []byte) error {
	return writeErr(c.conn.WriteControl(kind, data, time.Now().Add(c.h.writeTimeout)))
}

// flush writes the pending batch, or a snapshot if the client fell too far
// behind.
func (c *liveClient) flush(ctx context.Context) error {
	c.mu.Lock()
	if c.resync {
		c.resync = false
		c.mu.Unlock()
		return c.sendSnapshot(ctx)
	}
	batch := c.pending
	c.pending, c.spare = c.spare, nil
	zbatch := c.zq.take()
	if c.known != nil {
		for mmsi, le := range batch {
			if le.ev.Type != vessels.EventLost && inside(c.bbox, &le.ev.Vessel) {
				c.known[mmsi] = true
			} else {
				delete(c.known, mmsi)
			}
		}
	}
	c.mu.Unlock()

	err := c.writeBatch(zbatch, batch)
	clear(batch)
	c.mu.Lock()
	c.spare = batch
	c.mu.Unlock()
	return err
}

// writeBatch writes the events' frames, batchBytes at a time: the zone
// events first and in order, then the vessels.
func (c *liveClient) writeBatch(zbatch []*liveEvent, batch map[uint32]*liveEvent) error {
	defer func() { c.buf = c.buf[:0] }()
	add := func(le *liveEvent) error {
		f, err := le.frame()
		if err != nil {
			c.h.log.Error("live event not encodable", "mmsi", le.ev.Vessel.MMSI, "err", err)
			return nil
		}
		if len(c.buf) > 0 && len(c.buf)+len(f) > batchBytes {
			if err := c.writeRaw(c.buf); err != nil {
				return err
			}
			c.buf = c.buf[:0]
		}
		c.buf = append(c.buf, f...)
		return nil
	}
	for _, le := range zbatch {
		if err := add(le); err != nil {
			return err
		}
	}
	for _, le := range batch {
		if err := add(le); err != nil {
			return err
		}
	}
	if len(c.buf) == 0 {
		return nil
	}
	return c.writeRaw(c.buf)
}

// writeRaw writes whole frames in one call, within the write deadline.
func (c *liveClient) writeRaw(p []byte) error {
	if err := c.raw.SetWriteDeadline(time.Now().Add(c.h.writeTimeout)); err != nil {
		return err
	}
	_, err := c.raw.Write(p)
	return writeErr(err)
}

// sendSnapshot writes the current picture within the client's bbox.
func (c *liveClient) sendSnapshot(ctx context.Context) error {
	list, err := c.h.reader.Vessels(ctx, vessels.Filter{BBox: c.bbox})
	if err != nil {
		if ctx.Err() == nil {
			c.h.log.Error("live snapshot", "err", err)
		}
		return err
	}
	if list == nil {
		list = []vessels.Vessel{}
	}
	if c.known != nil {
		c.mu.Lock()
		clear(c.known)
		for i := range list {
			c.known[list[i].MMSI] = true
		}
		c.mu.Unlock()
	}
	msg := snapshotMessage{Type: "snapshot", Vessels: list, At: c.h.now()}
	alerts, bans := c.h.zoneSnapshot(ctx)
	if c.station != "" && alerts != nil {
		alerts = slices.DeleteFunc(alerts, func(a zones.Alert) bool { return c.h.stationOf(&a) != c.station })
	}
	if alerts != nil {
		msg.Alerts = make([]AlertView, len(alerts))
		for i, a := range alerts {
			msg.Alerts[i] = c.h.viewAlert(a)
		}
	}
	msg.Bans = bans
	data, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	return c.writeRaw(appendTextFrame(make([]byte, 0, len(data)+10), data))
}

// writeErr marks a write that timed out as a drop.
func writeErr(err error) error {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return errors.Join(errDropped, err)
	}
	return err
}
