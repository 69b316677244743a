package video

import (
	"strings"

	"github.com/pion/sdp/v3"
)

// iceFrag is what a WHEP client's application/trickle-ice-sdpfrag body
// (RFC 8840, as RFC 9725 section 4.3 uses it) carries: its ICE
// credentials, present for an ICE restart, and candidates with the mid of
// the media section each came under.
type iceFrag struct {
	ufrag, pwd string
	cands      []fragCandidate
}

type fragCandidate struct{ mid, cand string }

// parseFrag reads body; a candidate before any a=mid goes to mid.
func parseFrag(body, mid string) iceFrag {
	var f iceFrag
	for _, line := range strings.Split(body, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "a=mid:"):
			mid = strings.TrimPrefix(line, "a=mid:")
		case strings.HasPrefix(line, "a=ice-ufrag:"):
			f.ufrag = strings.TrimPrefix(line, "a=ice-ufrag:")
		case strings.HasPrefix(line, "a=ice-pwd:"):
			f.pwd = strings.TrimPrefix(line, "a=ice-pwd:")
		case strings.HasPrefix(line, "a=candidate:"):
			f.cands = append(f.cands, fragCandidate{mid: mid, cand: strings.TrimPrefix(line, "a=")})
		}
	}
	return f
}

// sdpICE returns the ICE credentials of a session description: those of
// its first media section, else its session-level ones.
func sdpICE(sd *sdp.SessionDescription) (ufrag, pwd string) {
	ufrag, _ = sd.Attribute("ice-ufrag")
	pwd, _ = sd.Attribute("ice-pwd")
	if len(sd.MediaDescriptions) > 0 {
		m := sd.MediaDescriptions[0]
		if u, ok := m.Attribute("ice-ufrag"); ok {
			ufrag = u
		}
		if p, ok := m.Attribute("ice-pwd"); ok {
			pwd = p
		}
	}
	return ufrag, pwd
}

// withICE returns sd's SDP with the credentials of f in place of its own
// and without its candidates (a restart's candidates are f's), as the
// offer that restarts ICE: WHEP renegotiates nothing else (RFC 9725
// section 4.3.3), so everything else stays the offer the session was made
// from.
func withICE(sd *sdp.SessionDescription, f iceFrag) (string, error) {
	sd.Origin.SessionVersion++
	sd.Attributes = replaceICE(sd.Attributes, f, false)
	for _, m := range sd.MediaDescriptions {
		m.Attributes = replaceICE(m.Attributes, f, true)
	}
	b, err := sd.Marshal()
	return string(b), err
}

func replaceICE(attrs []sdp.Attribute, f iceFrag, media bool) []sdp.Attribute {
	out := attrs[:0]
	for _, a := range attrs {
		switch a.Key {
		case "ice-ufrag", "ice-pwd", "candidate", "end-of-candidates":
			continue
		}
		out = append(out, a)
	}
	if media {
		out = append(out, sdp.NewAttribute("ice-ufrag", f.ufrag), sdp.NewAttribute("ice-pwd", f.pwd))
	}
	return out
}

// answerFrag is the fragment of a 200 OK to an ICE restart (RFC 9725
// section 4.3.3): the first media section of the local description with
// its mid, the new credentials and candidates, and end-of-candidates once
// gathering completed. With BUNDLE that section's transport is the only
// one.
func answerFrag(local string, complete bool) (string, error) {
	var sd sdp.SessionDescription
	if err := sd.UnmarshalString(local); err != nil {
		return "", err
	}
	ufrag, pwd := sdpICE(&sd)
	var b strings.Builder
	if v, ok := sd.Attribute("group"); ok {
		b.WriteString("a=group:" + v + "\r\n")
	}
	if len(sd.MediaDescriptions) > 0 {
		m := sd.MediaDescriptions[0]
		b.WriteString("m=" + m.MediaName.String() + "\r\n")
		if mid, ok := m.Attribute("mid"); ok {
			b.WriteString("a=mid:" + mid + "\r\n")
		}
		b.WriteString("a=ice-ufrag:" + ufrag + "\r\na=ice-pwd:" + pwd + "\r\n")
		for _, a := range m.Attributes {
			if a.Key == "candidate" {
				b.WriteString("a=candidate:" + a.Value + "\r\n")
			}
		}
	}
	if complete {
		b.WriteString("a=end-of-candidates\r\n")
	}
	return b.String(), nil
}

// ETag is the entity-tag of the ICE session an SDP answer or restart
// fragment describes (RFC 9725 section 4.3.1): its quoted ice-ufrag, new
// with every ICE restart; "" when it has none.
func ETag(sdpOrFrag string) string {
	u := parseFrag(sdpOrFrag, "").ufrag
	if u == "" {
		return ""
	}
	return `"` + u + `"`
}
