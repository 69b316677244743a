package main

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// liveCounts are what the load clients received.
type liveCounts struct {
	msgs, updates, snapshots, bytes atomic.Int64
}

// rawLiveClient is a minimal RFC 6455 client for the load benchmark: it
// reads the server's frames from a buffered connection, classifies each
// message by its first bytes and counts it, without allocating per
// message, so that 50 of them in one process keep up with the push and the
// figures measure the server, not the client. It answers pings.
type rawLiveClient struct {
	conn net.Conn
	r    *bufio.Reader
}

// dialLive upgrades a connection to base's /api/v1/live with the token.
func dialLive(base, token string) (*rawLiveClient, error) {
	host := strings.TrimPrefix(base, "http://")
	conn, err := net.DialTimeout("tcp", host, 10*time.Second)
	if err != nil {
		return nil, err
	}
	var key [16]byte
	_, _ = rand.Read(key[:])
	fmt.Fprintf(conn, "GET /api/v1/live HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer %s\r\n\r\n",
		host, base64.StdEncoding.EncodeToString(key[:]), token)
	r := bufio.NewReaderSize(conn, 256<<10)
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		conn.Close()
		return nil, err
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		conn.Close()
		return nil, fmt.Errorf("live: %s", resp.Status)
	}
	return &rawLiveClient{conn: conn, r: r}, nil
}

var (
	updatePrefix   = []byte(`{"type":"update"`)
	snapshotPrefix = []byte(`{"type":"snapshot"`)
)

// run counts messages until the connection ends; its error, nil once
// closed by Close.
func (c *rawLiveClient) run(n *liveCounts, closed *atomic.Bool) error {
	var hdr [14]byte
	head := make([]byte, 0, 32)
	for {
		if _, err := io.ReadFull(c.r, hdr[:2]); err != nil {
			return c.end(err, closed)
		}
		op, size := hdr[0]&0x0f, uint64(hdr[1]&0x7f)
		switch size {
		case 126:
			if _, err := io.ReadFull(c.r, hdr[2:4]); err != nil {
				return c.end(err, closed)
			}
			size = uint64(binary.BigEndian.Uint16(hdr[2:4]))
		case 127:
			if _, err := io.ReadFull(c.r, hdr[2:10]); err != nil {
				return c.end(err, closed)
			}
			size = binary.BigEndian.Uint64(hdr[2:10])
		}
		head = head[:min(int(size), cap(head))]
		if _, err := io.ReadFull(c.r, head); err != nil {
			return c.end(err, closed)
		}
		if _, err := c.r.Discard(int(size) - len(head)); err != nil {
			return c.end(err, closed)
		}
		switch op {
		case 0x1: // text: one whole message per frame, as the server sends
			n.msgs.Add(1)
			n.bytes.Add(int64(size))
			if bytes.HasPrefix(head, updatePrefix) {
				n.updates.Add(1)
			} else if bytes.HasPrefix(head, snapshotPrefix) {
				n.snapshots.Add(1)
			}
		case 0x9: // ping: pong with the same payload, masked (zero mask)
			frame := append([]byte{0x8a, 0x80 | byte(len(head)), 0, 0, 0, 0}, head...)
			if _, err := c.conn.Write(frame); err != nil {
				return c.end(err, closed)
			}
		case 0x8:
			return c.end(io.EOF, closed)
		}
	}
}

func (c *rawLiveClient) end(err error, closed *atomic.Bool) error {
	if closed.Load() {
		return nil
	}
	return err
}

// Close ends the connection.
func (c *rawLiveClient) Close() error { return c.conn.Close() }
