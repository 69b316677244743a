package video

import (
	"bytes"
	"testing"

	"github.com/pion/rtp"
)

func TestH264SliceType(t *testing.T) {
	for _, c := range []struct {
		nalu []byte
		want int
	}{
		{[]byte{0x41, 0xC0}, 0},       // first_mb 0, slice_type 0: P
		{[]byte{0x41, 0xA0}, 1},       // slice_type 1: B
		{[]byte{0x41, 0x8C}, 1},       // slice_type 6 (B, all slices): ue "00111" = 6
		{[]byte{0x65, 0x88, 0x80}, 2}, // slice_type 7 (I, all slices): ue "0001000" = 7
		{[]byte{0x41}, -1},
		{[]byte{0x41, 0x00, 0x00, 0x00, 0x00, 0x00}, -1},
	} {
		if got := h264SliceType(c.nalu); got != c.want {
			t.Errorf("% x: %d, want %d", c.nalu, got, c.want)
		}
	}
}

func TestPreparePutsParameterSetsBeforeKeyframes(t *testing.T) {
	sps := []byte{0x67, 0x4d, 0x00, 0x1e, 0xab, 0x40, 0x50, 0x1e, 0xd0, 0x0f, 0x08, 0x84, 0x6a}
	pps := []byte{0x68, 0xee, 0x3c, 0x80}
	c := &h264Codec{}
	c.setSPS(sps)
	c.pps = pps
	idr := []byte{0x65, 0x88, 0x80, 0x10}
	out, key, b := c.prepare([][]byte{{0x09, 0xf0}, idr})
	if !key || b || len(out) != 3 || !bytes.Equal(out[0], sps) || !bytes.Equal(out[1], pps) || !bytes.Equal(out[2], idr) {
		t.Fatalf("prepare: key %v bframe %v out % x", key, b, out)
	}
	newSPS := append([]byte(nil), sps...)
	newSPS[3] = 0x1f
	out, _, _ = c.prepare([][]byte{newSPS, pps, idr})
	if len(out) != 3 || !bytes.Equal(c.sps, newSPS) {
		t.Fatalf("in-band SPS not kept: % x", c.sps)
	}
	p := []byte{0x41, 0xA0}
	if _, key, b := c.prepare([][]byte{p}); key || !b {
		t.Fatalf("B slice: key %v bframe %v", key, b)
	}
}

func videoUnit(key bool, ts uint32) *unit {
	return &unit{video: true, key: key, ts: ts, size: 100, pkts: []*rtp.Packet{{Payload: make([]byte, 100)}}}
}

// TestSlowViewerSkipsToNextKeyframe: a viewer whose queue is full drops
// units (publish never waits) and, once it has room, resumes only at a
// keyframe, so its decoder never gets a P-frame whose reference it lacks.
func TestSlowViewerSkipsToNextKeyframe(t *testing.T) {
	h := newHub()
	v := newViewer("s", ViewerInfo{}, h, nil, nil, 0, 1e6)
	fast := newViewer("f", ViewerInfo{}, h, nil, nil, 0, 1e6)
	h.attach(v)
	h.attach(fast)
	ts := uint32(0)
	next := func(key bool) *unit { ts += 3600; return videoUnit(key, ts) }
	h.publish(next(true))
	for range queueUnits - 1 {
		h.publish(next(false))
	}
	fast.q.pop() // the fast one keeps up
	drain(fast)
	if v.q.len() != queueUnits {
		t.Fatalf("queue holds %d, want it full at %d", v.q.len(), queueUnits)
	}
	h.publish(next(false)) // overflows: the slow viewer starts skipping
	h.publish(next(true))  // still full: the keyframe is dropped too
	if !v.skipping || v.dropped.Load() != 2 {
		t.Fatalf("skipping %v dropped %d", v.skipping, v.dropped.Load())
	}
	if fast.q.len() != 2 {
		t.Fatalf("the fast viewer got %d of the 2 new units", fast.q.len())
	}
	drain(v)
	h.publish(next(false)) // room now, but no keyframe yet: dropped
	if v.q.len() != 0 {
		t.Fatal("a P-frame was queued while skipping")
	}
	k := next(true)
	h.publish(k)
	h.publish(next(false))
	if u, _ := v.q.pop(); v.q.len() != 1 || u != k || v.skipping {
		t.Fatalf("did not resume at the keyframe (queue %d, skipping %v)", v.q.len(), v.skipping)
	}
	if len(h.group) != 2 || h.group[0] != k {
		t.Fatalf("cached group %d units, want the last 2 from the keyframe", len(h.group))
	}
}

func drain(v *viewer) {
	v.q.clear()
}

func TestGroupBounded(t *testing.T) {
	h := newHub()
	h.publish(videoUnit(true, 0))
	for i := range maxGroupUnits + 5 {
		h.publish(videoUnit(false, uint32(i)))
	}
	if h.group != nil {
		t.Fatalf("a group past %d units is still cached (%d)", maxGroupUnits, len(h.group))
	}
	h.publish(videoUnit(true, 1))
	if len(h.group) != 1 {
		t.Fatal("the next keyframe does not start a new group")
	}
}

// BenchmarkPublish100 is the ingest side of the fan-out: one access unit
// offered to 100 viewers' queues (drained by their own goroutines), the
// work the camera's goroutine does per unit whatever the viewers do.
func BenchmarkPublish100(b *testing.B) {
	h := newHub()
	done := make(chan struct{})
	defer close(done)
	for range 100 {
		v := newViewer("b", ViewerInfo{}, h, nil, nil, 0, 1e6)
		h.attach(v)
		go func() {
			for {
				select {
				case <-v.q.ready:
					v.q.pop()
				case <-done:
					return
				}
			}
		}()
	}
	b.ReportAllocs()
	ts := uint32(0)
	for i := 0; b.Loop(); i++ {
		ts += 3600
		h.publish(videoUnit(i%250 == 0, ts))
	}
}
