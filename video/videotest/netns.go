// Package videotest holds what the video tests share: running a test in a
// network namespace of its own, so that no ICE packet of a WebRTC test can
// reach any address of the machine but loopback, and limiting pion to that
// loopback.
//
// A WebRTC test starts with
//
//	func TestWHEPViewer(t *testing.T) {
//		if !videotest.InNetNS(t) {
//			return // it ran, and passed or failed, in its own namespace
//		}
//		se := webrtc.SettingEngine{}
//		videotest.LoopbackOnly(&se)
//		...
//	}
package videotest

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/webrtc/v4"
)

// EnvNetNS is set to "1" in the environment of a test binary re-executed
// inside its network namespace.
const EnvNetNS = "RIVERWATCH_NETNS"

// netnsScript brings loopback up in the fresh namespace (it starts down)
// and then becomes the test binary, so that signals and the exit status are
// the binary's own.
const netnsScript = `ip link set lo up && exec "$0" "$@"`

// Veth0 and Veth1 are the two ends of the veth pair InNetNSVeth makes
// inside the namespace, with addresses VethAddr0 and VethAddr1. They exist
// for servers that refuse loopback for ICE (Janus skips loopback
// interfaces): both addresses are the namespace's own, so what is sent to
// them stays in it as loopback traffic does.
const (
	Veth0     = "rwv0"
	Veth1     = "rwv1"
	VethAddr0 = "10.213.0.1"
	VethAddr1 = "10.213.0.2"
)

// vethScript is netnsScript with the veth pair.
const vethScript = `ip link set lo up && ip link add ` + Veth0 + ` type veth peer name ` + Veth1 +
	` && ip addr add ` + VethAddr0 + `/30 dev ` + Veth0 + ` && ip addr add ` + VethAddr1 + `/30 dev ` + Veth1 +
	` && ip link set ` + Veth0 + ` up && ip link set ` + Veth1 + ` up` +
	// A packet from one end's address arriving on the other end has a
	// local source: accept it (and skip the reverse-path check) in this
	// namespace, where both addresses are ours.
	` && for i in all ` + Veth0 + ` ` + Veth1 + `; do echo 1 > /proc/sys/net/ipv4/conf/$i/accept_local; echo 0 > /proc/sys/net/ipv4/conf/$i/rp_filter; done` +
	` && exec "$0" "$@"`

// envVeth marks a child made by InNetNSVeth.
const envVeth = "RIVERWATCH_NETNS_VETH"

var (
	unshareOnce sync.Once
	unshareErr  error
)

// unshareWorks reports whether this process may make a network namespace
// and bring its loopback up (root, or user namespaces allowed, and ip(8)).
func unshareWorks() error {
	unshareOnce.Do(func() {
		out, err := exec.Command("unshare", "-n", "--", "sh", "-c", "ip link set lo up").CombinedOutput()
		if err != nil {
			unshareErr = fmt.Errorf("unshare -n with ip link set lo up: %v: %s", err, bytes.TrimSpace(out))
		}
	})
	return unshareErr
}

// Inside reports whether this process runs in a namespace InNetNS made.
func Inside() bool { return os.Getenv(EnvNetNS) == "1" }

// InNetNS makes the calling test run in a network namespace of its own
// with only loopback up. Outside one, it re-executes the test binary for
// just this test (and its subtests) under `unshare -n`, streams the child's
// output into the test's, fails or skips the test as the child did, and
// returns false: the caller must return at once. Inside one (RIVERWATCH_NETNS=1,
// checked against the interfaces really present) it returns true and the
// caller runs its body.
//
// Where unshare is not allowed the test is skipped with the reason, or
// failed under RIVERWATCH_REQUIRE_SERVICES=1.
func InNetNS(t *testing.T) bool {
	t.Helper()
	return inNetNS(t, false)
}

// InNetNSVeth is InNetNS with a veth pair inside the namespace (Veth0,
// Veth1), for a server such as Janus that will not gather ICE candidates
// on loopback. Nothing is connected to the world: the namespace has only
// lo and the pair.
func InNetNSVeth(t *testing.T) bool {
	t.Helper()
	return inNetNS(t, true)
}

