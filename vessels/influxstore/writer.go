package influxstore

import (
	"context"
	"slices"
	"time"
)

// runFlusher seals the filling batch every FlushInterval.
func (h *History) runFlusher() {
	t := time.NewTicker(h.cfg.FlushInterval)
	defer t.Stop()
	for {
		select {
		case <-h.stop:
			return
		case <-t.C:
			h.mu.Lock()
			h.sealLocked()
			h.mu.Unlock()
		}
	}
}

// take returns the oldest batch to write, reading the spill folder back
// when the memory queue is empty, or nil when the writer should stop.
func (h *History) take() *batch {
	for {
		select {
		case <-h.stop: // Close keeps the rest
			return nil
		default:
		}
		h.mu.Lock()
		h.refillLocked()
		if len(h.queue) > 0 {
			b := h.queue[0]
			h.queue = h.queue[1:]
			h.queued -= b.n
			h.inflight[b.seq] = b
			more := len(h.queue) > 0
			h.mu.Unlock()
			if more {
				h.signal() // another writer may take the next
			}
			return b
		}
		h.mu.Unlock()
		select {
		case <-h.stop:
			return nil
		case <-h.wake:
		}
	}
}

// refillLocked moves batches from the spill folder back into memory while
// there is room.
func (h *History) refillLocked() {
	if h.spill == nil {
		return
	}
	for len(h.spill.files) > 0 && (len(h.queue) == 0 || h.queued+h.spill.files[0].n <= h.cfg.MaxBuffered) {
		b, lost, err := h.spill.pop()
		if err != nil {
			h.st.Dropped += uint64(lost)
			h.log.Error("unreadable spill file skipped", "points", lost, "err", err)
			h.progressLocked()
			continue
		}
		h.queue = append(h.queue, b)
		h.queued += b.n
	}
}

// runWriter writes batches until Close, retrying with backoff while
// InfluxDB is down.
func (h *History) runWriter() {
	backoff := h.cfg.RetryInterval
	for {
		b := h.take()
		if b == nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), h.cfg.Timeout)
		err := h.writer.WriteRecord(ctx, string(b.data))
		cancel()
		if !h.finish(b, err) {
			backoff = h.cfg.RetryInterval
			continue
		}
		select {
		case <-h.stop:
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, h.cfg.MaxRetryInterval)
	}
}

// finish records the outcome of writing b; it reports whether the write
// should be retried after a pause (b is back in the queue then).
func (h *History) finish(b *batch, err error) (retry bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.inflight, b.seq)
	defer h.progressLocked()
	switch {
	case err == nil:
		h.st.Written += uint64(b.n)
		if h.spill != nil {
			h.spill.done(b)
		}
		if h.st.Down {
			h.log.Info("InfluxDB answers again", "down_for", h.cfg.Now().Sub(h.st.DownSince).Round(time.Second),
				"dropped", h.outage.dropped)
			h.st.Down = false
		}
		return false
	case permanent(err):
		h.st.Dropped += uint64(b.n)
		h.st.Rejected += uint64(b.n)
		h.st.LastError = err.Error()
		if h.spill != nil {
			h.spill.done(b)
		}
		h.log.Error("InfluxDB rejected a batch", "points", b.n, "err", err)
		return false
	}
	h.st.LastError = err.Error()
	if !h.st.Down {
		h.st.Down, h.st.DownSince = true, h.cfg.Now()
		h.st.Outages++
		h.outage.dropped, h.outage.spillFull = 0, false
		h.log.Warn("InfluxDB not answering; buffering points", "err", err)
	}
	i, _ := slices.BinarySearchFunc(h.queue, b.seq, func(q *batch, seq uint64) int { return compareUint(q.seq, seq) })
	h.queue = slices.Insert(h.queue, i, b)
	h.queued += b.n
	return true
}
