package videotest

import (
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
