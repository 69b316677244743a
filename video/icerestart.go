package video

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"
)

// Patch applies a WHEP client's PATCH (RFC 9725 section 4.3): an
// application/trickle-ice-sdpfrag body with trickled candidates, or with
// new ICE credentials for an ICE restart. ifMatch is the request's
// If-Match ("" when it has none, "*" as a restart sends). A restart
// returns the relay's new fragment (its ICE credentials and candidates)
// and etag, the entity-tag of the new ICE session; trickled candidates
// return "" and the entity-tag as it was. The session, its tracks and its
// writer stay as they are either way, and a restart that fails leaves the
// session to end only if its peer does. Errors: ErrNotFound, ErrInvalid (a
// malformed fragment, a restart without ice-pwd), ErrStale (ifMatch is not
// the session's entity-tag).
func (r *Relay) Patch(ctx context.Context, camID, sessionID, ifMatch, frag string) (restart, etag string, err error) {
	s, err := r.sessionOf(camID, sessionID)
	if err != nil {
		return "", "", err
	}
	if len(frag) > maxOffer {
		return "", "", fmt.Errorf("%w: fragment larger than %d bytes", ErrInvalid, maxOffer)
	}
	s.patch.Lock()
	defer s.patch.Unlock()
	local, remote := s.pc.LocalDescription(), s.pc.RemoteDescription()
	if local == nil || remote == nil {
		return "", "", fmt.Errorf("%w: session", ErrNotFound) // closing
	}
	etag = ETag(local.SDP)
	if !etagMatches(ifMatch, etag) {
		return "", "", fmt.Errorf("%w: If-Match %s, the ICE session is %s", ErrStale, clip(ifMatch, 80), etag)
	}
	f := parseFrag(frag, s.mid)
	var offer sdp.SessionDescription
	if err := offer.UnmarshalString(remote.SDP); err != nil {
		return "", "", fmt.Errorf("video: session's offer: %w", err)
	}
	ufrag, pwd := sdpICE(&offer)
	if f.ufrag == "" || (f.ufrag == ufrag && (f.pwd == "" || f.pwd == pwd)) {
		return "", etag, addCandidates(s.pc, f)
	}
	if f.pwd == "" {
		return "", "", fmt.Errorf("%w: ICE restart without a=ice-pwd", ErrInvalid)
	}
	restart, err = r.restartICE(ctx, s, &offer, f)
	if err != nil {
		return "", "", err
	}
	r.log.Info("viewer restarted ICE", "camera", camID, "session", s.id)
	return restart, ETag(restart), nil
}

// restartICE restarts the session's ICE with the client's new credentials
// (pion restarts its agent on an offer with new credentials) and returns
// the relay's new fragment. The DTLS and SRTP sessions, the tracks and the
// viewer's writer carry on over the new candidate pair; until it is chosen
// pion drops what the writer sends, as a network would.
func (r *Relay) restartICE(ctx context.Context, s *session, offer *sdp.SessionDescription, f iceFrag) (string, error) {
	sdpOffer, err := withICE(offer, f)
	if err != nil {
		return "", fmt.Errorf("video: restart offer: %w", err)
	}
	if err := s.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: sdpOffer}); err != nil {
		return "", fmt.Errorf("%w: ICE restart refused: %s", ErrInvalid, clip(err.Error(), 200))
	}
	if err := addCandidates(s.pc, f); err != nil {
		return "", err
	}
	ans, err := s.pc.CreateAnswer(nil)
	if err != nil {
		return "", fmt.Errorf("video: ICE restart answer: %w", err)
	}
	gathered := webrtc.GatheringCompletePromise(s.pc)
	if err := s.pc.SetLocalDescription(ans); err != nil {
		return "", fmt.Errorf("video: ICE restart answer: %w", err)
	}
	complete := true
	t := time.NewTimer(r.cfg.GatherTimeout)
	defer t.Stop()
	select {
	case <-gathered:
	case <-t.C: // answer with the candidates found so far, as WHEP does
		complete = false
	case <-ctx.Done():
		return "", ctx.Err()
	}
	return answerFrag(s.pc.LocalDescription().SDP, complete)
}

func addCandidates(pc *webrtc.PeerConnection, f iceFrag) error {
	for _, c := range f.cands {
		mid := c.mid
		if err := pc.AddICECandidate(webrtc.ICECandidateInit{Candidate: c.cand, SDPMid: &mid}); err != nil {
			return fmt.Errorf("%w: candidate: %s", ErrInvalid, clip(err.Error(), 200))
		}
	}
	return nil
}

// etagMatches is If-Match (RFC 9110 section 13.1.1) against the session's
// entity-tag: absent or "*" match, else one of its tags must, compared
// weakly (a proxy may have marked it weak).
func etagMatches(ifMatch, etag string) bool {
	ifMatch = strings.TrimSpace(ifMatch)
	if ifMatch == "" || ifMatch == "*" {
		return true
	}
	for _, t := range strings.Split(ifMatch, ",") {
		if strings.TrimPrefix(strings.TrimSpace(t), "W/") == etag {
			return true
		}
	}
	return false
}
