package videobench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/riverwatch/riverwatch/video/videotest"
)

// ErrNoJanus is returned by StartJanus when Janus is not installed.
var ErrNoJanus = errors.New("videobench: janus not found (apt-get install -y janus)")

// janusLibs is where Debian's janus package puts its plugins.
const janusLibs = "/usr/lib/x86_64-linux-gnu/janus"

// Janus is a Janus Gateway (Debian's janus 1.1.2) with its streaming
// plugin pulling one RTSP camera (mountpoint 1) and its HTTP API on
// loopback. Janus never gathers candidates on loopback, so it must run in
// videotest.InNetNSVeth's namespace: ICE is limited to the pair's first end
// (ice_enforce_list), with no STUN, no mDNS and no IPv6, and that namespace
// has nothing else.
type Janus struct {
	cmd  *exec.Cmd
	api  string // http://127.0.0.1:port/janus
	done chan struct{}
	log  *lockedBuffer
}

// StartJanus writes a configuration into dir and starts janus pulling
// rtspURL; videobufferkf makes the plugin keep the latest keyframe and
// send it to each new viewer.
func StartJanus(ctx context.Context, dir, rtspURL string, videobufferkf bool) (*Janus, error) {
	bin, err := exec.LookPath("janus")
	if err != nil {
		return nil, ErrNoJanus
	}
	if _, err := os.Stat(filepath.Join(janusLibs, "plugins", "libjanus_streaming.so")); err != nil {
		return nil, fmt.Errorf("videobench: janus streaming plugin: %w", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	files := map[string]string{
		"janus.jcfg": fmt.Sprintf(`general: {
	configs_folder = "%[1]s"
	plugins_folder = "%[2]s/plugins"
	transports_folder = "%[2]s/transports"
	events_folder = "%[2]s/events"
	loggers_folder = "%[2]s/loggers"
	debug_level = 4
	server_name = "riverwatch-bench"
	session_timeout = 120
}
plugins: {
	disable = "libjanus_audiobridge.so,libjanus_duktape.so,libjanus_echotest.so,libjanus_lua.so,libjanus_nosip.so,libjanus_recordplay.so,libjanus_sip.so,libjanus_textroom.so,libjanus_videocall.so,libjanus_videoroom.so,libjanus_voicemail.so"
}
transports: {
	disable = "libjanus_websockets.so,libjanus_mqtt.so,libjanus_nanomsg.so,libjanus_pfunix.so,libjanus_rabbitmq.so"
}
loggers: {
	disable = "libjanus_jsonlog.so"
}
events: {
	broadcast = false
}
media: {
	ipv6 = false
	rtp_port_range = "20000-60000"
}
nat: {
	ice_enforce_list = "%[3]s"
	ignore_mdns = true
	ice_tcp = false
}
`, dir, janusLibs, videotest.Veth0),
		"janus.transport.http.jcfg": fmt.Sprintf(`general: {
	json = "compact"
	base_path = "/janus"
	http = true
	port = %d
	ip = "127.0.0.1"
	https = false
}
admin: {
	admin_http = false
}
`, port),
		"janus.plugin.streaming.jcfg": fmt.Sprintf(`general: {
}
cam: {
	type = "rtsp"
	id = 1
	description = "bench camera"
	audio = false
	video = true
	url = "%s"
	rtspiface = "127.0.0.1"
	videobufferkf = %t
	rtsp_reconnect_delay = 1
}
`, rtspURL, videobufferkf),
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			return nil, err
		}
	}
	j := &Janus{api: fmt.Sprintf("http://127.0.0.1:%d/janus", port), done: make(chan struct{}), log: &lockedBuffer{}}
	j.cmd = exec.Command(bin, "-C", filepath.Join(dir, "janus.jcfg"), "-F", dir, "--disable-colors")
	j.cmd.Stdout, j.cmd.Stderr = j.log, j.log
	if err := j.cmd.Start(); err != nil {
		return nil, fmt.Errorf("videobench: janus: %w", err)
	}
	go func() { _ = j.cmd.Wait(); close(j.done) }()
	// Ready once the HTTP API answers and the mountpoint has its stream.
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-j.done:
			return nil, fmt.Errorf("videobench: janus exited: %s", j.log.tail(2000))
		case <-ctx.Done():
			j.Close()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if j.ready(ctx) {
			return j, nil
		}
	}
	j.Close()
	return nil, fmt.Errorf("videobench: janus not ready in 20 s: %s", j.log.tail(2000))
}

// ready reports whether the HTTP API answers.
func (j *Janus) ready(ctx context.Context) bool {
	var out map[string]any
	return j.call(ctx, j.api, map[string]any{"janus": "info"}, &out) == nil && out["janus"] == "server_info"
}

// PID is the janus process id.
func (j *Janus) PID() int { return j.cmd.Process.Pid }

// Log is janus's output so far, last n bytes.
func (j *Janus) Log(n int) string { return j.log.tail(n) }

