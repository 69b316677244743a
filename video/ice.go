package video

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/interceptor/pkg/report"
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

// newAPI builds the pion API all peers share: default codecs and
// interceptors (NACK, RTCP reports), the shared sockets and the rules.
func newAPI(c ICEConfig, l *listeners) (*webrtc.API, error) {
	me := &webrtc.MediaEngine{}
	if err := me.RegisterDefaultCodecs(); err != nil {
		return nil, err
	}
	se := webrtc.SettingEngine{}
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
	if c.Tune != nil {
		c.Tune(&se)
	}
	reg, err := relayInterceptors(me)
	if err != nil {
		return nil, err
	}
	return webrtc.NewAPI(webrtc.WithMediaEngine(me), webrtc.WithSettingEngine(se), webrtc.WithInterceptorRegistry(reg)), nil
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
// NACK retransmission (bounded by nackBudget, from a compact history of the
// shared payloads: nackResponder) and RTCP sender reports (lip sync).
// Receive-side NACK generation, TWCC and the stats interceptor are left
// out: the relay only sends, has no congestion controller to feed, and
// reads no getStats.
func relayInterceptors(me *webrtc.MediaEngine) (*interceptor.Registry, error) {
	reg := &interceptor.Registry{}
	reg.Add(nackBudgetFactory{rate: nackRate, burst: nackBurst}) // first: it filters the NACKs the responder sees
	me.RegisterFeedback(webrtc.RTCPFeedback{Type: "nack"}, webrtc.RTPCodecTypeVideo)
	me.RegisterFeedback(webrtc.RTCPFeedback{Type: "nack", Parameter: "pli"}, webrtc.RTPCodecTypeVideo)
	reg.Add(nackResponderFactory{size: nackHistory})
	sender, err := report.NewSenderInterceptor()
	if err != nil {
		return nil, err
	}
	reg.Add(sender)
	return reg, nil
}
