package zones

import "strconv"

// The memory store's stream: a ring of events held by value.

// streamChunk is how many events the ring allocates at a time: it grows
// without copying what it holds, and a store that publishes little holds
// little.
const streamChunk = 1024

// eventRing holds event seq (from 1) at index (seq-1) % StreamLength, in
// chunks of streamChunk allocated as it fills.
type eventRing struct {
	chunks [][]streamEntry
	n      int // entries in use, at most StreamLength
}

// slot is the entry of event seq, which must be among the last n.
func (r *eventRing) slot(seq uint64) *streamEntry {
	i := int((seq - 1) % StreamLength)
	return &r.chunks[i/streamChunk][i%streamChunk]
}

// push returns the entry for event seq, the one after the newest: a new
// one while the ring is not full, else the oldest's.
func (r *eventRing) push(seq uint64) *streamEntry {
	if r.n < StreamLength {
		if r.n%streamChunk == 0 {
			r.chunks = append(r.chunks, make([]streamEntry, min(streamChunk, StreamLength-r.n)))
		}
		r.n++
	}
	return r.slot(seq)
}

// streamEntry is an event of the stream with its alert held by value, so
// that publishing one allocates nothing.
type streamEntry struct {
	e        Event // its Alert nil, its StreamID unset
	alert    Alert
	hasAlert bool
}

// keep stores a copy of e, sharing nothing with it.
func (x *streamEntry) keep(e Event) {
	x.hasAlert = e.Alert != nil
	if x.hasAlert {
		x.alert = *e.Alert
	}
	if e.Ban != nil {
		b := cloneBan(*e.Ban)
		e.Ban = &b
	}
	e.Alert, e.StreamID = nil, ""
	x.e = e
}

// event is the kept event with stream id seq, its alert copied into buf
// and its ban its own.
func (x *streamEntry) event(seq uint64, buf *Alert) Event {
	e := x.e
	e.StreamID = strconv.FormatUint(seq, 10)
	if x.hasAlert {
		*buf = x.alert
		e.Alert = buf
	}
	if e.Ban != nil {
		b := cloneBan(*e.Ban)
		e.Ban = &b
	}
	return e
}
