package aistest

import (
	"os"
	"path/filepath"
	"testing"
)

func TestModuleRoot(t *testing.T) {
	root := ModuleRoot(t)
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("ModuleRoot %s: %v", root, err)
	}
	if _, err := os.Stat(filepath.Join(root, "ais", "aistest")); err != nil {
		t.Fatalf("ModuleRoot %s is not riverwatch's: %v", root, err)
	}
}

// recorder is a testing.TB that notes the first skip or failure instead of
// ending the test.
type recorder struct {
	testing.TB
	outcome string
}

func (r *recorder) Helper()      {}
func (r *recorder) Skip(...any)  { r.note("skip") }
func (r *recorder) Fatal(...any) { r.note("fail") }

func (r *recorder) note(what string) {
	if r.outcome == "" {
		r.outcome = what
	}
}

func TestSharedFileAbsent(t *testing.T) {
	// make test requires services but not shared data: a bare clone skips.
	t.Setenv("RIVERWATCH_REQUIRE_SHARED", "")
	t.Setenv("RIVERWATCH_REQUIRE_SERVICES", "1")
	r := &recorder{TB: t}
	SharedFile(r, "no/such/file")
	if r.outcome != "skip" {
		t.Errorf("absent file under RIVERWATCH_REQUIRE_SERVICES=1 only: %q, want a skip", r.outcome)
	}

	t.Setenv("RIVERWATCH_REQUIRE_SHARED", "1")
	r = &recorder{TB: t}
	SharedFile(r, "no/such/file")
	if r.outcome != "fail" {
		t.Errorf("absent file under RIVERWATCH_REQUIRE_SHARED=1: %q, want a failure", r.outcome)
	}
}
