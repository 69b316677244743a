package video

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"
)

// session is one WHEP viewer: its peer connection and its writer.
type session struct {
	id     string
	src    *source
	pc     *webrtc.PeerConnection
	v      *viewer
	cancel context.CancelFunc
	once   sync.Once
	mid    string     // the video m-line's mid, for trickled candidates without one
	patch  sync.Mutex // one PATCH at a time: an ICE restart is a renegotiation
}

// maxOffer bounds an SDP offer; browsers send a few kilobytes.
const maxOffer = 64 << 10

// WHEP answers a viewer's SDP offer for camera camID and starts sending
// once the peer connects. Errors: ErrNotFound (no such camera), ErrInvalid
// (malformed offer), ErrUnsupported (the offer cannot receive the camera's
// codec), ErrClosed.
func (r *Relay) WHEP(ctx context.Context, camID, offer string, info ViewerInfo) (answer, sessionID string, err error) {
	src, err := r.source(camID)
	if err != nil {
		return "", "", err
	}
	var sd sdp.SessionDescription
	if len(offer) > maxOffer {
		return "", "", fmt.Errorf("%w: SDP offer larger than %d bytes", ErrInvalid, maxOffer)
	}
	if err := sd.UnmarshalString(offer); err != nil {
		return "", "", fmt.Errorf("%w: malformed SDP offer", ErrInvalid)
	}
	videoMid, hasVideo := "", false
	for _, m := range sd.MediaDescriptions {
		if m.MediaName.Media == "video" {
			hasVideo = true
			videoMid, _ = m.Attribute("mid")
			// Kept for the session: a copy, not a slice of the parser's
			// 4 KB blocks holding the rest of the offer.
			videoMid = strings.Clone(videoMid)
			break
		}
	}
	if !hasVideo {
		return "", "", fmt.Errorf("%w: the SDP offer has no video", ErrInvalid)
	}
	if n := r.sessionCount(); n >= r.cfg.MaxViewers {
		return "", "", fmt.Errorf("%w: %d viewers already", ErrBusy, n)
	}
	codec, audio, aclock := src.media()
	mime := webrtc.MimeTypeH264
	fmtp := "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"
	if codec == CodecH265 {
		if !offerHas(&sd, "video", "H265") {
			return "", "", fmt.Errorf("%w: camera %s sends H.265 and this browser's offer has no H.265", ErrUnsupported, camID)
		}
		mime, fmtp = webrtc.MimeTypeH265, ""
	}
	src.expect()

	cert, err := r.certs.get(time.Now())
	if err != nil {
		return "", "", err
	}
	pc, err := r.api.NewPeerConnection(webrtc.Configuration{
		ICEServers:   r.cfg.ICE.iceServers("riverwatch", time.Now()),
		Certificates: []webrtc.Certificate{cert},
	})
	if err != nil {
		return "", "", fmt.Errorf("video: peer connection: %w", err)
	}
	fail := func(err error) (string, string, error) {
		_ = pc.Close()
		return "", "", err
	}
	id := newID()
	vtrack := newTrack(webrtc.RTPCodecTypeVideo, webrtc.RTPCodecCapability{MimeType: mime, ClockRate: 90000, SDPFmtpLine: fmtp}, "video", "riverwatch-"+camID)
	vtrack.profile = src.h264Profile()
	vsender, err := pc.AddTrack(vtrack)
	if err != nil {
		return fail(err)
	}
	var atrack *track
	if amime := audioMime(audio); amime != "" && offerHas(&sd, "audio", audio) {
		atrack = newTrack(webrtc.RTPCodecTypeAudio, webrtc.RTPCodecCapability{MimeType: amime, ClockRate: aclock}, "audio", "riverwatch-"+camID)
		asender, err := pc.AddTrack(atrack)
		if err != nil {
			return fail(err)
		}
		go drainRTCP(asender, nil, nil)
	}
	v := newViewer(id, info, src.hub, vtrack, atrack, aclock, r.cfg.CatchupBitrate/8)
	v.writeRTCP = pc.WriteRTCP
	go drainRTCP(vsender, v.requestRepair, func(lost uint32) { v.lost.Store(lost) })
	s := &session{id: id, src: src, pc: pc, v: v, mid: videoMid}
	var connectedOnce sync.Once
	pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		switch st {
		case webrtc.PeerConnectionStateConnected:
			connectedOnce.Do(func() { close(v.connected) })
		case webrtc.PeerConnectionStateFailed, webrtc.PeerConnectionStateClosed:
			r.endSession(s)
		}
	})
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}); err != nil {
		return fail(fmt.Errorf("%w: SDP offer refused: %s", ErrInvalid, clip(err.Error(), 200)))
	}
	ans, err := pc.CreateAnswer(nil)
	if err != nil {
		return fail(fmt.Errorf("%w: cannot answer this offer: %s", ErrUnsupported, clip(err.Error(), 200)))
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(ans); err != nil {
		return fail(fmt.Errorf("%w: cannot answer this offer: %s", ErrUnsupported, clip(err.Error(), 200)))
	}
	t := time.NewTimer(r.cfg.GatherTimeout)
	defer t.Stop()
	select {
	case <-gathered:
	case <-t.C: // answer with the candidates found so far; the rest would need trickle
	case <-ctx.Done():
		return fail(ctx.Err())
	}
	if err := r.addSession(s); err != nil {
		return fail(err)
	}
	src.addViewer()
	sctx, cancel := context.WithCancel(r.ctx)
	s.cancel = cancel
	go func() {
		v.run(sctx, r.cfg.ConnectTimeout)
		r.endSession(s) // the peer is gone, never came, or the relay closes
	}()
	r.log.Info("viewer joined", "camera", camID, "session", id, "viewer", info.Name, "station", info.Station)
	return pc.LocalDescription().SDP, id, nil
}

