package video

import "testing"

// TestUnitQueue: first in, first out across the ring's wrap and growth, a
// bound at queueUnits, and the room let go once empty.
func TestUnitQueue(t *testing.T) {
	q := newUnitQueue()
	if _, ok := q.pop(); ok {
		t.Fatal("pop from an empty queue")
	}
	units := make([]*unit, queueUnits+1)
	for i := range units {
		units[i] = videoUnit(false, uint32(i))
	}
	next, want := 0, 0
	// Wrap the ring before it grows: push 10, pop 6, push 10 more.
	for _, step := range []struct{ push, pop int }{{10, 6}, {10, 14}, {queueUnits, 0}} {
		for range step.push {
			if !q.push(units[next%len(units)]) {
				break
			}
			next++
		}
		for range step.pop {
			u, ok := q.pop()
			if !ok || u != units[want] {
				t.Fatalf("pop %d: got %v, want unit %d", want, u, want)
			}
			want++
		}
	}
	if q.len() != queueUnits {
		t.Fatalf("holds %d, want full at %d", q.len(), queueUnits)
	}
	if q.push(units[0]) {
		t.Fatal("pushed past the bound")
	}
	for q.len() > 0 {
		select {
		case <-q.ready:
		default:
			t.Fatalf("no token while %d units wait", q.len())
		}
		u, _ := q.pop()
		if u != units[want%len(units)] {
			t.Fatalf("pop %d out of order", want)
		}
		want++
	}
	if q.buf != nil {
		t.Errorf("an empty queue keeps %d slots", len(q.buf))
	}
	q.push(units[1])
	q.clear()
	if _, ok := q.pop(); ok || q.len() != 0 {
		t.Error("clear left units")
	}
}
