//go:build amd64 || arm64

package prefetch

import "unsafe"

// Line asks for the cache line holding p.
//
//go:noescape
func Line(p unsafe.Pointer)

// Lines asks for the cache lines of the n bytes from p, in one call: the
// call costs more than a prefetch.
//
//go:noescape
func Lines(p unsafe.Pointer, n uintptr)
