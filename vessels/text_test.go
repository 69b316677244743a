package vessels_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/riverwatch/riverwatch/vessels"
)

var textCases = []struct {
	name, in string
	max      int
	want     string
}{
	{"clean", "SONGHUA 7", 20, "SONGHUA 7"},
	{"empty", "", 20, ""},
	{"padding", "JILIN@@@@@@@", 20, "JILIN"},
	{"inner spaces kept", "HE  PING 7", 20, "HE  PING 7"},
	{"spaces", "  A   B  ", 20, "  A   B"},
	{"padding spaces and @", "HE  PING 7@@@   ", 20, "HE  PING 7"},
	{"cut", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 20, "ABCDEFGHIJKLMNOPQRST"},
	{"cut before a space", "ABCDEFG HIJ", 7, "ABCDEFG"},
	{"no trailing space when cut", "ABCDEF GHIJ", 7, "ABCDEF"},
	{"controls", "A\x00B\x1bC\nD\tE", 20, "ABC D E"},
	{"only spaces", "     ", 20, ""},
	{"markup stays literal", `<script>alert("x")</script>`, 40, `<script>alert("x")</script>`},
	{"bidi override", "AB\u202eCD", 20, "ABCD"},
	{"invalid utf8", "A\xff\xfeB", 20, "AB"},
	{"unicode kept", "吉林一号", 20, "吉林一号"},
	{"unicode cut by characters", "松花江松花江", 3, "松花江"},
	{"max zero", "A", 0, ""},
	{"del", "A\x7fB", 20, "AB"},
}

func TestCleanText(t *testing.T) {
	for _, c := range textCases {
		if got := vessels.CleanText(c.in, c.max); got != c.want {
			t.Errorf("%s: CleanText(%q, %d) = %q, want %q", c.name, c.in, c.max, got, c.want)
		}
	}
}

func FuzzCleanText(f *testing.F) {
	for _, c := range textCases {
		f.Add(c.in, c.max)
	}
	f.Fuzz(func(t *testing.T, in string, max int) {
		max = max % 64
		got := vessels.CleanText(in, max)
		if n := utf8.RuneCountInString(got); n > max && !(max <= 0 && n == 0) {
			t.Fatalf("CleanText(%q, %d) = %q: %d characters", in, max, got, n)
		}
		if !utf8.ValidString(got) || strings.TrimRight(got, " ") != got || strings.Contains(got, "@") {
			t.Fatalf("CleanText(%q, %d) = %q is not clean", in, max, got)
		}
		for _, r := range got {
			if !unicode.IsPrint(r) {
				t.Fatalf("CleanText(%q, %d) = %q keeps %U", in, max, got, r)
			}
		}
		if again := vessels.CleanText(got, max); again != got {
			t.Fatalf("CleanText is not idempotent: %q then %q", got, again)
		}
	})
}
