//go:build !amd64 && !arm64

package prefetch

import "unsafe"

// Line asks for the cache line holding p: here, nothing.
func Line(p unsafe.Pointer) {}

// Lines asks for the cache lines of the n bytes from p: here, nothing.
func Lines(p unsafe.Pointer, n uintptr) {}