// Close stops janus.
func (j *Janus) Close() {
	_ = j.cmd.Process.Signal(os.Interrupt)
	select {
	case <-j.done:
	case <-time.After(5 * time.Second):
		_ = j.cmd.Process.Kill()
		<-j.done
	}
}

// call POSTs a Janus API message and decodes the reply.
func (j *Janus) call(ctx context.Context, url string, msg map[string]any, out any) error {
	msg["transaction"] = fmt.Sprint(time.Now().UnixNano())
	body, _ := json.Marshal(msg)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("videobench: janus reply %s: %w", data, err)
	}
	return nil
}

type janusReply struct {
	Janus string `json:"janus"`
	Data  struct {
		ID int64 `json:"id"`
	} `json:"data"`
	Error *struct {
		Code   int    `json:"code"`
		Reason string `json:"reason"`
	} `json:"error"`
	PluginData struct {
		Data map[string]any `json:"data"`
	} `json:"plugindata"`
	JSEP *struct {
		Type string `json:"type"`
		SDP  string `json:"sdp"`
	} `json:"jsep"`
}

// JanusSession is one viewer's Janus session and streaming handle.
type JanusSession struct {
	j      *Janus
	url    string // .../janus/{session}/{handle}
	sess   string // .../janus/{session}
	cancel context.CancelFunc
}

// Watch makes v watch mountpoint 1: a session, a handle, "watch" (Janus
// offers), v's answer with "start". The offer instant, for comparison with
// WHEP, is when "watch" is sent; v's Picture should start then.
func (j *Janus) Watch(ctx context.Context, v *Viewer, onWatch func()) (*JanusSession, error) {
	var r janusReply
	if err := j.call(ctx, j.api, map[string]any{"janus": "create"}, &r); err != nil || r.Janus != "success" {
		return nil, fmt.Errorf("videobench: janus create: %v %+v", err, r.Error)
	}
	sess := fmt.Sprintf("%s/%d", j.api, r.Data.ID)
	r = janusReply{}
	if err := j.call(ctx, sess, map[string]any{"janus": "attach", "plugin": "janus.plugin.streaming"}, &r); err != nil || r.Janus != "success" {
		return nil, fmt.Errorf("videobench: janus attach: %v %+v", err, r.Error)
	}
	s := &JanusSession{j: j, sess: sess, url: fmt.Sprintf("%s/%d", sess, r.Data.ID)}
	events := make(chan janusReply, 16)
	pctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	go s.poll(pctx, events)
	if onWatch != nil {
		onWatch()
	}
	r = janusReply{}
	if err := j.call(ctx, s.url, map[string]any{"janus": "message", "body": map[string]any{"request": "watch", "id": 1}}, &r); err != nil || r.Janus == "error" {
		s.Close(ctx)
		return nil, fmt.Errorf("videobench: janus watch: %v %+v", err, r.Error)
	}
	var offer string
	for offer == "" {
		select {
		case ev := <-events:
			if ev.JSEP != nil && ev.JSEP.Type == "offer" {
				offer = ev.JSEP.SDP
			} else if ev.PluginData.Data["error"] != nil {
				s.Close(ctx)
				return nil, fmt.Errorf("videobench: janus watch: %v", ev.PluginData.Data["error"])
			}
		case <-ctx.Done():
			s.Close(ctx)
			return nil, ctx.Err()
		}
	}
	answer, err := v.Answer(offer)
	if err != nil {
		s.Close(ctx)
		return nil, err
	}
	r = janusReply{}
	if err := j.call(ctx, s.url, map[string]any{"janus": "message", "body": map[string]any{"request": "start"},
		"jsep": map[string]any{"type": "answer", "sdp": answer}}, &r); err != nil || r.Janus == "error" {
		s.Close(ctx)
		return nil, fmt.Errorf("videobench: janus start: %v %+v", err, r.Error)
	}
	return s, nil
}

// poll long-polls the session's events (and keeps the session alive).
func (s *JanusSession) poll(ctx context.Context, out chan<- janusReply) {
	for ctx.Err() == nil {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.sess+"?maxev=5", nil)
		if err != nil {
			return
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return
		}
		data, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
		res.Body.Close()
		var evs []janusReply
		if json.Unmarshal(data, &evs) != nil {
			var one janusReply
			if json.Unmarshal(data, &one) != nil {
				continue
			}
			evs = []janusReply{one}
		}
		for _, ev := range evs {
			select {
			case out <- ev:
			default:
			}
		}
	}
}

// Close destroys the viewer's session.
func (s *JanusSession) Close(ctx context.Context) {
	var r janusReply
	_ = s.j.call(ctx, s.sess, map[string]any{"janus": "destroy"}, &r)
	s.cancel()
}

// lockedBuffer collects a child's output for error messages.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.b.Len() > 1<<20 {
		l.b.Reset() // a chatty child: keep the recent past only
	}
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *lockedBuffer) tail(n int) string {
	s := l.String()
	if len(s) > n {
		s = s[len(s)-n:]
	}
	var lines []string
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return strings.Join(lines, "\n")
}
