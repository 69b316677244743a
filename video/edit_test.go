package video_test

import (
	"context"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/video"
	"github.com/riverwatch/riverwatch/video/democam"
	"github.com/riverwatch/riverwatch/video/videotest"
)

// editViewer is one viewer of TestEditKeepsViewers: its peer and session.
type editViewer struct {
	*videotest.Viewer
	session string
}

func watchAs(t *testing.T, r *video.Relay, camID string, info video.ViewerInfo) editViewer {
	t.Helper()
	var ev editViewer
	ev.Viewer = videotest.NewViewer(t, func(offer string) (string, error) {
		a, id, err := r.WHEP(context.Background(), camID, offer, info)
		ev.session = id
		return a, err
	})
	return ev
}

func sessionsOf(t *testing.T, r *video.Relay, camID string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, v := range state(t, r, camID).ViewerList {
		out[v.Session] = true
	}
	return out
}

// TestEditKeepsViewers: PUT of an existing camera keeps its viewers. An
// edit of names and position changes nothing in their stream; removing a
// station ends that station's viewers only; a new URL swaps the upstream
// session under the others, who resume from its keyframe on the same
// sessions.
func TestEditKeepsViewers(t *testing.T) {
	if !videotest.InNetNS(t) {
		return
	}
	camA := videotest.StartCamera(t, democam.Config{})
	camB := videotest.StartCamera(t, democam.Config{})
	r := newRelay(t, nil)
	base := video.Camera{ID: "ed", Name: "Quay", RTSPURL: camA.URL(), Stations: []string{"rs-a", "rs-b"}, Lat: 43.85, Lon: 126.58}
	mustPut(t, r, base)
	waitFor(t, 5*time.Second, "online", func() bool { return state(t, r, "ed").State == video.StateOnline })
	officer := watchAs(t, r, "ed", video.ViewerInfo{Name: "officer"})
	stationA := watchAs(t, r, "ed", video.ViewerInfo{Name: "a", Station: "rs-a"})
	stationB := watchAs(t, r, "ed", video.ViewerInfo{Name: "b", Station: "rs-b"})
	for _, v := range []editViewer{officer, stationA, stationB} {
		if _, err := v.WaitAUs(10, 5*time.Second); err != nil {
			t.Fatal(err)
		}
	}

	// Names and position: the stream goes on untouched.
	renamed := base
	renamed.Name, renamed.NameZh, renamed.Lat = "Quay north", "北码头", 43.86
	before := len(officer.AUs())
	p := mustPut(t, r, renamed)
	if p.Codec != video.CodecH264 || p.Error != "" {
		t.Errorf("probe of an edit that kept the stream: %+v", p)
	}
	if c := state(t, r, "ed"); c.Name != "Quay north" || c.NameZh != "北码头" || c.Lat != 43.86 || c.Viewers != 3 {
		t.Fatalf("after renaming: %+v, %d viewers", c.Camera, c.Viewers)
	}
	if _, err := officer.WaitAUs(before+25, 5*time.Second); err != nil {
		t.Fatalf("media after renaming: %v", err)
	}
	if n := camA.Sessions(); n != 1 {
		t.Errorf("renaming made %d RTSP sessions, want the one", n)
	}
	if g := officer.SeqGaps(); g != 0 {
		t.Errorf("%d sequence gaps across the rename", g)
	}

	// Station rs-b removed: only its viewer goes.
	narrowed := renamed
	narrowed.Stations = []string{"rs-a"}
	mustPut(t, r, narrowed)
	got := sessionsOf(t, r, "ed")
	if len(got) != 2 || !got[officer.session] || !got[stationA.session] || got[stationB.session] {
		t.Fatalf("after removing rs-b: sessions %v, want the officer's %s and rs-a's %s", got, officer.session, stationA.session)
	}

	// A new URL: the same sessions, resuming from the new camera's keyframe.
	moved := narrowed
	moved.RTSPURL = camB.URL()
	marks := map[string]int{officer.session: len(officer.AUs()), stationA.session: len(stationA.AUs())}
	if p := mustPut(t, r, moved); p.Codec != video.CodecH264 || p.Error != "" {
		t.Errorf("probe of the new URL: %+v", p)
	}
	waitFor(t, 10*time.Second, "the new camera pulled", func() bool { return camB.Sessions() == 1 })
	waitFor(t, 10*time.Second, "online again", func() bool { return state(t, r, "ed").State == video.StateOnline })
	for _, v := range []editViewer{officer, stationA} {
		aus, err := v.WaitAUs(marks[v.session]+30, 10*time.Second)
		if err != nil {
			t.Fatalf("viewer %s did not resume: %v (%d units before the edit, %d now)", v.session, err, marks[v.session], len(aus))
		}
		key := -1
		for i := marks[v.session]; i < len(aus); i++ {
			if aus[i].Key {
				key = i
				break
			}
		}
		if key < 0 {
			t.Errorf("viewer %s: no keyframe after the new URL", v.session)
		}
		for i := 1; i < len(aus); i++ {
			if int32(aus[i].Timestamp-aus[i-1].Timestamp) <= 0 {
				t.Fatalf("viewer %s: timestamps go back at unit %d (edit at %d)", v.session, i, marks[v.session])
			}
		}
	}
	if got := sessionsOf(t, r, "ed"); len(got) != 2 || !got[officer.session] || !got[stationA.session] {
		t.Fatalf("after the new URL: sessions %v, want the same two", got)
	}
	waitFor(t, 5*time.Second, "the old camera released", func() bool { return camA.Active() == 0 })
	if c := state(t, r, "ed"); c.RTSPURL != camB.URL() {
		t.Errorf("URL %s, want %s", c.RTSPURL, camB.URL())
	}
}

