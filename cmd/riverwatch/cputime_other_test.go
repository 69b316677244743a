//go:build !unix

package main

import "time"

// processCPU is not measured here: the benchmarks leave out their
// per-CPU-second figure.
func processCPU() time.Duration { return 0 }
