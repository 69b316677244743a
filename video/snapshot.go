package video

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"sync"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
)

// snapCache keeps the JPEG of the latest keyframe per camera, so a board
// asking every few seconds runs ffmpeg once per keyframe.
type snapCache struct {
	mu   sync.Mutex
	last map[*source]snapEntry
}

type snapEntry struct {
	key  *unit
	jpeg []byte
}

// snapshotTimeout bounds one ffmpeg run.
const snapshotTimeout = 10 * time.Second

// Snapshot returns a JPEG of the camera's latest keyframe, decoded by
// ffmpeg. Errors: ErrNotFound, ErrNoPicture (no keyframe yet, or no ffmpeg).
func (r *Relay) Snapshot(ctx context.Context, camID string) ([]byte, error) {
	src, err := r.source(camID)
	if err != nil {
		return nil, err
	}
	key := src.hub.keyframe()
	if key == nil || key.au == nil {
		return nil, fmt.Errorf("%w: no keyframe from camera %s yet", ErrNoPicture, camID)
	}
	r.snap.mu.Lock()
	if e, ok := r.snap.last[src]; ok && e.key == key {
		r.snap.mu.Unlock()
		return e.jpeg, nil
	}
	r.snap.mu.Unlock()

	annexb, err := h264.AnnexB(key.au).Marshal() // the start codes are the same for H.265
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNoPicture, err)
	}
	input := "h264"
	if c, _, _ := src.media(); c == CodecH265 {
		input = "hevc"
	}
	ctx, cancel := context.WithTimeout(ctx, snapshotTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, r.cfg.FFmpeg, "-hide_banner", "-loglevel", "error", "-f", input, "-i", "pipe:0",
		"-frames:v", "1", "-f", "image2", "-c:v", "mjpeg", "-q:v", "4", "pipe:1")
	cmd.Stdin = bytes.NewReader(annexb)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return nil, fmt.Errorf("%w: ffmpeg is not installed", ErrNoPicture)
		}
		return nil, fmt.Errorf("video: snapshot of %s: ffmpeg: %w: %s", camID, err, clip(stderr.String(), 200))
	}
	if out.Len() == 0 {
		return nil, fmt.Errorf("%w: ffmpeg decoded no picture", ErrNoPicture)
	}
	r.snap.mu.Lock()
	if r.snap.last == nil {
		r.snap.last = make(map[*source]snapEntry)
	}
	r.snap.last[src] = snapEntry{key: key, jpeg: out.Bytes()}
	r.snap.mu.Unlock()
	return out.Bytes(), nil
}
