package video

import (
	"time"

	"github.com/pion/rtcp"
)

// reportInterval is how often a viewer's tracks send RTCP sender reports
// (RFC 3550 section 6.4.1), which tie each track's RTP clock to wall time:
// the browser lines audio up with video by them.
//
// The viewer's own goroutine sends them, between the units it writes, as
// it writes every packet they count. pion's report interceptor did it
// with a goroutine, a ticker and a map of its own for every viewer.
const reportInterval = time.Second

// sentCount is what a track has sent, for its reports.
type sentCount struct {
	packets, octets uint32    // payload octets, as RFC 3550 counts
	ts              uint32    // RTP timestamp of the latest frame
	at              time.Time // when its first packet went
}

// count notes one packet of payload bytes stamped ts, sent now.
func (c *sentCount) count(ts uint32, payload int) {
	if c.packets == 0 || ts != c.ts {
		c.ts, c.at = ts, time.Now()
	}
	c.packets++
	c.octets += uint32(payload)
}

// reports are the track's sender reports at now, one per binding; none
// before its first packet (a source that has sent nothing sends none).
func (t *track) reports(now time.Time) []rtcp.Packet {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := t.sent
	if c.packets == 0 {
		return nil
	}
	out := make([]rtcp.Packet, 0, len(t.bindings))
	for _, b := range t.bindings {
		out = append(out, &rtcp.SenderReport{
			SSRC:        b.ssrc,
			NTPTime:     ntp64(now),
			RTPTime:     c.ts + uint32(now.Sub(c.at).Seconds()*float64(t.codec.ClockRate)),
			PacketCount: c.packets,
			OctetCount:  c.octets,
		})
	}
	return out
}

// sendReports sends the sender report of each of v's tracks.
func (v *viewer) sendReports() {
	if v.writeRTCP == nil {
		return
	}
	now := time.Now()
	for _, t := range []*track{v.vtrack, v.atrack} {
		if t == nil {
			continue
		}
		for _, p := range t.reports(now) {
			_ = v.writeRTCP([]rtcp.Packet{p}) // a lost report is lost, as on the wire
		}
	}
}

// ntp64 is t as an NTP timestamp: seconds since 1900 and their fraction,
// 32 bits each.
func ntp64(t time.Time) uint64 {
	const unixToNTP = 2208988800 // seconds from 1900 to 1970
	ns := t.UnixNano()
	sec := uint64(ns/1e9) + unixToNTP
	frac := uint64(ns%1e9) << 32 / 1e9
	return sec<<32 | frac
}

// ntp32 is the middle 32 bits of t's NTP timestamp (RFC 3550's compact
// form, that of LSR and DLSR).
func ntp32(t time.Time) uint32 { return uint32(ntp64(t) >> 16) }
