package video

import (
	"bytes"
	"testing"
	"time"
	"unsafe"

	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
)

// sentRTP is what reached the writer after the responder.
type sentRTP struct {
	h       rtp.Header
	payload []byte
}

// mustResponder binds a responder of size packets to one stream with NACK
// (SSRC 1) and returns the stream's writer, what was written after it, and
// a function handing the responder an RTCP packet at a given time.
func mustResponder(tb testing.TB, size uint16, clock *time.Time) (interceptor.RTPWriter, *[]sentRTP, func(rtcp.Packet)) {
	tb.Helper()
	f := nackResponderFactory{size: size}
	i, err := f.NewInterceptor("")
	if err != nil {
		tb.Fatal(err)
	}
	n := i.(*nackResponder)
	n.now = func() time.Time { return *clock }
	tb.Cleanup(func() { _ = n.Close() })
	var out []sentRTP
	w := n.BindLocalStream(&interceptor.StreamInfo{SSRC: 1, RTCPFeedback: []interceptor.RTCPFeedback{{Type: "nack"}}},
		interceptor.RTPWriterFunc(func(h *rtp.Header, p []byte, _ interceptor.Attributes) (int, error) {
			out = append(out, sentRTP{*h, p})
			return h.MarshalSize() + len(p), nil
		}))
	var in []byte
	r := n.BindRTCPReader(interceptor.RTCPReaderFunc(func(b []byte, a interceptor.Attributes) (int, interceptor.Attributes, error) {
		return copy(b, in), a, nil
	}))
	feed := func(p rtcp.Packet) {
		var err error
		if in, err = p.Marshal(); err != nil {
			tb.Fatal(err)
		}
		if _, _, err := r.Read(make([]byte, 1500), nil); err != nil {
			tb.Fatal(err)
		}
	}
	return w, &out, feed
}

func nackOf(seqs ...uint16) *rtcp.TransportLayerNack {
	return &rtcp.TransportLayerNack{MediaSSRC: 1, Nacks: rtcp.NackPairsFromSequenceNumbers(seqs)}
}

func TestNACKResponder(t *testing.T) {
	clock := time.Unix(1_700_000_000, 0)
	w, out, feed := mustResponder(t, 8, &clock)
	payloads := make([][]byte, 12)
	for i := range payloads {
		payloads[i] = []byte{byte(i), 0xaa}
		h := rtp.Header{Version: 2, Marker: i%3 == 2, PayloadType: 102, SequenceNumber: uint16(65530 + i), Timestamp: uint32(1000 * i), SSRC: 1}
		if _, err := w.Write(&h, payloads[i], nil); err != nil {
			t.Fatal(err)
		}
	}
	// Another SSRC (RTX, FEC) passes, unrecorded.
	if _, err := w.Write(&rtp.Header{Version: 2, SSRC: 9, SequenceNumber: 65535}, []byte{1}, nil); err != nil {
		t.Fatal(err)
	}
	// Packets with an extension cannot be rebuilt: their slot is cleared.
	ext := rtp.Header{Version: 2, PayloadType: 102, SequenceNumber: 6, SSRC: 1}
	if err := ext.SetExtension(1, []byte{1}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(&ext, []byte{6}, nil); err != nil {
		t.Fatal(err)
	}
	*out = nil

	// 65531 and 65532 are older than the 8 kept; 65535 wrapped round
	// into the history; 6 carried an extension; 7 was never sent.
	feed(nackOf(65531, 65532, 65535, 0, 5, 6, 7))
	want := []uint16{65535, 0, 5}
	if len(*out) != len(want) {
		t.Fatalf("resent %d packets, want %d: %+v", len(*out), len(want), *out)
	}
	for i, seq := range want {
		got := (*out)[i]
		k := int(uint16(seq - 65530))
		wantH := rtp.Header{Version: 2, Marker: k%3 == 2, PayloadType: 102, SequenceNumber: seq, Timestamp: uint32(1000 * k), SSRC: 1}
		if got.h.Version != 2 || got.h.Marker != wantH.Marker || got.h.PayloadType != 102 || got.h.SequenceNumber != seq || got.h.Timestamp != wantH.Timestamp || got.h.SSRC != 1 {
			t.Errorf("resent header %+v, want %+v", got.h, wantH)
		}
		if !bytes.Equal(got.payload, payloads[k]) || &got.payload[0] != &payloads[k][0] {
			t.Errorf("seq %d: payload %v not the one sent (%v), or copied", seq, got.payload, payloads[k])
		}
	}

	// Asked again at once: the resend is still on its way.
	*out = nil
	clock = clock.Add(time.Millisecond)
	feed(nackOf(0))
	if len(*out) != 0 {
		t.Errorf("resent again after 1 ms: %+v", *out)
	}
	// A round trip later it goes again.
	clock = clock.Add(10 * time.Millisecond)
	feed(nackOf(0))
	if len(*out) != 1 {
		t.Errorf("not resent after a round trip: %+v", *out)
	}
	// Another stream's NACK is not ours.
	*out = nil
	feed(&rtcp.TransportLayerNack{MediaSSRC: 2, Nacks: rtcp.NackPairsFromSequenceNumbers([]uint16{5})})
	if len(*out) != 0 {
		t.Errorf("resent for another SSRC: %+v", *out)
	}
}

// TestNACKResponderRTT: a receiver report's LSR and DLSR give the round
// trip, and a NACK inside it does not resend twice.
func TestNACKResponderRTT(t *testing.T) {
	clock := time.Unix(1_700_000_000, 0)
	w, out, feed := mustResponder(t, 8, &clock)
	if _, err := w.Write(&rtp.Header{Version: 2, PayloadType: 96, SequenceNumber: 3, SSRC: 1}, []byte{3}, nil); err != nil {
		t.Fatal(err)
	}
	sr := clock.Add(-300 * time.Millisecond)                                                                                     // our sender report, 300 ms ago
	feed(&rtcp.ReceiverReport{Reports: []rtcp.ReceptionReport{{SSRC: 1, LastSenderReport: ntp32(sr), Delay: 100 << 16 / 1000}}}) // held 100 ms
	feed(nackOf(3))
	clock = clock.Add(150 * time.Millisecond) // under the 200 ms round trip
	feed(nackOf(3))
	if len(*out) != 2 { // the first write and one resend
		t.Fatalf("%d writes, want 2", len(*out))
	}
	clock = clock.Add(100 * time.Millisecond)
	feed(nackOf(3))
	if len(*out) != 3 {
		t.Fatalf("%d writes after the round trip, want 3", len(*out))
	}
}

func TestSentPacketSize(t *testing.T) {
	if n := unsafe.Sizeof(sentPacket{}); n != 24 {
		t.Errorf("a history entry takes %d bytes, want 24", n)
	}
}
