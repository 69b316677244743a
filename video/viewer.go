package video

import (
	"context"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
)

// ViewerInfo is who watches, for the status and the metrics.
type ViewerInfo struct {
	Name    string `json:"name"`
	Station string `json:"station,omitempty"`
	Remote  string `json:"remote,omitempty"`
}

// ViewerStatus is one viewer as the status shows it.
type ViewerStatus struct {
	Session   string    `json:"session"`
	Viewer    string    `json:"viewer"`
	Station   string    `json:"station,omitempty"`
	Started   time.Time `json:"started"`
	BytesSent uint64    `json:"bytes_sent"`
	Dropped   uint64    `json:"dropped_units"`
	Repairs   uint64    `json:"repairs"`      // groups resent after the browser's picture loss reports
	Lost      uint32    `json:"packets_lost"` // as the viewer's receiver reports count them
	State     string    `json:"state"`
}

// queueUnits bounds each viewer's backlog: about 8 s of 25 fps video with
// 50 audio packets a second. A viewer that fills it skips to the next
// keyframe.
const queueUnits = 600

// viewer writes one camera to one peer, from its own goroutine and queue:
// a slow peer only ever fills its own queue.
type viewer struct {
	session string
	info    ViewerInfo
	started time.Time
	hub     *hub
	q       *unitQueue
	// skipping is guarded by hub.mu: true from a dropped video unit until
	// the next keyframe is queued.
	skipping bool

	vtrack, atrack *track
	aclock         uint32  // audio clock rate
	catchupRate    float64 // bytes per second during catch-up

	// writeRTCP sends the sender reports (nil: none, in tests without a
	// peer); reports ticks while run runs.
	writeRTCP func([]rtcp.Packet) error
	reports   <-chan time.Time

	connected chan struct{} // closed when ICE and DTLS are up
	repair    chan struct{} // the peer asked for a keyframe
	repairs   atomic.Uint64
	lost      atomic.Uint32
	bytes     atomic.Uint64
	dropped   atomic.Uint64
	live      atomic.Bool

	// Writer state, only touched by run.
	vseq, aseq     uint16
	vEpoch, aEpoch uint64
	vOut, aOut     uint32 // last timestamp sent
	vOff, aOff     uint32
	vWall, aWall   time.Time
	vSent, aSent   bool
	needKey        bool
}

func newViewer(session string, info ViewerInfo, h *hub, vtrack, atrack *track, aclock uint32, rate float64) *viewer {
	return &viewer{
		session: session, info: info, started: time.Now(), hub: h,
		q:      newUnitQueue(),
		vtrack: vtrack, atrack: atrack, aclock: aclock, catchupRate: rate,
		connected: make(chan struct{}),
		repair:    make(chan struct{}, 1),
		vseq:      uint16(rand.Uint32()), aseq: uint16(rand.Uint32()),
		vOut: rand.Uint32(), aOut: rand.Uint32(),
	}
}

// offer queues u without ever blocking; called with hub.mu held.
func (v *viewer) offer(u *unit) {
	if u.video {
		if v.skipping && !u.key {
			v.dropped.Add(1)
			return
		}
		if v.q.push(u) {
			v.skipping = false
		} else {
			v.skipping = true
			v.dropped.Add(1)
		}
		return
	}
	if v.atrack == nil {
		return
	}
	if !v.q.push(u) {
		v.dropped.Add(1)
	}
}

// run waits until the peer is really connected, sends the cached group
// paced, then the live units, until ctx ends.
func (v *viewer) run(ctx context.Context, connectTimeout time.Duration) {
	t := time.NewTimer(connectTimeout)
	select {
	case <-v.connected:
		t.Stop()
	case <-t.C:
		return // a client that posted an offer and never connected
	case <-ctx.Done():
		t.Stop()
		return
	}
	reports := time.NewTicker(reportInterval)
	defer reports.Stop()
	v.reports = reports.C
	group := v.hub.attach(v)
	defer v.hub.detach(v)
	if len(group) == 0 {
		v.needKey = true
	} else if !v.catchup(ctx, group) {
		return
	}
	v.live.Store(true)
	// A PLI sent before the catch-up's keyframe was decoded asks for what
	// the catch-up already sent: forget it, and ignore PLIs for a moment.
	select {
	case <-v.repair:
	default:
	}
	lastRepair := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-v.q.ready:
			if u, ok := v.q.pop(); ok && !v.write(u) {
				return
			}
		case <-v.reports:
			v.sendReports()
		case <-v.repair:
			// The browser lost its picture (a PLI after losses NACKs did not
			// mend) and the camera cannot be asked for a keyframe: send the
			// cached group again, from its keyframe, then live as before.
			if time.Since(lastRepair) < minRepairInterval {
				continue
			}
			lastRepair = time.Now()
			v.repairs.Add(1)
			group := v.hub.resync(v)
			if len(group) == 0 {
				v.needKey = true
				continue
			}
			if !v.catchup(ctx, group) {
				return
			}
		}
	}
}

// minRepairInterval spaces the resends of the group a viewer's PLIs cause.
const minRepairInterval = time.Second

// requestRepair is called for a PLI or FIR from the peer; it never blocks.
func (v *viewer) requestRepair() {
	select {
	case v.repair <- struct{}{}:
	default:
	}
}

