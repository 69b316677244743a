package zones_test

import (
	"sync"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/zones"
)

// TestWatchOnOccupancy: the hook sees a vessel enter and leave a zone, in
// order, besides the store.
func TestWatchOnOccupancy(t *testing.T) {
	quay := circle("quay-1", zones.KindQuay, 0, 0, 300)
	w := startWatch(t, zones.NewMemoryStore(zones.MemoryConfig{}), "p", quay)
	var mu sync.Mutex
	var got []zones.Occupancy
	w.OnOccupancy(func(o zones.Occupancy) {
		mu.Lock()
		got = append(got, o)
		mu.Unlock()
	})
	for _, r := range []report{
		{mmsi: 412000001, eastM: -1000, sog: 5, cog: 90, at: 0},
		{mmsi: 412000001, eastM: 0, sog: 5, cog: 90, at: 10 * time.Second},
		{mmsi: 412000001, eastM: 1000, sog: 5, cog: 90, at: 20 * time.Second},
	} {
		w.Handle(r.event())
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || !got[0].In || got[1].In || got[0].ZoneID != "quay-1" || got[0].MMSI != 412000001 {
		t.Fatalf("occupancy changes = %+v, want an entry and an exit of quay-1", got)
	}
}
