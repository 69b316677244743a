package video

import (
	"testing"
	"time"
)

// TestCertSource: one certificate for every peer until a day before it
// expires, then a new one.
func TestCertSource(t *testing.T) {
	var s certSource
	now := time.Now()
	a, err := s.get(now)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.get(now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !a.Equals(b) {
		t.Error("a second peer got another certificate")
	}
	c, err := s.get(a.Expires().Add(-certRenew / 2))
	if err != nil {
		t.Fatal(err)
	}
	if a.Equals(c) {
		t.Errorf("certificate expiring %v kept at %v", a.Expires(), a.Expires().Add(-certRenew/2))
	}
}
