package videotest

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bluenviron/gortsplib/v5/pkg/format/rtph264"
	"github.com/bluenviron/gortsplib/v5/pkg/format/rtph265"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h265"
	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// AU is one access unit a Viewer received.
type AU struct {
	NALUs     [][]byte
	Timestamp uint32
	At        time.Time
	Key       bool
}

// Viewer is a real pion peer receiving one camera over WHEP, limited to
// loopback, that reassembles the H.264 access units it gets.
type Viewer struct {
	PC *webrtc.PeerConnection

	mu      sync.Mutex
	aus     []AU
	seqGaps int
	repeats int // packets again (NACKed resends)
	lastSeq uint16
	reports map[uint32]int // sender reports by SSRC
	started bool
	arrived chan struct{}

	videoSSRC    uint32
	audioPackets int
	firstAudio   time.Time
	audioCodec   string
	audioAt      []time.Time // arrival of the first maxAudioTimes packets
	// The latest sender report per SSRC and the latest packet per kind,
	// for CaptureLag.
	lastSR map[uint32]rtcp.SenderReport
	latest map[webrtc.RTPCodecType]packetSeen
}

// packetSeen is a track's latest packet: its SSRC, clock rate, timestamp
// and arrival.
type packetSeen struct {
	ssrc, clock, ts uint32
	at              time.Time
}

// maxAudioTimes bounds the audio arrival times a Viewer keeps.
const maxAudioTimes = 500

// WHEPFunc sends an offer and returns the answer.
type WHEPFunc func(offer string) (answer string, err error)

// NewViewer creates the peer, sends its offer through post and applies the
// answer; it is closed at the end of the test.
func NewViewer(t testing.TB, post WHEPFunc) *Viewer {
	t.Helper()
	v, err := DialViewer(post)
	if err != nil {
		t.Fatalf("viewer: %v", err)
	}
	t.Cleanup(func() { _ = v.PC.Close() })
	return v
}

// DialViewer is NewViewer for callers without a testing.TB (benchmarks).
func DialViewer(post WHEPFunc) (*Viewer, error) { return DialViewerWith(nil, post) }

// DialViewerWith is DialViewer with tune applied to the viewer's
// SettingEngine after LoopbackOnly (e.g. ICE over TCP only).
func DialViewerWith(tune func(*webrtc.SettingEngine), post WHEPFunc) (*Viewer, error) {
	se := webrtc.SettingEngine{}
	LoopbackOnly(&se)
	if tune != nil {
		tune(&se)
	}
	me := &webrtc.MediaEngine{}
	if err := me.RegisterDefaultCodecs(); err != nil {
		return nil, err
	}
	// Receiver reports and NACKs, as a browser sends them.
	reg := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(me, reg); err != nil {
		return nil, err
	}
	api := webrtc.NewAPI(webrtc.WithMediaEngine(me), webrtc.WithSettingEngine(se), webrtc.WithInterceptorRegistry(reg))
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, err
	}
	v := &Viewer{PC: pc, arrived: make(chan struct{}, 1)}
	for _, k := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeVideo, webrtc.RTPCodecTypeAudio} {
		if _, err := pc.AddTransceiverFromKind(k, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
			_ = pc.Close()
			return nil, err
		}
	}
	pc.OnTrack(func(tr *webrtc.TrackRemote, recv *webrtc.RTPReceiver) {
		go v.readRTCP(recv)
		if tr.Kind() == webrtc.RTPCodecTypeAudio {
			for {
				p, _, err := tr.ReadRTP()
				if err != nil {
					return
				}
				v.mu.Lock()
				v.see(webrtc.RTPCodecTypeAudio, uint32(tr.SSRC()), tr.Codec().ClockRate, p.Timestamp)
				if v.audioPackets == 0 {
					v.firstAudio = time.Now()
					v.audioCodec = tr.Codec().MimeType
				}
				v.audioPackets++
				if len(v.audioAt) < maxAudioTimes {
					v.audioAt = append(v.audioAt, time.Now())
				}
				v.mu.Unlock()
			}
		}
		v.mu.Lock()
		v.videoSSRC = uint32(tr.SSRC())
		v.mu.Unlock()
		var dec interface {
			Decode(*rtp.Packet) ([][]byte, error)
		}
		isKey := h264.IsRandomAccess
		if strings.EqualFold(tr.Codec().MimeType, webrtc.MimeTypeH265) {
			d := &rtph265.Decoder{}
			_ = d.Init()
			dec, isKey = d, h265.IsRandomAccess
		} else {
			d := &rtph264.Decoder{}
			_ = d.Init()
			dec = d
		}
		for {
			p, _, err := tr.ReadRTP()
			if err != nil {
				return
			}
			v.mu.Lock()
			v.see(webrtc.RTPCodecTypeVideo, uint32(tr.SSRC()), tr.Codec().ClockRate, p.Timestamp)
			if v.started && int16(p.SequenceNumber-v.lastSeq) <= 0 {
				v.repeats++ // a resend: the depacketizer had it already
				v.mu.Unlock()
				continue
			}
			if v.started && p.SequenceNumber != v.lastSeq+1 {
				v.seqGaps++
			}
			v.started, v.lastSeq = true, p.SequenceNumber
			v.mu.Unlock()
			au, err := dec.Decode(p)
			if err != nil {
				continue
			}
			cp := make([][]byte, len(au))
			for i, n := range au {
				cp[i] = append([]byte(nil), n...)
			}
			v.mu.Lock()
			v.aus = append(v.aus, AU{NALUs: cp, Timestamp: p.Timestamp, At: time.Now(), Key: isKey(au)})
			v.mu.Unlock()
			select {
			case v.arrived <- struct{}{}:
			default:
			}
		}
	})
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		_ = pc.Close()
		return nil, err
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(offer); err != nil {
		_ = pc.Close()
		return nil, err
	}
	<-gathered
	answer, err := post(pc.LocalDescription().SDP)
	if err != nil {
		_ = pc.Close()
		return nil, err
	}
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: answer}); err != nil {
		_ = pc.Close()
		return nil, err
	}
	return v, nil
}