func inNetNS(t *testing.T, veth bool) bool {
	t.Helper()
	if Inside() {
		checkLoopbackOnly(t, os.Getenv(envVeth) == "1")
		return true
	}
	if err := unshareWorks(); err != nil {
		msg := "needs a network namespace of its own (run as root, or allow user namespaces): " + err.Error()
		if os.Getenv("RIVERWATCH_REQUIRE_SERVICES") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}

	ctx := context.Background()
	if d, ok := t.Deadline(); ok {
		// Leave the parent time to report what the child printed.
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, d.Add(-5*time.Second))
		defer cancel()
	}
	script := netnsScript
	if veth {
		script = vethScript
	}
	args := []string{"-n", "--", "sh", "-c", script, os.Args[0],
		"-test.run=" + RunPattern(t.Name()), "-test.bench=^$", "-test.v=true", "-test.count=1"}
	if f := flag.Lookup("test.timeout"); f != nil {
		args = append(args, "-test.timeout="+f.Value.String())
	}
	if testing.Short() {
		args = append(args, "-test.short=true")
	}
	cmd := exec.CommandContext(ctx, "unshare", args...)
	cmd.Env = append(os.Environ(), EnvNetNS+"=1")
	if veth {
		cmd.Env = append(cmd.Env, envVeth+"=1")
	}
	var out bytes.Buffer
	w := io.MultiWriter(&out, t.Output())
	cmd.Stdout, cmd.Stderr = w, w
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()

	name := regexp.QuoteMeta(t.Name())
	switch {
	case err != nil:
		t.Fatalf("in its network namespace: %v (output above)", err)
	case regexp.MustCompile(`(?m)^\s*--- FAIL: ` + name + ` `).Match(out.Bytes()):
		t.Fatal("failed in its network namespace (output above)")
	case regexp.MustCompile(`(?m)^\s*--- PASS: ` + name + ` `).Match(out.Bytes()):
		return false
	case regexp.MustCompile(`(?m)^\s*--- SKIP: ` + name + ` `).Match(out.Bytes()):
		t.Skip("skipped in its network namespace (reason above)")
	default:
		t.Fatalf("the re-executed test binary did not run %s (pattern %s)", t.Name(), RunPattern(t.Name()))
	}
	return false
}

// MainInNetNS runs a whole test binary in a network namespace of its own,
// with the veth pair when veth is set, for a package whose every test and
// benchmark needs one (the measuring bench: benchmarks cannot re-execute
// themselves one by one as InNetNS does). Call it from TestMain. Outside a
// namespace it re-executes the binary with the same arguments under
// unshare, passes its output through and exits with its status; inside, or
// where unshare is not allowed (the tests then skip or fail one by one
// through InNetNS), it runs m.
func MainInNetNS(m *testing.M, veth bool) {
	if Inside() || unshareWorks() != nil {
		os.Exit(m.Run())
	}
	script := netnsScript
	if veth {
		script = vethScript
	}
	cmd := exec.Command("unshare", append([]string{"-n", "--", "sh", "-c", script}, os.Args...)...)
	cmd.Env = append(os.Environ(), EnvNetNS+"=1")
	if veth {
		cmd.Env = append(cmd.Env, envVeth+"=1")
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			os.Exit(exit.ExitCode())
		}
		fmt.Fprintln(os.Stderr, "videotest: in a network namespace:", err)
		os.Exit(2)
	}
	os.Exit(0)
}

// RunPattern is the -test.run pattern that selects exactly the test or
// subtest named name (as testing.T.Name gives it).
func RunPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

// checkLoopbackOnly fails the test if RIVERWATCH_NETNS=1 is set but the
// process sees an interface other than loopback (and the veth pair, with
// veth), or loopback down: then it is not in the namespace InNetNS makes,
// and its packets could leave.
func checkLoopbackOnly(t *testing.T, veth bool) {
	t.Helper()
	ifs, err := net.Interfaces()
	if err != nil {
		t.Fatalf("list interfaces: %v", err)
	}
	for _, ifc := range ifs {
		if veth && (ifc.Name == Veth0 || ifc.Name == Veth1) {
			continue
		}
		if ifc.Flags&net.FlagLoopback == 0 {
			t.Fatalf("%s=1 but interface %s is not loopback: not in a network namespace of its own", EnvNetNS, ifc.Name)
		}
		if ifc.Flags&net.FlagUp == 0 {
			t.Fatalf("loopback %s is down in the network namespace", ifc.Name)
		}
	}
}

// LoopbackOnly limits a pion SettingEngine to IPv4 loopback: candidates
// only from loopback interfaces and 127.0.0.0/8 (which pion leaves out by
// default), UDP and TCP over IPv4, no mDNS. In the namespace InNetNS makes
// there is nothing else anyway; outside it (benchmarks run by hand) this is
// what keeps ICE on the machine's own loopback.
func LoopbackOnly(se *webrtc.SettingEngine) {
	se.SetInterfaceFilter(isLoopbackInterface)
	se.SetIPFilter(func(ip net.IP) bool { return ip.To4() != nil && ip.IsLoopback() })
	se.SetIncludeLoopbackCandidate(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4, webrtc.NetworkTypeTCP4})
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
}

func isLoopbackInterface(name string) bool {
	ifc, err := net.InterfaceByName(name)
	if err != nil {
		return false
	}
	return ifc.Flags&net.FlagLoopback != 0
}
