package video

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bluenviron/gortsplib/v5"
	"github.com/bluenviron/gortsplib/v5/pkg/base"
	"github.com/bluenviron/gortsplib/v5/pkg/description"
	"github.com/bluenviron/gortsplib/v5/pkg/format"
	"github.com/pion/rtp"
)

// errIdle ends the pull of an on-demand camera nobody watches.
var errIdle = errors.New("idle")

// errEdited ends a pull whose camera's URL or transport was edited: the
// next pull dials the new stream at once.
var errEdited = errors.New("camera edited")

// source is one camera at run time: its record, its one upstream session
// (whatever the number of viewers), its hub and its status.
type source struct {
	relay *Relay
	id    string // cam.ID, which an edit never changes
	hub   *hub
	meter meter

	cancel  context.CancelFunc
	done    chan struct{}
	demand  chan struct{} // poked when a viewer arrives or the camera turns always-on
	restart chan struct{} // poked when the stream was edited between pulls

	viewers     atomic.Int32
	lost        atomic.Uint64
	reconnects  atomic.Uint64
	epoch       atomic.Uint64
	idleSince   atomic.Int64 // unix nanoseconds the last viewer left; 0 while watched
	lastPayload atomic.Int64 // unix nanoseconds of the last media packet

	mu       sync.Mutex
	cam      Camera                  // replaced whole by an edit
	pullStop context.CancelCauseFunc // ends the pull under way; nil between pulls
	state    string
	lastErr  string
	codec    string // from the probe or the live session
	audio    string
	audioClk uint32
	width    int
	height   int
	profile  string
	warnings []Warning
	vcodec   videoCodec
}

func newSource(r *Relay, cam Camera) *source {
	s := &source{relay: r, id: cam.ID, cam: cam, hub: newHub(), done: make(chan struct{}), demand: make(chan struct{}, 1),
		restart: make(chan struct{}, 1), state: StateConnecting, codec: CodecH264}
	if cam.OnDemand {
		s.state = StateIdle
	}
	s.idleSince.Store(1) // unwatched since long ago: an on-demand camera starts idle
	return s
}

// camera is the camera's record as it stands.
func (s *source) camera() Camera {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cam
}

func (s *source) setState(state string, err error) {
	s.mu.Lock()
	s.state = state
	if err != nil {
		s.lastErr = redactError(err, s.cam.RTSPURL)
	} else if state == StateOnline {
		s.lastErr = ""
	}
	s.mu.Unlock()
}

func (s *source) warn(w Warning) {
	s.mu.Lock()
	if !slices.Contains(s.warnings, w) {
		s.warnings = append(s.warnings, w)
	}
	s.mu.Unlock()
}

// watched reports whether an on-demand camera must be pulled now: someone
// watches, or the last viewer left less than the idle timeout ago.
func (s *source) watched() bool {
	if !s.camera().OnDemand || s.viewers.Load() > 0 {
		return true
	}
	return time.Since(time.Unix(0, s.idleSince.Load())) < s.relay.cfg.IdleTimeout
}

func (s *source) addViewer() {
	s.viewers.Add(1)
	s.idleSince.Store(0)
	poke(s.demand)
}

