package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/riverwatch/riverwatch/video"
	"github.com/riverwatch/riverwatch/video/democam"
)

// VideoConfig is the video relay's part of Config (inlined in the YAML).
type VideoConfig struct {
	// Cameras are the configured cameras (RTSP URLs with credentials stay
	// in this file and the relay).
	Cameras []video.Camera `yaml:"cameras"`
	// DemoCamera is "auto" (on with the simulator), "on" or "off": the
	// looped demo clip as a camera at the Jilin City quay.
	DemoCamera string `yaml:"demo_camera"`
	// VideoUDP is the one UDP port of every WebRTC peer; VideoTCP the
	// ICE-TCP fallback ("" = off).
	VideoUDP string `yaml:"video_udp"`
	VideoTCP string `yaml:"video_tcp"`
	// STUN and TURN servers handed to browsers (and used by the relay).
	STUN []string           `yaml:"stun"`
	TURN []video.TURNServer `yaml:"turn"`
	// ICERewrite are address rewrite rules, EXTERNAL[=LOCAL|CIDR][/srflx].
	ICERewrite       []string      `yaml:"ice_rewrite"`
	VideoIdleTimeout time.Duration `yaml:"video_idle_timeout"`
	// VideoLoopback offers loopback ICE candidates (viewers on this host).
	VideoLoopback bool `yaml:"video_loopback"`
	// VideoCatchupRate paces a new viewer's catch-up, bits per second.
	VideoCatchupRate float64 `yaml:"video_catchup_rate"`
}

// demoCameraID is the demo camera's id.
const demoCameraID = "demo-jilin-quay"

// addVideoFlags registers the video flags on fs.
func addVideoFlags(fs *flag.FlagSet, c *VideoConfig) {
	fs.StringVar(&c.DemoCamera, "demo-camera", c.DemoCamera, "demo camera at the Jilin City quay (a looped clip through the RTSP path): auto (with the simulator), on, off")
	fs.StringVar(&c.VideoUDP, "video-udp", c.VideoUDP, "the one UDP `ADDR` all WebRTC viewers' media uses (open it in the firewall), e.g. 0.0.0.0:8189; empty = a port per viewer")
	fs.StringVar(&c.VideoTCP, "video-tcp", c.VideoTCP, "ICE-TCP listen `ADDR`, the fallback where UDP is blocked, e.g. 0.0.0.0:8189; empty = off")
	fs.Var(listFlag{&c.STUN}, "stun", "STUN server `URL` for WebRTC viewers (stun:host:3478), repeatable")
	fs.Var(turnFlag{&c.TURN}, "turn", "TURN server `URL[,URL]|SECRET` with credentials from the shared secret (TURN REST), or URL|user:password; repeatable")
	fs.Var(listFlag{&c.ICERewrite}, "ice-rewrite", "announce `EXTERNAL[=LOCAL|CIDR][/srflx]` instead of a local address (a relay behind NAT), repeatable")
	fs.BoolVar(&c.VideoLoopback, "video-loopback", c.VideoLoopback, "offer loopback ICE candidates too, for viewers on this machine only")
	fs.Float64Var(&c.VideoCatchupRate, "video-catchup-rate", c.VideoCatchupRate, "bits per second a new viewer is sent the frames since the camera's last keyframe at, before live (default 20e6); lower for viewers on slow links")
	fs.DurationVar(&c.VideoIdleTimeout, "video-idle-timeout", c.VideoIdleTimeout, "an on-demand camera is released this long after its last viewer left (default 10s)")
}

// listFlag is a repeatable string flag adding to the YAML's list.
type listFlag struct{ v *[]string }

func (f listFlag) String() string {
	if f.v == nil {
		return ""
	}
	return strings.Join(*f.v, ",")
}

func (f listFlag) Set(s string) error {
	*f.v = append(*f.v, s)
	return nil
}

type turnFlag struct{ v *[]video.TURNServer }

func (f turnFlag) String() string { return "" }

func (f turnFlag) Set(s string) error {
	urls, cred, ok := strings.Cut(s, "|")
	if !ok || cred == "" {
		return fmt.Errorf("want URL[,URL]|SECRET or URL|user:password")
	}
	t := video.TURNServer{URLs: strings.Split(urls, ",")}
	if user, pass, ok := strings.Cut(cred, ":"); ok {
		t.Username, t.Password = user, pass
	} else {
		t.Secret = cred
	}
	*f.v = append(*f.v, t)
	return nil
}

// videoStack is the relay and the demo camera.
type videoStack struct {
	relay *video.Relay
	demo  *democam.Server
}

// openVideo binds the relay's sockets, starts the demo camera if wanted and
// adds every configured camera (each probed; one that does not answer is
// kept, offline, and retried).
func openVideo(cfg Config, simulated bool, logger *slog.Logger) (*videoStack, error) {
	vc := cfg.VideoConfig
	ice := video.ICEConfig{STUN: vc.STUN, TURN: vc.TURN, UDPMux: vc.VideoUDP, TCPMux: vc.VideoTCP, Loopback: vc.VideoLoopback}
	for _, r := range vc.ICERewrite {
		rule, err := video.ParseRewrite(r)
		if err != nil {
			return nil, fmt.Errorf("--ice-rewrite %q: %w", r, err)
		}
		ice.Rewrite = append(ice.Rewrite, rule)
	}
	relay, err := video.New(video.Config{ICE: ice, IdleTimeout: vc.VideoIdleTimeout, CatchupBitrate: vc.VideoCatchupRate, Logger: logger})
	if err != nil {
		return nil, err
	}
	v := &videoStack{relay: relay}
	if vc.DemoCamera == "on" || (vc.DemoCamera == "auto" && simulated) {
		v.demo, err = democam.Start(democam.Config{Addr: "127.0.0.1:0", Path: "jilin-quay", Logger: logger})
		if err != nil {
			v.Close()
			return nil, fmt.Errorf("demo camera: %w", err)
		}
		cam := video.Camera{
			ID: demoCameraID, Name: "Jilin City quay (demo)", NameZh: "吉林市码头（演示）", ZoneID: "quay-q-jilin",
			River: "Second Songhua", Lat: 43.8501, Lon: 126.58011, RTSPURL: v.demo.URL(), Transport: video.TransportTCP,
			Stations: []string{"rs-songhua-lake", "rs-jiutai"},
		}
		if _, err := relay.Put(context.Background(), cam); err != nil {
			v.Close()
			return nil, fmt.Errorf("demo camera: %w", err)
		}
	}
	for _, cam := range vc.Cameras {
		if _, err := relay.Put(context.Background(), cam); err != nil {
			v.Close()
			return nil, fmt.Errorf("camera %q: %w", cam.ID, err)
		}
	}
	return v, nil
}

// Close stops the relay (its viewers, then its pulls) before the demo
// camera they pull from.
func (v *videoStack) Close() {
	if v.relay != nil {
		_ = v.relay.Close()
	}
	if v.demo != nil {
		v.demo.Close()
	}
}
