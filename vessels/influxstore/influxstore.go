// Package influxstore is the InfluxDB implementation of vessels.History:
// every accepted position, every change of a vessel's static data and every
// alert state change, stored with github.com/influxdata/influxdb-client-go/v2
// so that tracks survive restarts and can be read back for any time.
//
// It works with InfluxDB 2.x and Cloud, and with 1.8+ through its
// v2-compatible API (token "user:password" or empty, bucket
// "database/retention-policy", Flux enabled for reading).
//
// # Schema
//
// Every point's timestamp is its own time (when the message was received,
// or its tag-block time), never when it was written. Tags other than mmsi
// have few values.
//
//	measurement position   tags  mmsi, class, station
//	                       fields lat, lon (float, degrees), sog (float, knots),
//	                              cog (float, degrees), heading (int, degrees),
//	                              nav_status (int, 0..15)
//	measurement static     tags  mmsi, class
//	                       fields name, callsign, destination, eta (string),
//	                              imo, ship_type, persons (int),
//	                              length, beam, draught (float, metres)
//	                       written only when a vessel's static data changes
//	measurement alert      tags  kind, zone, severity, state
//	                       fields id, message (string), mmsi, other_mmsi (int),
//	                              lat, lon (float)
//	                       one point per state change
//	measurement zone_entry tags  kind (the zone's kind), mmsi, zone (its id)
//	                       field n (int, always 1)
//	                       one point per vessel entering a zone, for the
//	                       traffic counts per zone per hour and per day
//
// A value that is not available (SOG, COG or heading of -1, an empty
// string, a zero IMO) is left out of its point rather than stored as a
// sentinel, so aggregates skip it; Track returns -1 for it again. Empty
// class and station tags are left out.
//
// # Writing
//
// Append and the other writers never block on InfluxDB: points are encoded
// into batches (Config.BatchSize, or whatever arrived within
// Config.FlushInterval) that Config.Writers goroutines post to
// /api/v2/write. While InfluxDB is down or slow, batches wait in memory up
// to Config.MaxBuffered points, then spill to files in Config.SpillDir, and
// are written back oldest first when it answers again. What is finally
// given up (spill folder full or absent, points InfluxDB rejects, points
// still unwritten when Close gives up without a spill folder) is counted in
// Stats; each outage is logged once when it starts and once when it ends.
// Spilling is one file write per batch on the appending goroutine, a local
// disk write rather than a wait on the network.
//
// # Reading
//
// Every read (Track, TrackThinned, CountTrack, Snapshot, Changes, Alerts,
// ZoneEntries: the vessels.Archive contract) is Flux on /api/v2/query, and
// first waits briefly for what was appended before it (Config.ReadWait).
package influxstore

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	influxdb2 "github.com/influxdata/influxdb-client-go/v2"
	"github.com/influxdata/influxdb-client-go/v2/api"
	"github.com/riverwatch/riverwatch/vessels"
)

var _ vessels.History = (*History)(nil)

// Errors of this package, beside vessels.ErrInvalid for a bad Config or
// argument.
var (
	ErrClosed      = errors.New("influxstore: closed")
	ErrUnavailable = errors.New("influxstore: InfluxDB unavailable")
)

// History stores tracks, static data and alerts in InfluxDB. It is safe
// for concurrent use.
type History struct {
	cfg    Config
	log    *slog.Logger
	client influxdb2.Client
	writer api.WriteAPIBlocking
	query  api.QueryAPI
	bucket string // as a Flux string literal

	queryFirst sync.Mutex  // the first query runs alone (see runQuery)
	queryReady atomic.Bool // a query has returned

	mu       sync.Mutex
	cur      *batch   // filling
	queue    []*batch // sealed, in memory, by seq
	queued   int      // points in queue
	inflight map[uint64]*batch
	spill    *spill // nil without a spill folder
	nextSeq  uint64
	closed   bool
	progress chan struct{} // closed and replaced whenever a batch is done
	static   map[uint32]uint64
	seed     maphash.Seed
	st       Stats
	outage   struct {
		dropped   uint64
		spillFull bool
	}

	wake chan struct{} // a batch is queued
	stop chan struct{} // writers: stop taking batches
	wg   sync.WaitGroup
}

// batch is a run of line-protocol points written in one request.
type batch struct {
	seq  uint64
	n    int
	data []byte
	file string // its spill file, if it came from or went to the spill
	disk int64  // size of that file
}

