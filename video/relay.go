package video

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/bluenviron/gortsplib/v5/pkg/format"
	"github.com/pion/webrtc/v4"
)

// Defaults of Config's zero fields.
const (
	DefaultIdleTimeout    = 10 * time.Second
	DefaultProbeTimeout   = 5 * time.Second
	DefaultReadTimeout    = 10 * time.Second
	DefaultGatherTimeout  = 3 * time.Second
	DefaultCatchupBitrate = 20e6
	DefaultMaxViewers     = 500
	DefaultConnectTimeout = 30 * time.Second
)

// DefaultBackoff are the reconnect waits, the last repeated.
var DefaultBackoff = []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 30 * time.Second}

// Config is the relay's configuration, filled by cmd.
type Config struct {
	ICE ICEConfig
	// IdleTimeout is how long an on-demand camera stays pulled after its
	// last viewer left.
	IdleTimeout time.Duration
	// ProbeTimeout bounds the DESCRIBE of Put.
	ProbeTimeout time.Duration
	// ReadTimeout is the RTSP read timeout: a camera silent this long is
	// offline.
	ReadTimeout time.Duration
	// GatherTimeout bounds ICE gathering before the answer is sent.
	GatherTimeout time.Duration
	// Backoff are the waits between reconnects (jittered ±20 %).
	Backoff []time.Duration
	// CatchupBitrate is the pace (bits/s) of a new viewer's catch-up.
	CatchupBitrate float64
	// MaxViewers bounds the WHEP sessions of all cameras together (each
	// holds a peer connection); more are refused with ErrBusy.
	MaxViewers int
	// ConnectTimeout ends a session whose peer has not connected by then.
	ConnectTimeout time.Duration
	// FFmpeg is the ffmpeg binary for snapshots ("" = "ffmpeg" from PATH).
	FFmpeg string
	Logger *slog.Logger
}

// Relay is the camera registry and the RTSP-to-WebRTC relay. Create it
// with New (which binds the ICE sockets), add cameras with Put, Close at
// the end.
type Relay struct {
	cfg Config
	log *slog.Logger
	api *webrtc.API
	lis *listeners

	ctx    context.Context
	cancel context.CancelFunc

	// writes makes Put and Delete one at a time: an edit reads the record
	// it changes, and probes before it changes it.
	writes sync.Mutex

	mu       sync.Mutex
	sources  map[string]*source
	sessions map[string]*session
	closed   bool

	snap  snapCache
	certs certSource
}

// New builds the relay and binds its shared UDP and ICE-TCP sockets, so
// that a port in use fails here.
func New(cfg Config) (*Relay, error) {
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.ProbeTimeout <= 0 {
		cfg.ProbeTimeout = DefaultProbeTimeout
	}
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = DefaultReadTimeout
	}
	if cfg.GatherTimeout <= 0 {
		cfg.GatherTimeout = DefaultGatherTimeout
	}
	if len(cfg.Backoff) == 0 {
		cfg.Backoff = DefaultBackoff
	}
	if cfg.CatchupBitrate <= 0 {
		cfg.CatchupBitrate = DefaultCatchupBitrate
	}
	if cfg.MaxViewers <= 0 {
		cfg.MaxViewers = DefaultMaxViewers
	}
	if cfg.ConnectTimeout <= 0 {
		cfg.ConnectTimeout = DefaultConnectTimeout
	}
	if cfg.FFmpeg == "" {
		cfg.FFmpeg = "ffmpeg"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	lis, err := openListeners(cfg.ICE)
	if err != nil {
		return nil, err
	}
	api, err := newAPI(cfg.ICE, lis, cfg.Logger.With("component", "video"))
	if err != nil {
		lis.close()
		return nil, err
	}
	r := &Relay{cfg: cfg, log: cfg.Logger.With("component", "video"), api: api, lis: lis,
		sources: make(map[string]*source), sessions: make(map[string]*session)}
	r.ctx, r.cancel = context.WithCancel(context.Background())
	return r, nil
}

