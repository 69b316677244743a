// Package videobench is the measuring bench of the video relay: a camera
// (an in-process RTSP server looping an H.264 clip made with ffmpeg at
// bench time, with a long keyframe interval), the two systems riverwatch is
// measured beside — plain forwarding with pion's shared track, the way
// mediamtx and go2rtc forward, and Janus's streaming plugin — and a pion
// receiver that tells when a viewer has its first whole picture.
//
// "Whole" is judged on the H.264 stream as a decoder would: an IDR access
// unit received complete with the SPS and PPS before it, and every
// reference frame after it present (frame_num advancing by one, no RTP
// sequence gap). A viewer sent only the cached keyframe (Janus's
// videobufferkf) gets an IDR and then frames whose frame_num jumps: a
// broken picture until the next keyframe, and the receiver says so.
//
// Nothing here is used by the server; the tests and benchmarks of the video
// packages and cmd/riverwatch use it, inside a network namespace
// (video/videotest.InNetNS).
package videobench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
)

// ClipSpec says what clip to make.
type ClipSpec struct {
	Width, Height int
	FPS           int
	Keyframe      time.Duration // keyframe interval
	Duration      time.Duration // whole keyframe intervals, so the loop keeps the interval
	BitrateKbps   int
	// FrameCode draws each frame's index in the clip (0, 1, ...) as a row
	// of FrameCodeBits black or white squares of FrameCodeCell pixels at
	// the top left, least significant bit first, so a browser test can
	// read which frame it is shown (ReadFrameCode in the page).
	FrameCode bool
}

// The frame code's layout: FrameCodeBits cells of FrameCodeCell pixels.
const (
	FrameCodeBits = 12
	FrameCodeCell = 32
)

// ErrNoFFmpeg is returned by MakeClip when ffmpeg is not installed.
var ErrNoFFmpeg = errors.New("videobench: ffmpeg not found (apt-get install -y ffmpeg)")

// MakeClip encodes a test pattern with noise (so the bitrate is real) to a
// raw H.264 Annex-B file in dir: no B-frames, an access unit delimiter and
// the parameter sets before every keyframe, and a keyframe exactly every
// spec.Keyframe (scene cuts off).
func MakeClip(ctx context.Context, dir string, spec ClipSpec) (string, error) {
	ff, err := exec.LookPath("ffmpeg")
	if err != nil {
		return "", ErrNoFFmpeg
	}
	gop := int(spec.Keyframe.Seconds() * float64(spec.FPS))
	code := ""
	if spec.FrameCode {
		code = "-code"
	}
	out := filepath.Join(dir, fmt.Sprintf("cam-%dx%d-%dfps-gop%d-%dk%s.h264", spec.Width, spec.Height, spec.FPS, gop, spec.BitrateKbps, code))
	if _, err := os.Stat(out); err == nil {
		return out, nil
	}
	kbps := fmt.Sprintf("%dk", spec.BitrateKbps)
	filter := []string{"-vf", "noise=alls=12:allf=t"}
	if spec.FrameCode {
		// The code is drawn on a small stream of its own and laid over the
		// noisy picture: geq on the whole 720p frame would take minutes.
		filter = []string{
			"-f", "lavfi", "-i", fmt.Sprintf("color=black:size=%dx%d:rate=%d", FrameCodeBits*FrameCodeCell, FrameCodeCell, spec.FPS),
			"-filter_complex", fmt.Sprintf("[0:v]noise=alls=12:allf=t[bg];"+
				"[1:v]geq=lum='255*mod(floor(N/pow(2,floor(X/%d))),2)':cb=128:cr=128[code];"+
				"[bg][code]overlay=0:0:shortest=1", FrameCodeCell),
		}
	}
	args := []string{"-hide_banner", "-loglevel", "error", "-y",
		"-f", "lavfi", "-i", fmt.Sprintf("testsrc2=size=%dx%d:rate=%d", spec.Width, spec.Height, spec.FPS)}
	args = append(args, filter...)
	args = append(args,
		"-t", fmt.Sprintf("%.3f", spec.Duration.Seconds()),
		"-c:v", "libx264", "-preset", "veryfast", "-profile:v", "main", "-pix_fmt", "yuv420p",
		"-bf", "0", "-g", fmt.Sprint(gop), "-keyint_min", fmt.Sprint(gop), "-sc_threshold", "0",
		"-b:v", kbps, "-maxrate", kbps, "-bufsize", fmt.Sprintf("%dk", spec.BitrateKbps/2),
		"-x264-params", "aud=1:repeat-headers=1:sliced-threads=0",
		"-an", "-f", "h264", out+".tmp")
	cmd := exec.CommandContext(ctx, ff, args...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("videobench: ffmpeg: %v: %s", err, bytes.TrimSpace(msg))
	}
	return out, os.Rename(out+".tmp", out)
}

// Clip is an H.264 stream split into access units, ready to loop.
type Clip struct {
	AUs      [][][]byte // NAL units without start codes, one slice per AU
	FPS      int
	SPS, PPS []byte
}

// FrameDuration is the time between access units.
func (c *Clip) FrameDuration() time.Duration { return time.Second / time.Duration(c.FPS) }

// LoadClip reads a file MakeClip wrote.
func LoadClip(path string, fps int) (*Clip, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("videobench: %w", err)
	}
	nalus := splitAnnexB(data)
	c := &Clip{FPS: fps}
	var au [][]byte
	for _, n := range nalus {
		if len(n) == 0 {
			continue
		}
		switch h264.NALUType(n[0] & 0x1f) {
		case h264.NALUTypeAccessUnitDelimiter:
			if len(au) > 0 {
				c.AUs = append(c.AUs, au)
			}
			au = nil
			continue
		case h264.NALUTypeSPS:
			if c.SPS == nil {
				c.SPS = n
			}
		case h264.NALUTypePPS:
			if c.PPS == nil {
				c.PPS = n
			}
		case h264.NALUTypeSEI:
			continue // x264's version banner: not needed
		}
		au = append(au, n)
	}
	if len(au) > 0 {
		c.AUs = append(c.AUs, au)
	}
	if len(c.AUs) == 0 || c.SPS == nil || c.PPS == nil || !h264.IsRandomAccess(c.AUs[0]) {
		return nil, fmt.Errorf("videobench: %s: no access units starting with a keyframe and parameter sets", path)
	}
	return c, nil
}

// splitAnnexB splits a whole Annex-B file at its start codes (h264.AnnexB
// bounds the count for one access unit; a file has thousands).
func splitAnnexB(data []byte) [][]byte {
	var out [][]byte
	start := -1
	for i := 0; i+2 < len(data); {
		if data[i] == 0 && data[i+1] == 0 && data[i+2] == 1 {
			if start >= 0 {
				end := i
				for end > start && data[end-1] == 0 {
					end-- // the leading zero of a four-byte start code
				}
				out = append(out, data[start:end])
			}
			i += 3
			start = i
			continue
		}
		i++
	}
	if start >= 0 && start < len(data) {
		out = append(out, data[start:])
	}
	return out
}
