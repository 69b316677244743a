package video

import "sync"

// queueKeep is the room a queue keeps once it empties: a viewer keeping
// up has a unit or two waiting at a time.
const queueKeep = 16

// unitQueue is a viewer's backlog, bounded at queueUnits. Its room grows
// with the backlog (a catch-up, a slow peer) and is let go when it
// empties, so a viewer that keeps up holds a few slots instead of a
// channel of queueUnits (4.8 KB each).
type unitQueue struct {
	mu   sync.Mutex
	buf  []*unit // a ring of len(buf) slots
	head int
	n    int
	// ready holds a token while units wait: push leaves one, and pop
	// leaves one back while units remain, so that the reader takes one
	// unit per token and minds its other work in between.
	ready chan struct{}
}

func newUnitQueue() *unitQueue { return &unitQueue{ready: make(chan struct{}, 1)} }

// push adds u at the tail; false when the queue is full.
func (q *unitQueue) push(u *unit) bool {
	q.mu.Lock()
	if q.n == queueUnits {
		q.mu.Unlock()
		return false
	}
	if q.n == len(q.buf) {
		buf := make([]*unit, min(max(2*len(q.buf), queueKeep), queueUnits))
		for i := range q.n {
			buf[i] = q.buf[(q.head+i)%len(q.buf)]
		}
		q.buf, q.head = buf, 0
	}
	q.buf[(q.head+q.n)%len(q.buf)] = u
	q.n++
	q.mu.Unlock()
	q.signal()
	return true
}

// pop takes the unit at the head; false when the queue is empty.
func (q *unitQueue) pop() (*unit, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.n == 0 {
		return nil, false
	}
	u := q.buf[q.head]
	q.buf[q.head] = nil
	q.head = (q.head + 1) % len(q.buf)
	q.n--
	if q.n == 0 {
		q.head = 0
		if len(q.buf) > queueKeep {
			q.buf = nil
		}
	} else {
		q.signal()
	}
	return u, true
}

// signal leaves a token in ready if there is none.
func (q *unitQueue) signal() {
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// len is how many units wait.
func (q *unitQueue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.n
}

// clear drops every unit waiting.
func (q *unitQueue) clear() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.buf, q.head, q.n = nil, 0, 0
}
