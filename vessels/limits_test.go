package vessels_test

import (
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/vessels"
	"github.com/riverwatch/riverwatch/vessels/vesselstest"
)

// TestTrackerClockSkew: a message whose own time lies far from our clock (a
// replayed capture, a base station with a wrong clock) is taken as heard
// now; a small delay is kept.
func TestTrackerClockSkew(t *testing.T) {
	tests := []struct {
		name string
		sent time.Duration // message time relative to now
		want time.Duration // last_seen relative to now
	}{
		{"on time", 0, 0},
		{"station a little behind", -30 * time.Second, -30 * time.Second},
		{"replayed capture from years ago", -24 * 365 * time.Hour, 0},
		{"station clock an hour behind", -time.Hour, 0},
		{"station clock ahead", 10 * time.Minute, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, vessels.TrackerConfig{})
			now := r.clock.Now()
			r.tr.Handle(vesselstest.PositionReport(412000001, now.Add(tt.sent), 43.8, 126.5, 8))
			v, err := r.tr.Vessel(t.Context(), 412000001)
			if err != nil {
				t.Fatal(err)
			}
			if !v.LastSeen.Equal(now.Add(tt.want)) || v.Stale || v.Lost {
				t.Errorf("last seen %v (stale %v lost %v), want %v", v.LastSeen, v.Stale, v.Lost, now.Add(tt.want))
			}
		})
	}
}

func TestTrackerIgnoresMMSIZero(t *testing.T) {
	r := newRig(t, vessels.TrackerConfig{})
	r.tr.Handle(vesselstest.PositionReport(0, r.clock.Now(), 43.8, 126.5, 8))
	if n := r.tr.Count(); n != 0 {
		t.Fatalf("%d vessels after a message from MMSI 0", n)
	}
	if s := r.tr.Stats(); s.Ignored != 1 {
		t.Errorf("ignored = %d, want 1", s.Ignored)
	}
}

// TestTrackerMaxVessels: beyond MaxVessels new MMSIs are refused and
// counted, while vessels already known keep updating.
func TestTrackerMaxVessels(t *testing.T) {
	r := newRig(t, vessels.TrackerConfig{MaxVessels: 3})
	now := r.clock.Now()
	for i := range 5 {
		r.tr.Handle(vesselstest.PositionReport(uint32(412000001+i), now, 43.8, 126.5, 8))
	}
	if n, s := r.tr.Count(), r.tr.Stats(); n != 3 || s.Refused != 2 {
		t.Fatalf("count %d refused %d, want 3 and 2", n, s.Refused)
	}
	r.clock.Add(10 * time.Second)
	r.tr.Handle(vesselstest.PositionReport(412000001, r.clock.Now(), 43.801, 126.5, 8))
	v, err := r.tr.Vessel(t.Context(), 412000001)
	if err != nil || *v.Lat != 43.801 {
		t.Fatalf("known vessel not updated at the limit: %v %v", err, v.Lat)
	}
}
