package video

import (
	"math"
	"sync"
	"time"
	"unsafe"

	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
)

// nackResponder resends the packets a peer's NACKs name, from a history of
// the last packets sent on each stream that negotiated NACK. It does what
// pion's nack.ResponderInterceptor with DisableCopy did for the relay, at
// a tenth of the memory: pion keeps per packet a retainable wrapper and a
// header of its own (some 230 bytes a packet, 120 KB a viewer at 512
// packets), where a relay's track writes headers it can rebuild from four
// fields (24 bytes a packet, 12 KB a viewer). A history entry is those fields and the payload, which is the
// camera's, shared by every viewer and never written to again (track).
//
// Like pion's it resends on the stream's own SSRC (no RTX), skips a packet
// resent less than a round trip ago, and leaves the rate of resends to
// nackBudget before it.
//
// Only headers as track writes them are kept: no CSRC, extensions or
// padding. Another header is sent but not kept, so not resent.
type nackResponder struct {
	interceptor.NoOp
	size uint16 // a power of two
	now  func() time.Time

	mu      sync.Mutex
	streams map[uint32]*sentLog // by SSRC
}

// nackResponderFactory makes one responder per peer connection.
type nackResponderFactory struct{ size uint16 }

func (f nackResponderFactory) NewInterceptor(string) (interceptor.Interceptor, error) {
	return &nackResponder{size: f.size, now: time.Now, streams: map[uint32]*sentLog{}}, nil
}

// sentLog is one stream's history, indexed by sequence number modulo its
// length.
type sentLog struct {
	w     interceptor.RTPWriter // the writer after the responder
	start time.Time             // resent times count from it

	mu      sync.Mutex
	pkts    []sentPacket
	rtt     time.Duration
	samples int64
}

// sentPacket is one packet as sent, in 24 bytes: the payload is kept as
// its first byte and length (a pointer the collector follows like any
// other), not a slice, whose capacity the history never needs.
type sentPacket struct {
	payload unsafe.Pointer
	ts      uint32
	size    uint16
	seq     uint16
	resent  uint16 // ms after start of the last resend, +1, wrapping; 0 = never
	pt      uint8
	flags   uint8
}

// bytes is the packet's payload.
func (p *sentPacket) bytes() []byte { return unsafe.Slice((*byte)(p.payload), p.size) }

const (
	sentValid  = 1 << iota // the slot holds a packet
	sentMarker             // its marker bit
)

// nackSupported tells whether the stream negotiated generic NACK.
func nackSupported(info *interceptor.StreamInfo) bool {
	for _, fb := range info.RTCPFeedback {
		if fb.Type == "nack" && fb.Parameter == "" {
			return true
		}
	}
	return false
}

// BindLocalStream records every packet written on a stream with NACK.
func (n *nackResponder) BindLocalStream(info *interceptor.StreamInfo, w interceptor.RTPWriter) interceptor.RTPWriter {
	if !nackSupported(info) {
		return w
	}
	l := &sentLog{w: w, start: n.now(), pkts: make([]sentPacket, n.size)}
	n.mu.Lock()
	n.streams[info.SSRC] = l
	n.mu.Unlock()
	ssrc, mask := info.SSRC, n.size-1
	return interceptor.RTPWriterFunc(func(h *rtp.Header, payload []byte, a interceptor.Attributes) (int, error) {
		if h.SSRC == ssrc {
			p := sentPacket{ts: h.Timestamp, seq: h.SequenceNumber, pt: h.PayloadType, flags: sentValid}
			if h.Marker {
				p.flags |= sentMarker
			}
			if h.Extension || h.Padding || len(h.CSRC) > 0 || len(payload) > math.MaxUint16 {
				p = sentPacket{} // cannot be rebuilt: forget what the slot held
			} else {
				p.payload, p.size = unsafe.Pointer(unsafe.SliceData(payload)), uint16(len(payload))
			}
			l.mu.Lock()
			l.pkts[h.SequenceNumber&mask] = p
			l.mu.Unlock()
		}
		return w.Write(h, payload, a)
	})
}

// UnbindLocalStream forgets the stream's history.
func (n *nackResponder) UnbindLocalStream(info *interceptor.StreamInfo) {
	n.mu.Lock()
	delete(n.streams, info.SSRC)
	n.mu.Unlock()
}

// Close forgets every history.
func (n *nackResponder) Close() error {
	n.mu.Lock()
	clear(n.streams)
	n.mu.Unlock()
	return nil
}

// BindRTCPReader resends what each NACK names, and follows the round trip
// from receiver reports.
func (n *nackResponder) BindRTCPReader(r interceptor.RTCPReader) interceptor.RTCPReader {
	return interceptor.RTCPReaderFunc(func(b []byte, a interceptor.Attributes) (int, interceptor.Attributes, error) {
		i, a, err := r.Read(b, a)
		if err != nil {
			return 0, nil, err
		}
		if a == nil {
			a = make(interceptor.Attributes)
		}
		pkts, err := a.GetRTCPPackets(b[:i])
		if err != nil {
			return 0, nil, err
		}
		for _, p := range pkts {
			switch p := p.(type) {
			case *rtcp.ReceiverReport:
				n.updateRTT(p.Reports)
			case *rtcp.SenderReport:
				n.updateRTT(p.Reports)
			case *rtcp.TransportLayerNack:
				n.resend(p)
			}
		}
		return i, a, nil
	})
}

func (n *nackResponder) stream(ssrc uint32) *sentLog {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.streams[ssrc]
}

// resend writes the packets nack names that the history still holds, each
// at most once a round trip.
func (n *nackResponder) resend(nack *rtcp.TransportLayerNack) {
	l := n.stream(nack.MediaSSRC)
	if l == nil {
		return
	}
	mask := n.size - 1
	var h rtp.Header
	for _, pair := range nack.Nacks {
		pair.Range(func(seq uint16) bool {
			now := n.now()
			l.mu.Lock()
			p := &l.pkts[seq&mask]
			ok := p.flags&sentValid != 0 && p.seq == seq
			// A slot is rewritten within seconds, long before the 65 s its
			// resend time takes to wrap.
			elapsed := uint16(now.Sub(l.start)/time.Millisecond) + 1
			if ok && p.resent != 0 && time.Duration(elapsed-p.resent)*time.Millisecond < l.rtt+5*time.Millisecond {
				ok = false // resent a moment ago: that copy is still on its way
			}
			sent := *p
			if ok {
				p.resent = elapsed
			}
			l.mu.Unlock()
			if ok {
				h = rtp.Header{Version: 2, Marker: sent.flags&sentMarker != 0, PayloadType: sent.pt, SequenceNumber: seq, Timestamp: sent.ts, SSRC: nack.MediaSSRC}
				_, _ = l.w.Write(&h, sent.bytes(), nil) // lost again is lost, as the first time
			}
			return true
		})
	}
}

// updateRTT follows each stream's round trip from the reports of its
// receiver (RFC 3550 section 6.4.1: now - LSR - DLSR), a running mean.
func (n *nackResponder) updateRTT(reports []rtcp.ReceptionReport) {
	now := ntp32(n.now())
	for _, r := range reports {
		if r.LastSenderReport == 0 {
			continue
		}
		l := n.stream(r.SSRC)
		rtt := now - r.LastSenderReport - r.Delay
		if l == nil || rtt >= 1<<31 {
			continue
		}
		l.mu.Lock()
		l.samples++
		l.rtt += (time.Duration(rtt)*time.Second/(1<<16) - l.rtt) / time.Duration(l.samples)
		l.mu.Unlock()
	}
}
