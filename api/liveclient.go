package api

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"sync"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/riverwatch/riverwatch/vessels"
)

// errDropped ends a client that wrote too slowly.
var errDropped = errors.New("live client too slow")

// liveClient is one WebSocket client: a pending map filled by the hub and a
// writer that flushes it.
type liveClient struct {
	h    *hub
	conn *websocket.Conn
	bbox *vessels.BBox // nil = everything

	wake chan struct{} // cap 1: "pending has something"

	mu      sync.Mutex
	pending map[uint32]*liveEvent // latest event per MMSI not yet written
	spare   map[uint32]*liveEvent // the previous batch, emptied, for reuse
	resync  bool                  // pending overflowed: send a snapshot instead
	known   map[uint32]bool       // with a bbox: vessels the client was shown inside it
}

func newLiveClient(h *hub, conn *websocket.Conn, bbox *vessels.BBox) *liveClient {
	c := &liveClient{
		h:       h,
		conn:    conn,
		bbox:    bbox,
		wake:    make(chan struct{}, 1),
		pending: make(map[uint32]*liveEvent),
		spare:   make(map[uint32]*liveEvent),
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
			clear(c.pending)
			c.resync = true
			c.h.skipped.Add(1)
		}
	}
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
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
	switch {
	case errors.Is(err, errDropped):
		c.h.dropped.Add(1)
		c.h.log.Info("live client dropped", "remote", c.conn.RemoteAddr().String(), "err", err)
	case errors.Is(err, errClosing):
		_ = c.conn.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(websocket.CloseGoingAway, "server shutting down"),
			time.Now().Add(time.Second))
	}
	// Closing the connection ends the reader's ReadMessage. fasthttp hands
	// out a hijacked conn whose Close does nothing (it closes it after the
	// handler returns), so close what it wraps.
	nc := c.conn.NetConn()
	if u, ok := nc.(interface{ UnsafeConn() net.Conn }); ok {
		nc = u.UnsafeConn()
	}
	_ = nc.Close()
	<-readerDone
}

// errClosing ends the writer when the hub shuts down.
var errClosing = errors.New("live hub closing")

// read consumes what the client sends (only control frames matter) so that
// pongs and closes are seen, and ends the client after pongWait of silence.
func (c *liveClient) read() {
	c.conn.SetReadLimit(liveReadLimit)
	_ = c.conn.SetReadDeadline(time.Now().Add(c.h.pongWait))
	c.conn.SetPongHandler(func(string) error {
		return c.conn.SetReadDeadline(time.Now().Add(c.h.pongWait))
	})
	for {
		if _, _, err := c.conn.ReadMessage(); err != nil {
			return
		}
		_ = c.conn.SetReadDeadline(time.Now().Add(c.h.pongWait))
	}
}

// write flushes pending events at most every flushInterval and pings.
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
			err := c.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(c.h.writeTimeout))
			if err != nil {
				return writeErr(err)
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

	var err error
	for _, le := range batch {
		if err = c.writeEvent(le); err != nil {
			break
		}
	}
	clear(batch)
	c.mu.Lock()
	c.spare = batch
	c.mu.Unlock()
	return err
}

func (c *liveClient) writeEvent(le *liveEvent) error {
	msg, err := le.prepared()
	if err != nil {
		c.h.log.Error("live event not encodable", "mmsi", le.ev.Vessel.MMSI, "err", err)
		return nil
	}
	if err := c.conn.SetWriteDeadline(time.Now().Add(c.h.writeTimeout)); err != nil {
		return err
	}
	return writeErr(c.conn.WritePreparedMessage(msg))
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
	data, err := json.Marshal(snapshotMessage{Type: "snapshot", Vessels: list, At: c.h.now()})
	if err != nil {
		return err
	}
	if err := c.conn.SetWriteDeadline(time.Now().Add(c.h.writeTimeout)); err != nil {
		return err
	}
	return writeErr(c.conn.WriteMessage(websocket.TextMessage, data))
}

// writeErr marks a write that timed out as a drop.
func writeErr(err error) error {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return errors.Join(errDropped, err)
	}
	return err
}