// End closes a WHEP session (the client's DELETE).
func (r *Relay) End(camID, sessionID string) error {
	s, err := r.sessionOf(camID, sessionID)
	if err != nil {
		return err
	}
	r.endSession(s)
	return nil
}

func (r *Relay) endSession(s *session) {
	s.once.Do(func() {
		r.mu.Lock()
		delete(r.sessions, s.id)
		r.mu.Unlock()
		if s.cancel != nil {
			s.cancel()
			s.src.removeViewer()
		}
		go func() { _ = s.pc.Close() }() // Close waits for the callback that may have called us
		r.log.Info("viewer left", "camera", s.src.id, "session", s.id, "bytes", s.v.bytes.Load())
	})
}

func offerHas(sd *sdp.SessionDescription, kind, codec string) bool {
	for _, m := range sd.MediaDescriptions {
		if m.MediaName.Media != kind {
			continue
		}
		for _, a := range m.Attributes {
			if a.Key != "rtpmap" {
				continue
			}
			if _, enc, ok := strings.Cut(a.Value, " "); ok {
				name, _, _ := strings.Cut(enc, "/")
				if strings.EqualFold(name, codec) {
					return true
				}
			}
		}
	}
	return false
}

func audioMime(name string) string {
	switch name {
	case "PCMU":
		return webrtc.MimeTypePCMU
	case "PCMA":
		return webrtc.MimeTypePCMA
	case "opus":
		return webrtc.MimeTypeOpus
	}
	return ""
}

// drainRTCP reads the receiver's reports so the interceptors (NACK
// retransmission, reports) see them, calls onPLI for a picture loss or full
// intra request and onLost with the packets the viewer reports lost; it
// ends with the sender.
func drainRTCP(s *webrtc.RTPSender, onPLI func(), onLost func(uint32)) {
	var ssrc uint32
	if enc := s.GetParameters().Encodings; len(enc) > 0 {
		ssrc = uint32(enc[0].SSRC)
	}
	for {
		pkts, _, err := s.ReadRTCP()
		if err != nil {
			return
		}
		for _, p := range pkts {
			switch p := p.(type) {
			case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
				if onPLI != nil {
					onPLI()
				}
			case *rtcp.ReceiverReport:
				for _, r := range p.Reports {
					if onLost != nil && r.SSRC == ssrc {
						onLost(r.TotalLost)
					}
				}
			}
		}
	}
}

func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
