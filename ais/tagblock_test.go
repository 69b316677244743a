package ais

import (
	"errors"
	"strings"
	"testing"
)

type tagCase struct {
	name  string
	block string // between the backslashes, checksum included
	err   error
	want  TagBlock // compared field by field; Time as unix ms in ms
	ms    int64
}

// tagBody returns a tag block body with its checksum: "body*hh".
func tagBody(t testing.TB, body string) string {
	t.Helper()
	b := tagWrap(t, body)
	return b[1 : len(b)-1]
}

func tagCases(t testing.TB) []tagCase {
	t.Helper()
	return []tagCase{
		{name: "station and time", block: tagBody(t, "s:songhua-1,c:1700000000"),
			want: TagBlock{Present: true, Source: []byte("songhua-1")}, ms: 1700000000000},
		{name: "milliseconds", block: tagBody(t, "c:1700000000123"), want: TagBlock{Present: true}, ms: 1700000000123},
		{name: "fractional seconds", block: tagBody(t, "c:1700000000.25"), want: TagBlock{Present: true}, ms: 1700000000250},
		{name: "group", block: tagBody(t, "g:1-2-1234,s:chagan,c:1700000000"),
			want: TagBlock{Present: true, Source: []byte("chagan"), GroupNumber: 1, GroupTotal: 2, GroupID: 1234},
			ms:   1700000000000},
		{name: "group second line", block: tagBody(t, "g:2-2-1234"),
			want: TagBlock{Present: true, GroupNumber: 2, GroupTotal: 2, GroupID: 1234}},
		{name: "all keys", block: tagBody(t, "s:r1,d:dest,n:42,t:free text,r:17,c:1452468552"),
			want: TagBlock{Present: true, Source: []byte("r1"), Dest: []byte("dest"), LineCount: 42,
				Text: []byte("free text"), RelTime: []byte("17")}, ms: 1452468552000},
		{name: "unknown keys", block: tagBody(t, "x:1,s:r2,zz:whatever"), want: TagBlock{Present: true, Source: []byte("r2")}},
		{name: "lower-case checksum", block: "s:r4*0f", want: TagBlock{Present: true, Source: []byte("r4")}},

		{name: "bad checksum", block: "s:songhua-1,c:1700000000*00", err: ErrChecksum},
		{name: "no checksum", block: "s:songhua-1", err: ErrMalformed},
		{name: "truncated checksum", block: "s:songhua-1*4", err: ErrMalformed},
		{name: "empty", block: tagBody(t, ""), err: ErrMalformed},
		{name: "no colon", block: tagBody(t, "songhua"), err: ErrMalformed},
		{name: "empty key", block: tagBody(t, ":x"), err: ErrMalformed},
		{name: "trailing comma", block: tagBody(t, "s:x,"), err: ErrMalformed},
		{name: "empty station", block: tagBody(t, "s:"), err: ErrMalformed},
		{name: "bad time", block: tagBody(t, "c:17000x0000"), err: ErrMalformed},
		{name: "negative time", block: tagBody(t, "c:-1"), err: ErrMalformed},
		{name: "huge time", block: tagBody(t, "c:99999999999999999999"), err: ErrMalformed},
		{name: "bad group", block: tagBody(t, "g:1-2"), err: ErrMalformed},
		{name: "group number above total", block: tagBody(t, "g:3-2-1"), err: ErrMalformed},
		{name: "group zero", block: tagBody(t, "g:0-2-1"), err: ErrMalformed},
		{name: "bad line count", block: tagBody(t, "n:x"), err: ErrMalformed},
		{name: "oversized value", block: tagBody(t, "s:"+strings.Repeat("x", maxTagValue+1)), err: ErrMalformed},
		{name: "binary", block: "s:\x00\xff*00", err: ErrMalformed},
		{name: "backslash", block: tagBody(t, `s:a\b`), err: ErrMalformed},
	}
}

func TestParseTagBlock(t *testing.T) {
	for _, tc := range tagCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseTagBlock([]byte(tc.block))
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			w := tc.want
			if got.Present != w.Present || string(got.Source) != string(w.Source) ||
				got.GroupNumber != w.GroupNumber || got.GroupTotal != w.GroupTotal || got.GroupID != w.GroupID ||
				got.LineCount != w.LineCount || string(got.Text) != string(w.Text) ||
				string(got.Dest) != string(w.Dest) || string(got.RelTime) != string(w.RelTime) {
				t.Errorf("got %+v, want %+v", got, w)
			}
			if ms := unixMsOrZero(got.Time); ms != tc.ms {
				t.Errorf("time %d, want %d", ms, tc.ms)
			}
		})
	}
}

func FuzzParseTagBlock(f *testing.F) {
	for _, tc := range tagCases(f) {
		f.Add([]byte(tc.block))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tb, err := ParseTagBlock(b)
		if err != nil {
			if tb.Present {
				t.Fatalf("Present with error %v", err)
			}
			return
		}
		if !tb.Present {
			t.Fatal("parsed but not Present")
		}
		if len(tb.Source) > maxTagValue || len(tb.Text) > maxTagValue {
			t.Fatalf("unbounded value: %q", b)
		}
		if tb.GroupTotal != 0 && (tb.GroupNumber < 1 || tb.GroupNumber > tb.GroupTotal) {
			t.Fatalf("group %d of %d", tb.GroupNumber, tb.GroupTotal)
		}
		// The same block in front of a sentence frames the same way.
		line := append(append(append([]byte{'\\'}, b...), '\\'), vdmType1...)
		if len(line) > MaxLineLength {
			return
		}
		s, err := ParseSentence(line)
		if err != nil || string(s.Tag.Source) != string(tb.Source) || !s.Tag.Time.Equal(tb.Time) {
			t.Fatalf("in a line: %v", err)
		}
	})
}
