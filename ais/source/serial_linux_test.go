//go:build linux

package source

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/riverwatch/riverwatch/ais"
)

// openPTY makes a pseudo-terminal: the test writes to master what a
// receiver would send, and the source opens slave as its serial device.
// It skips the test when the system has no pseudo-terminals.
func openPTY(tb testing.TB) (master *os.File, slave string) {
	tb.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		tb.Skipf("no pseudo-terminal to stand in for a serial receiver: %v", err)
	}
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		m.Close()
		tb.Skipf("unlock pseudo-terminal: %v", e)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		m.Close()
		tb.Skipf("pseudo-terminal number: %v", e)
	}
	tb.Cleanup(func() { m.Close() })
	return m, fmt.Sprintf("/dev/pts/%d", n)
}

// pointTo makes link name target, replacing what it named before.
func pointTo(tb testing.TB, link, target string) {
	tb.Helper()
	tmp := link + ".new"
	if err := os.Symlink(target, tmp); err != nil {
		tb.Fatal(err)
	}
	if err := os.Rename(tmp, link); err != nil {
		tb.Fatal(err)
	}
}

func TestSerialReopensWhenDeviceGoesAway(t *testing.T) {
	master, slave := openPTY(t)
	// A udev-style stable name whose device can change under it.
	dev := filepath.Join(t.TempDir(), "ttyAIS")
	pointTo(t, dev, slave)

	spec := mustParse(t, "rx=serial://"+dev+"?baud=38400")
	spec.Backoff = Backoff{Min: time.Millisecond, Max: 5 * time.Millisecond, Seed: 1}
	src := mustOpen(t, spec)
	rec := newRecorder()
	r := start(t, src, rec)

	rec.waitFor(t, "the device open", func() bool { return rec.countStates(true) == 1 })
	if _, err := master.Write([]byte(aivdm + "\r\n" + strings.Repeat("\x00", 3000) + "\r\none\r\n")); err != nil {
		t.Fatal(err)
	}
	rec.waitLines(t, 2)

	// Unplugged: the master side goes away, reads fail, and the source
	// retries until the name points at a device again.
	master.Close()
	rec.waitFor(t, "the device lost", func() bool {
		s := rec.stateLog()
		return len(s) > 1 && !s[len(s)-1].connected && s[len(s)-1].err != nil
	})
	master2, slave2 := openPTY(t)
	pointTo(t, dev, slave2)
	rec.waitFor(t, "the device reopened", func() bool { return rec.countStates(true) == 2 })
	if _, err := master2.Write([]byte("two\r\n")); err != nil {
		t.Fatal(err)
	}
	rec.waitLines(t, 3)
	r.stop(t)

	if got, want := join(rec.texts()), join([]string{aivdm, "one", "two"}); got != want {
		t.Errorf("lines %q, want %q", got, want)
	}
	if rj := rec.rejected(); len(rj) != 1 || rj[0].reason != ais.ReasonTooLong || rj[0].source != "rx" {
		t.Errorf("rejects %v, want the NUL run", rj)
	}
	for _, l := range rec.lineLog() {
		if !l.Received.Equal(fixedTime) {
			t.Errorf("line %q received %v, want the injected time", l.Data, l.Received)
		}
	}
}

func TestSerialMissingDeviceRetries(t *testing.T) {
	spec := mustParse(t, "serial://"+filepath.Join(t.TempDir(), "ttyNone"))
	spec.Backoff = Backoff{Min: time.Millisecond, Max: 2 * time.Millisecond, Seed: 1}
	src := mustOpen(t, spec) // Open succeeds: the receiver may be plugged in later
	rec := newRecorder()
	r := start(t, src, rec)
	rec.waitFor(t, "two failed opens", func() bool {
		n := 0
		for _, s := range rec.stateLog() {
			if !s.connected && s.err != nil {
				n++
			}
		}
		return n >= 2
	})
	r.stop(t)
}
