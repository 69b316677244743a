package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/video/videotest"
)

// needFFmpeg skips a test that needs ffmpeg where it is missing, or fails
// it under RIVERWATCH_REQUIRE_SERVICES=1 (`make test` installs it).
func needFFmpeg(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		msg := "needs ffmpeg for snapshots (apt-get install -y ffmpeg)"
		if os.Getenv("RIVERWATCH_REQUIRE_SERVICES") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
}

// TestServeDemoCamera runs `serve` as `make run` does, with its demo
// camera: the camera shows online in the API, a WHEP viewer gets the
// picture from a keyframe on, and snapshot.jpg is a JPEG.
func TestServeDemoCamera(t *testing.T) {
	if !videotest.InNetNS(t) {
		return
	}
	srv := startServer(t, "--demo-camera", "on", "--video-udp", "127.0.0.1:0", "--video-loopback")
	base := "http://" + srv.api.Addr()
	deadline := time.Now().Add(5 * time.Second)
	for {
		var list struct {
			Cameras []struct{ ID, State, Codec string } `json:"cameras"`
		}
		getJSON(t, base+"/api/v1/cameras", &list)
		if len(list.Cameras) == 1 && list.Cameras[0].ID == demoCameraID && list.Cameras[0].State == "online" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("demo camera not online: %+v", list)
		}
		time.Sleep(50 * time.Millisecond)
	}
	v := videotest.NewViewer(t, func(offer string) (string, error) {
		req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/cameras/"+demoCameraID+"/whep", strings.NewReader(offer))
		req.Header.Set("Content-Type", "application/sdp")
		res, err := http.DefaultClient.Do(authorize(req))
		if err != nil {
			return "", err
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusCreated {
			return "", fmt.Errorf("whep: %d %s", res.StatusCode, body)
		}
		return string(body), nil
	})
	aus, err := v.WaitAUs(25, 5*time.Second)
	if err != nil {
		t.Fatalf("%v (%d units)", err, len(aus))
	}
	if !aus[0].Key {
		t.Fatal("the first access unit is not a keyframe")
	}

	mres, err := authGet(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(mres.Body)
	mres.Body.Close()
	for _, want := range []string{
		`riverwatch_camera_state{camera="demo-jilin-quay",codec="H264",state="online"} 1`,
		`riverwatch_camera_viewers{camera="demo-jilin-quay"} 1`,
		`riverwatch_camera_width_pixels{camera="demo-jilin-quay"} 640`,
		`riverwatch_camera_viewer_bytes_sent_total{camera="demo-jilin-quay"`,
	} {
		if !bytes.Contains(metrics, []byte(want)) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	needFFmpeg(t)
	res, err := authGet(base + "/api/v1/cameras/" + demoCameraID + "/snapshot.jpg")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	jpeg, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/jpeg" || !bytes.HasPrefix(jpeg, []byte{0xff, 0xd8}) {
		t.Fatalf("snapshot: %d %s, %d bytes", res.StatusCode, res.Header.Get("Content-Type"), len(jpeg))
	}
}
