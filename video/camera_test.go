package video

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var cameraCases = []struct {
	name  string
	cam   Camera
	field string // "" = valid
}{
	{"valid", Camera{ID: "q-jilin-1", Name: "Jilin quay", RTSPURL: "rtsp://u:p@10.0.0.5:554/ch1"}, ""},
	{"chinese name only", Camera{ID: "c2", NameZh: "吉林码头", RTSPURL: "rtsps://cam.example/live"}, ""},
	{"udp", Camera{ID: "c3", Name: "x", RTSPURL: "rtsp://h/x", Transport: "udp"}, ""},
	{"no id", Camera{Name: "x", RTSPURL: "rtsp://h/x"}, "id"},
	{"bad id", Camera{ID: "A B", Name: "x", RTSPURL: "rtsp://h/x"}, "id"},
	{"no name", Camera{ID: "c", RTSPURL: "rtsp://h/x"}, "name"},
	{"long name", Camera{ID: "c", Name: strings.Repeat("x", 201), RTSPURL: "rtsp://h/x"}, "name"},
	{"http url", Camera{ID: "c", Name: "x", RTSPURL: "http://h/x"}, "rtsp_url"},
	{"no host", Camera{ID: "c", Name: "x", RTSPURL: "rtsp:///x"}, "rtsp_url"},
	{"transport", Camera{ID: "c", Name: "x", RTSPURL: "rtsp://h/x", Transport: "quic"}, "transport"},
	{"lat", Camera{ID: "c", Name: "x", RTSPURL: "rtsp://h/x", Lat: 91}, "lat"},
	{"station", Camera{ID: "c", Name: "x", RTSPURL: "rtsp://h/x", Stations: []string{"RS Jiutai"}}, "stations"},
}

func TestCameraNormalize(t *testing.T) {
	for _, c := range cameraCases {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.cam.Normalize()
			if c.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				if got.Transport == "" || got.Stations == nil {
					t.Errorf("defaults not filled: %+v", got)
				}
				return
			}
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.field) {
				t.Fatalf("err %v, want ErrInvalid naming %s", err, c.field)
			}
			if strings.Contains(err.Error(), ":p@") {
				t.Fatalf("error shows credentials: %v", err)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	const raw = "rtsp://admin:pa%24%24word@10.1.2.3:554/Streaming/Channels/101?token=abc"
	if got := RedactURL(raw); got != "rtsp://10.1.2.3:554/Streaming/Channels/101" {
		t.Errorf("RedactURL: %s", got)
	}
	if got := RedactURL("not a url at all"); got != "" {
		t.Errorf("RedactURL of garbage: %q", got)
	}
	for _, msg := range []string{
		"dial " + raw + ": connection refused",
		"401 for rtsp://admin:pa$$word@10.1.2.3:554/x",
		"bad password pa$$word",
		"user admin:pa%24%24word",
	} {
		got := redactError(errors.New(msg), raw)
		if strings.Contains(got, "pa$$word") || strings.Contains(got, "pa%24%24word") || strings.Contains(got, "token=abc") {
			t.Errorf("redactError(%q) = %q", msg, got)
		}
	}
}

func FuzzRedactError(f *testing.F) {
	f.Add("admin", "secret", "dial rtsp://admin:secret@h:554/x failed")
	f.Add("u", "p@ss:w/rd", "rtsp://u:p%40ss%3Aw%2Frd@h/x")
	f.Fuzz(func(t *testing.T, user, pass, msg string) {
		if len(pass) < 4 || strings.ContainsAny(pass, "\x00") {
			return
		}
		raw := "rtsp://" + urlUser(user, pass) + "@cam.example:554/x"
		got := redactError(errors.New(msg+" "+raw+" "+pass), raw)
		if strings.Contains(got, pass) {
			t.Fatalf("password %q in %q", pass, got)
		}
	})
}

func urlUser(user, pass string) string {
	return (&strings.Builder{}).String() + escape(user) + ":" + escape(pass)
}

func escape(s string) string {
	var b strings.Builder
	for _, r := range []byte(s) {
		if ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9') || r == '-' || r == '_' {
			b.WriteByte(r)
		} else {
			b.WriteString("%" + strings.ToUpper(string("0123456789abcdef"[r>>4])+string("0123456789abcdef"[r&15])))
		}
	}
	return b.String()
}

func TestTURNCredentials(t *testing.T) {
	// Checked against Python's hmac.new(b"north", b"1700000000:station", sha1).
	u, p := TURNCredentials("north", "station", time.Unix(1700000000, 0))
	if u != "1700000000:station" || p != "r1HEfVRRuTme1vJ407rVixPdR4g=" {
		t.Fatalf("got %s %s", u, p)
	}
}

func TestICELinks(t *testing.T) {
	r := &Relay{cfg: Config{ICE: ICEConfig{
		STUN: []string{"stun:stun.example.net:3478"},
		TURN: []TURNServer{{URLs: []string{"turn:turn.example.net?transport=udp", "turns:turn.example.net:5349?transport=tcp"}, Secret: "north"}},
	}}}
	links := r.ICELinks("officer")
	if len(links) != 3 || links[0] != `<stun:stun.example.net:3478>; rel="ice-server"` {
		t.Fatalf("links %q", links)
	}
	for _, l := range links[1:] {
		if !strings.Contains(l, `username="`) || !strings.Contains(l, `:officer"`) || !strings.Contains(l, `credential-type="password"`) {
			t.Errorf("TURN link %s", l)
		}
	}
}

func TestParseRewrite(t *testing.T) {
	for _, c := range []struct {
		in   string
		want RewriteRule
		ok   bool
	}{
		{"203.0.113.7", RewriteRule{External: []string{"203.0.113.7"}}, true},
		{"203.0.113.7=10.0.0.5", RewriteRule{External: []string{"203.0.113.7"}, Local: "10.0.0.5"}, true},
		{"203.0.113.7,2001:db8::7=10.0.0.0/8/srflx", RewriteRule{External: []string{"203.0.113.7", "2001:db8::7"}, CIDR: "10.0.0.0/8", Type: "srflx"}, true},
		{"example.com", RewriteRule{}, false},
		{"203.0.113.7=10.0.0.0/99", RewriteRule{}, false},
		{"203.0.113.7/relay", RewriteRule{}, false},
	} {
		got, err := ParseRewrite(c.in)
		if (err == nil) != c.ok {
			t.Errorf("%s: err %v", c.in, err)
			continue
		}
		if c.ok && (strings.Join(got.External, ",") != strings.Join(c.want.External, ",") || got.Local != c.want.Local || got.CIDR != c.want.CIDR || got.Type != c.want.Type) {
			t.Errorf("%s: %+v, want %+v", c.in, got, c.want)
		}
	}
}

func TestBackoffSteppedWithJitter(t *testing.T) {
	r := &Relay{cfg: Config{Backoff: DefaultBackoff}}
	for n, step := range append(DefaultBackoff, DefaultBackoff[len(DefaultBackoff)-1]) {
		for range 20 {
			d := r.backoff(n)
			if d < time.Duration(float64(step)*0.8) || d > time.Duration(float64(step)*1.2) {
				t.Fatalf("attempt %d: %s outside %s ±20%%", n, d, step)
			}
		}
	}
}
