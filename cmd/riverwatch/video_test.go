package main

import (
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/video"
	"github.com/riverwatch/riverwatch/video/democam"
	"github.com/riverwatch/riverwatch/video/videotest"
)

// TestVideoConfig: cameras, TURN and the rest from the YAML file, flags on
// top; the cameras are pulled, and their credentials stay out of the status.
func TestVideoConfig(t *testing.T) {
	cam := videotest.StartCamera(t, democam.Config{})
	withCreds := strings.Replace(cam.URL(), "rtsp://", "rtsp://admin:yaml-secret@", 1)
	path := filepath.Join(t.TempDir(), "rw.yaml")
	yaml := `cameras:
  - id: wulajie-ferry
    name: Wulajie ferry
    name_zh: 乌拉街渡口
    rtsp_url: ` + withCreds + `
    on_demand: false
    stations: [rs-jiutai]
turn:
  - urls: ["turn:turn.example.net:3478?transport=udp"]
    secret: north
stun: ["stun:stun.example.net:3478"]
demo_camera: "off"
video_idle_timeout: 20s
`
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := parseServe([]string{"--config", path, "--ice-rewrite", "203.0.113.7=10.0.0.5", "--turn", "turns:turn.example.net:5349|alice:pw"}, testEnv(nil))
	if err != nil {
		t.Fatal(err)
	}
	vc := cfg.VideoConfig
	if len(vc.Cameras) != 1 || vc.Cameras[0].NameZh != "乌拉街渡口" || vc.DemoCamera != "off" || vc.VideoIdleTimeout != 20*time.Second {
		t.Fatalf("video config %+v", vc)
	}
	if len(vc.TURN) != 2 || vc.TURN[0].Secret != "north" || vc.TURN[1].Username != "alice" || len(vc.ICERewrite) != 1 {
		t.Fatalf("TURN %+v rewrite %v", vc.TURN, vc.ICERewrite)
	}
	v, err := openVideo(cfg, true, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	cams := v.relay.Cameras()
	if len(cams) != 1 || cams[0].ID != "wulajie-ferry" {
		t.Fatalf("cameras %+v (the demo camera is off)", cams)
	}
	deadline := time.Now().Add(5 * time.Second)
	for v.relay.Cameras()[0].State != video.StateOnline {
		if time.Now().After(deadline) {
			t.Fatalf("camera from the YAML not online: %+v", v.relay.Cameras()[0].Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
	out, _ := json.Marshal(v.relay.Cameras())
	if strings.Contains(string(out), "yaml-secret") {
		t.Fatalf("credentials in the status: %s", out)
	}
	links := v.relay.ICELinks("officer")
	if len(links) != 3 || !strings.Contains(links[1], `:officer"`) || !strings.Contains(links[2], `username="alice"`) {
		t.Fatalf("links %q", links)
	}
}

func TestVideoFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--demo-camera", "maybe"},
		{"--turn", "turn:x:3478"},
	} {
		if _, err := parseServe(args, testEnv(nil)); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
	cfg, err := parseServe([]string{"--ice-rewrite", "not-an-ip"}, testEnv(nil))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := openVideo(cfg, false, slog.New(slog.DiscardHandler)); err == nil {
		t.Error("a bad rewrite rule opened")
	}
}
