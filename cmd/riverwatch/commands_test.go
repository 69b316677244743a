package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	goais "github.com/BertoldVdb/go-ais"
)

// runCmd runs a subcommand in-process and returns what it printed.
func runCmd(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = run(ctx, args, strings.NewReader(stdin), &out, &errb, func(string) string { return "" })
	return out.String(), errb.String(), err
}

func TestDecodeCommand(t *testing.T) {
	pos := mustEncode(t, goais.PositionReport{Header: goais.Header{MessageID: 1, UserID: 412000001}, Valid: true,
		Sog: 5, Longitude: 126.5, Latitude: 43.8, Cog: 90, TrueHeading: 91}, 0)
	static := mustEncode(t, goais.ShipStaticData{Header: goais.Header{MessageID: 5, UserID: 412000001}, Valid: true,
		Name: `SONG "HUA" <1>`, CallSign: "BX1", Type: 70}, 2)
	input := strings.Join([]string{
		"# a comment",
		pos[0],
		"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*00", // bad checksum
		"\x00\x01garbage",
		static[0], static[1],
		"1452470400.5 " + pos[0], // receive time in front
	}, "\n")
	out, stderr, err := runCmd(t, input, "decode", "-stats", "-")
	if err != nil {
		t.Fatalf("decode: %v (%s)", err, stderr)
	}
	var objs []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var o map[string]any
		if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
			t.Fatalf("line %q is not JSON: %v", sc.Text(), err)
		}
		objs = append(objs, o)
	}
	if len(objs) != 3 {
		t.Fatalf("decoded %d objects, want 3:\n%s", len(objs), out)
	}
	if objs[0]["class"] != "AIS" || objs[0]["type"] != 1.0 || objs[0]["mmsi"] != 412000001.0 || objs[0]["lat"] != 43.8 {
		t.Errorf("position: %v", objs[0])
	}
	if objs[1]["type"] != 5.0 || objs[1]["shipname"] != `SONG "HUA" <1>` {
		t.Errorf("static: %v", objs[1])
	}
	if !strings.Contains(stderr, "checksum 1") || !strings.Contains(stderr, "malformed 1") || !strings.Contains(stderr, "messages 3") {
		t.Errorf("stats line: %q", stderr)
	}
	if _, _, err := runCmd(t, "", "decode", "a", "b"); err == nil {
		t.Error("two files accepted")
	}
	if _, _, err := runCmd(t, "", "decode", filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("missing file accepted")
	}
}

func TestReplayCommand(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	lines := []string{"1452470400.0 !AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A",
		"# comment is not sent",
		"1452470400.2 !AIVDM,1,1,,B,15RTgt0PAso;90TKcjM8h6g208CQ,0*49"}
	path := filepath.Join(t.TempDir(), "capture.ais.gz")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	io.WriteString(zw, strings.Join(lines, "\n")+"\n")
	zw.Close()
	if err := os.WriteFile(path, gz.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	_, stderr, err := runCmd(t, "", "replay", path, "--to", "udp://"+pc.LocalAddr().String(), "--speed", "100", "--quiet")
	if err != nil {
		t.Fatalf("replay: %v (%s)", err, stderr)
	}
	if !strings.Contains(stderr, "sent 2 lines") {
		t.Errorf("replay said %q", stderr)
	}
	buf := make([]byte, 2048)
	for i, want := range []string{lines[0], lines[2]} {
		pc.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, _, err := pc.ReadFrom(buf)
		if err != nil {
			t.Fatalf("datagram %d: %v", i, err)
		}
		if got := string(buf[:n]); got != want+"\r\n" {
			t.Errorf("datagram %d = %q, want %q", i, got, want)
		}
	}
	for _, bad := range [][]string{
		{"replay", path}, // no --to
		{"replay", path, "--to", "http://127.0.0.1:1"}, // not udp or tcp
		{"replay", path, "--to", "udp://127.0.0.1:1", "--rate", "-1"},
	} {
		if _, _, err := runCmd(t, "", bad...); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

func TestSimulateCommand(t *testing.T) {
	out, stderr, err := runCmd(t, "", "simulate", "--vessels", "10", "--duration", "2500ms")
	if err != nil {
		t.Fatalf("simulate: %v (%s)", err, stderr)
	}
	n := 0
	for _, l := range strings.Split(strings.TrimSpace(out), "\r\n") {
		if !strings.HasPrefix(l, "!AIVDM,") {
			t.Fatalf("not a sentence: %q", l)
		}
		n++
	}
	if n < 10 {
		t.Errorf("%d sentences from 10 vessels in 2.5 s", n)
	}
}

// TestSimulateSurvivesReceiverRestart: the receiver is away when the
// simulator starts ("connection refused" on its writes) and then comes
// up on its port, as a riverwatch restarting does: the traffic reaches it.
func TestSimulateSurvivesReceiverRestart(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close() // away
	done := make(chan error, 1)
	go func() {
		var out, errb bytes.Buffer
		done <- run(t.Context(), []string{"simulate", "--vessels", "50", "--duration", "5s", "--to", "udp://" + addr},
			strings.NewReader(""), &out, &errb, func(string) string { return "" })
	}()
	time.Sleep(1500 * time.Millisecond) // sentences refused meanwhile
	if pc, err = net.ListenPacket("udp", addr); err != nil {
		t.Skipf("the port was taken meanwhile: %v", err)
	}
	defer pc.Close()
	buf := make([]byte, 2048)
	pc.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, _, err := pc.ReadFrom(buf)
	if err != nil {
		t.Fatalf("no sentence after the receiver came back: %v", err)
	}
	if !strings.HasPrefix(string(buf[:n]), "!AIVDM,") {
		t.Errorf("datagram %q, want a sentence", buf[:n])
	}
	if err := <-done; err != nil {
		t.Errorf("simulate: %v", err)
	}
}

func TestUnknownCommand(t *testing.T) {
	if _, _, err := runCmd(t, "", "frobnicate"); err == nil {
		t.Error("unknown command accepted")
	}
	out, _, err := runCmd(t, "", "help")
	if err != nil || !strings.Contains(out, "riverwatch decode") {
		t.Errorf("help: %v %q", err, out)
	}
}

// tagBlock frames fields as an NMEA 4.0 tag block with its checksum.
func tagBlock(fields string) string {
	var sum byte
	for i := 0; i < len(fields); i++ {
		sum ^= fields[i]
	}
	return fmt.Sprintf("\\%s*%02X\\", fields, sum)
}

func TestLineTime(t *testing.T) {
	const vdm = "!AIVDM,1,1,,B,15RTgt0PAso;90TKcjM8h6g208CQ,0*49"
	tests := []struct {
		line string
		want float64
		ok   bool
	}{
		{"1452470400.5 " + vdm, 1452470400.5, true},
		{tagBlock("s:base,c:1700000000") + vdm, 1700000000, true},
		{tagBlock("s:base,c:1700000000123") + vdm, 1700000000.123, true}, // milliseconds
		{vdm, 0, false},
		{"garbage", 0, false},
	}
	for _, tt := range tests {
		got, ok := lineTime([]byte(tt.line))
		if ok != tt.ok || (ok && (got < tt.want-1e-3 || got > tt.want+1e-3)) {
			t.Errorf("lineTime(%q) = %v, %v; want %v, %v", tt.line, got, ok, tt.want, tt.ok)
		}
	}
}
