package ais

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"time"
)

// Defaults for reassembly.
const (
	// DefaultFragmentTimeout is how long the fragments of a multi-sentence
	// message wait for their siblings before they count as orphans.
	DefaultFragmentTimeout = 5 * time.Second
	// MaxPartials bounds the incomplete messages kept per source; the oldest
	// is evicted (and counted orphan) to make room.
	MaxPartials = 256
	// maxAssembled bounds an assembled payload in armoured characters; the
	// longest real message (five slots) is 168.
	maxAssembled = 512
)

// errAssembledTooLong: the fragments add up to more than any real message.
var errAssembledTooLong = fmt.Errorf("%w: assembled payload", ErrTooLong)

// fragKey identifies the message a fragment belongs to within one source.
// With a tag block group (g:) the group id alone joins fragments, since only
// the first line of a group usually carries s: and c:. Without one the
// receiving station, talker, channel and sequential id do.
type fragKey struct {
	station uint64 // hash of tag block s:, 0 without one or with a group
	group   int    // g: group id + 1, 0 without a group
	talker  [2]byte
	channel byte
	seq     int8
}

// span locates one fragment's payload and raw sentence in partial.buf.
type span struct{ payOff, payLen, rawOff, rawLen int32 }

// partial is a message some of whose fragments have arrived.
type partial struct {
	key     fragKey
	count   int
	have    uint16 // bit i set: fragment i+1 held
	n       int    // fragments held
	frags   [9]span
	buf     []byte // payloads and raw sentences, copied
	fill    int
	at      time.Time // line time of the first fragment (event-time expiry)
	arrived int64     // wall clock of the first fragment, unix ns (Run expiry)
	tagTime time.Time // first c: seen
	station []byte    // first s: seen, copied into stBuf
	stBuf   [maxTagValue]byte
	own     bool
	channel byte
}

// assembled is a complete message. Its slices stay valid until the next call
// on the assembler.
type assembled struct {
	payload []byte
	fill    int
	raws    [][]byte
	station []byte
	tagTime time.Time // first tag block c: among the fragments
	at      time.Time // line time of the first fragment
	own     bool
	channel byte
}

// assembler joins the fragments of multi-sentence messages for one source.
// It is not safe for concurrent use; the Pipeline guards it with the
// source's mutex.
type assembler struct {
	timeout time.Duration
	max     int
	seed    maphash.Seed
	parts   []*partial // oldest first
	free    []*partial
	done    *partial // completed last call; recycled on the next
	out     []byte
	raws    [9][]byte
	// orphanSample is the first sentence of the last orphaned message.
	orphanSample []byte
}

func newAssembler(timeout time.Duration, maxPartials int) *assembler {
	if timeout <= 0 {
		timeout = DefaultFragmentTimeout
	}
	if maxPartials <= 0 {
		maxPartials = MaxPartials
	}
	return &assembler{timeout: timeout, max: maxPartials, seed: maphash.MakeSeed()}
}

func (a *assembler) keyOf(s *Sentence) fragKey {
	if s.Tag.GroupTotal > 1 {
		return fragKey{group: s.Tag.GroupID + 1}
	}
	k := fragKey{talker: s.Talker, channel: s.Channel, seq: int8(s.SeqID)}
	if len(s.Tag.Source) > 0 {
		k.station = maphash.Bytes(a.seed, s.Tag.Source)
	}
	return k
}

