package videobench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/bluenviron/gortsplib/v5"
	"github.com/bluenviron/gortsplib/v5/pkg/base"
	"github.com/bluenviron/gortsplib/v5/pkg/format"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"

	"github.com/riverwatch/riverwatch/video/videotest"
)

// Plain is the baseline riverwatch is measured against: plain forwarding,
// the way mediamtx and go2rtc forward. One RTSP pull; every RTP packet is
// written to one pion TrackLocalStaticRTP shared by all viewers, which
// writes it to each viewer in turn in the pull's goroutine. A new viewer
// gets packets from the moment it joins, so its first whole picture waits
// for the camera's next keyframe.
type Plain struct {
	api    *webrtc.API
	track  *webrtc.TrackLocalStaticRTP
	client *gortsplib.Client
	mu     sync.Mutex
	peers  map[string]*webrtc.PeerConnection
}

// StartPlain pulls rtspURL over TCP and forwards it.
func StartPlain(rtspURL string) (*Plain, error) {
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		return nil, err
	}
	se := webrtc.SettingEngine{}
	videotest.LoopbackOnly(&se)
	api := webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithSettingEngine(se))
	track, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{
		MimeType: webrtc.MimeTypeH264, ClockRate: 90000,
		SDPFmtpLine: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
	}, "video", "plain")
	if err != nil {
		return nil, err
	}
	u, err := base.ParseURL(rtspURL)
	if err != nil {
		return nil, err
	}
	tcp := gortsplib.ProtocolTCP
	c := &gortsplib.Client{Scheme: u.Scheme, Host: u.Host, Protocol: &tcp}
	if err := c.Start(); err != nil {
		return nil, err
	}
	desc, _, err := c.Describe(u)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("videobench: plain: describe: %w", err)
	}
	var h *format.H264
	medi := desc.FindFormat(&h)
	if medi == nil {
		c.Close()
		return nil, fmt.Errorf("videobench: plain: no H.264 in %s", rtspURL)
	}
	if _, err := c.Setup(desc.BaseURL, medi, 0, 0); err != nil {
		c.Close()
		return nil, fmt.Errorf("videobench: plain: setup: %w", err)
	}
	c.OnPacketRTP(medi, h, func(pkt *rtp.Packet) {
		_ = track.WriteRTP(pkt) // the shared track: every viewer in turn
	})
	if _, err := c.Play(nil); err != nil {
		c.Close()
		return nil, fmt.Errorf("videobench: plain: play: %w", err)
	}
	return &Plain{api: api, track: track, client: c, peers: map[string]*webrtc.PeerConnection{}}, nil
}

// Close ends the pull and every viewer.
func (p *Plain) Close() {
	p.client.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for id, pc := range p.peers {
		pc.Close()
		delete(p.peers, id)
	}
}

// Viewers is the number of peers.
func (p *Plain) Viewers() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.peers)
}

// WHEP answers an offer; the viewer is added to the shared track.
func (p *Plain) WHEP(_ context.Context, offer string) (answer, id string, err error) {
	pc, err := p.api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return "", "", err
	}
	fail := func(err error) (string, string, error) { pc.Close(); return "", "", err }
	sender, err := pc.AddTrack(p.track)
	if err != nil {
		return fail(err)
	}
	go func() { // RTCP must be read for the interceptors to run
		buf := make([]byte, 1500)
		for {
			if _, _, err := sender.Read(buf); err != nil {
				return
			}
		}
	}()
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}); err != nil {
		return fail(fmt.Errorf("videobench: plain: offer: %w", err))
	}
	ans, err := pc.CreateAnswer(nil)
	if err != nil {
		return fail(err)
	}
	done := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(ans); err != nil {
		return fail(err)
	}
	<-done
	var b [8]byte
	_, _ = rand.Read(b[:])
	id = hex.EncodeToString(b[:])
	p.mu.Lock()
	p.peers[id] = pc
	p.mu.Unlock()
	return pc.LocalDescription().SDP, id, nil
}

// End removes a viewer.
func (p *Plain) End(id string) {
	p.mu.Lock()
	pc := p.peers[id]
	delete(p.peers, id)
	p.mu.Unlock()
	if pc != nil {
		pc.Close()
	}
}

// ServeHTTP is a minimal WHEP endpoint: POST /whep, DELETE /whep/{id}.
func (p *Plain) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/whep":
		offer, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		ans, id, err := p.WHEP(r.Context(), string(offer))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/sdp")
		w.Header().Set("Location", "/whep/"+id)
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, ans)
	case r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, "/whep/"):
		p.End(strings.TrimPrefix(r.URL.Path, "/whep/"))
		w.WriteHeader(http.StatusOK)
	default:
		http.NotFound(w, r)
	}
}
