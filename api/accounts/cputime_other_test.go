//go:build !unix

package accounts_test

import (
	"testing"
	"time"
)

// cpuTime is not measured here: cpu-ms/op reads 0.
func cpuTime(testing.TB) time.Duration { return 0 }
