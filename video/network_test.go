package video_test

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/riverwatch/riverwatch/video"
	"github.com/riverwatch/riverwatch/video/democam"
	"github.com/riverwatch/riverwatch/video/videotest"
)

// TestICETCPFallback: a viewer that can use only TCP (UDP blocked) gets the
// picture through the relay's ICE-TCP listener.
func TestICETCPFallback(t *testing.T) {
	if !videotest.InNetNS(t) {
		return
	}
	cam := videotest.StartCamera(t, democam.Config{})
	r, err := video.New(video.Config{ICE: video.ICEConfig{UDPMux: "127.0.0.1:0", TCPMux: "127.0.0.1:0", Tune: func(se *webrtc.SettingEngine) {
		videotest.LoopbackOnly(se)
		se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4, webrtc.NetworkTypeTCP4})
	}}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	mustPut(t, r, video.Camera{ID: "tcp", Name: "tcp", RTSPURL: cam.URL()})
	v, err := videotest.DialViewerWith(func(se *webrtc.SettingEngine) {
		se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeTCP4})
	}, whepOf(r, "tcp"))
	if err != nil {
		t.Fatal(err)
	}
	defer v.PC.Close()
	if _, err := v.WaitAUs(10, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	pair, err := v.PC.SCTP().Transport().ICETransport().GetSelectedCandidatePair()
	if err != nil || pair == nil {
		t.Fatalf("no selected candidate pair: %v", err)
	}
	if pair.Local.Protocol != webrtc.ICEProtocolTCP || pair.Remote.Port != uint16(portOf(t, r.TCPAddr())) {
		t.Fatalf("selected pair %s, want tcp to the relay's ICE-TCP port %s", pair, r.TCPAddr())
	}
}

func portOf(t *testing.T, addr string) int {
	t.Helper()
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range p {
		n = n*10 + int(c-'0')
	}
	return n
}

// TestUDPTransport pulls the camera over RTP/UDP instead of interleaved TCP.
func TestUDPTransport(t *testing.T) {
	if !videotest.InNetNS(t) {
		return
	}
	cam := videotest.StartCamera(t, democam.Config{UDPPort: videotest.FreeUDPPair(t)})
	r := newRelay(t, nil)
	mustPut(t, r, video.Camera{ID: "udp", Name: "udp", RTSPURL: cam.URL(), Transport: video.TransportUDP})
	v := videotest.NewViewer(t, whepOf(r, "udp"))
	aus, err := v.WaitAUs(25, 5*time.Second)
	if err != nil {
		t.Fatalf("%v (%d units)", err, len(aus))
	}
	if c := state(t, r, "udp"); c.State != video.StateOnline || c.Transport != video.TransportUDP {
		t.Fatalf("state %s transport %s", c.State, c.Transport)
	}
}

// TestAddressRewrite: with a rule, the answer announces the external
// address in place of the local one (a relay behind 1:1 NAT).
func TestAddressRewrite(t *testing.T) {
	if !videotest.InNetNS(t) {
		return
	}
	cam := videotest.StartCamera(t, democam.Config{})
	rule, err := video.ParseRewrite("203.0.113.7=127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	r, err := video.New(video.Config{ICE: video.ICEConfig{UDPMux: "127.0.0.1:0", Tune: videotest.LoopbackOnly, Rewrite: []video.RewriteRule{rule}}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	mustPut(t, r, video.Camera{ID: "nat", Name: "nat", RTSPURL: cam.URL(), OnDemand: true})
	var answer string
	v, _ := videotest.DialViewer(func(offer string) (string, error) {
		a, _, err := r.WHEP(context.Background(), "nat", offer, video.ViewerInfo{})
		answer = a
		return a, err
	})
	if v != nil {
		defer v.PC.Close()
	}
	if !strings.Contains(answer, " 203.0.113.7 ") || strings.Contains(answer, " 127.0.0.1 "+strconv.Itoa(portOf(t, r.UDPAddr()))+" typ host") {
		t.Fatalf("answer does not announce the external address in place of the local one:\n%s", answer)
	}
}

// TestSessionsBounded: sessions over MaxViewers are refused, and one whose
// peer never connects is ended after ConnectTimeout.
func TestSessionsBounded(t *testing.T) {
	if !videotest.InNetNS(t) {
		return
	}
	cam := videotest.StartCamera(t, democam.Config{})
	r, err := video.New(video.Config{ICE: video.ICEConfig{UDPMux: "127.0.0.1:0", Tune: videotest.LoopbackOnly},
		MaxViewers: 1, ConnectTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	mustPut(t, r, video.Camera{ID: "b", Name: "b", RTSPURL: cam.URL(), OnDemand: true})
	pc, err := webrtc.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	if _, err := pc.AddTransceiverFromKind(webrtc.RTPCodecTypeVideo, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
		t.Fatal(err)
	}
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	// The offer carries no candidates and the answer is never applied:
	// this peer never connects.
	if _, _, err := r.WHEP(context.Background(), "b", offer.SDP, video.ViewerInfo{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.WHEP(context.Background(), "b", offer.SDP, video.ViewerInfo{}); !errors.Is(err, video.ErrBusy) {
		t.Fatalf("second session over MaxViewers 1: %v, want ErrBusy", err)
	}
	waitFor(t, 3*time.Second, "the unconnected session ended", func() bool {
		c := state(t, r, "b")
		return c.Viewers == 0 && len(c.ViewerList) == 0
	})
}
