package video

import (
	"errors"
	"fmt"
	"slices"

	"github.com/bluenviron/gortsplib/v5/pkg/format"
	"github.com/bluenviron/gortsplib/v5/pkg/format/rtph264"
	"github.com/bluenviron/gortsplib/v5/pkg/format/rtph265"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h265"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// Codec names as the status shows them.
const (
	CodecH264 = "H264"
	CodecH265 = "H265"
)

// rtpPayloadMax keeps every packet inside a 1280-byte path MTU with SRTP,
// the RTP header and a TURN or ICE-TCP framing on top.
const rtpPayloadMax = 1150

// errNeedMore is a packet that completes no access unit yet.
var errNeedMore = errors.New("need more packets")

// videoCodec depacketizes the camera's RTP into access units, keeps its
// parameter sets, and packetizes the units again for WebRTC.
type videoCodec interface {
	name() string
	mime() string
	decode(*rtp.Packet) ([][]byte, error)
	// prepare records in-band parameter sets, puts them in front of a
	// keyframe that lacks them, and says whether au is a keyframe and
	// whether it is a B-slice.
	prepare(au [][]byte) (out [][]byte, key, bframe bool)
	encode(au [][]byte) ([]*rtp.Packet, error)
	size() (width, height int)
	// profile is the H.264 profile_idc as two hex digits, "" for H.265.
	profile() string
}

type h264Codec struct {
	dec      *rtph264.Decoder
	enc      *rtph264.Encoder
	sps, pps []byte
	w, h     int
}

func newH264(f *format.H264) (*h264Codec, error) {
	dec, err := f.CreateDecoder()
	if err != nil {
		return nil, err
	}
	enc := &rtph264.Encoder{PayloadType: 96, PayloadMaxSize: rtpPayloadMax, PacketizationMode: 1}
	if err := enc.Init(); err != nil {
		return nil, err
	}
	c := &h264Codec{dec: dec, enc: enc}
	c.setSPS(f.SPS)
	c.pps = clone(f.PPS)
	return c, nil
}

func (c *h264Codec) name() string { return CodecH264 }
func (c *h264Codec) profile() string {
	if len(c.sps) < 2 {
		return ""
	}
	return fmt.Sprintf("%02x", c.sps[1])
}
func (c *h264Codec) mime() string { return webrtc.MimeTypeH264 }
func (c *h264Codec) size() (int, int) {
	return c.w, c.h
}

func (c *h264Codec) decode(p *rtp.Packet) ([][]byte, error) {
	au, err := c.dec.Decode(p)
	if errors.Is(err, rtph264.ErrMorePacketsNeeded) || errors.Is(err, rtph264.ErrNonStartingPacketAndNoPrevious) {
		return nil, errNeedMore
	}
	return au, err
}

func (c *h264Codec) setSPS(sps []byte) {
	if len(sps) == 0 {
		return
	}
	c.sps = clone(sps)
	var s h264.SPS
	if s.Unmarshal(sps) == nil {
		c.w, c.h = s.Width(), s.Height()
	}
}

func (c *h264Codec) prepare(au [][]byte) ([][]byte, bool, bool) {
	// Access unit delimiters carry nothing WebRTC needs, and must come
	// first, before the parameter sets put in front of a keyframe.
	au = slices.DeleteFunc(au, func(n []byte) bool {
		return len(n) == 0 || h264.NALUType(n[0]&0x1f) == h264.NALUTypeAccessUnitDelimiter
	})
	if len(au) == 0 {
		return au, false, false
	}
	key := h264.IsRandomAccess(au)
	hasSPS, hasPPS, bframe := false, false, false
	for _, n := range au {
		if len(n) == 0 {
			continue
		}
		switch h264.NALUType(n[0] & 0x1f) {
		case h264.NALUTypeSPS:
			hasSPS = true
			c.setSPS(n)
		case h264.NALUTypePPS:
			hasPPS = true
			c.pps = clone(n)
		case h264.NALUTypeNonIDR:
			bframe = bframe || h264SliceType(n) == 1
		}
	}
	if key && (!hasSPS || !hasPPS) && c.sps != nil && c.pps != nil {
		out := make([][]byte, 0, len(au)+2)
		out = append(out, c.sps, c.pps)
		for _, n := range au {
			if t := h264.NALUType(n[0] & 0x1f); t != h264.NALUTypeSPS && t != h264.NALUTypePPS {
				out = append(out, n)
			}
		}
		au = out
	}
	return au, key, bframe
}

func (c *h264Codec) encode(au [][]byte) ([]*rtp.Packet, error) { return c.enc.Encode(au) }

// h264SliceType reads slice_type from a slice NAL unit's header (two
// Exp-Golomb numbers after the one-byte NAL header); 1 (or 6) is a B slice.
// -1 when it cannot be read.
func h264SliceType(nalu []byte) int {
	br := bitReader{buf: nalu[1:]}
	if _, ok := br.ue(); !ok { // first_mb_in_slice
		return -1
	}
	t, ok := br.ue()
	if !ok {
		return -1
	}
	return int(t % 5)
}

type bitReader struct {
	buf []byte
	pos int
}

func (b *bitReader) bit() (uint32, bool) {
	if b.pos >= len(b.buf)*8 {
		return 0, false
	}
	v := uint32(b.buf[b.pos/8]>>(7-b.pos%8)) & 1
	b.pos++
	return v, true
}

func (b *bitReader) ue() (uint32, bool) {
	zeros := 0
	for {
		v, ok := b.bit()
		if !ok || zeros > 31 {
			return 0, false
		}
		if v == 1 {
			break
		}
		zeros++
	}
	var rest uint32
	for range zeros {
		v, ok := b.bit()
		if !ok {
			return 0, false
		}
		rest = rest<<1 | v
	}
	return (1<<zeros - 1) + rest, true
}

type h265Codec struct {
	dec           *rtph265.Decoder
	enc           *rtph265.Encoder
	vps, sps, pps []byte
	w, h          int
}

func newH265(f *format.H265) (*h265Codec, error) {
	dec, err := f.CreateDecoder()
	if err != nil {
		return nil, err
	}
	enc := &rtph265.Encoder{PayloadType: 96, PayloadMaxSize: rtpPayloadMax}
	if err := enc.Init(); err != nil {
		return nil, err
	}
	c := &h265Codec{dec: dec, enc: enc}
	c.vps, c.pps = clone(f.VPS), clone(f.PPS)
	c.setSPS(f.SPS)
	return c, nil
}

func (c *h265Codec) name() string    { return CodecH265 }
func (c *h265Codec) profile() string { return "" }
func (c *h265Codec) mime() string    { return webrtc.MimeTypeH265 }
func (c *h265Codec) size() (int, int) {
	return c.w, c.h
}

func (c *h265Codec) decode(p *rtp.Packet) ([][]byte, error) {
	au, err := c.dec.Decode(p)
	if errors.Is(err, rtph265.ErrMorePacketsNeeded) || errors.Is(err, rtph265.ErrNonStartingPacketAndNoPrevious) {
		return nil, errNeedMore
	}
	return au, err
}

func (c *h265Codec) setSPS(sps []byte) {
	if len(sps) == 0 {
		return
	}
	c.sps = clone(sps)
	var s h265.SPS
	if s.Unmarshal(sps) == nil {
		c.w, c.h = s.Width(), s.Height()
	}
}

func (c *h265Codec) prepare(au [][]byte) ([][]byte, bool, bool) {
	au = slices.DeleteFunc(au, func(n []byte) bool {
		return len(n) < 2 || h265.NALUType((n[0]>>1)&0x3f) == h265.NALUType_AUD_NUT
	})
	if len(au) == 0 {
		return au, false, false
	}
	key := h265.IsRandomAccess(au)
	has := map[h265.NALUType]bool{}
	for _, n := range au {
		if len(n) < 2 {
			continue
		}
		t := h265.NALUType((n[0] >> 1) & 0x3f)
		has[t] = true
		switch t {
		case h265.NALUType_VPS_NUT:
			c.vps = clone(n)
		case h265.NALUType_SPS_NUT:
			c.setSPS(n)
		case h265.NALUType_PPS_NUT:
			c.pps = clone(n)
		}
	}
	if key && !(has[h265.NALUType_VPS_NUT] && has[h265.NALUType_SPS_NUT] && has[h265.NALUType_PPS_NUT]) &&
		c.vps != nil && c.sps != nil && c.pps != nil {
		out := [][]byte{c.vps, c.sps, c.pps}
		for _, n := range au {
			switch h265.NALUType((n[0] >> 1) & 0x3f) {
			case h265.NALUType_VPS_NUT, h265.NALUType_SPS_NUT, h265.NALUType_PPS_NUT:
			default:
				out = append(out, n)
			}
		}
		au = out
	}
	return au, key, false
}

func (c *h265Codec) encode(au [][]byte) ([]*rtp.Packet, error) { return c.enc.Encode(au) }

func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte(nil), b...)
}
