package video

import (
	"testing"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// discardWriter is a binding's writer that takes every packet.
type discardWriter struct{}

func (discardWriter) WriteRTP(h *rtp.Header, p []byte) (int, error) {
	return h.MarshalSize() + len(p), nil
}
func (discardWriter) Write(b []byte) (int, error) { return len(b), nil }

// TestSenderReport: a track's report counts its packets and payload
// octets, and gives the RTP time of the report's instant: the latest
// frame's timestamp advanced by the wall time since its first packet.
func TestSenderReport(t *testing.T) {
	tr := newTrack(webrtc.RTPCodecTypeVideo, webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeH264, ClockRate: 90000}, "video", "s")
	tr.bindings = []binding{{id: "b", ssrc: 7, pt: 102, w: discardWriter{}}}
	if r := tr.reports(time.Now()); r != nil {
		t.Fatalf("reports before the first packet: %v", r)
	}
	for i, ts := range []uint32{1000, 1000, 4600} {
		if _, err := tr.write(&rtp.Packet{Payload: make([]byte, 100+i)}, uint16(i), ts); err != nil {
			t.Fatal(err)
		}
	}
	at := tr.sent.at
	now := at.Add(500 * time.Millisecond)
	r := tr.reports(now)
	if len(r) != 1 {
		t.Fatalf("%d reports, want 1", len(r))
	}
	sr := r[0].(*rtcp.SenderReport)
	want := rtcp.SenderReport{SSRC: 7, NTPTime: ntp64(now), RTPTime: 4600 + 45000, PacketCount: 3, OctetCount: 303}
	if sr.SSRC != want.SSRC || sr.NTPTime != want.NTPTime || sr.RTPTime != want.RTPTime || sr.PacketCount != want.PacketCount || sr.OctetCount != want.OctetCount {
		t.Errorf("report %+v, want %+v", *sr, want)
	}
}

func TestNTP(t *testing.T) {
	// 1970-01-01 is 2,208,988,800 s after the NTP epoch; half a second is
	// 0x80000000 of the fraction, 0x8000 in the compact form.
	if got, want := ntp64(time.Unix(0, 5e8)), uint64(2208988800<<32|0x80000000); got != want {
		t.Errorf("ntp64 = %#x, want %#x", got, want)
	}
	if got, want := ntp32(time.Unix(0, 5e8)), uint32((2208988800<<16)&0xffff0000|0x8000); got != want {
		t.Errorf("ntp32 = %#x, want %#x", got, want)
	}
}
