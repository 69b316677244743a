package source

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var parseCases = []struct {
	name string
	in   string
	want Spec   // compared field by field, hooks aside
	err  string // part of the error; "" = no error
}{
	{name: "udp", in: "udp://127.0.0.1:10110", want: Spec{Name: "udp-10110", Kind: KindUDP, Address: "127.0.0.1:10110"}},
	{name: "udp all interfaces", in: "udp://:10110", want: Spec{Name: "udp-10110", Kind: KindUDP, Address: ":10110"}},
	{name: "udp named", in: "songhua=udp://0.0.0.0:10110", want: Spec{Name: "songhua", Kind: KindUDP, Address: "0.0.0.0:10110"}},
	{name: "udp ipv6", in: "udp://[::1]:0", want: Spec{Name: "udp-0", Kind: KindUDP, Address: "[::1]:0"}},
	{name: "udp uppercase scheme", in: "UDP://127.0.0.1:1", want: Spec{Name: "udp-1", Kind: KindUDP, Address: "127.0.0.1:1"}},
	{name: "udp max line", in: "udp://127.0.0.1:1?max_line=200", want: Spec{Name: "udp-1", Kind: KindUDP, Address: "127.0.0.1:1", MaxLine: 200}},
	{name: "tcp listen", in: "tcp-listen://127.0.0.1:5631", want: Spec{Name: "tcp-listen-5631", Kind: KindTCPListen, Address: "127.0.0.1:5631"}},
	{
		name: "tcp listen options", in: "rx=tcp-listen://:5631?max_conns=8&idle=5m",
		want: Spec{Name: "rx", Kind: KindTCPListen, Address: ":5631", MaxConns: 8, IdleTimeout: 5 * time.Minute},
	},
	{name: "tcp client", in: "tcp://ais.example.org:5631", want: Spec{Name: "tcp-ais.example.org-5631", Kind: KindTCPClient, Address: "ais.example.org:5631", IdleTimeout: DefaultClientIdle}},
	{name: "tcp client never idle", in: "tcp://ais.example.org:5631?idle=0s", want: Spec{Name: "tcp-ais.example.org-5631", Kind: KindTCPClient, Address: "ais.example.org:5631"}},
	{name: "tcp client alias", in: "tcp-client://10.0.0.1:2947?idle=2m", want: Spec{Name: "tcp-10.0.0.1-2947", Kind: KindTCPClient, Address: "10.0.0.1:2947", IdleTimeout: 2 * time.Minute}},
	{name: "tcp client ipv6 name", in: "tcp://[fe80::1]:5631", want: Spec{Name: "tcp-fe80__1-5631", Kind: KindTCPClient, Address: "[fe80::1]:5631", IdleTimeout: DefaultClientIdle}},
	{name: "serial", in: "serial:///dev/ttyUSB0", want: Spec{Name: "serial-ttyUSB0", Kind: KindSerial, Address: "/dev/ttyUSB0"}},
	{name: "serial baud", in: "nen=serial:///dev/ttyACM0?baud=4800", want: Spec{Name: "nen", Kind: KindSerial, Address: "/dev/ttyACM0", Baud: 4800}},
	{name: "serial windows", in: "serial://COM3", want: Spec{Name: "serial-COM3", Kind: KindSerial, Address: "COM3"}},
	{name: "serial relative", in: "serial:ttyS0", want: Spec{Name: "serial-ttyS0", Kind: KindSerial, Address: "ttyS0"}},
	{name: "file url", in: "file:///data/x.nmea", want: Spec{Name: "file-x.nmea", Kind: KindFile, Address: "/data/x.nmea"}},
	{name: "file url loop", in: "file:///data/x.nmea.gz?loop=true", want: Spec{Name: "file-x.nmea.gz", Kind: KindFile, Address: "/data/x.nmea.gz", Loop: true}},
	{name: "file url localhost", in: "file://localhost/x.nmea", want: Spec{Name: "file-x.nmea", Kind: KindFile, Address: "/x.nmea"}},
	{name: "file url escaped", in: "file:///data/a%20b.nmea", want: Spec{Name: "file-a_b.nmea", Kind: KindFile, Address: "/data/a b.nmea"}},
	{name: "file relative url", in: "file:caps/x.nmea?loop=1", want: Spec{Name: "file-x.nmea", Kind: KindFile, Address: "caps/x.nmea", Loop: true}},
	{name: "bare path", in: "testdata/x.nmea", want: Spec{Name: "file-x.nmea", Kind: KindFile, Address: "testdata/x.nmea"}},
	{name: "bare path with query is literal", in: "x.nmea?loop=true", want: Spec{Name: "file-x.nmea_loop_true", Kind: KindFile, Address: "x.nmea?loop=true"}},
	{name: "bare windows path", in: `C:\caps\x.nmea`, want: Spec{Name: `file-C__caps_x.nmea`, Kind: KindFile, Address: `C:\caps\x.nmea`}},
	{name: "named bare path", in: "old=./caps/2024.nmea", want: Spec{Name: "old", Kind: KindFile, Address: "./caps/2024.nmea"}},
	{name: "path with equals", in: "./a=b.nmea", want: Spec{Name: "file-a_b.nmea", Kind: KindFile, Address: "./a=b.nmea"}},
	{name: "stdin", in: "stdin", want: Spec{Name: "stdin", Kind: KindStdin, Address: "-"}},
	{name: "dash", in: "-", want: Spec{Name: "stdin", Kind: KindStdin, Address: "-"}},
	{name: "named stdin", in: "pipe=-", want: Spec{Name: "pipe", Kind: KindStdin, Address: "-"}},
	{ // fuzz: escaping made String too long to parse back
		name: "long escaped path round trips", in: "file:///" + strings.Repeat("\xb1", 4000),
		want: Spec{Name: "file-" + strings.Repeat("_", 59), Kind: KindFile, Address: "/" + strings.Repeat("\xb1", 4000)},
	},
	{name: "spaces trimmed", in: "  udp://127.0.0.1:1  ", want: Spec{Name: "udp-1", Kind: KindUDP, Address: "127.0.0.1:1"}},

	{name: "empty", in: "", err: "empty"},
	{name: "name only", in: "rx=", err: "no URL"},
	{name: "bad name", in: "my rx=udp://:1", err: "name"},
	{name: "name starting with dash", in: "-rx=udp://:1", err: "name"},
	{name: "long name", in: strings.Repeat("n", 65) + "=udp://:1", err: "name"},
	{name: "unknown scheme", in: "http://127.0.0.1:80", err: "unknown scheme"},
	{name: "udp no port", in: "udp://127.0.0.1", err: "host:port"},
	{name: "udp bad port", in: "udp://127.0.0.1:99999", err: "bad port"},
	{name: "udp path", in: "udp://127.0.0.1:1/x", err: "unexpected path"},
	{name: "udp opaque", in: "udp:10110", err: "host:port"},
	{name: "tcp no host", in: "tcp://:5631", err: "needs a host"},
	{name: "tcp port zero", in: "tcp://h:0", err: "non-zero port"},
	{name: "tcp credentials", in: "tcp://u:p@h:1", err: "credentials"},
	{name: "tcp listen max conns zero", in: "tcp-listen://:1?max_conns=0", err: "max_conns"},
	{name: "tcp listen bad idle", in: "tcp-listen://:1?idle=soon", err: "idle"},
	{name: "tcp listen negative idle", in: "tcp-listen://:1?idle=-1s", err: "idle"},
	{name: "udp unknown option", in: "udp://:1?loop=true", err: "unknown option"},
	{name: "repeated option", in: "udp://:1?max_line=100&max_line=200", err: "2 times"},
	{name: "max line too small", in: "udp://:1?max_line=2", err: "max_line"},
	{name: "serial two slashes", in: "serial://dev/ttyUSB0", err: "three slashes"},
	{name: "serial no device", in: "serial://", err: "no device"},
	{name: "serial bad baud", in: "serial:///dev/ttyS0?baud=fast", err: "not a number"},
	{name: "file relative with host", in: "file://data/x.nmea", err: "three slashes"},
	{name: "file no path", in: "file://", err: "no path"},
	{name: "file bad loop", in: "file:///x?loop=maybe", err: "loop"},
	{name: "fragment", in: "udp://:1#x", err: "fragment"},
	{name: "bad escape", in: "file:///x%zz", err: "invalid URL escape"},
	{name: "address too long", in: "file:///" + strings.Repeat("x", 5000), err: "address longer than 4096"},
	{name: "too long", in: "file:///" + strings.Repeat("x", 20000), err: "longer than 16640"},
}

