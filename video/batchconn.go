package video

import (
	"net"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/net/ipv4"
)

// Batching of the UDP mux socket's writes: a relay sends every packet of
// the camera once per viewer, and one sendto per packet was about half of
// its CPU. batchConn gathers the writes of all peers and hands them to the
// kernel with one sendmmsg per batch.
const (
	// batchSize is how many packets one sendmmsg carries at most: a
	// 2 Mbit/s picture is about 9 packets, so a batch is a few viewers'
	// worth of one picture.
	batchSize = 64
	// batchDelay is the most a packet waits for its batch to fill: the
	// writes of one picture to every viewer come in a burst, and its tail
	// goes out this soon after the burst ends.
	batchDelay = time.Millisecond
	// batchMTU is the largest packet kept in a batch's own buffer; a
	// larger one (never from pion, which stays under 1,500 bytes) is
	// sent alone.
	batchMTU = 1500
)

// batchConn is the shared UDP socket with batched writes of media (SRTP
// and SRTCP); STUN and DTLS go out at once, and reads pass through. Writes never fail: a packet the kernel refuses is dropped, as a
// network would drop it (an unconnected UDP socket reports no delivery
// errors anyway). Packets to one peer leave in the order they were
// written.
//
// Where the kernel has UDP segmentation offload, the packets of a batch
// that go to one peer and have one size (the fragments of a picture; the
// last may be shorter) go as one message with UDP_SEGMENT: the kernel's
// per-packet cost (routing, the IP stack, the device) is then paid per
// run rather than per packet, and that, not the syscall, is most of it.
type batchConn struct {
	*net.UDPConn
	pc *ipv4.PacketConn

	mu     sync.Mutex // guards fill, timer and closed
	fill   *batch     // the batch being filled
	timer  *time.Timer
	closed bool

	wmu   sync.Mutex // held while a batch is written: one at a time, in order
	spare *batch     // the other batch, being written or free
	gso   bool       // UDP_SEGMENT works; false after it failed once
}

// batch is up to batchSize packets and the messages they are sent as.
type batch struct {
	bufs [][]byte // each batchMTU bytes
	dsts []netip.AddrPort
	n    int

	// pack's output, reused.
	msgs  []ipv4.Message
	addrs []net.UDPAddr
	iov   [][]byte
	oob   []byte
	taken []bool
	one   []ipv4.Message // for a GSO message sent packet by packet
}

func newBatch() *batch {
	b := &batch{
		bufs: make([][]byte, batchSize), dsts: make([]netip.AddrPort, batchSize),
		msgs: make([]ipv4.Message, 0, batchSize), addrs: make([]net.UDPAddr, batchSize),
		iov: make([][]byte, batchSize), oob: make([]byte, batchSize*gsoSpace),
		taken: make([]bool, batchSize), one: make([]ipv4.Message, batchSize),
	}
	buf := make([]byte, batchSize*batchMTU)
	for i := range b.bufs {
		b.bufs[i] = buf[i*batchMTU : i*batchMTU : (i+1)*batchMTU]
		b.addrs[i].IP = make(net.IP, 0, net.IPv6len)
	}
	return b
}

// maxGSOBytes bounds one segmented send: an IP datagram's 64 KiB less
// headers, with room to spare.
const maxGSOBytes = 60000

// pack turns the batch's packets into messages: grouped by peer, in order
// within each, and with gso runs of one size (the last may be shorter) as
// one segmented message.
func (b *batch) pack(gso bool) []ipv4.Message {
	msgs, iov := b.msgs[:0], b.iov[:0]
	clear(b.taken[:b.n])
	groups := 0
	for i := range b.n {
		if b.taken[i] {
			continue
		}
		dst := b.dsts[i]
		addr := &b.addrs[groups]
		groups++
		ip := dst.Addr()
		if ip.Is4() {
			v4 := ip.As4()
			addr.IP = append(addr.IP[:0], v4[:]...)
		} else {
			v6 := ip.As16()
			addr.IP = append(addr.IP[:0], v6[:]...)
		}
		addr.Port, addr.Zone = int(dst.Port()), ip.Zone()
		start, size, total, ended := len(iov), 0, 0, false
		end := func() {
			m := ipv4.Message{Buffers: iov[start:len(iov):len(iov)], Addr: addr}
			if len(m.Buffers) > 1 {
				k := len(msgs) * gsoSpace
				m.OOB = putGSO(b.oob[k:k+gsoSpace], size)
			}
			msgs = append(msgs, m)
			start = len(iov)
		}
		for j := i; j < b.n; j++ {
			if b.taken[j] || b.dsts[j] != dst {
				continue
			}
			b.taken[j] = true
			p := b.bufs[j]
			if len(iov) > start && (!gso || ended || len(p) > size || total+len(p) > maxGSOBytes) {
				end()
			}
			if len(iov) == start {
				size, total, ended = len(p), 0, false
			}
			iov = append(iov, p)
			total += len(p)
			ended = len(p) < size
		}
		end()
	}
	b.msgs = msgs
	return msgs
}

