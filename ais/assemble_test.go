package ais

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// mustParseSentence parses a line that must frame.
func mustParseSentence(tb testing.TB, line string) Sentence {
	tb.Helper()
	s, err := ParseSentence([]byte(line))
	if err != nil {
		tb.Fatalf("ParseSentence(%q): %v", line, err)
	}
	return s
}

// fragLine builds fragment number of count with sequence id seq on channel ch.
func fragLine(tb testing.TB, prefix string, count, number int, seq, ch, payload string, fill int) string {
	tb.Helper()
	return prefix + nmeaSum(tb, fmt.Sprintf("!AIVDM,%d,%d,%s,%s,%s,%d", count, number, seq, ch, payload, fill))
}

var frameT0 = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)

// asmStep is one fragment fed to an assembler in a table test.
type asmStep struct {
	line    string
	after   time.Duration // line time, after frameT0
	done    string        // assembled payload expected, "" none
	orphans int
}

func TestAssembler(t *testing.T) {
	tests := []struct {
		name  string
		max   int
		steps []asmStep
		left  int // partials left
	}{
		{name: "in order", steps: []asmStep{
			{line: vdmType5a},
			{line: vdmType5b, done: "55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp888888888880"},
		}},
		{name: "out of order", steps: []asmStep{
			{line: vdmType5b},
			{line: vdmType5a, done: "55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp888888888880"},
		}},
		{name: "three parts shuffled", steps: []asmStep{
			{line: fragLine(t, "", 3, 2, "7", "A", "bbb", 0)},
			{line: fragLine(t, "", 3, 3, "7", "A", "ccc", 4)},
			{line: fragLine(t, "", 3, 1, "7", "A", "aaa", 0), done: "aaabbbccc"},
		}},
		{name: "repeated fragment", steps: []asmStep{
			{line: vdmType5a},
			{line: vdmType5a},
			{line: vdmType5b, done: "55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp888888888880"},
		}},
		{name: "interleaved sequences", steps: []asmStep{
			{line: fragLine(t, "", 2, 1, "1", "A", "a1", 0)},
			{line: fragLine(t, "", 2, 1, "2", "A", "b1", 0)},
			{line: fragLine(t, "", 2, 1, "1", "B", "c1", 0)},
			{line: fragLine(t, "", 2, 2, "2", "A", "b2", 0), done: "b1b2"},
			{line: fragLine(t, "", 2, 2, "1", "B", "c2", 0), done: "c1c2"},
			{line: fragLine(t, "", 2, 2, "1", "A", "a2", 0), done: "a1a2"},
		}},
		{name: "talkers do not mix", left: 2, steps: []asmStep{
			{line: fragLine(t, "", 2, 1, "1", "A", "a1", 0)},
			{line: nmeaSum(t, "!ABVDM,2,2,1,A,a2,0")},
		}},
		{name: "stations do not mix", left: 2, steps: []asmStep{
			{line: fragLine(t, tagWrap(t, "s:songhua-1"), 2, 1, "1", "A", "a1", 0)},
			{line: fragLine(t, tagWrap(t, "s:songhua-2"), 2, 2, "1", "A", "a2", 0)},
		}},
		{name: "same station joins", steps: []asmStep{
			{line: fragLine(t, tagWrap(t, "s:songhua-1"), 2, 1, "1", "A", "a1", 0)},
			{line: fragLine(t, tagWrap(t, "s:songhua-1"), 2, 2, "1", "A", "a2", 0), done: "a1a2"},
		}},
		{name: "tag block group joins", steps: []asmStep{
			{line: fragLine(t, tagWrap(t, "g:1-2-4711,s:tumen,c:1700000000"), 2, 1, "3", "A", "g1", 0)},
			{line: fragLine(t, tagWrap(t, "s:other"), 2, 2, "3", "A", "ww", 0)},
			{line: fragLine(t, tagWrap(t, "g:2-2-4711"), 2, 2, "3", "A", "g2", 0), done: "g1g2"},
		}, left: 1},
		{name: "timeout makes orphan", steps: []asmStep{
			{line: vdmType5a},
			{line: vdmType5b, after: 6 * time.Second, orphans: 1},
		}, left: 1},
		{name: "within timeout", steps: []asmStep{
			{line: vdmType5a},
			{line: vdmType5b, after: 4 * time.Second, done: "55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp888888888880"},
		}},
		{name: "sequence id reused", steps: []asmStep{
			{line: fragLine(t, "", 2, 1, "1", "A", "old", 0)},
			{line: fragLine(t, "", 2, 1, "1", "A", "new", 0), orphans: 1},
			{line: fragLine(t, "", 2, 2, "1", "A", "end", 0), done: "newend"},
		}},
		{name: "count changes", steps: []asmStep{
			{line: fragLine(t, "", 2, 1, "1", "A", "v", 0)},
			{line: fragLine(t, "", 3, 1, "1", "A", "w", 0), orphans: 1},
		}, left: 1},
		{name: "bounded", max: 2, steps: []asmStep{
			{line: fragLine(t, "", 2, 1, "1", "A", "a", 0)},
			{line: fragLine(t, "", 2, 1, "2", "A", "b", 0)},
			{line: fragLine(t, "", 2, 1, "3", "A", "c", 0), orphans: 1},
			{line: fragLine(t, "", 2, 2, "1", "A", "a", 0), orphans: 1}, // its first half is gone; evicts b
			{line: fragLine(t, "", 2, 2, "3", "A", "c", 0), done: "cc"},
		}, left: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := newAssembler(5*time.Second, tc.max)
			for i, st := range tc.steps {
				s := mustParseSentence(t, st.line)
				at := frameT0.Add(st.after)
				msg, ok, orphans, err := a.add(&s, at, at.UnixNano())
				if err != nil {
					t.Fatalf("asmStep %d: %v", i, err)
				}
				if orphans != st.orphans {
					t.Errorf("asmStep %d: %d orphans, want %d", i, orphans, st.orphans)
				}
				if got := string(msg.payload); ok != (st.done != "") || got != st.done {
					t.Fatalf("asmStep %d: done=%v %q, want %q", i, ok, got, st.done)
				}
				if ok && len(msg.raws) != s.Count {
					t.Errorf("asmStep %d: %d raw sentences, want %d", i, len(msg.raws), s.Count)
				}
			}
			if got := a.pending(); got != tc.left {
				t.Errorf("%d partials left, want %d", got, tc.left)
			}
		})
	}
}