// Stats counts the points through the history, for /metrics and /healthz.
type Stats struct {
	Written    uint64    // points InfluxDB accepted
	Pending    int       // points waiting in memory
	Spilled    int       // points waiting in the spill folder
	SpillBytes int64     // size of the spill folder's batches
	Dropped    uint64    // points given up (buffer and spill full, rejected, left at Close)
	Rejected   uint64    // of Dropped, points InfluxDB refused (a bad request, not an outage)
	Outages    uint64    // times InfluxDB stopped answering
	Down       bool      // InfluxDB is not answering now
	DownSince  time.Time // start of the current outage
	LastError  string    // the last write error
}

// New returns a History writing to cfg's InfluxDB. It does not wait for
// the server: a server that is down is written to once it answers.
func New(cfg Config) (*History, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	h := &History{
		cfg:      cfg,
		log:      cfg.Logger.With("component", "influxstore"),
		bucket:   fluxString(cfg.Bucket),
		inflight: map[uint64]*batch{},
		progress: make(chan struct{}),
		static:   map[uint32]uint64{},
		seed:     maphash.MakeSeed(),
		wake:     make(chan struct{}, 1),
		stop:     make(chan struct{}),
		nextSeq:  1,
	}
	if cfg.SpillDir != "" {
		if h.spill, err = openSpill(cfg.SpillDir, cfg.MaxSpillBytes); err != nil {
			return nil, fmt.Errorf("influxstore: spill folder: %w", err)
		}
		h.nextSeq = h.spill.lastSeq() + 1
		if h.spill.n > 0 {
			h.log.Info("batches left in the spill folder will be written first", "points", h.spill.n, "dir", cfg.SpillDir)
		}
	}
	h.cur = h.newBatch()
	opts := influxdb2.DefaultOptions().
		SetHTTPRequestTimeout(uint((cfg.Timeout + time.Second - 1) / time.Second)).
		SetLogLevel(0)
	h.client = influxdb2.NewClientWithOptions(cfg.URL, cfg.Token, opts)
	h.writer = h.client.WriteAPIBlocking(cfg.Org, cfg.Bucket)
	h.query = h.client.QueryAPI(cfg.Org)
	for range cfg.Writers {
		h.wg.Go(h.runWriter)
	}
	h.wg.Go(h.runFlusher)
	if h.spill != nil && h.spill.n > 0 {
		h.signal()
	}
	return h, nil
}

func (h *History) newBatch() *batch {
	return &batch{data: make([]byte, 0, h.cfg.BatchSize*100)}
}

// Append records one position of mmsi's track, without class, station or
// navigational status (AppendPosition has them). It never blocks on
// InfluxDB; it returns ErrClosed after Close.
func (h *History) Append(ctx context.Context, mmsi uint32, p vessels.TrackPoint) error {
	return h.AppendPosition(ctx, Position{MMSI: mmsi, NavStatus: -1, TrackPoint: p})
}

// AppendPosition records one point of the position measurement.
func (h *History) AppendPosition(_ context.Context, p Position) error {
	if p.Time.IsZero() {
		return fmt.Errorf("%w: influxstore: position of %d without a time", vessels.ErrInvalid, p.MMSI)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return ErrClosed
	}
	h.cur.data = appendPosition(h.cur.data, &p)
	h.addedLocked()
	return nil
}

// AppendStatic records s in the static measurement when it differs from
// the last static data recorded for the vessel by this History (so callers
// may pass every static report). It reports whether it wrote a point.
func (h *History) AppendStatic(_ context.Context, s Static) (bool, error) {
	if s.Time.IsZero() {
		return false, fmt.Errorf("%w: influxstore: static data of %d without a time", vessels.ErrInvalid, s.MMSI)
	}
	key := s
	key.Time = time.Time{}
	sum := maphash.Comparable(h.seed, key)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false, ErrClosed
	}
	if old, ok := h.static[s.MMSI]; ok && old == sum {
		return false, nil
	}
	h.static[s.MMSI] = sum
	h.cur.data = appendStatic(h.cur.data, &s)
	h.addedLocked()
	return true, nil
}

// AppendAlert records one state change of an alert.
func (h *History) AppendAlert(_ context.Context, a Alert) error {
	if a.Time.IsZero() || a.Kind == "" {
		return fmt.Errorf("%w: influxstore: alert without a time or kind", vessels.ErrInvalid)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return ErrClosed
	}
	h.cur.data = appendAlert(h.cur.data, &a)
	h.addedLocked()
	return nil
}

// addedLocked counts the point just encoded and seals a full batch.
func (h *History) addedLocked() {
	h.cur.n++
	if h.cur.n >= h.cfg.BatchSize {
		h.sealLocked()
	}
}

