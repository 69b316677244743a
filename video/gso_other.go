//go:build !linux

package video

import "net"

// gsoSpace is the room one UDP_SEGMENT cmsg takes: none off Linux.
var gsoSpace = 0

// gsoSupported: UDP segmentation offload is Linux's only.
func gsoSupported(*net.UDPConn) bool { return false }

func putGSO(b []byte, _ int) []byte { return b[:0] }