// poke signals c without blocking; one signal waits at most.
func poke(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// expect starts an on-demand camera's pull for a viewer on its way, whose
// offer is being answered: the RTSP setup and the camera's first keyframe
// then overlap ICE gathering and the peer's ICE and DTLS, instead of
// following them. A viewer that never comes releases the pull after the
// idle timeout, as one that left.
func (s *source) expect() {
	if !s.camera().OnDemand {
		return // pulled anyway
	}
	now := time.Now().UnixNano()
	for {
		old := s.idleSince.Load()
		if old == 0 || s.idleSince.CompareAndSwap(old, now) {
			break // 0: watched already
		}
	}
	poke(s.demand)
}

func (s *source) removeViewer() {
	if s.viewers.Add(-1) == 0 {
		s.idleSince.Store(time.Now().UnixNano())
	}
}

// run pulls the camera until ctx ends: reconnecting with stepped backoff
// and jitter, and for an on-demand camera only while it is watched.
func (s *source) run(ctx context.Context) {
	defer close(s.done)
	log := s.relay.log.With("camera", s.id)
	attempt := 0
	for ctx.Err() == nil {
		if !s.watched() {
			s.setState(StateIdle, nil)
			select {
			case <-ctx.Done():
				return
			case <-s.demand:
			}
		}
		select {
		case <-s.restart: // an edit before this pull: it dials the new stream anyway
		default:
		}
		s.setState(StateConnecting, nil)
		got, err := s.pull(ctx)
		if ctx.Err() != nil {
			return
		}
		if errors.Is(err, errEdited) {
			log.Info("stream edited, dialling the new one")
			attempt = 0
			continue
		}
		if errors.Is(err, errIdle) {
			// The next viewer must not be caught up on a picture from when
			// the camera was last watched: it waits for the new pull's.
			s.hub.reset()
			log.Info("released, nobody watching")
			attempt = 0
			continue
		}
		if got {
			attempt = 0
		}
		s.setState(StateOffline, err)
		s.reconnects.Add(1)
		wait := s.relay.backoff(attempt)
		attempt++
		log.Warn("camera offline", "err", redactError(err, s.camera().RTSPURL), "retry_in", wait.Round(time.Millisecond))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		case <-s.restart: // the URL or transport was edited: try the new one now
			t.Stop()
			attempt = 0
		}
	}
}

// backoff is the wait before attempt n: 0.5 s, 1 s, 2 s, 5 s, 10 s, then
// 30 s, each with ±20 % jitter so that cameras behind one failed switch do
// not all redial at once.
func (r *Relay) backoff(n int) time.Duration {
	steps := r.cfg.Backoff
	d := steps[min(n, len(steps)-1)]
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

// tracks are the medias of a DESCRIBE the relay takes: one H.264/H.265
// video, at most one G.711 or Opus audio.
type tracks struct {
	vmedia *description.Media
	vform  format.Format
	amedia *description.Media
	aform  format.Format
	aname  string
	aclock uint32
	warns  []Warning
}

func chooseTracks(desc *description.Session) (tracks, error) {
	var t tracks
	for _, m := range desc.Medias {
		for _, f := range m.Formats {
			switch f := f.(type) {
			case *format.H264:
				if t.vform == nil {
					t.vmedia, t.vform = m, f
				}
			case *format.H265:
				if t.vform == nil {
					t.vmedia, t.vform = m, f
					t.warns = append(t.warns, WarnH265)
				}
			case *format.G711:
				if t.aform == nil && f.SampleRate == 8000 && f.ChannelCount <= 1 {
					t.amedia, t.aform, t.aclock = m, f, 8000
					t.aname = "PCMA"
					if f.MULaw {
						t.aname = "PCMU"
					}
				}
			case *format.Opus:
				if t.aform == nil {
					t.amedia, t.aform, t.aname, t.aclock = m, f, "opus", 48000
				}
			case *format.MPEG4Audio, *format.MPEG4AudioLATM:
				t.warns = append(t.warns, WarnAAC)
			default:
				if m.Type == description.MediaTypeAudio {
					t.warns = append(t.warns, WarnAudio)
				}
			}
		}
	}
	if t.vform == nil {
		return t, fmt.Errorf("%w: no H.264 or H.265 video in the stream", ErrUnsupported)
	}
	return t, nil
}

// dial opens the RTSP session to cam and DESCRIBEs it; the client is
// closed when ctx ends.
func (s *source) dial(ctx context.Context, cam Camera) (*gortsplib.Client, *description.Session, error) {
	u, err := base.ParseURL(cam.RTSPURL)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: rtsp_url", ErrInvalid)
	}
	proto := gortsplib.ProtocolTCP
	if cam.Transport == TransportUDP {
		proto = gortsplib.ProtocolUDP
	}
	c := &gortsplib.Client{
		Scheme:        u.Scheme,
		Host:          u.Host,
		Protocol:      &proto,
		ReadTimeout:   s.relay.cfg.ReadTimeout,
		WriteTimeout:  s.relay.cfg.ReadTimeout,
		OnPacketsLost: func(n uint64) { s.lost.Add(n) },
		OnDecodeError: func(error) {},
	}
	if err := c.Start(); err != nil {
		return nil, nil, err
	}
	stop := context.AfterFunc(ctx, c.Close)
	desc, _, err := c.Describe(u)
	if err != nil {
		stop()
		c.Close()
		return nil, nil, err
	}
	return c, desc, nil
}

