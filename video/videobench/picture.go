package videobench

import (
	"sync"
	"time"

	"github.com/bluenviron/gortsplib/v5/pkg/format/rtph264"
	"github.com/bluenviron/mediacommon/v2/pkg/bits"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/pion/rtp"
)

// confirmFrames is how many frames after an IDR must follow it unbroken
// before the IDR counts as the first whole picture (a viewer sent the
// cached keyframe alone breaks at the very next frame).
const confirmFrames = 25

// Picture follows one H.264 RTP stream as a decoder would and records, from
// a start instant (the offer), when the first packet, the first access unit
// and the first whole picture arrived. It is safe for one writer (the
// track's reader) and concurrent readers.
type Picture struct {
	start time.Time
	dec   *rtph264.Decoder

	mu        sync.Mutex
	r         PictureResult
	seq       uint16
	haveSeq   bool
	lost      bool // a sequence gap since the last access unit
	sps       *h264.SPS
	havePPS   bool
	chain     bool   // the decoder holds every reference frame so far
	prevRef   uint32 // frame_num of the last reference frame
	candidate time.Duration
	run       int // frames unbroken since the candidate IDR
	whole     chan struct{}
}

// PictureResult is what a Picture saw. Durations are from the start; zero
// means not yet.
type PictureResult struct {
	FirstPacket time.Duration
	FirstAU     time.Duration // any access unit, decodable or not
	FirstWhole  time.Duration // the IDR from which everything decodes
	// Broken counts access units received before the first whole picture
	// that a decoder could not show whole (frames without their
	// references); LoneIDRs the keyframes whose chain broke right after
	// them (a cached keyframe sent alone, as videobufferkf does);
	// BrokenAfter the access units broken after the first whole picture
	// (a packet missed between the catch-up and the live stream).
	Broken      int
	LoneIDRs    int
	BrokenAfter int
	AUs         int
	Packets     int
	Bytes       int64
	Gaps        int // RTP sequence gaps
}

// NewPicture starts following a stream from start.
func NewPicture(start time.Time) *Picture {
	d := &rtph264.Decoder{PacketizationMode: 1}
	if err := d.Init(); err != nil {
		panic("videobench: " + err.Error()) // mode 1 is supported
	}
	return &Picture{start: start, dec: d, whole: make(chan struct{})}
}

// Whole is closed once the first whole picture is confirmed.
func (p *Picture) Whole() <-chan struct{} { return p.whole }

// Result returns a copy of what was seen so far.
func (p *Picture) Result() PictureResult {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.r
}

// Packet takes one RTP packet of the video track, received at.
func (p *Picture) Packet(pkt *rtp.Packet, at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	since := at.Sub(p.start)
	p.r.Packets++
	p.r.Bytes += int64(len(pkt.Payload))
	if p.r.FirstPacket == 0 {
		p.r.FirstPacket = since
	}
	if p.haveSeq && pkt.SequenceNumber != p.seq+1 {
		p.r.Gaps++
		p.lost = true
	}
	p.seq, p.haveSeq = pkt.SequenceNumber, true
	au, err := p.dec.Decode(pkt)
	if err != nil {
		return // more packets needed, or a frame with a hole (lost is set)
	}
	p.accessUnit(au, since)
}

func (p *Picture) accessUnit(au [][]byte, since time.Duration) {
	p.r.AUs++
	if p.r.FirstAU == 0 {
		p.r.FirstAU = since
	}
	lost := p.lost
	p.lost = false
	var slice []byte
	for _, n := range au {
		if len(n) == 0 {
			continue
		}
		switch h264.NALUType(n[0] & 0x1f) {
		case h264.NALUTypeSPS:
			var s h264.SPS
			if s.Unmarshal(n) == nil {
				p.sps = &s
			}
		case h264.NALUTypePPS:
			p.havePPS = true
		case h264.NALUTypeIDR, h264.NALUTypeNonIDR:
			if slice == nil {
				slice = n
			}
		}
	}
	if slice == nil || p.sps == nil || !p.havePPS {
		p.broke()
		return
	}
	frameNum, ok := frameNumber(slice, p.sps)
	idr := h264.NALUType(slice[0]&0x1f) == h264.NALUTypeIDR
	ref := slice[0]>>5&3 != 0
	switch {
	case lost || !ok:
		p.broke()
		return
	case idr:
		p.chain = true
		if p.r.FirstWhole == 0 && p.candidate == 0 {
			p.candidate, p.run = since, 0
		}
	case !p.chain || frameNum != (p.prevRef+1)%(1<<(p.sps.Log2MaxFrameNumMinus4+4)):
		p.broke()
		return
	default:
		if p.candidate != 0 {
			p.run++
			if p.run >= confirmFrames {
				p.r.FirstWhole = p.candidate
				p.candidate = 0
				close(p.whole)
			}
		}
	}
	if ref {
		p.prevRef = frameNum
	}
}

// broke records an access unit a decoder could not show whole: before the
// first whole picture it counts in Broken (and an IDR whose chain broke
// before confirmFrames in LoneIDRs), after it in BrokenAfter.
func (p *Picture) broke() {
	p.chain = false
	if p.r.FirstWhole != 0 {
		p.r.BrokenAfter++
		return
	}
	if p.candidate != 0 {
		p.r.LoneIDRs++
		p.candidate = 0
	}
	p.r.Broken++
}

// frameNumber reads frame_num from a slice header.
func frameNumber(nalu []byte, sps *h264.SPS) (uint32, bool) {
	if len(nalu) < 2 {
		return 0, false
	}
	n := len(nalu)
	if n > 32 {
		n = 32 // the header is within the first bytes
	}
	buf := h264.EmulationPreventionRemove(nalu[1:n])
	pos := 0
	for range 3 { // first_mb_in_slice, slice_type, pic_parameter_set_id
		if _, err := bits.ReadGolombUnsigned(buf, &pos); err != nil {
			return 0, false
		}
	}
	v, err := bits.ReadBits(buf, &pos, int(sps.Log2MaxFrameNumMinus4+4))
	if err != nil {
		return 0, false
	}
	return uint32(v), true
}
