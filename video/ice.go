package video

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/webrtc/v4"
)

// ICEConfig is how peers reach the relay.
type ICEConfig struct {
	// STUN are stun: URLs, given to browsers and used by the relay to learn
	// its public address.
	STUN []string
	// TURN servers; with Secret set, credentials are made per viewer by the
	// TURN REST convention (coturn's use-auth-secret): username
	// "expiry:user", password base64(HMAC-SHA1(secret, username)).
	TURN []TURNServer
	// UDPMux is the one UDP address every peer's media uses (e.g.
	// "0.0.0.0:8189"), so a firewall needs one rule; "" = an ephemeral
	// port per peer.
	UDPMux string
	// TCPMux is the ICE-TCP listen address, the fallback when UDP is
	// blocked; "" = off.
	TCPMux string
	// Rewrite are address rewrite rules for a relay behind NAT: the
	// addresses to announce instead of (or besides) the local ones.
	Rewrite []RewriteRule
	// Loopback offers loopback candidates too (a browser on this machine,
	// a network namespace with only lo); pion leaves them out by default.
	Loopback bool
	// Tune is called on every SettingEngine before use (tests limit pion
	// to loopback with it).
	Tune func(*webrtc.SettingEngine)
}

// TURNServer is one TURN server (turn: and turns: URLs with
// ?transport=udp|tcp).
type TURNServer struct {
	URLs     []string      `yaml:"urls"`
	Username string        `yaml:"username"` // static credentials
	Password string        `yaml:"password"` // static credentials
	Secret   string        `yaml:"secret"`   // shared secret for REST credentials
	TTL      time.Duration `yaml:"ttl"`      // lifetime of REST credentials (default 12 h)
}

// RewriteRule announces External instead of (Mode "replace", the default
// for host candidates) or beside ("append") the local addresses matching
// Local or CIDR ("" = all).
type RewriteRule struct {
	External []string `yaml:"external"`
	Local    string   `yaml:"local"`
	CIDR     string   `yaml:"cidr"`
	// Type is "host" (default) or "srflx".
	Type string `yaml:"type"`
	Mode string `yaml:"mode"` // "replace" or "append"
}

// ParseRewrite reads a rule written as EXTERNAL[,EXTERNAL][=LOCAL|CIDR][/srflx]
// as in the --ice-rewrite flag, e.g. "203.0.113.7=10.0.0.5".
func ParseRewrite(s string) (RewriteRule, error) {
	var r RewriteRule
	if i := strings.LastIndex(s, "/"); i >= 0 {
		if _, err := strconv.Atoi(s[i+1:]); err != nil { // not a CIDR's prefix length
			s, r.Type = s[:i], s[i+1:]
		}
	}
	ext, local, _ := strings.Cut(s, "=")
	for _, e := range strings.Split(ext, ",") {
		if net.ParseIP(strings.TrimSpace(e)) == nil {
			return r, fmt.Errorf("%w: rewrite rule: %q is not an IP address", ErrInvalid, e)
		}
		r.External = append(r.External, strings.TrimSpace(e))
	}
	if strings.Contains(local, "/") {
		r.CIDR = local
	} else {
		r.Local = local
	}
	return r, r.check()
}

func (r RewriteRule) check() error {
	if len(r.External) == 0 {
		return fmt.Errorf("%w: rewrite rule without external address", ErrInvalid)
	}
	switch r.Type {
	case "", "host", "srflx":
	default:
		return fmt.Errorf("%w: rewrite rule type %q: want host or srflx", ErrInvalid, r.Type)
	}
	switch r.Mode {
	case "", "replace", "append":
	default:
		return fmt.Errorf("%w: rewrite rule mode %q: want replace or append", ErrInvalid, r.Mode)
	}
	if r.CIDR != "" {
		if _, _, err := net.ParseCIDR(r.CIDR); err != nil {
			return fmt.Errorf("%w: rewrite rule cidr %q", ErrInvalid, r.CIDR)
		}
	}
	return nil
}

func (r RewriteRule) pion() webrtc.ICEAddressRewriteRule {
	out := webrtc.ICEAddressRewriteRule{External: r.External, Local: r.Local, CIDR: r.CIDR, AsCandidateType: webrtc.ICECandidateTypeHost}
	if r.Type == "srflx" {
		out.AsCandidateType = webrtc.ICECandidateTypeSrflx
	}
	switch r.Mode {
	case "replace":
		out.Mode = webrtc.ICEAddressRewriteReplace
	case "append":
		out.Mode = webrtc.ICEAddressRewriteAppend
	}
	return out
}

