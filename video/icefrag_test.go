package video

import "testing"

func TestETagMatches(t *testing.T) {
	for _, c := range []struct {
		name, ifMatch string
		want          bool
	}{
		{"absent", "", true},
		{"any", "*", true},
		{"same", `"abcd"`, true},
		{"weak", `W/"abcd"`, true},
		{"in a list", `"old", "abcd"`, true},
		{"other", `"old"`, false},
		{"unquoted", `abcd`, false},
	} {
		if got := etagMatches(c.ifMatch, `"abcd"`); got != c.want {
			t.Errorf("%s: etagMatches(%q) = %v, want %v", c.name, c.ifMatch, got, c.want)
		}
	}
}

func TestParseFrag(t *testing.T) {
	// RFC 9725's ICE restart fragment: credentials at media level, the mid
	// before the candidates.
	f := parseFrag("a=ice-options:trickle ice2\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:1\r\na=ice-ufrag:ysXw\r\na=ice-pwd:vw5LmwG4y/e6dPP/zAP9Gp5k\r\n"+
		"a=candidate:1387637174 1 udp 2122260223 192.0.2.1 61764 typ host generation 0 ufrag EsAw network-id 1\r\na=end-of-candidates\r\n", "0")
	if f.ufrag != "ysXw" || f.pwd != "vw5LmwG4y/e6dPP/zAP9Gp5k" || len(f.cands) != 1 || f.cands[0].mid != "1" ||
		f.cands[0].cand != "candidate:1387637174 1 udp 2122260223 192.0.2.1 61764 typ host generation 0 ufrag EsAw network-id 1" {
		t.Fatalf("%+v", f)
	}
	if f := parseFrag("a=candidate:1 1 udp 1 127.0.0.1 9 typ host\n", "0"); f.ufrag != "" || len(f.cands) != 1 || f.cands[0].mid != "0" {
		t.Fatalf("candidate without a mid: %+v", f)
	}
	if got := ETag("v=0\r\na=ice-ufrag:Zq9x\r\n"); got != `"Zq9x"` {
		t.Fatalf("ETag %s", got)
	}
}