// sameSpec compares the fields Parse fills.
func sameSpec(a, b Spec) bool {
	return a.Name == b.Name && a.Kind == b.Kind && a.Address == b.Address &&
		a.Baud == b.Baud && a.Loop == b.Loop && a.MaxLine == b.MaxLine &&
		a.MaxConns == b.MaxConns && a.IdleTimeout == b.IdleTimeout
}

func TestParse(t *testing.T) {
	for _, tc := range parseCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.in)
			if tc.err != "" {
				if err == nil {
					t.Fatalf("Parse(%q) = %+v, want error with %q", tc.in, got, tc.err)
				}
				if !errors.Is(err, ErrBadSpec) || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Parse(%q) error %q: want ErrBadSpec with %q", tc.in, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			if !sameSpec(got, tc.want) {
				t.Errorf("Parse(%q)\n got %+v\nwant %+v", tc.in, got, tc.want)
			}
			again, err := Parse(got.String())
			if err != nil || !sameSpec(again, got) {
				t.Errorf("Parse(%q.String() = %q) = %+v, %v; want the same spec", tc.in, got.String(), again, err)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, tc := range parseCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		spec, err := Parse(in)
		if err != nil {
			if !errors.Is(err, ErrBadSpec) {
				t.Fatalf("Parse(%q) error %v does not wrap ErrBadSpec", in, err)
			}
			return
		}
		if err := checkName(spec.Name); err != nil {
			t.Fatalf("Parse(%q) gave a bad name: %v", in, err)
		}
		if _, err := New(spec, nil); err != nil {
			t.Fatalf("New(Parse(%q)): %v", in, err)
		}
		again, err := Parse(spec.String())
		if err != nil || !sameSpec(again, spec) {
			t.Fatalf("Parse(%.200q) = %.300v; Parse(%.200q) = %.300v, %v", in, spec, spec.String(), again, err)
		}
	})
}

