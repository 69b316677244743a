package video

import (
	"bytes"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"testing"
	"time"
)

func mustUDP(tb testing.TB) *net.UDPConn {
	tb.Helper()
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = c.Close() })
	return c
}

// testPacket is packet i of a test stream: an RTP first byte, the number,
// then filler.
func testPacket(i, size int) []byte {
	p := bytes.Repeat([]byte{byte(i)}, size)
	p[0] = 0x80
	copy(p[1:], fmt.Sprintf("%04d", i))
	return p
}

// TestBatchConnDelivers: packets to two peers, interleaved, in runs of one
// size, shorter and longer ones, more than a batch, each arrive once, whole
// and in order at their peer; a lone packet goes out without more writes
// behind it, and Close sends what is queued.
func TestBatchConnDelivers(t *testing.T) {
	c := newBatchConn(mustUDP(t))
	t.Logf("UDP segmentation offload: %v", c.gso)
	peers := []*net.UDPConn{mustUDP(t), mustUDP(t)}
	sizes := []int{1200, 1200, 1200, 700, 1200, 1200, 1300, 1300, 90, 1200, 1500, 1500, 1500, 5, 1200}
	type sent struct {
		peer int
		p    []byte
	}
	var all []sent
	for i := range batchSize + 10 { // a full batch, then a part one
		p := testPacket(i, sizes[i%len(sizes)])
		if i%20 == 3 {
			p[0] = 0x16 // a DTLS record, sent at once
		}
		all = append(all, sent{i % 7 % 2, p})
	}
	for _, s := range all {
		if n, err := c.WriteToAddrPort(s.p, peers[s.peer].LocalAddr().(*net.UDPAddr).AddrPort()); err != nil || n != len(s.p) {
			t.Fatalf("write: %d, %v", n, err)
		}
	}
	// The last batch is partly filled: the timer sends it. The DTLS
	// records may pass the media queued before them.
	buf := make([]byte, 2000)
	for peer, pc := range peers {
		var media, other []string
		for _, s := range all {
			if s.peer != peer {
				continue
			}
			_ = pc.SetReadDeadline(time.Now().Add(10 * time.Second))
			n, err := pc.Read(buf)
			if err != nil {
				t.Fatalf("peer %d: %d packets received, then %v", peer, len(media)+len(other), err)
			}
			if buf[0] == 0x80 {
				media = append(media, string(buf[:n]))
			} else {
				other = append(other, string(buf[:n]))
			}
		}
		var wantMedia, wantOther []string
		for _, s := range all {
			switch {
			case s.peer != peer:
			case s.p[0] == 0x80:
				wantMedia = append(wantMedia, string(s.p))
			default:
				wantOther = append(wantOther, string(s.p))
			}
		}
		slices.Sort(other)
		slices.Sort(wantOther)
		if !slices.Equal(media, wantMedia) || !slices.Equal(other, wantOther) {
			t.Errorf("peer %d: packets lost, changed or out of order", peer)
		}
	}
	// Queued at Close: sent before the socket closes.
	last := testPacket(9999, 500)
	if _, err := c.WriteTo(last, peers[0].LocalAddr()); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	_ = peers[0].SetReadDeadline(time.Now().Add(10 * time.Second))
	n, err := peers[0].Read(buf)
	if err != nil || !bytes.Equal(buf[:n], last) {
		t.Fatalf("packet queued at Close: %d bytes, %v", n, err)
	}
	if _, err := c.WriteToAddrPort(last, peers[0].LocalAddr().(*net.UDPAddr).AddrPort()); err == nil {
		t.Error("write after Close: no error")
	}
}

