package video

import (
	"sync"
	"time"

	"github.com/pion/transport/v5"
	"github.com/pion/transport/v5/stdnet"
)

// netRefresh is how old the interface list every ICE agent shares may be.
const netRefresh = 10 * time.Second

// sharedNet is the network every ICE agent gathers on: the standard one,
// with one list of the machine's interfaces for all of them, read again
// when netRefresh old. Left to itself pion gives each agent a stdnet.Net
// of its own, which lists the interfaces and their addresses over netlink
// for every viewer and keeps the list (some 5 KB) as long as the viewer.
type sharedNet struct {
	*stdnet.Net // sockets and resolution; its own list is the first one
	now         func() time.Time

	mu   sync.Mutex
	cur  *stdnet.Net // an immutable list: a new one replaces it
	read time.Time
}

var _ transport.Net = (*sharedNet)(nil)

func newSharedNet(now func() time.Time) (*sharedNet, error) {
	n, err := stdnet.NewNet()
	if err != nil {
		return nil, err
	}
	return &sharedNet{Net: n, now: now, cur: n, read: now()}, nil
}

// current is the interface list, read again when stale. A failed read
// keeps the last list.
func (n *sharedNet) current() *stdnet.Net {
	n.mu.Lock()
	defer n.mu.Unlock()
	if now := n.now(); now.Sub(n.read) >= netRefresh {
		n.read = now
		if fresh, err := stdnet.NewNet(); err == nil {
			n.cur = fresh
		}
	}
	return n.cur
}

// Interfaces lists the machine's interfaces.
func (n *sharedNet) Interfaces() ([]*transport.Interface, error) { return n.current().Interfaces() }

// InterfaceByIndex is the interface with that index.
func (n *sharedNet) InterfaceByIndex(index int) (*transport.Interface, error) {
	return n.current().InterfaceByIndex(index)
}

// InterfaceByName is the interface with that name.
func (n *sharedNet) InterfaceByName(name string) (*transport.Interface, error) {
	return n.current().InterfaceByName(name)
}
