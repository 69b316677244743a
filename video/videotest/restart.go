package videotest

import (
	"fmt"
	"strings"

	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"
)

// PatchFunc sends an application/trickle-ice-sdpfrag body to the WHEP
// session and returns the body of its answer.
type PatchFunc func(frag string) (answer string, err error)

// RestartICE restarts the viewer's ICE as a WHEP client does (RFC 9725
// section 4.3.3): new credentials and candidates in a fragment sent
// through patch, and the server's fragment in answer applied over the
// answer the session was made with. Media goes on over the new candidate
// pair, on the same peer connection.
func (v *Viewer) RestartICE(patch PatchFunc) error {
	offer, err := v.PC.CreateOffer(&webrtc.OfferOptions{ICERestart: true})
	if err != nil {
		return err
	}
	gathered := webrtc.GatheringCompletePromise(v.PC)
	if err := v.PC.SetLocalDescription(offer); err != nil {
		return err
	}
	<-gathered
	frag, err := Fragment(v.PC.LocalDescription().SDP)
	if err != nil {
		return err
	}
	reply, err := patch(frag)
	if err != nil {
		return err
	}
	answer, err := applyFragment(v.PC.RemoteDescription().SDP, reply)
	if err != nil {
		return err
	}
	return v.PC.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: answer})
}

// Fragment is the trickle-ice-sdpfrag of an ICE restart made from a
// local description: the first media section's m= line and mid, the ICE
// credentials and the candidates.
func Fragment(local string) (string, error) {
	var sd sdp.SessionDescription
	if err := sd.UnmarshalString(local); err != nil {
		return "", err
	}
	if len(sd.MediaDescriptions) == 0 {
		return "", fmt.Errorf("videotest: no media in %q", local)
	}
	m := sd.MediaDescriptions[0]
	mid, _ := m.Attribute("mid")
	ufrag, _ := m.Attribute("ice-ufrag")
	pwd, _ := m.Attribute("ice-pwd")
	var b strings.Builder
	fmt.Fprintf(&b, "m=%s\r\na=mid:%s\r\na=ice-ufrag:%s\r\na=ice-pwd:%s\r\n", m.MediaName, mid, ufrag, pwd)
	for _, a := range m.Attributes {
		if a.Key == "candidate" {
			b.WriteString("a=candidate:" + a.Value + "\r\n")
		}
	}
	b.WriteString("a=end-of-candidates\r\n")
	return b.String(), nil
}

// applyFragment is the answer old with the credentials and candidates of
// frag in place of its own, in every media section.
func applyFragment(old, frag string) (string, error) {
	var sd sdp.SessionDescription
	if err := sd.UnmarshalString(old); err != nil {
		return "", err
	}
	var ufrag, pwd string
	var cands []string
	for _, l := range strings.Split(frag, "\n") {
		l = strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(l, "a=ice-ufrag:"):
			ufrag = strings.TrimPrefix(l, "a=ice-ufrag:")
		case strings.HasPrefix(l, "a=ice-pwd:"):
			pwd = strings.TrimPrefix(l, "a=ice-pwd:")
		case strings.HasPrefix(l, "a=candidate:"):
			cands = append(cands, strings.TrimPrefix(l, "a=candidate:"))
		}
	}
	if ufrag == "" || pwd == "" {
		return "", fmt.Errorf("videotest: restart answer without ICE credentials: %q", frag)
	}
	sd.Origin.SessionVersion++
	for _, m := range sd.MediaDescriptions {
		attrs := m.Attributes[:0]
		for _, a := range m.Attributes {
			switch a.Key {
			case "ice-ufrag", "ice-pwd", "candidate", "end-of-candidates":
				continue
			}
			attrs = append(attrs, a)
		}
		attrs = append(attrs, sdp.NewAttribute("ice-ufrag", ufrag), sdp.NewAttribute("ice-pwd", pwd))
		for _, c := range cands {
			attrs = append(attrs, sdp.NewAttribute("candidate", c))
		}
		m.Attributes = append(attrs, sdp.NewPropertyAttribute("end-of-candidates"))
	}
	b, err := sd.Marshal()
	return string(b), err
}
