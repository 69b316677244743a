package source

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"slices"
	"strings"
	"testing"

	"github.com/riverwatch/riverwatch/ais"
)

func TestUDP(t *testing.T) {
	src := mustOpen(t, mustParse(t, "rx=udp://127.0.0.1:0"))
	if strings.HasSuffix(src.Address(), ":0") {
		t.Fatalf("Address() = %q after Open, want the bound port", src.Address())
	}
	rec := newRecorder()
	start(t, src, rec)

	conn, err := net.Dial("udp", src.Address())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	datagrams := []string{
		aivdm + "\r\n" + aivdm + "\r\n",                     // two lines in one datagram
		"good1\n" + strings.Repeat("x", 3000) + "\r\ngood2", // too long between good lines, last without newline
		strings.Repeat("\x00", 60000),                       // binary junk
		"\x01\x02\xff\n\n\r\n",                              // short junk line and empty lines
		"last\r\n",                                          // marker
	}
	for _, d := range datagrams {
		if _, err := conn.Write([]byte(d)); err != nil {
			t.Fatal(err)
		}
	}
	rec.waitFor(t, "the marker line", func() bool {
		got := rec.texts()
		return len(got) > 0 && got[len(got)-1] == "last"
	})
	want := []string{aivdm, aivdm, "good1", "good2", "\x01\x02\xff", "last"}
	if got := rec.texts(); join(got) != join(want) {
		t.Errorf("lines %q, want %q", got, want)
	}
	rejects := rec.rejected()
	if len(rejects) != 2 {
		t.Fatalf("rejects %v, want the long line and the junk", rejects)
	}
	for _, r := range rejects {
		if r.source != "rx" || r.reason != ais.ReasonTooLong || len(r.sample) != SampleLen {
			t.Errorf("reject %+v, want rx too_long with a %d-byte sample", r, SampleLen)
		}
	}
	for _, l := range rec.lineLog() {
		if l.Source != "rx" || !l.Received.Equal(fixedTime) {
			t.Errorf("line %+v: want source rx, received at the injected time", l)
		}
	}
	if s := rec.stateLog(); len(s) == 0 || !s[0].connected {
		t.Errorf("states %v, want connected first", s)
	}
}

func TestUDPAddressInUse(t *testing.T) {
	first := mustOpen(t, mustParse(t, "udp://127.0.0.1:0"))
	rec := newRecorder()
	r := start(t, first, rec)
	second, err := New(mustParse(t, "udp://"+first.Address()), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := second.Open(); err == nil {
		t.Fatal("second Open on the same address succeeded")
	}
	r.stop(t)
	if s := rec.stateLog(); len(s) < 2 || s[len(s)-1].connected {
		t.Errorf("states %v, want disconnected after stop", s)
	}
}

func TestRunWithoutOpenBinds(t *testing.T) {
	src, err := New(mustParse(t, "udp://127.0.0.1:0"), nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := newRecorder()
	start(t, src, rec)
	rec.waitFor(t, "connected", func() bool { return rec.countStates(true) > 0 })
	if strings.HasSuffix(src.Address(), ":0") {
		t.Errorf("Address() = %q, want the bound port", src.Address())
	}
}

func TestOpenErrorsShowAtOnce(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	src, err := New(mustParse(t, "tcp-listen://"+ln.Addr().String()), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := src.Open(); err == nil {
		t.Error("tcp-listen Open on a used port succeeded")
	}
	if err := src.Run(t.Context(), newRecorder()); err == nil {
		t.Error("Run after a failed Open returned nil")
	}
	src, err = New(mustParse(t, "/no/such/riverwatch/file.nmea"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := src.Open(); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("file Open of a missing file = %v, want fs.ErrNotExist", err)
	}
}

// Datagrams waiting on the socket are read together (recvmmsg) and their
// lines go to a BatchSink as batches of at most ais.MaxBatch, whole and in
// order, on IPv4 and IPv6 loopback alike.
func TestUDPBatches(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:0", "[::1]:0"} {
		t.Run(addr, func(t *testing.T) {
			if addr[0] == '[' {
				if c, err := net.ListenPacket("udp", addr); err != nil {
					t.Skipf("no IPv6 loopback here: %v", err)
				} else {
					c.Close()
				}
			}
			src := mustOpen(t, mustParse(t, "rx=udp://"+addr))
			conn, err := net.Dial("udp", src.Address())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			var want []string
			for i := range 40 { // queued before the source reads
				want = append(want, fmt.Sprintf("line%02d", i))
				if _, err := conn.Write([]byte(want[i] + "\r\n")); err != nil {
					t.Fatal(err)
				}
			}
			want = append(want, "a", "b", "last")
			if _, err := conn.Write([]byte("a\nb\r\nlast\n")); err != nil {
				t.Fatal(err)
			}
			rec := &batchRecorder{recorder: newRecorder()}
			start(t, src, rec)
			rec.waitFor(t, "the marker line", func() bool {
				got := rec.texts()
				return len(got) > 0 && got[len(got)-1] == "last"
			})
			if got := rec.texts(); !slices.Equal(got, want) {
				t.Fatalf("lines %q, want %q", got, want)
			}
			if sizes := rec.batchSizes(); len(sizes) == 0 || slices.Max(sizes) > ais.MaxBatch || slices.Max(sizes) < 2 {
				t.Fatalf("batches %v: want some of several lines, none over %d", sizes, ais.MaxBatch)
			}
		})
	}
}
