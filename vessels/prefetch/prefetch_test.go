package prefetch

import (
	"testing"
	"unsafe"
)

// Prefetching is a hint: any address, even one not mapped, leaves memory
// and the program as they were.
func TestLinesChangeNothing(t *testing.T) {
	buf := make([]byte, 1000)
	for i := range buf {
		buf[i] = byte(i)
	}
	Lines(unsafe.Pointer(&buf[0]), uintptr(len(buf)))
	Lines(unsafe.Pointer(&buf[3]), 0)
	Lines(nil, 4096)
	Line(nil) // never faults
	for i := range buf {
		if buf[i] != byte(i) {
			t.Fatalf("byte %d changed to %d", i, buf[i])
		}
	}
}
