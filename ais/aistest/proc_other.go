//go:build !linux

package aistest

import "syscall"

// sysProcAttr is nothing special where the kernel cannot kill a child
// with its parent: t.Cleanup stops the server.
func sysProcAttr() *syscall.SysProcAttr { return nil }
