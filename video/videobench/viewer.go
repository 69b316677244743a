package videobench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/webrtc/v4"

	"github.com/riverwatch/riverwatch/video/videotest"
)

// NewAPI is a pion API limited to loopback (videotest.LoopbackOnly) with
// the default codecs and interceptors (NACK, reports, TWCC), as a browser
// viewer would have them.
func NewAPI() (*webrtc.API, error) {
	se := webrtc.SettingEngine{}
	videotest.LoopbackOnly(&se)
	return newAPI(se)
}

// NewVethAPI is NewAPI on the second end of videotest.InNetNSVeth's pair
// only, for a viewer of Janus (which will not use loopback).
func NewVethAPI() (*webrtc.API, error) {
	se := webrtc.SettingEngine{}
	videotest.LoopbackOnly(&se)
	se.SetInterfaceFilter(func(name string) bool { return name == videotest.Veth1 })
	se.SetIPFilter(func(ip net.IP) bool { return ip.String() == videotest.VethAddr1 })
	return newAPI(se)
}

func newAPI(se webrtc.SettingEngine) (*webrtc.API, error) {
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		return nil, fmt.Errorf("videobench: %w", err)
	}
	reg := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(m, reg); err != nil {
		return nil, fmt.Errorf("videobench: %w", err)
	}
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(reg), webrtc.WithSettingEngine(se)), nil
}

// Viewer is one pion peer receiving a camera: its video track goes into a
// Picture (or is only counted, for the cost benchmark).
type Viewer struct {
	start     time.Time
	connected atomic.Int64 // ns from start to the peer connection's "connected"
	pc        *webrtc.PeerConnection
	picture   *Picture
	bytes     atomic.Int64
	Session   string // the WHEP session URL, once known
}

// NewViewer makes a receive-only peer (video and audio). With judge false
// the video is read and counted but not followed as H.264.
func NewViewer(api *webrtc.API, start time.Time, judge bool) (*Viewer, error) {
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, fmt.Errorf("videobench: %w", err)
	}
	v := &Viewer{pc: pc, start: start}
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		if s == webrtc.PeerConnectionStateConnected {
			v.connected.CompareAndSwap(0, int64(time.Since(v.start)))
		}
	})
	if judge {
		v.picture = NewPicture(start)
	}
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		judged := judge && tr.Kind() == webrtc.RTPCodecTypeVideo
		buf := make([]byte, 1500)
		for {
			if !judged { // counted only: no parsing beyond what pion does
				n, _, err := tr.Read(buf)
				if err != nil {
					return
				}
				v.bytes.Add(int64(n))
				continue
			}
			pkt, _, err := tr.ReadRTP()
			if err != nil {
				return
			}
			v.bytes.Add(int64(len(pkt.Payload)))
			v.picture.Packet(pkt, time.Now())
		}
	})
	return v, nil
}

// Connected is the time from start to ICE and DTLS up (0 before).
func (v *Viewer) Connected() time.Duration { return time.Duration(v.connected.Load()) }

// Picture is what the viewer's video looked like (nil without judge).
func (v *Viewer) Picture() *Picture { return v.picture }

// Bytes is what was received so far: RTP payload bytes when judged, whole
// RTP packets otherwise.
func (v *Viewer) Bytes() int64 { return v.bytes.Load() }

// PC is the peer connection.
func (v *Viewer) PC() *webrtc.PeerConnection { return v.pc }

// Close ends the peer.
func (v *Viewer) Close() error { return v.pc.Close() }

// Offer makes the viewer's offer, with every candidate (non-trickle).
func (v *Viewer) Offer() (string, error) {
	for _, k := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeVideo, webrtc.RTPCodecTypeAudio} {
		if _, err := v.pc.AddTransceiverFromKind(k, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
			return "", fmt.Errorf("videobench: %w", err)
		}
	}
	offer, err := v.pc.CreateOffer(nil)
	if err != nil {
		return "", fmt.Errorf("videobench: %w", err)
	}
	done := webrtc.GatheringCompletePromise(v.pc)
	if err := v.pc.SetLocalDescription(offer); err != nil {
		return "", fmt.Errorf("videobench: %w", err)
	}
	<-done
	return v.pc.LocalDescription().SDP, nil
}

// SetAnswer applies the server's answer.
func (v *Viewer) SetAnswer(sdp string) error {
	return v.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: sdp})
}

// Answer answers a server's offer (Janus offers; the viewer answers).
func (v *Viewer) Answer(offer string) (string, error) {
	if err := v.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}); err != nil {
		return "", fmt.Errorf("videobench: %w", err)
	}
	ans, err := v.pc.CreateAnswer(nil)
	if err != nil {
		return "", fmt.Errorf("videobench: %w", err)
	}
	done := webrtc.GatheringCompletePromise(v.pc)
	if err := v.pc.SetLocalDescription(ans); err != nil {
		return "", fmt.Errorf("videobench: %w", err)
	}
	<-done
	return v.pc.LocalDescription().SDP, nil
}

// WHEP plays whepURL in v: the offer is POSTed, the answer set, and the
// session URL kept in v.Session.
func WHEP(ctx context.Context, client *http.Client, whepURL string, v *Viewer) error {
	offer, err := v.Offer()
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, whepURL, strings.NewReader(offer))
	if err != nil {
		return fmt.Errorf("videobench: %w", err)
	}
	req.Header.Set("Content-Type", "application/sdp")
	res, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("videobench: WHEP: %w", err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if res.StatusCode != http.StatusCreated {
		return fmt.Errorf("videobench: WHEP %s: %s: %s", whepURL, res.Status, bytes.TrimSpace(body))
	}
	if loc := res.Header.Get("Location"); loc != "" {
		base, _ := url.Parse(whepURL)
		if u, err := base.Parse(loc); err == nil {
			v.Session = u.String()
		}
	}
	return v.SetAnswer(string(body))
}

// EndWHEP deletes the viewer's WHEP session.
func EndWHEP(ctx context.Context, client *http.Client, v *Viewer) error {
	if v.Session == "" {
		return errors.New("videobench: no WHEP session")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, v.Session, nil)
	if err != nil {
		return err
	}
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	return nil
}
