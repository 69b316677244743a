// Package video relays IP cameras to browsers: it pulls each camera once
// over RTSP (gortsplib, TCP or UDP) and sends it to every allowed viewer
// over WebRTC (pion), with a whole picture at once.
//
// The pieces:
//
//   - Camera is the registry record (Normalize checks it; Redacted is what
//     clients and logs may see: the RTSP URL without user and password).
//   - Relay holds the cameras (Put probes and adds one, or edits one in
//     place under its viewers, Delete, Camera, Cameras with their Status)
//     and the WHEP sessions (WHEP answers an offer, Patch adds trickled
//     candidates or restarts ICE, End closes). Snapshot is a
//     JPEG of the latest keyframe (ffmpeg). NewCollector exports it all to
//     Prometheus.
//   - Each camera has one source goroutine: one upstream RTSP session
//     whatever the number of viewers, reconnected with stepped backoff and
//     jitter (state connecting → online → offline with the last error), or
//     for an on-demand camera pulled only while watched and released
//     IdleTimeout after the last viewer left (state idle).
//   - The source depacketizes the camera's H.264 (or H.265) into access
//     units, puts SPS/PPS (VPS) in front of every keyframe, packetizes each
//     unit once for WebRTC, and hands it to the camera's hub, which keeps
//     every unit since the latest keyframe.
//   - Every viewer has its own goroutine, bounded queue and pion track (no
//     shared track: one slow peer never delays the camera or the others). A
//     viewer that falls behind drops units until the next keyframe.
//
// A picture at once: a new viewer's writer waits until its peer connection
// is connected (ICE and DTLS up), then takes the cached group and registers
// for live units in one step (no unit missed or repeated between them), and
// sends the group from its keyframe, and then the live video that arrived
// meanwhile, until nothing is left to catch up on, paced at
// Config.CatchupBitrate, never slower than real time. Each catch-up unit is
// stamped with the time it is sent, so the browser's jitter buffer sees a
// steady clock: it neither holds the group back to its original pace
// (which would leave the viewer seconds behind live) nor judges the frames
// late and drops them (which would break the references of the frames
// after them); the live stream continues in the same timestamp base with
// no backlog left for the browser to drain. A 4 s group of a 2 Mbit/s
// camera takes about 0.4 s at 20 Mbit/s, whole from the keyframe on.
//
// A browser plays that catch-up back fast. The relay marks it (the lowest
// bit of its video timestamps set, of live ones clear; the WHEP answer
// says so in Riverwatch-Catchup-Mark) and the board's player
// (web/static/video/whep.js) shows the first picture as a still until the
// first live frame: the viewer sees the first picture at once, then the
// live one, never the fast-forward. Audio is never caught up: what arrives
// during the catch-up goes out at once, live, so it is in step with the
// picture from the first live frame, and the RTCP sender reports map both
// tracks to the wall time they are sent at. A camera that reconnects
// starts a new timing segment, so viewers stay on their WHEP session and
// resume at its first keyframe.
//
// A camera cannot be asked for a keyframe, so a viewer whose browser reports
// a lost picture (PLI or FIR, after losses NACK retransmission could not
// mend) is sent the cached group again from its keyframe, at most once a
// second. Retransmissions are bounded per peer, so a viewer on a bad network
// cannot make the relay spend its time resending.
//
// Codecs: H.264 (B-frames reported as a warning: browsers stutter), H.265
// (offered only to a browser whose offer has H.265), G.711 and Opus audio
// passed through, AAC dropped with a warning.
//
// Networks (ICEConfig): STUN and TURN servers (TURN REST credentials made
// from a shared secret, handed to clients in WHEP Link headers), address
// rewrite rules for NAT, one UDP port for every peer, ICE-TCP as fallback.
// The UDP port's media writes are batched (batchConn): one sendmmsg for
// many packets, each viewer's run of one picture's packets as one UDP_SEGMENT
// message, which halves the kernel's share of the relay's cost.
//
// Subpackages: democam is the built-in demo camera (an embedded clip looped
// by an in-process RTSP server); videotest has the fake camera, a pion
// viewer and the network namespace the WebRTC tests run in.
package video
