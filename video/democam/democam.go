// Package democam is riverwatch's built-in demo camera: a small H.264 clip
// (testsrc2 with noise, 640x360, 25 fps, a keyframe every 10 s, no
// B-frames; see README.md for the ffmpeg command) looped by an in-process
// RTSP server, so the video wall works out of the box through the same
// RTSP client path as a real camera. videotest builds its fake cameras on
// it.
package democam

import (
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bluenviron/gortsplib/v5"
	"github.com/bluenviron/gortsplib/v5/pkg/base"
	"github.com/bluenviron/gortsplib/v5/pkg/description"
	"github.com/bluenviron/gortsplib/v5/pkg/format"
	"github.com/bluenviron/gortsplib/v5/pkg/format/rtph264"
	"github.com/bluenviron/gortsplib/v5/pkg/format/rtph265"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/mpeg4audio"
	"github.com/pion/rtp"
)

// Config of a Server.
type Config struct {
	Addr string // RTSP listen address, e.g. "127.0.0.1:0"
	Path string // stream path, default "demo"
	// UDPPort, when set, also serves RTP over UDP on it (RTCP on the next
	// port), on Addr's host.
	UDPPort int
	Clip    *Clip // default Demo()
	// InBandParams repeats SPS and PPS only inside the stream, not in the
	// SDP (as many cameras do); the default puts them in the SDP too.
	InBandParams bool
	// Audio adds a G.711 µ-law track (a 400 Hz tone, 20 ms packets).
	Audio bool
	// AAC announces an AAC track too (no packets), as many cameras do.
	AAC    bool
	Logger *slog.Logger
}

// Server is an RTSP server looping one clip in real time to any number of
// readers. The clip restarts from its first keyframe whenever a reader
// arrives to find nobody else watching.
type Server struct {
	cfg    Config
	srv    *gortsplib.Server
	stream *gortsplib.ServerStream
	media  *description.Media
	audio  *description.Media
	addr   string

	sessions atomic.Int64 // sessions ever opened
	active   atomic.Int64 // sessions now playing
	rewind   atomic.Bool

	stop chan struct{}
	// ready is closed once stream is set: the server takes connections
	// as soon as it starts, before the stream exists.
	ready chan struct{}
	wg    sync.WaitGroup
}

// Start binds the server and starts the loop.
func Start(cfg Config) (*Server, error) {
	if cfg.Path == "" {
		cfg.Path = "demo"
	}
	if cfg.Clip == nil {
		c, err := Demo()
		if err != nil {
			return nil, err
		}
		cfg.Clip = c
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, stop: make(chan struct{}), ready: make(chan struct{})}
	var f format.Format
	if cfg.Clip.H265 {
		f265 := &format.H265{PayloadTyp: 96}
		if !cfg.InBandParams {
			f265.VPS, f265.SPS, f265.PPS = cfg.Clip.VPS, cfg.Clip.SPS, cfg.Clip.PPS
		}
		f = f265
	} else {
		f264 := &format.H264{PayloadTyp: 96, PacketizationMode: 1}
		if !cfg.InBandParams {
			f264.SPS, f264.PPS = cfg.Clip.SPS, cfg.Clip.PPS
		}
		f = f264
	}
	s.media = &description.Media{Type: description.MediaTypeVideo, Formats: []format.Format{f}}
	medias := []*description.Media{s.media}
	if cfg.Audio {
		s.audio = &description.Media{Type: description.MediaTypeAudio, Formats: []format.Format{&format.G711{PayloadTyp: 0, MULaw: true, SampleRate: 8000, ChannelCount: 1}}}
		medias = append(medias, s.audio)
	}
	if cfg.AAC {
		medias = append(medias, &description.Media{Type: description.MediaTypeAudio, Formats: []format.Format{&format.MPEG4Audio{
			PayloadTyp: 97, Config: &mpeg4audio.AudioSpecificConfig{Type: mpeg4audio.ObjectTypeAACLC, SampleRate: 16000, ChannelConfig: 1},
			SizeLength: 13, IndexLength: 3, IndexDeltaLength: 3,
		}}})
	}
	s.srv = &gortsplib.Server{
		Handler:     (*handler)(s),
		RTSPAddress: cfg.Addr,
		Listen: func(network, address string) (net.Listener, error) {
			ln, err := net.Listen(network, address)
			if err == nil {
				s.addr = ln.Addr().String()
			}
			return ln, err
		},
	}
	if cfg.UDPPort != 0 {
		host, _, err := net.SplitHostPort(cfg.Addr)
		if err != nil {
			return nil, fmt.Errorf("democam: %w", err)
		}
		s.srv.UDPRTPAddress = net.JoinHostPort(host, strconv.Itoa(cfg.UDPPort))
		s.srv.UDPRTCPAddress = net.JoinHostPort(host, strconv.Itoa(cfg.UDPPort+1))
	}
	if err := s.srv.Start(); err != nil {
		return nil, fmt.Errorf("democam: listen %s: %w", cfg.Addr, err)
	}
	s.stream = &gortsplib.ServerStream{Server: s.srv, Desc: &description.Session{Medias: medias}}
	if err := s.stream.Initialize(); err != nil {
		close(s.stop)
		s.srv.Close()
		return nil, fmt.Errorf("democam: %w", err)
	}
	close(s.ready)
	s.wg.Add(1)
	go s.loop(f)
	if s.audio != nil {
		s.wg.Add(1)
		go s.audioLoop()
	}
	return s, nil
}