// AUs returns a copy of the access units received so far.
func (v *Viewer) AUs() []AU {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]AU(nil), v.aus...)
}

// Audio reports the audio packets received, when the first came, and
// their codec.
func (v *Viewer) Audio() (packets int, first time.Time, mime string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.audioPackets, v.firstAudio, v.audioCodec
}

// AudioTimes returns when the first audio packets arrived (up to 500).
func (v *Viewer) AudioTimes() []time.Time {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]time.Time(nil), v.audioAt...)
}

// SendPLI tells the sender the picture is lost, as a browser does when
// its decoder cannot go on.
func (v *Viewer) SendPLI() error {
	v.mu.Lock()
	ssrc := v.videoSSRC
	v.mu.Unlock()
	return v.PC.WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: ssrc}})
}

// SendLossReport sends a receiver report counting lost packets on the
// video track, as the browser's RTCP does.
func (v *Viewer) SendLossReport(lost uint32) error {
	v.mu.Lock()
	ssrc := v.videoSSRC
	v.mu.Unlock()
	return v.PC.WriteRTCP([]rtcp.Packet{&rtcp.ReceiverReport{SSRC: 1, Reports: []rtcp.ReceptionReport{{SSRC: ssrc, TotalLost: lost}}}})
}

// readRTCP counts the sender's reports on recv's track, until it ends.
func (v *Viewer) readRTCP(recv *webrtc.RTPReceiver) {
	for {
		pkts, _, err := recv.ReadRTCP()
		if err != nil {
			return
		}
		for _, p := range pkts {
			if sr, ok := p.(*rtcp.SenderReport); ok {
				v.mu.Lock()
				if v.reports == nil {
					v.reports = make(map[uint32]int)
				}
				v.reports[sr.SSRC]++
				if v.lastSR == nil {
					v.lastSR = make(map[uint32]rtcp.SenderReport)
				}
				v.lastSR[sr.SSRC] = *sr
				v.mu.Unlock()
			}
		}
	}
}

// see notes a packet of kind; v.mu is held.
func (v *Viewer) see(kind webrtc.RTPCodecType, ssrc, clock, ts uint32) {
	if v.latest == nil {
		v.latest = make(map[webrtc.RTPCodecType]packetSeen)
	}
	v.latest[kind] = packetSeen{ssrc: ssrc, clock: clock, ts: ts, at: time.Now()}
}

// CaptureLag is how long before its arrival the sender says the latest
// packet of the track of kind was captured: its RTP timestamp taken to
// wall time by the track's latest sender report. A browser lines audio up
// with video by that mapping, so the two tracks' lags differ by how far
// out of step they would play. ok is false before a report and a packet.
func (v *Viewer) CaptureLag(kind webrtc.RTPCodecType) (lag time.Duration, ok bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	p, ok := v.latest[kind]
	if !ok || p.clock == 0 {
		return 0, false
	}
	sr, ok := v.lastSR[p.ssrc]
	if !ok {
		return 0, false
	}
	const unixToNTP = 2208988800
	ntp := time.Unix(int64(sr.NTPTime>>32)-unixToNTP, int64((sr.NTPTime&0xffffffff)*1e9>>32))
	captured := ntp.Add(time.Duration(int32(p.ts-sr.RTPTime)) * time.Second / time.Duration(p.clock))
	return p.at.Sub(captured), true
}

// VideoReports counts the RTCP sender reports received for the video
// track.
func (v *Viewer) VideoReports() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.reports[v.videoSSRC]
}

// SendNACK asks again for the video packets seqs, as a browser does for
// packets it missed.
func (v *Viewer) SendNACK(seqs ...uint16) error {
	v.mu.Lock()
	ssrc := v.videoSSRC
	v.mu.Unlock()
	return v.PC.WriteRTCP([]rtcp.Packet{&rtcp.TransportLayerNack{SenderSSRC: 1, MediaSSRC: ssrc, Nacks: rtcp.NackPairsFromSequenceNumbers(seqs)}})
}

// LastSeq is the sequence number of the latest video packet.
func (v *Viewer) LastSeq() uint16 {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.lastSeq
}

// Repeats counts video packets that came again (resent for a NACK); they
// are not passed on as access units.
func (v *Viewer) Repeats() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.repeats
}

// SeqGaps counts RTP sequence numbers skipped on the video track.
func (v *Viewer) SeqGaps() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.seqGaps
}

// ErrTimeout is returned by WaitAUs when too few units arrive in time.
var ErrTimeout = errors.New("videotest: timed out waiting for access units")

// WaitAUs waits until at least n access units arrived, or timeout.
func (v *Viewer) WaitAUs(n int, timeout time.Duration) ([]AU, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		if aus := v.AUs(); len(aus) >= n {
			return aus, nil
		}
		select {
		case <-v.arrived:
		case <-deadline.C:
			return v.AUs(), ErrTimeout
		}
	}
}
