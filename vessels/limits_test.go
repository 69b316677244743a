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
		{"station clock ahead (or a capture replayed fast)", 10 * time.Minute, 10 * time.Minute},
		{"station clock far ahead", 2 * time.Hour, 0},
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

// TestTrackerClockOffsetKeepsOrder: once a station's times are shifted,
// all its later messages are shifted alike, so a feed whose delay crosses
// MaxClockSkew keeps its order (regression: a newer report was refused as
// late when only the older one was moved to now).
func TestTrackerClockOffsetKeepsOrder(t *testing.T) {
	r := newRig(t, vessels.TrackerConfig{})
	now := r.clock.Now()
	old := vesselstest.PositionReport(366943940, now.Add(-150*time.Second), 43.80, 126.50, 8)
	newer := vesselstest.PositionReport(366943940, now.Add(-60*time.Second), 43.801, 126.50, 8)
	r.tr.Handle(old)
	r.tr.Handle(newer)
	v, err := r.tr.Vessel(t.Context(), 366943940)
	if err != nil {
		t.Fatal(err)
	}
	if *v.Lat != 43.801 || r.tr.Stats().Late != 0 {
		t.Errorf("newer report not taken: lat %v, late %d", *v.Lat, r.tr.Stats().Late)
	}
}

// TestTrackerReplayKeepsTrack: a capture from years ago fed at once (a
// file input) keeps its vessels' tracks and raises no jumps, because the
// whole station is shifted by one offset.
func TestTrackerReplayKeepsTrack(t *testing.T) {
	r := newRig(t, vessels.TrackerConfig{})
	start := time.Date(2016, 1, 11, 0, 0, 0, 0, time.UTC)
	for i := range 58 { // a report every 7 s, 8 kn north: 29 m each
		m := vesselstest.PositionReport(338095145, start.Add(time.Duration(i)*7*time.Second), 37.8+float64(i)*0.00026, -122.4, 8)
		r.tr.Handle(m)
	}
	pts, err := r.tr.Track(t.Context(), 338095145, time.Time{}, time.Time{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if s := r.tr.Stats(); len(pts) != 58 || s.Jumps != 0 || s.Late != 0 {
		t.Errorf("%d track points, %d jumps, %d late; want 58, 0, 0", len(pts), s.Jumps, s.Late)
	}
	v, _ := r.tr.Vessel(t.Context(), 338095145)
	if v.Stale || v.Lost {
		t.Errorf("replayed vessel stale %v lost %v", v.Stale, v.Lost)
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
