package video

import (
	"testing"
	"time"
)

// TestSharedNet: every agent gets the same interface list until it is
// netRefresh old, then a fresh one.
func TestSharedNet(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	n, err := newSharedNet(func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	a, err := n.Interfaces()
	if err != nil || len(a) == 0 {
		t.Fatalf("interfaces %v, %v: want at least loopback", a, err)
	}
	now = now.Add(netRefresh / 2)
	if b, _ := n.Interfaces(); &b[0] != &a[0] {
		t.Error("the list was read again before it was stale")
	}
	if _, err := n.InterfaceByName(a[0].Name); err != nil {
		t.Errorf("InterfaceByName(%q): %v", a[0].Name, err)
	}
	now = now.Add(netRefresh)
	if c, _ := n.Interfaces(); len(c) == 0 || &c[0] == &a[0] {
		t.Error("a stale list was not read again")
	}
}