func TestAssemblerResult(t *testing.T) {
	a := newAssembler(0, 0)
	first := fragLine(t, tagWrap(t, "g:1-2-9,s:chagan-lake,c:1700000000"), 2, 1, "4", "B", "abc", 0)
	second := fragLine(t, tagWrap(t, "g:2-2-9"), 2, 2, "4", "B", "def", 3)
	s1, s2 := mustParseSentence(t, first), mustParseSentence(t, second)
	if _, ok, _, _ := a.add(&s2, frameT0, 0); ok {
		t.Fatal("complete after one fragment")
	}
	msg, ok, _, err := a.add(&s1, frameT0.Add(time.Second), 0)
	if !ok || err != nil {
		t.Fatalf("not complete: %v", err)
	}
	if string(msg.payload) != "abcdef" || msg.fill != 3 || msg.channel != 'B' || string(msg.station) != "chagan-lake" {
		t.Errorf("got %q fill %d channel %q station %q", msg.payload, msg.fill, msg.channel, msg.station)
	}
	if !msg.tagTime.Equal(time.Unix(1700000000, 0)) || !msg.at.Equal(frameT0) {
		t.Errorf("tag time %v, at %v", msg.tagTime, msg.at)
	}
	if got := string(msg.raws[0]) + "|" + string(msg.raws[1]); got != first[len(first)-len(s1.Raw):]+"|"+string(s2.Raw) {
		t.Errorf("raws %q", got)
	}
}

func TestAssemblerExpire(t *testing.T) {
	a := newAssembler(5*time.Second, 0)
	s := mustParseSentence(t, vdmType5a)
	wall := frameT0.UnixNano()
	a.add(&s, frameT0, wall)
	if n := a.expire(wall + int64(5*time.Second)); n != 0 {
		t.Fatalf("expired %d at the timeout", n)
	}
	if n := a.expire(wall + int64(5*time.Second) + 1); n != 1 || a.pending() != 0 {
		t.Fatalf("expired %d, %d left", n, a.pending())
	}
	if string(a.orphanSample) != vdmType5a {
		t.Errorf("orphan sample %q", a.orphanSample)
	}
}

func TestAssemblerTooLong(t *testing.T) {
	a := newAssembler(0, 0)
	long := strings.Repeat("w", 300)
	s1 := mustParseSentence(t, fragLine(t, "", 2, 1, "1", "A", long, 0))
	s2 := mustParseSentence(t, fragLine(t, "", 2, 2, "1", "A", long, 0))
	a.add(&s1, frameT0, 0)
	if _, ok, _, err := a.add(&s2, frameT0, 0); ok || !errors.Is(err, ErrTooLong) {
		t.Fatalf("ok=%v err=%v, want ErrTooLong", ok, err)
	}
}

func TestAssemblerNoAllocs(t *testing.T) {
	a := newAssembler(0, 0)
	s1, s2 := mustParseSentence(t, vdmType5a), mustParseSentence(t, vdmType5b)
	allocs := testing.AllocsPerRun(100, func() {
		a.add(&s1, frameT0, 0)
		if _, ok, _, _ := a.add(&s2, frameT0, 0); !ok {
			t.Fatal("not complete")
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per message", allocs)
	}
}