// TURNCredentials makes the TURN REST username and password for user,
// valid until expiry.
func TURNCredentials(secret, user string, expiry time.Time) (username, password string) {
	username = strconv.FormatInt(expiry.Unix(), 10)
	if user != "" {
		username += ":" + user
	}
	mac := hmac.New(sha1.New, []byte(secret))
	mac.Write([]byte(username))
	return username, base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// iceServers is the STUN and TURN list for one user at now.
func (c ICEConfig) iceServers(user string, now time.Time) []webrtc.ICEServer {
	var out []webrtc.ICEServer
	if len(c.STUN) > 0 {
		out = append(out, webrtc.ICEServer{URLs: c.STUN})
	}
	for _, t := range c.TURN {
		s := webrtc.ICEServer{URLs: t.URLs, Username: t.Username, Credential: t.Password}
		if t.Secret != "" {
			ttl := t.TTL
			if ttl <= 0 {
				ttl = 12 * time.Hour
			}
			s.Username, s.Credential = TURNCredentials(t.Secret, user, now.Add(ttl))
		}
		out = append(out, s)
	}
	return out
}

// ICELinks are the Link headers (RFC 9725 section 4.4) that hand a WHEP
// client the STUN and TURN servers with its credentials.
func (r *Relay) ICELinks(user string) []string {
	var links []string
	for _, s := range r.cfg.ICE.iceServers(user, time.Now()) {
		for _, u := range s.URLs {
			l := "<" + u + `>; rel="ice-server"`
			if cred, ok := s.Credential.(string); ok && s.Username != "" {
				l += fmt.Sprintf(`; username=%q; credential=%q; credential-type="password"`, s.Username, cred)
			}
			links = append(links, l)
		}
	}
	return links
}

// listeners are the shared UDP and TCP sockets of every peer.
type listeners struct {
	udp    *batchConn
	udpMux ice.UDPMux
	tcp    net.Listener
	tcpMux ice.TCPMux
}

func openListeners(c ICEConfig) (*listeners, error) {
	l := &listeners{}
	if c.UDPMux != "" {
		addr, err := net.ResolveUDPAddr("udp", c.UDPMux)
		if err != nil {
			return nil, fmt.Errorf("video: udp mux %s: %w", c.UDPMux, err)
		}
		conn, err := net.ListenUDP("udp", addr)
		if err != nil {
			return nil, fmt.Errorf("video: udp mux %s: %w", c.UDPMux, err)
		}
		l.udp = newBatchConn(conn)
		l.udpMux = webrtc.NewICEUDPMux(nil, l.udp)
	}
	if c.TCPMux != "" {
		var err error
		l.tcp, err = net.Listen("tcp", c.TCPMux)
		if err != nil {
			l.close()
			return nil, fmt.Errorf("video: ice-tcp %s: %w", c.TCPMux, err)
		}
		l.tcpMux = webrtc.NewICETCPMux(nil, l.tcp, 32)
	}
	return l, nil
}

func (l *listeners) close() {
	if l.udpMux != nil {
		_ = l.udpMux.Close()
	} else if l.udp != nil {
		_ = l.udp.Close()
	}
	if l.tcpMux != nil {
		_ = l.tcpMux.Close()
	} else if l.tcp != nil {
		_ = l.tcp.Close()
	}
}

// UDPAddr is the bound UDP mux address ("" when off).
func (r *Relay) UDPAddr() string {
	if r.lis.udp == nil {
		return ""
	}
	return r.lis.udp.LocalAddr().String()
}

// TCPAddr is the bound ICE-TCP address ("" when off).
func (r *Relay) TCPAddr() string {
	if r.lis.tcp == nil {
		return ""
	}
	return r.lis.tcp.Addr().String()
}

// newAPI builds the pion API all peers share: the codecs the relay sends,
// the interceptors (NACK, RTCP reports), the shared sockets and the rules,
// and pion's logs into log.
func newAPI(c ICEConfig, l *listeners, log *slog.Logger) (*webrtc.API, error) {
	me := &webrtc.MediaEngine{}
	if err := registerCodecs(me); err != nil {
		return nil, err
	}
	logs := newPionLogs(log)
	se := webrtc.SettingEngine{LoggerFactory: logs}
	ifnet, err := newSharedNet(time.Now)
	if err != nil {
		return nil, fmt.Errorf("video: network interfaces: %w", err)
	}
	se.SetNet(ifnet)
	if l.udpMux != nil {
		se.SetICEUDPMux(l.udpMux)
	}
	if l.tcpMux != nil {
		se.SetICETCPMux(l.tcpMux)
		se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4, webrtc.NetworkTypeUDP6, webrtc.NetworkTypeTCP4, webrtc.NetworkTypeTCP6})
	}
	if len(c.Rewrite) > 0 {
		rules := make([]webrtc.ICEAddressRewriteRule, len(c.Rewrite))
		for i, r := range c.Rewrite {
			if err := r.check(); err != nil {
				return nil, err
			}
			rules[i] = r.pion()
		}
		if err := se.SetICEAddressRewriteRules(rules...); err != nil {
			return nil, fmt.Errorf("%w: rewrite rules: %w", ErrInvalid, err)
		}
	}
	if c.Loopback {
		se.SetIncludeLoopbackCandidate(true)
	}
	// No mDNS: pion would open multicast sockets and their reader for every
	// viewer, to resolve the .local names browsers give their host
	// candidates. A relay is the end browsers reach: their checks arriving
	// at its candidates give it their addresses (peer-reflexive), as they
	// do for any server with reachable candidates.
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	if c.Tune != nil {
		c.Tune(&se)
	}
	return webrtc.NewAPI(webrtc.WithMediaEngine(me), webrtc.WithSettingEngine(se), webrtc.WithInterceptorRegistry(relayInterceptors())), nil
}

