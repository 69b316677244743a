package videobench

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bluenviron/gortsplib/v5"
	"github.com/bluenviron/gortsplib/v5/pkg/base"
	"github.com/bluenviron/gortsplib/v5/pkg/description"
	"github.com/bluenviron/gortsplib/v5/pkg/format"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
)

// Camera is an RTSP server on loopback that plays a Clip in a loop at its
// frame rate, as an IP camera would: one stream at /cam, over TCP
// (interleaved) and UDP. Stop and Start take it down and bring it back on
// the same addresses, the clip starting again from its first keyframe.
type Camera struct {
	clip     *Clip
	rtspAddr string
	rtpPort  int // UDP RTP port; RTCP is the next one
	mu       sync.Mutex
	srv      *gortsplib.Server
	stream   *gortsplib.ServerStream
	cancel   context.CancelFunc
	done     chan struct{}
	lastIDR  time.Time
	frames   int64
}

// StartCamera starts a camera for clip on free loopback ports.
func StartCamera(clip *Clip) (*Camera, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("videobench: camera: %w", err)
	}
	addr := l.Addr().String()
	l.Close()
	port, err := freeUDPPair()
	if err != nil {
		return nil, err
	}
	c := &Camera{clip: clip, rtspAddr: addr, rtpPort: port}
	if err := c.Start(); err != nil {
		return nil, err
	}
	return c, nil
}

// freeUDPPair finds an even UDP port whose successor is free too (RTSP over
// UDP wants RTP and RTCP on such a pair).
func freeUDPPair() (int, error) {
	for range 50 {
		a, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			return 0, fmt.Errorf("videobench: camera: %w", err)
		}
		p := a.LocalAddr().(*net.UDPAddr).Port
		a.Close()
		if p%2 == 1 {
			p--
		}
		ok := true
		for _, q := range []int{p, p + 1} {
			b, err := net.ListenPacket("udp4", fmt.Sprintf("127.0.0.1:%d", q))
			if err != nil {
				ok = false
				break
			}
			b.Close()
		}
		if ok {
			return p, nil
		}
	}
	return 0, errors.New("videobench: camera: no free UDP port pair")
}

// URL is the camera's stream address.
func (c *Camera) URL() string { return "rtsp://" + c.rtspAddr + "/cam" }

// Start brings the camera (back) up. It is a no-op while it runs.
func (c *Camera) Start() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.srv != nil {
		return nil
	}
	h := &cameraHandler{}
	srv := &gortsplib.Server{
		Handler:        h,
		RTSPAddress:    c.rtspAddr,
		UDPRTPAddress:  fmt.Sprintf("127.0.0.1:%d", c.rtpPort),
		UDPRTCPAddress: fmt.Sprintf("127.0.0.1:%d", c.rtpPort+1),
		WriteQueueSize: 4096,
	}
	if err := srv.Start(); err != nil {
		return fmt.Errorf("videobench: camera: %w", err)
	}
	desc := &description.Session{Medias: []*description.Media{{
		Type: description.MediaTypeVideo,
		Formats: []format.Format{&format.H264{
			PayloadTyp: 96, PacketizationMode: 1, SPS: c.clip.SPS, PPS: c.clip.PPS,
		}},
	}}}
	stream := &gortsplib.ServerStream{Server: srv, Desc: desc}
	if err := stream.Initialize(); err != nil {
		srv.Close()
		return fmt.Errorf("videobench: camera: %w", err)
	}
	h.stream.Store(stream)
	ctx, cancel := context.WithCancel(context.Background())
	c.srv, c.stream, c.cancel, c.done = srv, stream, cancel, make(chan struct{})
	go c.play(ctx, stream, c.done)
	return nil
}

// Stop takes the camera down: its connections and sessions end.
func (c *Camera) Stop() {
	c.mu.Lock()
	srv, stream, cancel, done := c.srv, c.stream, c.cancel, c.done
	c.srv = nil
	c.mu.Unlock()
	if srv == nil {
		return
	}
	cancel()
	<-done
	stream.Close()
	srv.Close()
}

// Close is Stop.
func (c *Camera) Close() { c.Stop() }

// play writes the clip's access units in real time, looping, with RTP
// timestamps that keep increasing across loops.
func (c *Camera) play(ctx context.Context, stream *gortsplib.ServerStream, done chan struct{}) {
	defer close(done)
	medi := stream.Desc.Medias[0]
	enc, err := medi.Formats[0].(*format.H264).CreateEncoder()
	if err != nil {
		panic("videobench: camera: " + err.Error()) // a constant format: cannot fail
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	ts0 := binary.BigEndian.Uint32(b[:])
	step := c.clip.FrameDuration()
	start := time.Now()
	tick := time.NewTimer(0)
	defer tick.Stop()
	for i := int64(0); ; i++ {
		at := start.Add(time.Duration(i) * step)
		tick.Reset(time.Until(at))
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		au := c.clip.AUs[i%int64(len(c.clip.AUs))]
		pkts, err := enc.Encode(au)
		if err != nil {
			continue
		}
		ts := ts0 + uint32(i*90000/int64(c.clip.FPS))
		for _, p := range pkts {
			p.Timestamp = ts
			_ = stream.WritePacketRTP(medi, p)
		}
		c.mu.Lock()
		if h264.IsRandomAccess(au) {
			c.lastIDR = time.Now()
		}
		c.frames++
		c.mu.Unlock()
	}
}

// LastKeyframe is when the camera last sent a keyframe (zero before one).
func (c *Camera) LastKeyframe() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lastIDR
}

// Frame is the index in the clip of the access unit the camera sent last
// (what its frame code reads), and -1 before the first.
func (c *Camera) Frame() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frames == 0 {
		return -1
	}
	return (c.frames - 1) % int64(len(c.clip.AUs))
}

// WaitIntoGroup waits until the camera is d into a keyframe group (d after
// a keyframe went out), taking the next group if this one is past d.
func (c *Camera) WaitIntoGroup(ctx context.Context, d time.Duration) error {
	for {
		last := c.LastKeyframe()
		if !last.IsZero() {
			wait := time.Until(last.Add(d))
			if wait >= 0 {
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(wait):
					return nil
				}
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// WaitNextKeyframe waits until the camera sends a keyframe after now.
func (c *Camera) WaitNextKeyframe(ctx context.Context) error {
	now := time.Now()
	for !c.LastKeyframe().After(now) {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
	return nil
}

// cameraHandler answers DESCRIBE, SETUP and PLAY with the one stream.
// cameraHandler serves the camera's stream. The server takes connections
// as soon as it starts, before Start has made the stream: until then the
// answer is 503 and the client (a relay reconnecting) tries again.
type cameraHandler struct {
	stream atomic.Pointer[gortsplib.ServerStream]
}

func (h *cameraHandler) respond() (*base.Response, *gortsplib.ServerStream, error) {
	if st := h.stream.Load(); st != nil {
		return &base.Response{StatusCode: base.StatusOK}, st, nil
	}
	return &base.Response{StatusCode: base.StatusServiceUnavailable}, nil, nil
}

func (h *cameraHandler) OnDescribe(*gortsplib.ServerHandlerOnDescribeCtx) (*base.Response, *gortsplib.ServerStream, error) {
	return h.respond()
}

func (h *cameraHandler) OnSetup(*gortsplib.ServerHandlerOnSetupCtx) (*base.Response, *gortsplib.ServerStream, error) {
	return h.respond()
}

func (h *cameraHandler) OnPlay(*gortsplib.ServerHandlerOnPlayCtx) (*base.Response, error) {
	return &base.Response{StatusCode: base.StatusOK}, nil
}
