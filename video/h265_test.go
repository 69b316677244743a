package video_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/riverwatch/riverwatch/video"
	"github.com/riverwatch/riverwatch/video/democam"
	"github.com/riverwatch/riverwatch/video/videotest"
)

// needFFmpeg skips without ffmpeg, or fails under RIVERWATCH_REQUIRE_SERVICES=1.
func needFFmpeg(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("ffmpeg")
	if err != nil {
		msg := "needs ffmpeg (apt-get install -y ffmpeg)"
		if os.Getenv("RIVERWATCH_REQUIRE_SERVICES") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return path
}

// h265Clip encodes 2 s of H.265 with ffmpeg (libx265), a keyframe a second.
func h265Clip(t *testing.T) *democam.Clip {
	t.Helper()
	ffmpeg := needFFmpeg(t)
	out := filepath.Join(t.TempDir(), "clip.h265")
	cmd := exec.Command(ffmpeg, "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25",
		"-t", "2", "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "keyint=25:min-keyint=25:bframes=0:aud=1:repeat-headers=1:log-level=error",
		"-f", "hevc", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v: %s", err, b)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	clip, err := democam.ParseAnnexBH265(data, 25)
	if err != nil {
		t.Fatal(err)
	}
	return clip
}

// TestH265OnlyToBrowsersThatDecodeIt: an H.265 camera is reported as such,
// refused (ErrUnsupported) to an offer without H.265, and relayed to one
// with it, keyframe first.
func TestH265OnlyToBrowsersThatDecodeIt(t *testing.T) {
	if !videotest.InNetNS(t) {
		return
	}
	cam := videotest.StartCamera(t, democam.Config{Clip: h265Clip(t)})
	r := newRelay(t, nil)
	p := mustPut(t, r, video.Camera{ID: "hevc", Name: "hevc", RTSPURL: cam.URL()})
	if p.Codec != video.CodecH265 || len(p.Warnings) == 0 || p.Warnings[0].Code != "h265" {
		t.Fatalf("probe %+v, want H265 with the h265 warning", p)
	}

	me := &webrtc.MediaEngine{}
	if err := me.RegisterCodec(webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeH264, ClockRate: 90000,
		SDPFmtpLine: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"}, PayloadType: 102}, webrtc.RTPCodecTypeVideo); err != nil {
		t.Fatal(err)
	}
	pc, err := webrtc.NewAPI(webrtc.WithMediaEngine(me)).NewPeerConnection(webrtc.Configuration{})
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
	if _, _, err := r.WHEP(context.Background(), "hevc", offer.SDP, video.ViewerInfo{}); !errors.Is(err, video.ErrUnsupported) {
		t.Fatalf("H.264-only offer: %v, want ErrUnsupported", err)
	}

	v := videotest.NewViewer(t, whepOf(r, "hevc")) // pion's default codecs include H.265
	aus, err := v.WaitAUs(10, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !aus[0].Key {
		t.Fatal("first H.265 unit is not a keyframe")
	}
	if c := state(t, r, "hevc"); c.Width != 320 || c.Height != 180 {
		t.Errorf("size %dx%d, want 320x180", c.Width, c.Height)
	}
}

// TestProbeReportsWhatBrowsersCannotPlay: B-frames (seen in the stream)
// and AAC (announced, dropped) become warnings.
func TestProbeReportsWhatBrowsersCannotPlay(t *testing.T) {
	ffmpeg := needFFmpeg(t)
	out := filepath.Join(t.TempDir(), "b.h264")
	cmd := exec.Command(ffmpeg, "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25",
		"-t", "2", "-c:v", "libx264", "-preset", "ultrafast", "-bf", "2", "-g", "25", "-x264-params", "aud=1:repeat-headers=1", "-f", "h264", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v: %s", err, b)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	clip, err := democam.ParseAnnexB(data, 25)
	if err != nil {
		t.Fatal(err)
	}
	cam := videotest.StartCamera(t, democam.Config{Clip: clip, AAC: true})
	r := newRelay(t, nil)
	p := mustPut(t, r, video.Camera{ID: "bframes", Name: "b", RTSPURL: cam.URL()})
	if !hasWarning(p.Warnings, "aac_dropped") {
		t.Errorf("probe warnings %+v lack aac_dropped", p.Warnings)
	}
	waitFor(t, 5*time.Second, "the b_frames warning", func() bool { return hasWarning(state(t, r, "bframes").Warnings, "b_frames") })
}

func hasWarning(ws []video.Warning, code string) bool {
	for _, w := range ws {
		if w.Code == code && w.MessageZh != "" && w.MessageEn != "" {
			return true
		}
	}
	return false
}