// Retransmission limits per peer: NACKed packets each peer may have resent
// (about 3 Mbit/s of 1,150-byte packets), and how many the responder keeps
// (about 2 s of a 2 Mbit/s camera).
const (
	nackRate    = 300
	nackBurst   = 300
	nackHistory = 512
)

// relayInterceptors are what a sending relay needs of pion's defaults:
// NACK retransmission, bounded by nackBudget, from a compact history of the
// shared payloads (nackResponder). The sender reports go from each
// viewer's own goroutine (report.go). Receive-side NACK generation, TWCC
// and the stats interceptor are left out: the relay only sends, has no
// congestion controller to feed, and reads no getStats.
func relayInterceptors() *interceptor.Registry {
	reg := &interceptor.Registry{}
	reg.Add(nackBudgetFactory{rate: nackRate, burst: nackBurst}) // first: it filters the NACKs the responder sees
	reg.Add(nackResponderFactory{size: nackHistory})
	return reg
}

// registerCodecs registers what a camera can be relayed as, with pion's
// default payload types: H.264 in packetization mode 1 (the relay sends
// FU-A) in the profiles browsers offer, H.265, and Opus, G.711 µ-law and
// A-law. pion's defaults add VP8, VP9, AV1, G.722, H.264 mode 0 and an RTX
// format for each video codec: the relay never sends them (NACKed packets
// go again on their own SSRC), and every peer connection carries a copy of
// the list and negotiates against it.
//
// Video asks for NACK, PLI and FIR, which the relay answers; no REMB,
// which it would ignore.
func registerCodecs(me *webrtc.MediaEngine) error {
	fb := []webrtc.RTCPFeedback{{Type: "ccm", Parameter: "fir"}, {Type: "nack"}, {Type: "nack", Parameter: "pli"}}
	h264 := func(profile string, pt webrtc.PayloadType) webrtc.RTPCodecParameters {
		return webrtc.RTPCodecParameters{PayloadType: pt, RTPCodecCapability: webrtc.RTPCodecCapability{
			MimeType: webrtc.MimeTypeH264, ClockRate: 90000, RTCPFeedback: fb,
			SDPFmtpLine: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=" + profile,
		}}
	}
	for _, c := range []webrtc.RTPCodecParameters{
		h264("42001f", 102), h264("42e01f", 106), h264("4d001f", 127), h264("64001f", 112),
		{PayloadType: 116, RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeH265, ClockRate: 90000, RTCPFeedback: fb}},
	} {
		if err := me.RegisterCodec(c, webrtc.RTPCodecTypeVideo); err != nil {
			return err
		}
	}
	for _, c := range []webrtc.RTPCodecParameters{
		{PayloadType: 111, RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2, SDPFmtpLine: "minptime=10;useinbandfec=1"}},
		{PayloadType: 0, RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypePCMU, ClockRate: 8000}},
		{PayloadType: 8, RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypePCMA, ClockRate: 8000}},
	} {
		if err := me.RegisterCodec(c, webrtc.RTPCodecTypeAudio); err != nil {
			return err
		}
	}
	return nil
}
