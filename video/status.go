package video

import (
	"sync"
	"time"
)

// Camera states.
const (
	StateConnecting = "connecting"
	StateOnline     = "online"
	StateOffline    = "offline"
	// StateIdle is an on-demand camera that nobody watches: not pulled.
	StateIdle = "idle"
)

// Warning is something about a camera's stream that browsers will not
// play as sent, in both languages of the board.
type Warning struct {
	Code      string `json:"code"`
	MessageZh string `json:"message_zh"`
	MessageEn string `json:"message_en"`
}

// Warnings the probe and the ingest report.
var (
	WarnBFrames = Warning{"b_frames", "H.264 含 B 帧，浏览器播放会卡顿，请在摄像机上关闭 B 帧", "H.264 with B-frames: browsers stutter on them; turn B-frames off in the camera"}
	WarnAAC     = Warning{"aac_dropped", "AAC 音频浏览器不支持，已丢弃（G.711、Opus 可直通）", "AAC audio cannot play in browsers and is dropped (G.711 and Opus pass through)"}
	WarnH265    = Warning{"h265", "H.265 视频只提供给能解码 H.265 的浏览器", "H.265 video is offered only to browsers that decode H.265"}
	WarnNoVideo = Warning{"no_video", "流中没有 H.264 或 H.265 视频", "the stream has no H.264 or H.265 video"}
	WarnAudio   = Warning{"audio_dropped", "该音频格式浏览器不支持，已丢弃", "this audio format cannot play in browsers and is dropped"}
)

// Status is a camera's live state.
type Status struct {
	State            string    `json:"state"`
	LastError        string    `json:"last_error"`
	Codec            string    `json:"codec"`
	Audio            string    `json:"audio"` // "PCMU", "PCMA", "opus" or "" (none, or dropped)
	Width            int       `json:"width"`
	Height           int       `json:"height"`
	FPS              float64   `json:"fps"`
	BitrateBPS       float64   `json:"bitrate_bps"`
	KeyframeInterval float64   `json:"keyframe_interval_s"`
	Viewers          int       `json:"viewers"`
	PacketsLost      uint64    `json:"packets_lost"`
	Reconnects       uint64    `json:"reconnects"`
	Warnings         []Warning `json:"warnings"`
}

// CameraInfo is a camera as the API shows it: the record, redacted, and
// its status, flattened into one JSON object.
type CameraInfo struct {
	Camera
	Status
	ViewerList []ViewerStatus `json:"viewer_sessions,omitempty"`
}

// Probe is what Put learnt from the camera's DESCRIBE.
type Probe struct {
	Codec    string    `json:"codec,omitempty"`
	Audio    string    `json:"audio,omitempty"`
	Warnings []Warning `json:"warnings"`
	// Error is the reason the camera could not be probed (redacted); the
	// camera is registered anyway and keeps retrying.
	Error string `json:"error,omitempty"`
}

// meter measures frame rate, bitrate and keyframe interval over windows of
// a couple of seconds; written by the ingest goroutine, read by the status.
type meter struct {
	mu          sync.Mutex
	windowStart time.Time
	frames      int
	bytes       int
	lastKey     time.Time
	fps, bps    float64
	keyInterval float64
}

const meterWindow = 2 * time.Second

func (m *meter) add(now time.Time, size int, key bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if key {
		if !m.lastKey.IsZero() {
			m.keyInterval = now.Sub(m.lastKey).Seconds()
		}
		m.lastKey = now
	}
	if m.windowStart.IsZero() {
		m.windowStart = now
	}
	m.frames++
	m.bytes += size
	if d := now.Sub(m.windowStart); d >= meterWindow {
		m.fps = float64(m.frames) / d.Seconds()
		m.bps = float64(m.bytes*8) / d.Seconds()
		m.windowStart, m.frames, m.bytes = now, 0, 0
	}
}

func (m *meter) reset() {
	m.mu.Lock()
	m.windowStart, m.frames, m.bytes, m.lastKey, m.fps, m.bps = time.Time{}, 0, 0, time.Time{}, 0, 0
	m.mu.Unlock()
}

func (m *meter) read() (fps, bps, keyInterval float64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.fps, m.bps, m.keyInterval
}