// Addr is the bound RTSP address.
func (s *Server) Addr() string { return s.addr }

// URL is the stream's rtsp:// URL.
func (s *Server) URL() string { return "rtsp://" + s.addr + "/" + s.cfg.Path }

// Sessions counts the RTSP sessions ever opened.
func (s *Server) Sessions() int64 { return s.sessions.Load() }

// Active counts the sessions now playing.
func (s *Server) Active() int64 { return s.active.Load() }

// Close stops the loop and the server.
func (s *Server) Close() {
	close(s.stop)
	s.wg.Wait()
	s.stream.Close()
	s.srv.Close()
}

// auEncoder is rtph264's or rtph265's encoder.
type auEncoder interface {
	Encode(au [][]byte) ([]*rtp.Packet, error)
}

// loop writes the clip's access units in real time, forever.
func (s *Server) loop(f format.Format) {
	defer s.wg.Done()
	var enc auEncoder
	var err error
	if s.cfg.Clip.H265 {
		e := &rtph265.Encoder{PayloadType: f.PayloadType(), PayloadMaxSize: 1200}
		err, enc = e.Init(), e
	} else {
		e := &rtph264.Encoder{PayloadType: f.PayloadType(), PacketizationMode: 1, PayloadMaxSize: 1200}
		err, enc = e.Init(), e
	}
	if err != nil {
		s.cfg.Logger.Error("democam encoder", "err", err)
		return
	}
	clip := s.cfg.Clip
	step := uint32(90000 / clip.FPS)
	frame := time.Second / time.Duration(clip.FPS)
	ts := uint32(time.Now().UnixNano())
	tick := time.NewTicker(frame)
	defer tick.Stop()
	i := 0
	for {
		select {
		case <-s.stop:
			return
		case <-tick.C:
		}
		if s.rewind.Swap(false) {
			i = 0
		}
		pkts, err := enc.Encode(clip.AUs[i])
		if err == nil {
			for _, p := range pkts {
				p.Timestamp = ts
				if err := s.stream.WritePacketRTP(s.media, p); err != nil {
					break
				}
			}
		}
		ts += step
		i = (i + 1) % len(clip.AUs)
	}
}

// audioLoop writes 20 ms G.711 packets of a 400 Hz tone.
func (s *Server) audioLoop() {
	defer s.wg.Done()
	payload := make([]byte, 160)
	for i := range payload {
		// µ-law of a small square wave: 0x9f and 0x1f are ±about 500.
		if (i/10)%2 == 0 {
			payload[i] = 0x9f
		} else {
			payload[i] = 0x1f
		}
	}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	ts, seq := uint32(time.Now().UnixNano()), uint16(time.Now().UnixNano())
	for {
		select {
		case <-s.stop:
			return
		case <-tick.C:
		}
		p := &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 0, SequenceNumber: seq, Timestamp: ts, SSRC: 0x5ee1, Marker: false}, Payload: payload}
		_ = s.stream.WritePacketRTP(s.audio, p)
		seq++
		ts += 160
	}
}

// handler is the gortsplib server handler of a Server.
type handler Server

func (h *handler) OnSessionOpen(*gortsplib.ServerHandlerOnSessionOpenCtx) { h.sessions.Add(1) }

func (h *handler) OnSessionClose(ctx *gortsplib.ServerHandlerOnSessionCloseCtx) {
	if ctx.Session.State() == gortsplib.ServerSessionStatePlay {
		h.active.Add(-1)
	}
}

func (h *handler) OnDescribe(ctx *gortsplib.ServerHandlerOnDescribeCtx) (*base.Response, *gortsplib.ServerStream, error) {
	if ctx.Path != "/"+h.cfg.Path && ctx.Path != h.cfg.Path {
		return &base.Response{StatusCode: base.StatusNotFound}, nil, nil
	}
	return (*Server)(h).streamResponse()
}

func (h *handler) OnSetup(ctx *gortsplib.ServerHandlerOnSetupCtx) (*base.Response, *gortsplib.ServerStream, error) {
	return (*Server)(h).streamResponse()
}

// streamResponse answers with the stream once Start has made it, or 503
// when the camera stops first. A client can connect the moment the server
// listens (a relay reconnecting after a restart does), before the stream
// exists.
func (s *Server) streamResponse() (*base.Response, *gortsplib.ServerStream, error) {
	select {
	case <-s.ready:
		return &base.Response{StatusCode: base.StatusOK}, s.stream, nil
	case <-s.stop:
		return &base.Response{StatusCode: base.StatusServiceUnavailable}, nil, nil
	}
}

func (h *handler) OnPlay(*gortsplib.ServerHandlerOnPlayCtx) (*base.Response, error) {
	if h.active.Add(1) == 1 {
		h.rewind.Store(true)
	}
	return &base.Response{StatusCode: base.StatusOK}, nil
}
