package videotest

import (
	"fmt"
	"net"
	"testing"

	"github.com/riverwatch/riverwatch/video/democam"
)

// Camera is a fake RTSP camera for tests: an in-process gortsplib server
// on 127.0.0.1 looping the demo clip (640x360 H.264, keyframes 10 s apart).
type Camera struct {
	*democam.Server
	t    testing.TB
	cfg  democam.Config
	addr string
}

// StartCamera starts a camera on a free loopback port; it closes at the
// end of the test.
func StartCamera(t testing.TB, cfg democam.Config) *Camera {
	t.Helper()
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	srv, err := democam.Start(cfg)
	if err != nil {
		t.Fatalf("fake camera: %v", err)
	}
	c := &Camera{Server: srv, t: t, cfg: cfg, addr: srv.Addr()}
	t.Cleanup(func() {
		if c.Server != nil {
			c.Server.Close()
		}
	})
	return c
}

// Stop closes the camera's server, as a camera losing power.
func (c *Camera) Stop() {
	c.t.Helper()
	if c.Server != nil {
		c.Server.Close()
		c.Server = nil
	}
}

// Restart starts the camera again on the same address.
func (c *Camera) Restart() {
	c.t.Helper()
	c.Stop()
	cfg := c.cfg
	cfg.Addr = c.addr
	srv, err := democam.Start(cfg)
	if err != nil {
		c.t.Fatalf("restart fake camera: %v", err)
	}
	c.Server = srv
}

// FreeUDPPair finds an even UDP port on 127.0.0.1 whose successor is free
// too, for a camera's RTP and RTCP (democam.Config.UDPPort).
func FreeUDPPair(t testing.TB) int {
	t.Helper()
	for range 50 {
		a, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		p := a.LocalAddr().(*net.UDPAddr).Port &^ 1
		a.Close()
		b, err1 := net.ListenPacket("udp4", fmt.Sprintf("127.0.0.1:%d", p))
		c, err2 := net.ListenPacket("udp4", fmt.Sprintf("127.0.0.1:%d", p+1))
		for _, l := range []net.PacketConn{b, c} {
			if l != nil {
				l.Close()
			}
		}
		if err1 == nil && err2 == nil {
			return p
		}
	}
	t.Fatal("no free UDP port pair")
	return 0
}
