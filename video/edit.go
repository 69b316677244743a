package video

import (
	"context"
	"slices"
)

// edit changes camera src to cam in place, keeping its viewers connected
// where it can, as Put of an existing camera:
//
//   - names, zone, river, position and options change nothing in the
//     stream; an always-on camera that was on demand is pulled at once;
//   - a new URL or transport is probed, and the new upstream session is
//     swapped in under the viewers as after a camera's reconnect (they
//     resume from its first keyframe); viewers whose tracks cannot carry
//     what the probe found (another video or audio codec) are ended;
//   - a viewer whose station is no longer among the camera's stations is
//     ended: only station accounts carry a ViewerInfo.Station, and their
//     access is by the station.
func (r *Relay) edit(ctx context.Context, src *source, cam Camera) (Probe, error) {
	prev := src.camera()
	stream := cam.RTSPURL != prev.RTSPURL || cam.Transport != prev.Transport
	oldCodec, oldAudio, _ := src.media()
	var probe Probe
	var scratch *source // probed, never run
	if stream {
		scratch = newSource(r, cam)
		probe = r.probe(ctx, scratch)
	} else {
		probe = src.known()
	}
	recodec := probe.Error == "" && (probe.Codec != oldCodec || (oldAudio != "" && probe.Audio != "" && probe.Audio != oldAudio))

	src.mu.Lock()
	src.cam = cam
	stop := src.pullStop
	if stream {
		src.warnings = probe.Warnings
		if probe.Error == "" {
			src.codec, src.audio, src.audioClk = scratch.codec, scratch.audio, scratch.audioClk
		}
	}
	src.mu.Unlock()
	probe.Warnings = slices.Clone(probe.Warnings)

	var ends []*session
	r.mu.Lock()
	for _, s := range r.sessions {
		if s.src != src {
			continue
		}
		if st := s.v.info.Station; recodec || (st != "" && !slices.Contains(cam.Stations, st)) {
			ends = append(ends, s)
		}
	}
	r.mu.Unlock()
	for _, s := range ends {
		r.endSession(s)
	}

	if stream {
		src.hub.reset() // no catch-up, and no snapshot, from the old camera's picture
		r.snap.mu.Lock()
		delete(r.snap.last, src)
		r.snap.mu.Unlock()
		if stop != nil {
			stop(errEdited) // the pull under way: run dials the new stream
		} else {
			poke(src.restart) // between pulls: the backoff's wait ends
		}
	}
	if prev.OnDemand && !cam.OnDemand {
		poke(src.demand)
	}
	r.log.Info("camera edited", "camera", cam.ID, "url", RedactURL(cam.RTSPURL), "stream_changed", stream,
		"viewers_ended", len(ends), "probe_error", probe.Error)
	return probe, nil
}

// known is what a probe would say of a camera whose stream did not change:
// its codecs and warnings as the relay knows them, and its last error
// while it is offline.
func (s *source) known() Probe {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := Probe{Codec: s.codec, Audio: s.audio, Warnings: append([]Warning{}, s.warnings...)}
	if s.state == StateOffline {
		p.Error = s.lastErr
	}
	return p
}
