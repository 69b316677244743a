package video

import (
	"sync"

	"github.com/pion/rtp"
)

// unit is one video access unit (already packetized for WebRTC, SPS/PPS in
// front of every keyframe) or one audio packet, shared read-only by every
// viewer: each viewer rewrites sequence numbers and timestamps on its own
// copy of the header.
type unit struct {
	video bool
	key   bool
	ts    uint32 // the camera's RTP timestamp
	pkts  []*rtp.Packet
	size  int      // payload bytes
	au    [][]byte // the NAL units, kept for keyframes only (snapshots)
	epoch uint64   // upstream session the unit came from
}

// Bounds of the cached group: a camera whose keyframes are further apart
// than this is not cached (viewers then wait for its next keyframe) rather
// than holding unbounded memory.
const (
	maxGroupUnits = 1500     // 60 s at 25 fps
	maxGroupBytes = 16 << 20 // 16 MiB
)

// hub is one camera's fan-out point: the group of pictures since the last
// keyframe and the viewers. publish is called by the one ingest goroutine;
// it never blocks, whatever the viewers do.
type hub struct {
	mu         sync.Mutex
	group      []*unit // video since the latest keyframe; nil when none (yet)
	groupBytes int
	viewers    map[*viewer]struct{}
}

func newHub() *hub { return &hub{viewers: make(map[*viewer]struct{})} }

// publish caches u when it belongs to the current group and offers it to
// every attached viewer.
func (h *hub) publish(u *unit) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if u.video {
		switch {
		case u.key:
			// A fresh slice: viewers in catch-up hold the old one.
			h.group = append(make([]*unit, 0, 256), u)
			h.groupBytes = u.size
		case h.group != nil:
			if len(h.group) >= maxGroupUnits || h.groupBytes+u.size > maxGroupBytes {
				h.group, h.groupBytes = nil, 0
			} else {
				h.group = append(h.group, u)
				h.groupBytes += u.size
			}
		}
	}
	for v := range h.viewers {
		v.offer(u)
	}
}

// reset forgets the group: a new upstream session starts from its own
// keyframe.
func (h *hub) reset() {
	h.mu.Lock()
	h.group, h.groupBytes = nil, 0
	h.mu.Unlock()
}

// attach adds v and returns the cached group at that instant: every unit
// after it goes to v's queue, so catch-up and live meet with no gap and no
// repeat.
func (h *hub) attach(v *viewer) []*unit {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.viewers[v] = struct{}{}
	return h.group
}

// resync empties v's queue and returns the cached group, in one step: the
// group again, then the units after it, with none missed or repeated.
func (h *hub) resync(v *viewer) []*unit {
	h.mu.Lock()
	defer h.mu.Unlock()
	v.q.clear()
	v.skipping = false
	return h.group
}

func (h *hub) detach(v *viewer) {
	h.mu.Lock()
	delete(h.viewers, v)
	h.mu.Unlock()
}

// keyframe returns the cached group's keyframe, or nil.
func (h *hub) keyframe() *unit {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.group) == 0 {
		return nil
	}
	return h.group[0]
}