// Put adds a camera and probes its stream, or edits one in place (see
// edit: its viewers stay). A new camera is kept even when the probe fails
// (Probe.Error says why; the relay keeps retrying). Errors: ErrInvalid for
// a bad record, ErrClosed.
func (r *Relay) Put(ctx context.Context, cam Camera) (Probe, error) {
	cam, err := cam.Normalize()
	if err != nil {
		return Probe{}, err
	}
	r.writes.Lock()
	defer r.writes.Unlock()
	if old, err := r.source(cam.ID); err == nil {
		return r.edit(ctx, old, cam)
	} else if errors.Is(err, ErrClosed) {
		return Probe{}, err
	}
	src := newSource(r, cam)
	probe := r.probe(ctx, src)
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return probe, ErrClosed
	}
	r.sources[cam.ID] = src
	r.mu.Unlock()
	sctx, cancel := context.WithCancel(r.ctx)
	src.cancel = cancel
	go src.run(sctx)
	r.log.Info("camera added", "camera", cam.ID, "url", RedactURL(cam.RTSPURL), "codec", probe.Codec, "probe_error", probe.Error)
	return probe, nil
}

// probe DESCRIBEs the camera and seeds its status with what it found.
func (r *Relay) probe(ctx context.Context, src *source) Probe {
	p := Probe{Warnings: []Warning{}}
	cam := src.camera()
	pctx, cancel := context.WithTimeout(ctx, r.cfg.ProbeTimeout)
	defer cancel()
	type result struct {
		t   tracks
		err error
	}
	done := make(chan result, 1)
	go func() {
		c, desc, err := src.dial(pctx, cam)
		if err != nil {
			done <- result{err: err}
			return
		}
		defer c.Close()
		t, err := chooseTracks(desc)
		done <- result{t, err}
	}()
	var res result
	select {
	case res = <-done:
	case <-pctx.Done():
		res.err = fmt.Errorf("probe: no answer within %s", r.cfg.ProbeTimeout)
	}
	for _, w := range res.t.warns {
		src.warn(w)
	}
	switch res.t.vform.(type) {
	case *format.H264:
		src.codec, p.Codec = CodecH264, CodecH264
	case *format.H265:
		src.codec, p.Codec = CodecH265, CodecH265
	}
	if res.t.aform != nil {
		src.audio, src.audioClk = res.t.aname, res.t.aclock
		p.Audio = res.t.aname
	}
	if res.err != nil {
		p.Error = redactError(res.err, cam.RTSPURL)
		src.lastErr = p.Error
		if !cam.OnDemand {
			src.state = StateOffline
		}
	}
	p.Warnings = append(p.Warnings, src.warnings...)
	return p
}

// Delete removes a camera and ends its viewers' sessions; ErrNotFound.
func (r *Relay) Delete(_ context.Context, id string) error {
	r.writes.Lock()
	defer r.writes.Unlock()
	r.mu.Lock()
	src := r.sources[id]
	delete(r.sources, id)
	r.mu.Unlock()
	if src == nil {
		return fmt.Errorf("%w: camera %s", ErrNotFound, id)
	}
	r.stopSource(src)
	r.log.Info("camera deleted", "camera", id)
	return nil
}

// stopSource stops the pull and ends every session on it.
func (r *Relay) stopSource(src *source) {
	if src.cancel != nil {
		src.cancel()
		<-src.done
	}
	r.mu.Lock()
	var ends []*session
	for _, s := range r.sessions {
		if s.src == src {
			ends = append(ends, s)
		}
	}
	r.mu.Unlock()
	for _, s := range ends {
		r.endSession(s)
	}
	r.snap.mu.Lock()
	delete(r.snap.last, src)
	r.snap.mu.Unlock()
}

// Camera returns one camera, redacted, with its status; ErrNotFound.
func (r *Relay) Camera(id string) (CameraInfo, error) {
	src, err := r.source(id)
	if err != nil {
		return CameraInfo{}, err
	}
	return r.info(src), nil
}

