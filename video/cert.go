package video

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"sync"
	"time"

	"github.com/pion/webrtc/v4"
)

// certRenew is how long before its expiry the DTLS certificate is
// replaced (pion's are valid for a month).
const certRenew = 24 * time.Hour

// certSource is the DTLS certificate every peer connection presents, as
// Janus presents one: without it pion makes a key and a self-signed
// certificate for each viewer, and each connection keeps them. A viewer
// checks only that the fingerprint in the answer matches the handshake.
type certSource struct {
	mu   sync.Mutex
	cert *webrtc.Certificate
}

// get is the current certificate, made anew when it expires within
// certRenew (a connection keeps the one it started with).
func (s *certSource) get(now time.Time) (webrtc.Certificate, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cert == nil || s.cert.Expires().Sub(now) < certRenew {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return webrtc.Certificate{}, fmt.Errorf("video: DTLS key: %w", err)
		}
		c, err := webrtc.GenerateCertificate(key)
		if err != nil {
			return webrtc.Certificate{}, fmt.Errorf("video: DTLS certificate: %w", err)
		}
		s.cert = c
	}
	return *s.cert, nil
}
