package democam

import (
	_ "embed"
	"errors"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h265"
)

//go:embed demo.h264
var demoClip []byte

// Clip is an H.264 (or H.265) stream split into access units, played at FPS.
type Clip struct {
	AUs      [][][]byte
	FPS      int
	SPS, PPS []byte
	// H265 clips also have a VPS.
	H265 bool
	VPS  []byte
}

// Demo is the embedded clip: 20 s, keyframes at 0 s and 10 s.
func Demo() (*Clip, error) { return ParseAnnexB(demoClip, 25) }

// ParseAnnexB splits an Annex-B stream into access units at its access
// unit delimiters (ffmpeg's x264 aud=1), or at each slice when it has none.
func ParseAnnexB(b []byte, fps int) (*Clip, error) {
	nalus := splitAnnexB(b)
	c := &Clip{FPS: fps}
	var au [][]byte
	flush := func() {
		if len(au) > 0 {
			c.AUs = append(c.AUs, au)
			au = nil
		}
	}
	hasAUD := false
	for _, n := range nalus {
		if len(n) > 0 && h264.NALUType(n[0]&0x1f) == h264.NALUTypeAccessUnitDelimiter {
			hasAUD = true
			break
		}
	}
	for _, n := range nalus {
		if len(n) == 0 {
			continue
		}
		switch h264.NALUType(n[0] & 0x1f) {
		case h264.NALUTypeAccessUnitDelimiter:
			flush()
			continue // WebRTC needs no delimiters
		case h264.NALUTypeSPS:
			if c.SPS == nil {
				c.SPS = n
			}
		case h264.NALUTypePPS:
			if c.PPS == nil {
				c.PPS = n
			}
		case h264.NALUTypeIDR, h264.NALUTypeNonIDR:
			if !hasAUD {
				au = append(au, n)
				flush()
				continue
			}
		}
		au = append(au, n)
	}
	flush()
	if len(c.AUs) == 0 || c.SPS == nil || c.PPS == nil || !h264.IsRandomAccess(c.AUs[0]) {
		return nil, errors.New("democam: the clip must start with SPS, PPS and a keyframe")
	}
	return c, nil
}

// ParseAnnexBH265 splits an H.265 Annex-B stream into access units at its
// access unit delimiters (x265's aud=1).
func ParseAnnexBH265(b []byte, fps int) (*Clip, error) {
	c := &Clip{FPS: fps, H265: true}
	var au [][]byte
	for _, n := range splitAnnexB(b) {
		if len(n) < 2 {
			continue
		}
		switch h265.NALUType((n[0] >> 1) & 0x3f) {
		case h265.NALUType_AUD_NUT:
			if len(au) > 0 {
				c.AUs = append(c.AUs, au)
			}
			au = nil
			continue
		case h265.NALUType_VPS_NUT:
			c.VPS = cmpSet(c.VPS, n)
		case h265.NALUType_SPS_NUT:
			c.SPS = cmpSet(c.SPS, n)
		case h265.NALUType_PPS_NUT:
			c.PPS = cmpSet(c.PPS, n)
		}
		au = append(au, n)
	}
	if len(au) > 0 {
		c.AUs = append(c.AUs, au)
	}
	if len(c.AUs) == 0 || c.VPS == nil || c.SPS == nil || c.PPS == nil || !h265.IsRandomAccess(c.AUs[0]) {
		return nil, errors.New("democam: the H.265 clip must start with VPS, SPS, PPS and a keyframe")
	}
	return c, nil
}

func cmpSet(old, n []byte) []byte {
	if old != nil {
		return old
	}
	return n
}

// splitAnnexB cuts a byte stream at its 00 00 01 start codes (mediacommon's
// AnnexB reader stops at 50 NAL units: it reads one access unit).
func splitAnnexB(b []byte) [][]byte {
	var out [][]byte
	start := -1
	for i := 0; i+2 < len(b); i++ {
		if b[i] == 0 && b[i+1] == 0 && b[i+2] == 1 {
			if start >= 0 {
				end := i
				for end > start && b[end-1] == 0 {
					end--
				}
				out = append(out, b[start:end])
			}
			start = i + 3
			i += 2
		}
	}
	if start >= 0 && start < len(b) {
		out = append(out, b[start:])
	}
	return out
}