// Cameras lists every camera, redacted, with its status, by id.
func (r *Relay) Cameras() []CameraInfo {
	r.mu.Lock()
	srcs := make([]*source, 0, len(r.sources))
	for _, s := range r.sources {
		srcs = append(srcs, s)
	}
	r.mu.Unlock()
	slices.SortFunc(srcs, func(a, b *source) int {
		if a.id < b.id {
			return -1
		}
		return 1
	})
	out := make([]CameraInfo, len(srcs))
	for i, s := range srcs {
		out[i] = r.info(s)
	}
	return out
}

func (r *Relay) info(src *source) CameraInfo {
	fps, bps, kfi := src.meter.read()
	src.mu.Lock()
	cam := src.cam
	st := Status{
		State: src.state, LastError: src.lastErr, Codec: src.codec, Audio: src.audio,
		Width: src.width, Height: src.height, FPS: round2(fps), BitrateBPS: float64(int64(bps)), KeyframeInterval: round2(kfi),
		Viewers: int(src.viewers.Load()), PacketsLost: src.lost.Load(), Reconnects: src.reconnects.Load(),
		Warnings: append([]Warning{}, src.warnings...),
	}
	src.mu.Unlock()
	if st.State != StateOnline {
		st.FPS, st.BitrateBPS = 0, 0
	}
	info := CameraInfo{Camera: cam.Redacted(), Status: st}
	r.mu.Lock()
	for _, s := range r.sessions {
		if s.src == src {
			state := "connecting"
			if s.v.live.Load() {
				state = "live"
			}
			info.ViewerList = append(info.ViewerList, ViewerStatus{Session: s.id, Viewer: s.v.info.Name, Station: s.v.info.Station,
				Started: s.v.started, BytesSent: s.v.bytes.Load(), Dropped: s.v.dropped.Load(), Repairs: s.v.repairs.Load(), Lost: s.v.lost.Load(), State: state})
		}
	}
	r.mu.Unlock()
	slices.SortFunc(info.ViewerList, func(a, b ViewerStatus) int { return a.Started.Compare(b.Started) })
	return info
}

func round2(f float64) float64 { return float64(int64(f*100+0.5)) / 100 }

// Record returns a camera's full record, credentials included, for
// callers that must write it back (config export); never for clients.
func (r *Relay) Record(id string) (Camera, error) {
	src, err := r.source(id)
	if err != nil {
		return Camera{}, err
	}
	return src.camera(), nil
}

func (r *Relay) source(id string) (*source, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, ErrClosed
	}
	src := r.sources[id]
	if src == nil {
		return nil, fmt.Errorf("%w: camera %s", ErrNotFound, id)
	}
	return src, nil
}

func (r *Relay) addSession(s *session) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return ErrClosed
	}
	if r.sources[s.src.id] != s.src {
		return fmt.Errorf("%w: camera %s", ErrNotFound, s.src.id)
	}
	// An edit that removed the viewer's station while its offer was being
	// answered ended the sessions there were; this one must not slip by.
	if st := s.v.info.Station; st != "" && !slices.Contains(s.src.camera().Stations, st) {
		return fmt.Errorf("%w: camera %s", ErrNotFound, s.src.id)
	}
	r.sessions[s.id] = s
	return nil
}

func (r *Relay) sessionCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.sessions)
}

func (r *Relay) sessionOf(camID, id string) (*session, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.sessions[id]
	if s == nil || s.src.id != camID {
		return nil, fmt.Errorf("%w: session", ErrNotFound)
	}
	return s, nil
}

// media is the codec, audio codec and audio clock viewers are offered.
func (s *source) media() (codec, audio string, aclock uint32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.codec, s.audio, s.audioClk
}

// h264Profile is the camera's profile_idc in hex, "" before a keyframe.
func (s *source) h264Profile() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.profile
}

// Close ends every session and pull and releases the sockets.
func (r *Relay) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	srcs := make([]*source, 0, len(r.sources))
	for _, s := range r.sources {
		srcs = append(srcs, s)
	}
	sessions := make([]*session, 0, len(r.sessions))
	for _, s := range r.sessions {
		sessions = append(sessions, s)
	}
	r.mu.Unlock()
	r.cancel()
	for _, s := range sessions {
		r.endSession(s)
		_ = s.pc.Close()
	}
	for _, s := range srcs {
		<-s.done
	}
	r.lis.close()
	return nil
}