func TestNewDefaults(t *testing.T) {
	src, err := New(Spec{Kind: KindTCPClient, Address: "127.0.0.1:1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if src.Name() != "tcp-127.0.0.1-1" || src.Kind() != KindTCPClient || src.Address() != "127.0.0.1:1" {
		t.Errorf("got %s %s %s", src.Name(), src.Kind(), src.Address())
	}
	for _, bad := range []Spec{
		{Kind: "carrier-pigeon", Address: "x"},
		{Kind: KindUDP},
		{Kind: KindUDP, Address: ":1", Name: "bad name"},
	} {
		if _, err := New(bad, nil); !errors.Is(err, ErrBadSpec) {
			t.Errorf("New(%+v) = %v, want ErrBadSpec", bad, err)
		}
	}
}

func TestBackoff(t *testing.T) {
	b := newBackoff(Backoff{Min: 100 * time.Millisecond, Max: 1 * time.Second, Healthy: time.Minute, Seed: 1})
	var waits []time.Duration
	for range 8 {
		waits = append(waits, b.next())
	}
	caps := []time.Duration{100, 200, 400, 800, 1000, 1000, 1000, 1000}
	for i, w := range waits {
		limit := caps[i] * time.Millisecond
		if w < limit/2 || w > limit {
			t.Errorf("wait %d = %v, want within [%v, %v]", i, w, limit/2, limit)
		}
	}
	b.done(time.Second) // short connection: keeps growing
	if w := b.next(); w < 500*time.Millisecond {
		t.Errorf("after a short connection wait = %v, want still near the cap", w)
	}
	b.done(time.Minute) // healthy: starts again
	if w := b.next(); w > 100*time.Millisecond {
		t.Errorf("after a healthy connection wait = %v, want at most Min", w)
	}

	// The same seed gives the same jitter.
	a1 := newBackoff(Backoff{Seed: 7})
	a2 := newBackoff(Backoff{Seed: 7})
	for range 5 {
		if x, y := a1.next(), a2.next(); x != y {
			t.Fatalf("same seed, different waits %v %v", x, y)
		}
	}
}