// add files one fragment of a multi-sentence message (s.Count > 1) heard at
// line time at (wall: wall clock in unix ns). It returns the message when
// this fragment completes it, and the number of fragments given up as
// orphans on the way (stale, displaced or evicted). Errors wrap ErrTooLong
// when the fragments add up to more than any real message.
func (a *assembler) add(s *Sentence, at time.Time, wall int64) (msg assembled, ok bool, orphans int, err error) {
	if a.done != nil {
		a.free = append(a.free, a.done)
		a.done = nil
	}
	key := a.keyOf(s)
	var p *partial
	for i := 0; i < len(a.parts); i++ {
		q := a.parts[i]
		if at.Sub(q.at) > a.timeout {
			orphans += a.drop(i)
			i--
			continue
		}
		if q.key == key {
			p = q
		}
	}
	bit := uint16(1) << (s.Number - 1)
	if p != nil {
		switch {
		case p.count != s.Count:
			orphans += a.drop(a.index(p))
			p = nil
		case p.have&bit != 0:
			f := p.frags[s.Number-1]
			if bytes.Equal(p.buf[f.rawOff:f.rawOff+f.rawLen], s.Raw) {
				return msg, false, orphans, nil // repeated fragment
			}
			orphans += a.drop(a.index(p)) // sequence id reused: start again
			p = nil
		}
	}
	if p == nil {
		if len(a.parts) >= a.max {
			orphans += a.drop(0)
		}
		p = a.newPartial(key, s, at, wall)
		a.parts = append(a.parts, p)
	}
	p.put(s, bit)
	if p.n < p.count {
		return msg, false, orphans, nil
	}
	i := a.index(p)
	a.parts = append(a.parts[:i], a.parts[i+1:]...)
	a.done = p
	msg, err = a.join(p)
	return msg, err == nil, orphans, err
}

func (a *assembler) newPartial(key fragKey, s *Sentence, at time.Time, wall int64) *partial {
	var p *partial
	if n := len(a.free); n > 0 {
		p, a.free = a.free[n-1], a.free[:n-1]
		buf := p.buf[:0]
		*p = partial{buf: buf}
	} else {
		p = &partial{buf: make([]byte, 0, 256)}
	}
	p.key, p.count, p.at, p.arrived, p.own, p.channel = key, s.Count, at, wall, s.Own, s.Channel
	return p
}

func (p *partial) put(s *Sentence, bit uint16) {
	f := &p.frags[s.Number-1]
	f.payOff, f.payLen = int32(len(p.buf)), int32(len(s.Payload))
	p.buf = append(p.buf, s.Payload...)
	f.rawOff, f.rawLen = int32(len(p.buf)), int32(len(s.Raw))
	p.buf = append(p.buf, s.Raw...)
	p.have |= bit
	p.n++
	if s.Number == s.Count {
		p.fill = s.FillBits
	}
	if p.station == nil && len(s.Tag.Source) > 0 {
		p.station = p.stBuf[:copy(p.stBuf[:], s.Tag.Source)]
	}
	if p.tagTime.IsZero() && !s.Tag.Time.IsZero() {
		p.tagTime = s.Tag.Time
	}
}

func (a *assembler) join(p *partial) (assembled, error) {
	a.out = a.out[:0]
	for i := 0; i < p.count; i++ {
		f := p.frags[i]
		a.out = append(a.out, p.buf[f.payOff:f.payOff+f.payLen]...)
		a.raws[i] = p.buf[f.rawOff : f.rawOff+f.rawLen]
	}
	if len(a.out) > maxAssembled {
		return assembled{}, errAssembledTooLong
	}
	return assembled{
		payload: a.out,
		fill:    p.fill,
		raws:    a.raws[:p.count],
		station: p.station,
		tagTime: p.tagTime,
		at:      p.at,
		own:     p.own,
		channel: p.channel,
	}, nil
}

func (a *assembler) index(p *partial) int {
	for i, q := range a.parts {
		if q == p {
			return i
		}
	}
	return -1
}

// drop removes partial i as an orphan and returns its fragment count.
func (a *assembler) drop(i int) int {
	p := a.parts[i]
	for j := 0; j < p.count; j++ {
		if p.have&(1<<j) != 0 {
			f := p.frags[j]
			a.orphanSample = append(a.orphanSample[:0], p.buf[f.rawOff:f.rawOff+f.rawLen]...)
			break
		}
	}
	a.parts = append(a.parts[:i], a.parts[i+1:]...)
	a.free = append(a.free, p)
	return p.n
}

// expire gives up, as orphans, the messages whose first fragment arrived
// longer than the timeout before wall (unix ns), and returns how many
// fragments that was.
func (a *assembler) expire(wall int64) (orphans int) {
	for i := 0; i < len(a.parts); i++ {
		if wall-a.parts[i].arrived > int64(a.timeout) {
			orphans += a.drop(i)
			i--
		}
	}
	return orphans
}

// pending is the number of incomplete messages held.
func (a *assembler) pending() int { return len(a.parts) }