// TestBatchPack: how a batch's packets become messages, with and without
// segmentation: by peer, in order, one size per run, the last maybe
// shorter.
func TestBatchPack(t *testing.T) {
	a := netip.MustParseAddrPort("127.0.0.1:1000")
	b := netip.MustParseAddrPort("[::1]:2000")
	type pkt struct {
		dst  netip.AddrPort
		size int
	}
	cases := []struct {
		name string
		pkts []pkt
		gso  string // messages as peer:segment sizes
		none string
	}{
		{"one", []pkt{{a, 100}}, "1000:100", "1000:100"},
		{"picture", []pkt{{a, 1200}, {a, 1200}, {a, 1200}, {a, 300}}, "1000:1200,1200,1200,300", "1000:1200 1000:1200 1000:1200 1000:300"},
		{"shorter ends a run", []pkt{{a, 1200}, {a, 300}, {a, 1200}}, "1000:1200,300 1000:1200", "1000:1200 1000:300 1000:1200"},
		{"longer starts one", []pkt{{a, 300}, {a, 1200}, {a, 1200}}, "1000:300 1000:1200,1200", "1000:300 1000:1200 1000:1200"},
		{"peers interleaved", []pkt{{a, 1200}, {b, 1200}, {a, 1200}, {b, 800}, {a, 50}}, "1000:1200,1200,50 2000:1200,800", "1000:1200 1000:1200 1000:50 2000:1200 2000:800"},
		{"64 KiB bound", func() []pkt {
			var ps []pkt
			for range 60 {
				ps = append(ps, pkt{a, 1400})
			}
			return ps
		}(), "1000:" + repeatSize(1400, 42) + " 1000:" + repeatSize(1400, 18), ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bt := newBatch()
			for _, p := range tc.pkts {
				bt.bufs[bt.n] = bt.bufs[bt.n][:p.size]
				bt.dsts[bt.n] = p.dst
				bt.n++
			}
			for _, mode := range []struct {
				gso  bool
				want string
			}{{true, tc.gso}, {false, tc.none}} {
				if mode.want == "" || (mode.gso && gsoSpace == 0) {
					continue
				}
				var got []string
				for _, m := range bt.pack(mode.gso) {
					s := fmt.Sprintf("%d:", m.Addr.(*net.UDPAddr).Port)
					for i, p := range m.Buffers {
						if i > 0 {
							s += ","
						}
						s += fmt.Sprint(len(p))
					}
					if (len(m.Buffers) > 1) != (len(m.OOB) > 0) {
						t.Errorf("gso=%v: message %s with %d bytes of OOB", mode.gso, s, len(m.OOB))
					}
					got = append(got, s)
				}
				if g := fmt.Sprint(got); g != "["+mode.want+"]" {
					t.Errorf("gso=%v: got %s, want [%s]", mode.gso, g, mode.want)
				}
			}
		})
	}
}

func repeatSize(size, n int) string {
	s := fmt.Sprint(size)
	for range n - 1 {
		s += fmt.Sprintf(",%d", size)
	}
	return s
}

// TestBatchConnWithoutGSO: after the kernel refused segmentation, a
// segmented message goes packet by packet, each whole.
func TestBatchConnWithoutGSO(t *testing.T) {
	c := newBatchConn(mustUDP(t))
	defer c.Close()
	peer := mustUDP(t)
	bt := newBatch()
	want := [][]byte{testPacket(1, 1200), testPacket(2, 1200), testPacket(3, 400)}
	for _, p := range want {
		bt.bufs[bt.n] = append(bt.bufs[bt.n][:0], p...)
		bt.dsts[bt.n] = peer.LocalAddr().(*net.UDPAddr).AddrPort()
		bt.n++
	}
	msgs := bt.pack(true)
	if len(msgs) != 1 || len(msgs[0].Buffers) != 3 {
		t.Fatalf("packed as %d messages", len(msgs))
	}
	c.writeEach(bt, msgs[0])
	buf := make([]byte, 2000)
	for _, p := range want {
		_ = peer.SetReadDeadline(time.Now().Add(10 * time.Second))
		n, err := peer.Read(buf)
		if err != nil || !bytes.Equal(buf[:n], p) {
			t.Fatalf("got %d bytes, %v; want packet %q", n, err, p[1:5])
		}
	}
}
