package video

import (
	"net"
	"syscall"
	"unsafe"
)

// udpSegment is UDP_SEGMENT (linux/udp.h, Linux 4.18): the cmsg that asks
// the kernel to split one send into datagrams of the given size (UDP
// generic segmentation offload).
const udpSegment = 103

// gsoSpace is the room one UDP_SEGMENT cmsg takes in a message's OOB.
var gsoSpace = syscall.CmsgSpace(2)

// gsoSupported tells whether the kernel knows UDP_SEGMENT on c's socket.
func gsoSupported(c *net.UDPConn) bool {
	rc, err := c.SyscallConn()
	if err != nil {
		return false
	}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		_, serr = syscall.GetsockoptInt(int(fd), syscall.IPPROTO_UDP, udpSegment)
	}); err != nil {
		return false
	}
	return serr == nil
}

// putGSO writes into b (gsoSpace bytes) the cmsg that segments a send into
// datagrams of size bytes and returns it.
func putGSO(b []byte, size int) []byte {
	b = b[:gsoSpace]
	clear(b)
	h := (*syscall.Cmsghdr)(unsafe.Pointer(&b[0]))
	h.Level = syscall.IPPROTO_UDP
	h.Type = udpSegment
	h.SetLen(syscall.CmsgLen(2))
	*(*uint16)(unsafe.Pointer(&b[syscall.CmsgLen(0)])) = uint16(size)
	return b
}