// catchup sends the group from its keyframe, and then the live video that
// arrived meanwhile, until nothing is left to catch up on: faster than
// real time but paced to catchupRate so a whole group does not burst into
// socket buffers. Each unit is stamped with the wall time it is sent at,
// so the browser's jitter buffer sees a steady clock (neither holds the
// group back to its original pace nor judges it late and drops it) and the
// live stream then continues in that same timestamp base with no backlog
// for the browser to drain. The browser plays the catch-up back fast; its
// stamps carry catchupMark so that a player can hide that (whep.js shows
// the first picture as a still until the first live unit). Audio is never
// caught up: what arrives meanwhile goes out at once, live, so it is in
// step with the picture from the first live unit.
func (v *viewer) catchup(ctx context.Context, group []*unit) bool {
	epoch := group[0].epoch
	backlog := append(make([]*unit, 0, len(group)+32), group...)
	for len(backlog) > 0 {
		u := backlog[0]
		backlog = backlog[1:]
		if u.epoch != epoch {
			// The camera reconnected meanwhile: the rest goes out as live
			// units do, the new session from its keyframe.
			for _, u := range append([]*unit{u}, backlog...) {
				if !v.write(u) {
					return false
				}
			}
			return true
		}
		v.vEpoch = u.epoch
		v.vOut = v.nextStamp(v.vOut, v.vWall, 90000, v.vSent) | catchupMark
		v.vOff = v.vOut - u.ts
		if !v.sendVideo(u, v.vOut) {
			return false
		}
		if !v.waitDraining(ctx, v.pace(u, backlog), &backlog) {
			return false
		}
		if len(backlog) > maxGroupUnits {
			// The live picture runs away from this viewer's pace: give up
			// and wait for the camera's next keyframe.
			v.dropped.Add(uint64(len(backlog)))
			v.needKey = true
			return true
		}
	}
	return true
}

// pace is how long to wait after sending u during a catch-up: its bytes at
// catchupRate, but never longer than the camera took to the next unit.
func (v *viewer) pace(u *unit, next []*unit) time.Duration {
	pause := time.Duration(float64(u.size) / v.catchupRate * float64(time.Second))
	if len(next) > 0 && next[0].epoch == u.epoch {
		if real := time.Duration(int32(next[0].ts-u.ts)) * time.Second / 90000; real >= 0 && real < pause {
			pause = real
		}
	}
	return pause
}

// waitDraining waits out a catch-up's pause, sending the audio that
// arrives meanwhile at once and taking the live video into the backlog.
// False when ctx ends or the peer is gone.
func (v *viewer) waitDraining(ctx context.Context, pause time.Duration, backlog *[]*unit) bool {
	if pause > 0 {
		t := time.NewTimer(pause)
		defer t.Stop()
		for waiting := true; waiting; {
			select {
			case <-ctx.Done():
				return false
			case <-t.C:
				waiting = false
			case <-v.reports:
				v.sendReports()
			case <-v.q.ready:
				if !v.drain(backlog) {
					return false
				}
			}
		}
	}
	return v.drain(backlog)
}

// drain moves what the queue holds into the catch-up: video to the end of
// the backlog, audio out at once. False when the peer is gone.
func (v *viewer) drain(backlog *[]*unit) bool {
	for {
		u, ok := v.q.pop()
		if !ok {
			return true
		}
		if u.video {
			*backlog = append(*backlog, u)
			continue
		}
		if !v.write(u) {
			return false
		}
	}
}

// catchupMark is the lowest bit of a video timestamp: set on the units of
// a catch-up, clear on live ones (a tick is 11 µs, nothing a decoder or a
// jitter buffer notices). The board's player (web/static/video/whep.js)
// reads it to hold the first picture as a still while the browser plays
// the catch-up back fast, and to show the video from the first live unit.
const catchupMark = 1

// CatchupMarkHeader, with CatchupMarkValue, is the response header a WHEP
// endpoint of this relay sends with its answer, telling a player that the
// catch-up is marked (catchupMark), so that one does not take another
// server's timestamps that happen to be odd for a catch-up.
const (
	CatchupMarkHeader = "Riverwatch-Catchup-Mark"
	CatchupMarkValue  = "rtp-timestamp-odd"
)

// nextStamp is the timestamp of a unit that starts a new timing segment
// (catch-up, a reconnected camera): the last one plus the wall time since.
func (v *viewer) nextStamp(last uint32, lastWall time.Time, clock uint32, sent bool) uint32 {
	if !sent {
		return last
	}
	d := uint32(time.Since(lastWall).Seconds() * float64(clock))
	if d == 0 {
		d = 1
	}
	return last + d
}

// write sends one live unit; false when the peer is gone.
func (v *viewer) write(u *unit) bool {
	if u.video {
		if u.epoch != v.vEpoch || v.needKey {
			if !u.key {
				return true // a new upstream session: wait for its keyframe
			}
			v.needKey = false
			v.vEpoch = u.epoch
			v.vOut = v.nextStamp(v.vOut, v.vWall, 90000, v.vSent)
			v.vOff = v.vOut - u.ts
		}
		return v.sendVideo(u, (u.ts+v.vOff)&^catchupMark)
	}
	if u.epoch != v.aEpoch || !v.aSent {
		v.aEpoch = u.epoch
		v.aOut = v.nextStamp(v.aOut, v.aWall, v.aclock, v.aSent)
		v.aOff = v.aOut - u.ts
	}
	ts := u.ts + v.aOff
	for _, p := range u.pkts {
		if !v.send(v.atrack, p, &v.aseq, ts) {
			return false
		}
	}
	v.aOut, v.aWall, v.aSent = ts, time.Now(), true
	return true
}

func (v *viewer) sendVideo(u *unit, ts uint32) bool {
	for _, p := range u.pkts {
		if !v.send(v.vtrack, p, &v.vseq, ts) {
			return false
		}
	}
	v.vOut, v.vWall, v.vSent = ts, time.Now(), true
	return true
}

func (v *viewer) send(t *track, src *rtp.Packet, seq *uint16, ts uint32) bool {
	n, err := t.write(src, *seq, ts)
	*seq++
	if err != nil {
		return false
	}
	v.bytes.Add(uint64(n))
	return true
}
