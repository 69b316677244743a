package source

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/ais"
)

// waitLimit bounds every wait for an event, so that a broken source fails
// the test instead of hanging it. It is a guard, not a timing assertion.
const waitLimit = 20 * time.Second

// fixedTime is what the injected clock returns.
var fixedTime = time.Date(2026, 7, 1, 8, 30, 0, 0, time.UTC)

func fixedNow() time.Time { return fixedTime }

type rejection struct {
	source string
	reason ais.Reason
	sample string
}

type state struct {
	source    string
	connected bool
	err       error
}

// recorder is a Sink that keeps copies of everything it is given.
type recorder struct {
	mu      sync.Mutex
	lines   []ais.Line
	rejects []rejection
	states  []state
	changed chan struct{}
}

var _ Sink = (*recorder)(nil)

func newRecorder() *recorder { return &recorder{changed: make(chan struct{}, 1)} }

func (r *recorder) poke() {
	select {
	case r.changed <- struct{}{}:
	default:
	}
}

func (r *recorder) Feed(l ais.Line) {
	l.Data = append([]byte(nil), l.Data...)
	r.mu.Lock()
	r.lines = append(r.lines, l)
	r.mu.Unlock()
	r.poke()
}

func (r *recorder) Reject(source string, reason ais.Reason, sample []byte) {
	r.mu.Lock()
	r.rejects = append(r.rejects, rejection{source, reason, string(sample)})
	r.mu.Unlock()
	r.poke()
}

func (r *recorder) SetConnected(source string, connected bool, err error) {
	r.mu.Lock()
	r.states = append(r.states, state{source, connected, err})
	r.mu.Unlock()
	r.poke()
}

// texts is the data of every line fed, in order.
func (r *recorder) texts() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, len(r.lines))
	for i, l := range r.lines {
		out[i] = string(l.Data)
	}
	return out
}

func (r *recorder) lineLog() []ais.Line {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]ais.Line(nil), r.lines...)
}

func (r *recorder) rejected() []rejection {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]rejection(nil), r.rejects...)
}

func (r *recorder) stateLog() []state {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]state(nil), r.states...)
}

// waitFor blocks until cond holds, failing the test after waitLimit.
func (r *recorder) waitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	for !cond() {
		select {
		case <-r.changed:
		case <-deadline.C:
			tb.Fatalf("gave up waiting for %s; lines %q, rejects %v, states %v", what, r.texts(), r.rejected(), r.stateLog())
		}
	}
}

// waitLines waits until at least n lines were fed.
func (r *recorder) waitLines(tb testing.TB, n int) {
	tb.Helper()
	r.waitFor(tb, fmt.Sprintf("%d lines", n), func() bool { return len(r.texts()) >= n })
}

// countStates counts state changes to connected.
func (r *recorder) countStates(connected bool) int {
	n := 0
	for _, s := range r.stateLog() {
		if s.connected == connected {
			n++
		}
	}
	return n
}

// mustParse parses a spec and injects the fixed clock.
func mustParse(tb testing.TB, s string) Spec {
	tb.Helper()
	spec, err := Parse(s)
	if err != nil {
		tb.Fatalf("Parse(%q): %v", s, err)
	}
	spec.Now = fixedNow
	return spec
}

// mustOpen builds and opens a source.
func mustOpen(tb testing.TB, spec Spec) Source {
	tb.Helper()
	src, err := New(spec, nil)
	if err != nil {
		tb.Fatalf("New(%v): %v", spec, err)
	}
	if err := src.Open(); err != nil {
		tb.Fatalf("Open(%v): %v", spec, err)
	}
	return src
}

// running is a source running in the background.
type running struct {
	cancel context.CancelFunc
	done   chan error
}

// start runs src until the test ends (or stop is called).
func start(tb testing.TB, src Source, sink Sink) *running {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- src.Run(ctx, sink) }()
	tb.Cleanup(func() { r.stop(tb) })
	return r
}

// stop cancels the source and waits for Run to return nil.
func (r *running) stop(tb testing.TB) {
	tb.Helper()
	r.cancel()
	if err := r.wait(tb); err != nil {
		tb.Errorf("Run after cancel = %v, want nil", err)
	}
}

// wait waits for Run to return, once.
func (r *running) wait(tb testing.TB) error {
	tb.Helper()
	if r.done == nil {
		return nil
	}
	select {
	case err := <-r.done:
		r.done = nil
		return err
	case <-time.After(waitLimit):
		tb.Fatalf("Run did not return")
		return nil
	}
}

// join is for readable failure messages.
func join(lines []string) string { return strings.Join(lines, "|") }

// The pipeline is the sink sources feed in riverwatch.
var _ Sink = (*ais.Pipeline)(nil)
