package videobench

import (
	"fmt"
	"math"
)

// PlaybackProbe is a script to run in every new document (before the
// page's own scripts): on a page with a <video id="video"> it reads the frame code (ClipSpec.FrameCode) of every
// frame the browser presents (requestVideoFrameCallback) and keeps
// [performance.now(), code] pairs in window.__rwFrames, read from the
// player's still (web/static/video/whep.js) while one covers the video. It
// tells what the viewer saw, not what was sent: a catch-up that the
// browser plays back fast shows as codes advancing faster than the clip's
// frame rate.
var PlaybackProbe = fmt.Sprintf(`document.addEventListener('DOMContentLoaded', () => {
  const v = document.querySelector('#video');
  if (!v) return;
  const w = %d * %d, h = %d;
  const c = document.createElement('canvas');
  c.width = w; c.height = h;
  const g = c.getContext('2d', { willReadFrequently: true });
  window.__rwFrames = [];
  const read = () => {
    v.requestVideoFrameCallback(read);
    if (v.readyState < 2) return; // nothing to draw yet: it would read as black
    // What is seen: the player's still while it covers the video.
    const still = v.parentElement && v.parentElement.querySelector('canvas.whep-still');
    g.drawImage(still || v, 0, 0, w, h, 0, 0, w, h);
    const d = g.getImageData(0, 0, w, h).data;
    let n = 0;
    for (let i = 0; i < %d; i++) {
      const x = i * %d + %d / 2, y = h / 2;
      if (d[(y * w + x) * 4] > 128) n |= 1 << i;
    }
    window.__rwFrames.push([performance.now(), n]);
  };
  v.requestVideoFrameCallback(read);
})`, FrameCodeBits, FrameCodeCell, FrameCodeCell, FrameCodeBits, FrameCodeCell, FrameCodeCell)

// Playback is what a viewer saw of the clip, from the frames it was shown.
type Playback struct {
	Frames int // frames presented
	// MaxSpeed is the fastest the picture moved over any FastWindow, as a
	// multiple of real time (1 is the camera's pace).
	MaxSpeed float64
	// FastMs is how long, in all, the picture moved faster than
	// FastSpeed times real time: the catch-up seen as fast playback.
	FastMs float64
	// Jumps counts steps of more than a second of the clip between two
	// frames presented one after the other (a catch-up not shown at all).
	Jumps int
	// Last is the clip frame presented last, unwrapped past the clip's
	// loop (add the clip's length once per loop).
	Last int64
}

// FastWindow and FastSpeed define fast playback: the picture advancing more
// than FastSpeed times real time over FastWindow.
const (
	FastWindow = 250.0 // ms
	FastSpeed  = 1.5
)

// AnalysePlayback reads the probe's pairs for a clip of loop frames at fps.
func AnalysePlayback(pairs [][2]float64, fps float64, loop int64) Playback {
	p := Playback{Frames: len(pairs)}
	if len(pairs) == 0 {
		return p
	}
	// adv[i] is how far the picture moved from frame i-1 to i, a jump of
	// more than a second of the clip counting as none: a jump is not fast
	// playback, just the picture going from one moment to a later one.
	at := make([]float64, len(pairs))
	adv := make([]float64, len(pairs))
	var wraps, prev int64
	for i, pr := range pairs {
		code := int64(pr[1])
		if i > 0 && code+wraps*loop < prev-loop/2 {
			wraps++
		}
		n := code + wraps*loop
		at[i] = pr[0]
		if i > 0 {
			d := float64(n - prev)
			if d > fps {
				p.Jumps++
				d = 0
			}
			adv[i] = d
		}
		prev = n
	}
	p.Last = prev
	// Each window starts at a presented frame; fast windows' spans are
	// merged so FastMs counts wall time once.
	fastEnd := math.Inf(-1)
	j, moved := 0, 0.0
	for i := range at {
		if j < i {
			j, moved = i, 0
		}
		for j+1 < len(at) && at[j+1]-at[i] <= FastWindow {
			j++
			moved += adv[j]
		}
		span := at[j] - at[i]
		if span >= FastWindow/2 {
			speed := moved / fps / (span / 1000)
			p.MaxSpeed = max(p.MaxSpeed, speed)
			if speed > FastSpeed {
				if from := max(at[i], fastEnd); at[j] > from {
					p.FastMs += at[j] - from
				}
				fastEnd = max(fastEnd, at[j])
			}
		}
		if j > i {
			moved -= adv[i+1] // the window's next start drops its first step
		}
	}
	return p
}