// pull runs one upstream session until it fails, ctx ends, an on-demand
// camera goes idle (errIdle) or its stream is edited (errEdited). got
// reports whether media arrived.
func (s *source) pull(ctx context.Context) (got bool, err error) {
	sctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	defer func() {
		if ctx.Err() == nil && errors.Is(context.Cause(sctx), errEdited) {
			err = errEdited
		}
	}()
	s.mu.Lock()
	s.pullStop = cancel
	cam := s.cam
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.pullStop = nil
		s.mu.Unlock()
	}()
	c, desc, err := s.dial(sctx, cam)
	if err != nil {
		return false, err
	}
	defer c.Close()
	t, err := chooseTracks(desc)
	for _, w := range t.warns {
		s.warn(w)
	}
	if err != nil {
		s.warn(WarnNoVideo)
		return false, err
	}
	var vc videoCodec
	switch f := t.vform.(type) {
	case *format.H264:
		vc, err = newH264(f)
	case *format.H265:
		vc, err = newH265(f)
	}
	if err != nil {
		return false, err
	}
	if _, err := c.Setup(desc.BaseURL, t.vmedia, 0, 0); err != nil {
		return false, err
	}
	if t.amedia != nil {
		if _, err := c.Setup(desc.BaseURL, t.amedia, 0, 0); err != nil {
			t.amedia = nil // play video alone rather than nothing
		}
	}
	epoch := s.epoch.Add(1)
	s.hub.reset()
	s.meter.reset()
	s.mu.Lock()
	s.codec, s.vcodec = vc.name(), vc
	s.audio, s.audioClk = "", 0
	if t.amedia != nil {
		s.audio, s.audioClk = t.aname, t.aclock
	}
	s.mu.Unlock()

	var gotMedia atomic.Bool
	c.OnPacketRTP(t.vmedia, t.vform, func(p *rtp.Packet) {
		gotMedia.Store(true)
		s.lastPayload.Store(time.Now().UnixNano())
		s.onVideo(vc, p, epoch)
	})
	if t.amedia != nil {
		c.OnPacketRTP(t.amedia, t.aform, func(p *rtp.Packet) {
			s.hub.publish(&unit{ts: p.Timestamp, pkts: []*rtp.Packet{clonePacket(p)}, size: len(p.Payload), epoch: epoch})
		})
	}
	if _, err := c.Play(nil); err != nil {
		return false, err
	}
	s.setState(StateOnline, nil)
	s.relay.log.Info("camera online", "camera", s.id, "codec", vc.name(), "audio", t.aname, "transport", cam.Transport)

	waited := make(chan error, 1)
	go func() { waited <- c.Wait() }()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-sctx.Done():
			return gotMedia.Load(), sctx.Err()
		case err := <-waited:
			return gotMedia.Load(), err
		case <-tick.C:
			if !s.watched() {
				return gotMedia.Load(), errIdle
			}
		}
	}
}

// onVideo turns the camera's packets into access units, re-packetized once
// for every viewer.
func (s *source) onVideo(vc videoCodec, p *rtp.Packet, epoch uint64) {
	au, err := vc.decode(p)
	if err != nil {
		return
	}
	au, key, bframe := vc.prepare(au)
	if len(au) == 0 {
		return
	}
	if bframe {
		s.warn(WarnBFrames)
	}
	pkts, err := vc.encode(au)
	if err != nil || len(pkts) == 0 {
		return
	}
	size := 0
	for _, q := range pkts {
		q.Timestamp = p.Timestamp
		size += len(q.Payload)
	}
	u := &unit{video: true, key: key, ts: p.Timestamp, pkts: pkts, size: size, epoch: epoch}
	if key {
		u.au = make([][]byte, len(au))
		for i, n := range au {
			u.au[i] = clone(n)
		}
		w, h := vc.size()
		prof := vc.profile()
		s.mu.Lock()
		s.width, s.height, s.profile = w, h, prof
		s.mu.Unlock()
	}
	s.meter.add(time.Now(), size, key)
	s.hub.publish(u)
}

func clonePacket(p *rtp.Packet) *rtp.Packet {
	q := &rtp.Packet{Header: p.Header, Payload: clone(p.Payload)}
	q.Header.CSRC = nil
	q.Header.Extensions = nil
	q.Header.Extension = false
	return q
}