// sealLocked ends the filling batch and queues, spills or drops it.
// Batches keep their order: once anything is in the spill folder, newer
// batches go there too until it has been read back.
func (h *History) sealLocked() {
	b := h.cur
	if b.n == 0 {
		return
	}
	h.cur = h.newBatch()
	b.seq = h.nextSeq
	h.nextSeq++
	full := h.queued+b.n > h.cfg.MaxBuffered
	switch {
	case h.spill != nil && (full || len(h.spill.files) > 0):
		if !h.spill.fits(len(b.data)) {
			h.dropLocked(b.n, "spill folder full")
			break
		}
		if err := h.spill.push(b); err != nil {
			h.dropLocked(b.n, "spill failed: "+err.Error())
			break
		}
		h.signal()
	case full:
		h.dropLocked(b.n, "buffer full and no spill folder")
	default:
		h.queue = append(h.queue, b)
		h.queued += b.n
		h.signal()
	}
}

// dropLocked counts n points given up, logging the first loss of an outage.
func (h *History) dropLocked(n int, why string) {
	h.st.Dropped += uint64(n)
	h.outage.dropped += uint64(n)
	if !h.outage.spillFull {
		h.outage.spillFull = true
		h.log.Error("dropping points", "reason", why, "points", n)
	}
	h.progressLocked()
}

func (h *History) signal() {
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// progressLocked wakes everyone waiting for batches to be done.
func (h *History) progressLocked() {
	close(h.progress)
	h.progress = make(chan struct{})
}

// Stats returns the counters.
func (h *History) Stats() Stats {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.st
	s.Pending = h.cur.n
	count := func(b *batch) {
		if b.file == "" { // read back from the spill: counted there
			s.Pending += b.n
		}
	}
	for _, b := range h.queue {
		count(b)
	}
	for _, b := range h.inflight {
		count(b)
	}
	if h.spill != nil {
		s.Spilled, s.SpillBytes = h.spill.n, h.spill.bytes
	}
	return s
}

// Flush writes the points appended before it and waits until InfluxDB has
// them (or gave them up), or until ctx ends.
func (h *History) Flush(ctx context.Context) error {
	h.mu.Lock()
	h.sealLocked()
	target := h.nextSeq - 1
	h.mu.Unlock()
	return h.waitDone(ctx, target)
}

// waitDone waits until every batch up to seq target is done.
func (h *History) waitDone(ctx context.Context, target uint64) error {
	for {
		h.mu.Lock()
		low, ch := h.lowestLocked(), h.progress
		h.mu.Unlock()
		if low > target {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("influxstore: flush: %w", ctx.Err())
		}
	}
}

// lowestLocked is the lowest sequence number not yet done.
func (h *History) lowestLocked() uint64 {
	low := h.nextSeq
	if len(h.queue) > 0 {
		low = min(low, h.queue[0].seq)
	}
	for seq := range h.inflight {
		low = min(low, seq)
	}
	if h.spill != nil && len(h.spill.files) > 0 {
		low = min(low, h.spill.files[0].seq)
	}
	return low
}

// Close writes what is buffered, for at most Config.CloseTimeout, then
// leaves the rest in the spill folder (or drops and counts it without one)
// and releases the client. It returns an error if points were dropped.
func (h *History) Close() error {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil
	}
	h.closed = true
	h.sealLocked()
	target := h.nextSeq - 1
	droppedBefore := h.st.Dropped
	h.mu.Unlock()

	ctx, cancel := context.WithTimeout(context.Background(), h.cfg.CloseTimeout)
	flushErr := h.waitDone(ctx, target)
	cancel()
	close(h.stop)
	h.wg.Wait()

	h.mu.Lock()
	var kept, lost int
	for _, b := range h.queue {
		if b.file != "" { // still in the spill folder
			continue
		}
		if h.spill == nil || !h.spill.fits(len(b.data)) || h.spill.push(b) != nil {
			lost += b.n
		}
	}
	if h.spill != nil {
		kept = h.spill.n // everything on disk stays for the next run
	}
	h.queue, h.queued = nil, 0
	h.st.Dropped += uint64(lost)
	dropped := h.st.Dropped - droppedBefore
	h.progressLocked()
	h.mu.Unlock()
	h.client.Close()

	if kept > 0 {
		h.log.Warn("points left in the spill folder for the next start", "points", kept, "dir", h.cfg.SpillDir)
	}
	if dropped > 0 {
		return fmt.Errorf("%w: %d points dropped (%v)", ErrUnavailable, dropped, flushErr)
	}
	return nil
}