// TestEditRedialsAtOnce: fixing the URL of a camera that is offline dials
// the new one without waiting out the reconnect backoff.
func TestEditRedialsAtOnce(t *testing.T) {
	cam := videotest.StartCamera(t, democam.Config{})
	r, err := video.New(video.Config{ICE: video.ICEConfig{UDPMux: "127.0.0.1:0", Tune: videotest.LoopbackOnly},
		Backoff: []time.Duration{time.Hour}, ProbeTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	wrong := video.Camera{ID: "fix", Name: "fix", RTSPURL: "rtsp://127.0.0.1:1/x"}
	mustPut(t, r, wrong)
	waitFor(t, 5*time.Second, "offline, waiting out the backoff", func() bool {
		c := state(t, r, "fix")
		return c.State == video.StateOffline && c.Reconnects > 0
	})
	fixed := wrong
	fixed.RTSPURL = cam.URL()
	if p := mustPut(t, r, fixed); p.Error != "" {
		t.Fatalf("probe of the fixed URL: %s", p.Error)
	}
	waitFor(t, 10*time.Second, "online with the fixed URL", func() bool { return state(t, r, "fix").State == video.StateOnline })
}

// TestEditToAnotherCodecEndsViewers: a new URL whose stream is H.265 ends
// the sessions negotiated for the H.264 one; their tracks cannot carry it.
func TestEditToAnotherCodecEndsViewers(t *testing.T) {
	if !videotest.InNetNS(t) {
		return
	}
	clip := h265Clip(t)
	h264 := videotest.StartCamera(t, democam.Config{})
	h265 := videotest.StartCamera(t, democam.Config{Clip: clip})
	r := newRelay(t, nil)
	cam := video.Camera{ID: "codec", Name: "codec", RTSPURL: h264.URL()}
	mustPut(t, r, cam)
	waitFor(t, 5*time.Second, "online", func() bool { return state(t, r, "codec").State == video.StateOnline })
	v := watchAs(t, r, "codec", video.ViewerInfo{Name: "officer"})
	if _, err := v.WaitAUs(5, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	cam.RTSPURL = h265.URL()
	if p := mustPut(t, r, cam); p.Codec != video.CodecH265 {
		t.Fatalf("probe of the H.265 camera: %+v", p)
	}
	if c := state(t, r, "codec"); len(c.ViewerList) != 0 {
		t.Fatalf("H.264 sessions kept on an H.265 stream: %+v", c.ViewerList)
	}
	waitFor(t, 5*time.Second, "no viewers counted", func() bool { return state(t, r, "codec").Viewers == 0 })
}