func newBatchConn(c *net.UDPConn) *batchConn {
	b := &batchConn{UDPConn: c, pc: ipv4.NewPacketConn(c), fill: newBatch(), spare: newBatch(), gso: gsoSupported(c)}
	b.timer = time.AfterFunc(time.Hour, b.flush)
	b.timer.Stop()
	return b
}

// ReadFromAddrPort and WriteToAddrPort let pion's UDP mux use its
// allocation-free path (ice.AddrPortReaderWriter).
func (c *batchConn) ReadFromAddrPort(p []byte) (int, netip.AddrPort, error) {
	return c.ReadFromUDPAddrPort(p)
}

// WriteToAddrPort queues p for addr.
func (c *batchConn) WriteToAddrPort(p []byte, addr netip.AddrPort) (int, error) {
	if len(p) == 0 || p[0] < 128 || p[0] > 191 {
		// Not RTP or RTCP (RFC 7983: STUN, DTLS): a handshake waits
		// for no batch, and its order against media does not matter.
		return c.UDPConn.WriteToUDPAddrPort(p, addr)
	}
	if len(p) > batchMTU {
		c.flush()
		return c.UDPConn.WriteToUDPAddrPort(p, addr)
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return c.UDPConn.WriteToUDPAddrPort(p, addr) // fails with net.ErrClosed
	}
	b := c.fill
	b.bufs[b.n] = append(b.bufs[b.n][:0], p...)
	b.dsts[b.n] = addr
	b.n++
	switch b.n {
	case 1:
		c.timer.Reset(batchDelay)
	case batchSize:
		c.timer.Stop()
		c.writeLocked() // unlocks c.mu
		return len(p), nil
	}
	c.mu.Unlock()
	return len(p), nil
}

// WriteTo queues p for addr, a *net.UDPAddr.
func (c *batchConn) WriteTo(p []byte, addr net.Addr) (int, error) {
	ua, ok := addr.(*net.UDPAddr)
	if !ok {
		return c.UDPConn.WriteTo(p, addr) // the error net gives
	}
	return c.WriteToAddrPort(p, ua.AddrPort())
}

// WriteToUDP queues p for addr.
func (c *batchConn) WriteToUDP(p []byte, addr *net.UDPAddr) (int, error) {
	return c.WriteToAddrPort(p, addr.AddrPort())
}

// WriteToUDPAddrPort queues p for addr.
func (c *batchConn) WriteToUDPAddrPort(p []byte, addr netip.AddrPort) (int, error) {
	return c.WriteToAddrPort(p, addr)
}

// flush writes what is queued (the timer's, batchDelay after a batch's
// first packet).
func (c *batchConn) flush() {
	c.mu.Lock()
	if c.fill.n == 0 {
		c.mu.Unlock()
		return
	}
	c.writeLocked()
}

// writeLocked swaps the filled batch for the spare and writes it; called
// with c.mu held, it releases it once the batch is its own, so that other
// writers fill the next batch during the sendmmsg. Taking wmu before
// releasing mu keeps the batches in order.
func (c *batchConn) writeLocked() {
	c.wmu.Lock()
	b := c.fill
	c.fill, c.spare = c.spare, b
	c.mu.Unlock()
	defer c.wmu.Unlock()
	msgs := b.pack(c.gso)
	for sent := 0; sent < len(msgs); {
		n, err := c.pc.WriteBatch(msgs[sent:], 0)
		sent += max(n, 0)
		if err == nil && n > 0 {
			continue
		}
		if sent == len(msgs) {
			break
		}
		if m := msgs[sent]; m.OOB != nil {
			// The kernel or the device refuses segmentation (EIO without
			// checksum offload): send packet by packet from now on.
			c.gso = false
			c.writeEach(b, m)
		}
		sent++ // a refused packet is dropped
	}
	b.n = 0
}

// writeEach sends a segmented message's packets one message each.
func (c *batchConn) writeEach(b *batch, m ipv4.Message) {
	one := b.one[:len(m.Buffers)]
	for i := range one {
		one[i] = ipv4.Message{Buffers: m.Buffers[i : i+1], Addr: m.Addr}
	}
	for sent := 0; sent < len(one); {
		n, err := c.pc.WriteBatch(one[sent:], 0)
		sent += max(n, 0)
		if err != nil || n <= 0 {
			sent++
		}
	}
}

// Close sends what is queued and closes the socket.
func (c *batchConn) Close() error {
	c.mu.Lock()
	c.closed = true
	c.timer.Stop()
	if c.fill.n > 0 {
		c.writeLocked()
	} else {
		c.mu.Unlock()
	}
	c.wmu.Lock() // a write in progress ends first
	defer c.wmu.Unlock()
	return c.UDPConn.Close()
}
