package video

import (
	"strings"
	"sync"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// track is one viewer's outgoing track. Unlike pion's TrackLocalStaticRTP
// it passes the shared payload on as is, never copied: the payloads are
// the camera's, packetized once and never written to again, and the NACK
// responder keeps them for resends as they are. The header is the track's
// own, rewritten for each packet: nothing after write keeps it
// (nackResponder keeps its fields).
type track struct {
	id, stream string
	kind       webrtc.RTPCodecType
	codec      webrtc.RTPCodecCapability
	// profile is the camera's H.264 profile_idc as two hex digits ("4d"),
	// preferred when the browser offers several H.264 profiles.
	profile string

	mu       sync.Mutex // guards bindings, hdr and sent
	bindings []binding
	hdr      rtp.Header
	sent     sentCount
}

type binding struct {
	id   string
	ssrc uint32
	pt   uint8
	w    webrtc.TrackLocalWriter
}

func newTrack(kind webrtc.RTPCodecType, codec webrtc.RTPCodecCapability, id, stream string) *track {
	return &track{id: id, stream: stream, kind: kind, codec: codec}
}

// Bind picks, among the codecs both ends support, one of the track's mime
// type; for H.264 one with packetization-mode=1 (the relay sends FU-A),
// the camera's own profile first.
func (t *track) Bind(ctx webrtc.TrackLocalContext) (webrtc.RTPCodecParameters, error) {
	var best webrtc.RTPCodecParameters
	score := -1
	for _, c := range ctx.CodecParameters() {
		if !strings.EqualFold(c.MimeType, t.codec.MimeType) || (t.codec.ClockRate != 0 && c.ClockRate != t.codec.ClockRate) {
			continue
		}
		s := 0
		if strings.EqualFold(c.MimeType, webrtc.MimeTypeH264) {
			fmtp := strings.ToLower(c.SDPFmtpLine)
			if !strings.Contains(fmtp, "packetization-mode=1") {
				continue
			}
			switch {
			case t.profile != "" && strings.Contains(fmtp, "profile-level-id="+t.profile):
				s = 3
			case strings.Contains(fmtp, "profile-level-id=42e0"):
				s = 2
			default:
				s = 1
			}
		}
		if s > score {
			best, score = c, s
		}
	}
	if score < 0 {
		return webrtc.RTPCodecParameters{}, webrtc.ErrUnsupportedCodec
	}
	t.mu.Lock()
	t.bindings = append(t.bindings, binding{id: ctx.ID(), ssrc: uint32(ctx.SSRC()), pt: uint8(best.PayloadType), w: ctx.WriteStream()})
	t.mu.Unlock()
	return best, nil
}

// Unbind forgets the binding of ctx.
func (t *track) Unbind(ctx webrtc.TrackLocalContext) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, b := range t.bindings {
		if b.id == ctx.ID() {
			t.bindings = append(t.bindings[:i], t.bindings[i+1:]...)
			return nil
		}
	}
	return webrtc.ErrUnbindFailed
}

func (t *track) ID() string                { return t.id }
func (t *track) RID() string               { return "" }
func (t *track) StreamID() string          { return t.stream }
func (t *track) Kind() webrtc.RTPCodecType { return t.kind }

// write sends one packet with src's payload and marker and the given
// sequence number and timestamp; it returns the bytes written.
func (t *track) write(src *rtp.Packet, seq uint16, ts uint32) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, b := range t.bindings {
		t.hdr = rtp.Header{Version: 2, Marker: src.Marker, PayloadType: b.pt, SequenceNumber: seq, Timestamp: ts, SSRC: b.ssrc}
		t.sent.count(ts, len(src.Payload))
		m, err := b.w.WriteRTP(&t.hdr, src.Payload)
		if err != nil {
			return n, err
		}
		n += m
	}
	return n, nil
}
