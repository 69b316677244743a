package source

import (
	"fmt"
	"io"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Spec describes one input. Parse fills it from the command-line and YAML
// form; code may also build one directly. Zero fields take defaults in New.
type Spec struct {
	Name string // [A-Za-z0-9][A-Za-z0-9_.-]*, at most 64 bytes; default from kind and address
	Kind string // one of the Kind constants
	// Address is host:port for udp, tcp-listen and tcp-client, the device
	// for serial, the path for file, "-" for stdin.
	Address string

	Baud        int           // serial speed, 8N1; 0 means DefaultBaud
	Loop        bool          // file: start again at the end instead of finishing
	MaxLine     int           // longest line accepted; 0 means DefaultMaxLine
	MaxConns    int           // tcp-listen: clients at once; 0 means DefaultMaxConns
	IdleTimeout time.Duration // tcp-listen, tcp-client: drop a connection silent this long; 0 = never
	Backoff     Backoff       // tcp-client, serial: reconnect pacing

	// Hooks for tests and embedding; Parse never sets them.
	Now   func() time.Time // receive time stamped on lines; nil means time.Now
	Stdin io.Reader        // what a stdin source reads; nil means os.Stdin
}

// String gives the spec in the form Parse reads back: name=URL, with the
// options that differ from the defaults. Parse(s.String()) gives s again
// (hooks and Backoff aside).
func (s Spec) String() string {
	q := url.Values{}
	if s.MaxLine != 0 && s.MaxLine != DefaultMaxLine {
		q.Set("max_line", strconv.Itoa(s.MaxLine))
	}
	var u string
	switch s.Kind {
	case KindStdin:
		u = "stdin"
	case KindFile, KindSerial:
		if s.Kind == KindFile && s.Loop {
			q.Set("loop", "true")
		}
		if s.Kind == KindSerial && s.Baud != 0 {
			q.Set("baud", strconv.Itoa(s.Baud))
		}
		p := &url.URL{Path: s.Address}
		if strings.HasPrefix(s.Address, "/") {
			u = s.Kind + "://" + p.EscapedPath()
		} else {
			u = s.Kind + ":" + p.EscapedPath()
		}
	default:
		if s.Kind == KindTCPListen && s.MaxConns != 0 && s.MaxConns != DefaultMaxConns {
			q.Set("max_conns", strconv.Itoa(s.MaxConns))
		}
		switch {
		case s.Kind == KindTCPClient && s.IdleTimeout != DefaultClientIdle:
			q.Set("idle", s.IdleTimeout.String()) // "0s" too: never, not the default
		case s.Kind == KindTCPListen && s.IdleTimeout > 0:
			q.Set("idle", s.IdleTimeout.String())
		}
		u = s.Kind + "://" + s.Address
		if s.Kind == KindTCPClient {
			u = "tcp://" + s.Address
		}
	}
	if len(q) > 0 && s.Kind != KindStdin {
		u += "?" + q.Encode()
	}
	if s.Name == "" {
		return u
	}
	return s.Name + "=" + u
}

// Parse reads an input spec of the form [name=]URL:
//
//	udp://127.0.0.1:10110                 listen for datagrams
//	tcp-listen://127.0.0.1:5631           receivers connect in (?max_conns=64&idle=5m)
//	tcp://host:port                       dial a remote feed, reconnecting (?idle=2m)
//	serial:///dev/ttyUSB0?baud=38400      serial receiver, 8N1
//	file:///path/x.nmea?loop=true         capture file, plain or gzip
//	file:rel/x.nmea?loop=true             a relative path, with options
//	/path/x.nmea.gz                       a bare path is a file, taken literally
//	stdin, -                              standard input
//
// Every URL also takes max_line=N. A name is only recognised before the
// first '=' when it holds no '/', ':', '?' or '\\'; write a file whose name
// has '=' as file:///... . Errors wrap ErrBadSpec.
func Parse(s string) (Spec, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Spec{}, fmt.Errorf("%w: empty", ErrBadSpec)
	}
	if len(s) > maxSpecLen {
		return Spec{}, fmt.Errorf("%w: longer than %d bytes", ErrBadSpec, maxSpecLen)
	}
	var spec Spec
	if i := strings.IndexByte(s, '='); i >= 0 && !strings.ContainsAny(s[:i], `/:?\`) {
		if err := checkName(s[:i]); err != nil {
			return Spec{}, err
		}
		spec.Name, s = s[:i], strings.TrimSpace(s[i+1:])
	}
	var err error
	switch {
	case s == "stdin" || s == "-":
		spec.Kind, spec.Address = KindStdin, "-"
	case hasScheme(s):
		err = parseURL(&spec, s)
	case s == "":
		err = fmt.Errorf("%w: %q has no URL after the name", ErrBadSpec, spec.Name)
	default:
		spec.Kind, spec.Address = KindFile, s
	}
	if err != nil {
		return Spec{}, err
	}
	if len(spec.Address) > maxAddressLen {
		return Spec{}, fmt.Errorf("%w: address longer than %d bytes", ErrBadSpec, maxAddressLen)
	}
	if spec.Name == "" {
		spec.Name = defaultName(spec.Kind, spec.Address)
	}
	return spec, nil
}

// Bounds on a spec: a path may take three bytes a byte once escaped.
const (
	maxAddressLen = 4096
	maxSpecLen    = 4*maxAddressLen + 256
)

// hasScheme tells a URL (a known scheme and ':', or anything with "://")
// from a bare path, which may hold ':' (C:\x.nmea).
func hasScheme(s string) bool {
	if strings.Contains(s, "://") {
		return true
	}
	scheme, _, ok := strings.Cut(s, ":")
	if !ok {
		return false
	}
	switch strings.ToLower(scheme) {
	case "udp", "tcp-listen", "tcp", "tcp-client", "serial", "file":
		return true
	}
	return false
}

// parseURL fills spec from a scheme:... URL.
func parseURL(spec *Spec, raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBadSpec, err)
	}
	if u.User != nil {
		return fmt.Errorf("%w: %s: credentials in the URL are not supported", ErrBadSpec, u.Scheme)
	}
	if u.Fragment != "" {
		return fmt.Errorf("%w: %s: unexpected #fragment", ErrBadSpec, u.Scheme)
	}
	var allowed []string
	switch strings.ToLower(u.Scheme) {
	case "udp":
		spec.Kind, allowed = KindUDP, []string{"max_line"}
		spec.Address, err = hostPort(u, true)
	case "tcp-listen":
		spec.Kind, allowed = KindTCPListen, []string{"max_line", "max_conns", "idle"}
		spec.Address, err = hostPort(u, true)
	case "tcp", "tcp-client":
		spec.Kind, allowed = KindTCPClient, []string{"max_line", "idle"}
		spec.Address, err = hostPort(u, false)
		spec.IdleTimeout = DefaultClientIdle // ?idle= below may change it; idle=0 is never
	case "serial":
		spec.Kind, allowed = KindSerial, []string{"max_line", "baud"}
		spec.Address, err = serialDevice(u)
	case "file":
		spec.Kind, allowed = KindFile, []string{"max_line", "loop"}
		spec.Address, err = filePath(u)
	default:
		return fmt.Errorf("%w: unknown scheme %q (want udp, tcp-listen, tcp, serial, file or stdin)", ErrBadSpec, u.Scheme)
	}
	if err != nil {
		return err
	}
	return parseQuery(spec, u.RawQuery, allowed)
}

// hostPort checks the host:port of a network URL. Listeners may leave the
// host empty (all interfaces) and use port 0 (any free port).
func hostPort(u *url.URL, listen bool) (string, error) {
	if u.Opaque != "" {
		return "", fmt.Errorf("%w: want %s://host:port, got %s:%s", ErrBadSpec, u.Scheme, u.Scheme, u.Opaque)
	}
	if u.Path != "" && u.Path != "/" {
		return "", fmt.Errorf("%w: %s://%s: unexpected path %q", ErrBadSpec, u.Scheme, u.Host, u.Path)
	}
	host, port, err := net.SplitHostPort(u.Host)
	if err != nil {
		return "", fmt.Errorf("%w: %s: want host:port, got %q", ErrBadSpec, u.Scheme, u.Host)
	}
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return "", fmt.Errorf("%w: %s: bad port %q", ErrBadSpec, u.Scheme, port)
	}
	if !listen && (host == "" || p == 0) {
		return "", fmt.Errorf("%w: %s: a remote feed needs a host and a non-zero port, got %q", ErrBadSpec, u.Scheme, u.Host)
	}
	return net.JoinHostPort(host, port), nil
}

// filePath takes file:///abs/x.nmea or file:rel/x.nmea.
func filePath(u *url.URL) (string, error) {
	switch {
	case u.Opaque != "":
		return opaquePath(u)
	case u.Host != "" && u.Host != "localhost":
		return "", fmt.Errorf("%w: file://%s%s: write an absolute path after three slashes (file:///abs/x.nmea), a relative one as file:rel/x.nmea", ErrBadSpec, u.Host, u.Path)
	case u.Path == "":
		return "", fmt.Errorf("%w: file URL has no path", ErrBadSpec)
	}
	return u.Path, nil
}

// opaquePath unescapes the path of scheme:rel/path.
func opaquePath(u *url.URL) (string, error) {
	p, err := url.PathUnescape(u.Opaque)
	if err != nil || p == "" {
		return "", fmt.Errorf("%w: %s: bad path %q", ErrBadSpec, u.Scheme, u.Opaque)
	}
	return p, nil
}

// serialDevice takes serial:///dev/ttyUSB0, serial:ttyS0, or serial://COM3
// on Windows.
func serialDevice(u *url.URL) (string, error) {
	switch {
	case u.Opaque != "":
		return opaquePath(u)
	case u.Host != "" && u.Path != "":
		return "", fmt.Errorf("%w: serial://%s%s: write the device after three slashes, as serial:///dev/ttyUSB0", ErrBadSpec, u.Host, u.Path)
	case u.Path != "":
		return u.Path, nil
	case u.Host != "":
		return u.Host, nil
	}
	return "", fmt.Errorf("%w: serial URL has no device", ErrBadSpec)
}

// parseQuery reads the options a kind allows; anything else is an error.
func parseQuery(spec *Spec, raw string, allowed []string) error {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return fmt.Errorf("%w: %s: bad query: %v", ErrBadSpec, spec.Kind, err)
	}
	for key, vals := range q {
		ok := false
		for _, a := range allowed {
			ok = ok || a == key
		}
		if !ok {
			return fmt.Errorf("%w: %s: unknown option %q (allowed: %s)", ErrBadSpec, spec.Kind, key, strings.Join(allowed, ", "))
		}
		if len(vals) != 1 {
			return fmt.Errorf("%w: %s: option %q given %d times", ErrBadSpec, spec.Kind, key, len(vals))
		}
		v := vals[0]
		switch key {
		case "max_line":
			spec.MaxLine, err = intOption(key, v, 16, 1<<20)
		case "max_conns":
			spec.MaxConns, err = intOption(key, v, 1, 1<<16)
		case "baud":
			spec.Baud, err = intOption(key, v, 50, 4_000_000)
		case "idle":
			spec.IdleTimeout, err = time.ParseDuration(v)
			if err == nil && spec.IdleTimeout < 0 {
				err = fmt.Errorf("negative")
			}
		case "loop":
			spec.Loop, err = strconv.ParseBool(v)
		}
		if err != nil {
			return fmt.Errorf("%w: %s: option %s=%q: %v", ErrBadSpec, spec.Kind, key, v, err)
		}
	}
	return nil
}

func intOption(key, v string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("not a number")
	}
	if n < lo || n > hi {
		return 0, fmt.Errorf("%s must be within %d..%d", key, lo, hi)
	}
	return n, nil
}

// checkName accepts names that are safe as metric labels and in logs.
func checkName(name string) error {
	if name == "" || len(name) > maxNameLen {
		return fmt.Errorf("%w: name must be 1 to %d bytes, got %d", ErrBadSpec, maxNameLen, len(name))
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if isAlnum(c) || (i > 0 && (c == '_' || c == '.' || c == '-')) {
			continue
		}
		return fmt.Errorf("%w: name %q: only letters, digits, '_', '.', '-' (not first) are allowed", ErrBadSpec, name)
	}
	return nil
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// defaultName makes a readable name such as "udp-10110" or "file-x.nmea".
func defaultName(kind, addr string) string {
	var tail string
	switch kind {
	case KindStdin:
		return "stdin"
	case KindUDP, KindTCPListen:
		_, tail, _ = net.SplitHostPort(addr)
	case KindTCPClient:
		kind = "tcp"
		if h, p, err := net.SplitHostPort(addr); err == nil {
			tail = h + "-" + p
		}
	case KindSerial, KindFile:
		tail = filepath.Base(addr)
	}
	name := []byte(kind + "-" + tail)
	for i, c := range name {
		if !isAlnum(c) && c != '_' && c != '.' && c != '-' {
			name[i] = '_'
		}
	}
	if len(name) > maxNameLen {
		name = name[:maxNameLen]
	}
	return strings.TrimRight(string(name), "-")
}

// withDefaults checks a Spec and fills its zero fields.
func (s Spec) withDefaults() (Spec, error) {
	switch s.Kind {
	case KindUDP, KindTCPListen, KindTCPClient, KindSerial, KindFile:
		if s.Address == "" {
			return s, fmt.Errorf("%w: %s source has no address", ErrBadSpec, s.Kind)
		}
	case KindStdin:
		if s.Address == "" {
			s.Address = "-"
		}
	default:
		return s, fmt.Errorf("%w: unknown kind %q", ErrBadSpec, s.Kind)
	}
	if s.Name == "" {
		s.Name = defaultName(s.Kind, s.Address)
	}
	if err := checkName(s.Name); err != nil {
		return s, err
	}
	if s.MaxLine <= 0 {
		s.MaxLine = DefaultMaxLine
	}
	if s.MaxConns <= 0 {
		s.MaxConns = DefaultMaxConns
	}
	if s.Baud <= 0 {
		s.Baud = DefaultBaud
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	return s, nil
}
