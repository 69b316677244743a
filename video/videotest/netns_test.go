package videotest

import (
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
)

func TestRunPattern(t *testing.T) {
	cases := []struct{ name, want string }{
		{"TestA", "^TestA$"},
		{"TestA/sub_case", "^TestA$/^sub_case$"},
		{"TestA/x.y(1)", `^TestA$/^x\.y\(1\)$`},
	}
	for _, c := range cases {
		if got := RunPattern(c.name); got != c.want {
			t.Errorf("RunPattern(%q) = %q, want %q", c.name, got, c.want)
		}
		// The pattern must select the name and not a longer one.
		first := strings.Split(c.want, "/")[0]
		if !regexp.MustCompile(first).MatchString(strings.Split(c.name, "/")[0]) ||
			regexp.MustCompile(first).MatchString(strings.Split(c.name, "/")[0]+"2") {
			t.Errorf("pattern %q selects the wrong tests", first)
		}
	}
}

// TestInNetNS checks the namespace from inside: only loopback, up, and two
// pion peers limited by LoopbackOnly connect with loopback candidates only.
func TestInNetNS(t *testing.T) {
	if !InNetNS(t) {
		return
	}
	ifs, err := net.Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	if len(ifs) != 1 || ifs[0].Name != "lo" {
		t.Fatalf("interfaces %v, want lo alone", ifs)
	}

	api := func() *webrtc.API {
		se := webrtc.SettingEngine{}
		LoopbackOnly(&se)
		return webrtc.NewAPI(webrtc.WithSettingEngine(se))
	}
	a, err := api().NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := api().NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	opened := make(chan struct{})
	b.OnDataChannel(func(dc *webrtc.DataChannel) { dc.OnOpen(func() { close(opened) }) })
	if _, err := a.CreateDataChannel("probe", nil); err != nil {
		t.Fatal(err)
	}
	for _, pair := range [][2]*webrtc.PeerConnection{{a, b}, {b, a}} {
		from, to := pair[0], pair[1]
		var sdp webrtc.SessionDescription
		if from == a {
			sdp, err = from.CreateOffer(nil)
		} else {
			sdp, err = from.CreateAnswer(nil)
		}
		if err != nil {
			t.Fatal(err)
		}
		done := webrtc.GatheringCompletePromise(from)
		if err := from.SetLocalDescription(sdp); err != nil {
			t.Fatal(err)
		}
		<-done
		local := from.LocalDescription()
		for _, line := range strings.Split(local.SDP, "\n") {
			if strings.HasPrefix(line, "a=candidate:") && !strings.Contains(line, " 127.0.0.1 ") {
				t.Errorf("candidate off loopback: %s", line)
			}
		}
		if !strings.Contains(local.SDP, " 127.0.0.1 ") {
			t.Fatalf("no loopback candidate in\n%s", local.SDP)
		}
		if err := to.SetRemoteDescription(*local); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-opened:
	case <-time.After(10 * time.Second):
		t.Fatal("data channel over loopback did not open in 10 s")
	}
}
