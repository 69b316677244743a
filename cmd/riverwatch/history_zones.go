package main

import (
	"context"
	"log/slog"
	"sync/atomic"

	"github.com/riverwatch/riverwatch/vessels"
	"github.com/riverwatch/riverwatch/zones"
)

// zoneEntryQueue bounds the zone entries waiting for their zone's kind.
const zoneEntryQueue = 16384

// zoneEntryFeed carries zone entries from the rules' path, where the
// Watch may not be called back, to the history, adding each zone's kind.
type zoneEntryFeed struct {
	h       vessels.Archive
	w       *zones.Watch
	log     *slog.Logger
	in      chan zones.Occupancy
	dropped atomic.Uint64
}

// offer is the Watch's occupancy hook: it never blocks, dropping (and
// counting) entries when the queue is full.
func (f *zoneEntryFeed) offer(o zones.Occupancy) {
	if !o.In {
		return
	}
	select {
	case f.in <- o:
	default:
		if f.dropped.Add(1) == 1 {
			f.log.Warn("history: zone entries dropped, the queue is full")
		}
	}
}

// Run writes the queued entries until ctx ends, then what is left.
func (f *zoneEntryFeed) Run(ctx context.Context) error {
	write := func(o zones.Occupancy) {
		var kind string
		if z, err := f.w.Zone(o.ZoneID); err == nil { // one map lookup
			kind = string(z.Kind)
		}
		if err := f.h.AppendZoneEntry(context.Background(), vessels.ZoneEntry{Time: o.At, Zone: o.ZoneID, Kind: kind, MMSI: o.MMSI}); err != nil {
			f.log.Debug("history: zone entry", "zone", o.ZoneID, "err", err)
		}
	}
	for {
		select {
		case o := <-f.in:
			write(o)
		case <-ctx.Done():
			for {
				select {
				case o := <-f.in:
					write(o)
				default:
					return nil
				}
			}
		}
	}
}
