package video_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/riverwatch/riverwatch/video"
	"github.com/riverwatch/riverwatch/video/democam"
	"github.com/riverwatch/riverwatch/video/videotest"
)

// TestICERestartKeepsSession: a viewer restarts ICE by PATCH (RFC 9725
// section 4.3.3) and goes on receiving the camera on the same session,
// tracks and writer; the entity-tag moves to the new ICE session, and
// trickled candidates still answer nothing.
func TestICERestartKeepsSession(t *testing.T) {
	if !videotest.InNetNS(t) {
		return
	}
	ctx := context.Background()
	cam := videotest.StartCamera(t, democam.Config{})
	r := newRelay(t, nil)
	mustPut(t, r, video.Camera{ID: "ir", Name: "ir", RTSPURL: cam.URL()})
	waitFor(t, 5*time.Second, "online", func() bool { return state(t, r, "ir").State == video.StateOnline })
	var session, answer string
	v := videotest.NewViewer(t, func(offer string) (string, error) {
		a, id, err := r.WHEP(ctx, "ir", offer, video.ViewerInfo{Name: "test"})
		session, answer = id, a
		return a, err
	})
	if _, err := v.WaitAUs(10, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	etag := video.ETag(answer)
	if etag == "" {
		t.Fatalf("answer without an ICE session to tag:\n%s", answer)
	}
	cand := "a=mid:0\r\na=candidate:1 1 udp 2130706431 127.0.0.1 9 typ host\r\n"
	if restart, tag, err := r.Patch(ctx, "ir", session, etag, cand); err != nil || restart != "" || tag != etag {
		t.Fatalf("trickled candidate: %q %q %v, want no fragment, tag %s", restart, tag, err, etag)
	}
	if _, _, err := r.Patch(ctx, "ir", session, `"someone-else"`, cand); !errors.Is(err, video.ErrStale) {
		t.Fatalf("PATCH with another If-Match: %v, want ErrStale", err)
	}
	if _, _, err := r.Patch(ctx, "ir", session, "*", "a=ice-ufrag:new1\r\n"); !errors.Is(err, video.ErrInvalid) {
		t.Fatalf("restart without ice-pwd: %v, want ErrInvalid", err)
	}

	before := len(v.AUs())
	var restart, newTag string
	err := v.RestartICE(func(frag string) (string, error) {
		var err error
		restart, newTag, err = r.Patch(ctx, "ir", session, "*", frag)
		// The answer takes its time to reach the client, as over a mobile
		// network: meanwhile the relay writes with no candidate pair, which
		// must not end the session.
		time.Sleep(300 * time.Millisecond)
		return restart, err
	})
	if err != nil {
		t.Fatalf("ICE restart: %v\nrelay's fragment:\n%s", err, restart)
	}
	for _, want := range []string{"a=ice-ufrag:", "a=ice-pwd:", "a=candidate:", "a=mid:0"} {
		if !strings.Contains(restart, want) {
			t.Errorf("restart answer without %s:\n%s", want, restart)
		}
	}
	if newTag == "" || newTag == etag || newTag != video.ETag(restart) {
		t.Errorf("entity-tag after the restart %q (before %q), want the new fragment's", newTag, etag)
	}
	if _, _, err := r.Patch(ctx, "ir", session, etag, cand); !errors.Is(err, video.ErrStale) {
		t.Errorf("PATCH naming the ICE session before the restart: %v, want ErrStale", err)
	}
	aus, err := v.WaitAUs(before+25, 10*time.Second)
	if err != nil {
		t.Fatalf("no media after the ICE restart: %v (%d units before, %d now)", err, before, len(aus))
	}
	if st := v.PC.ICEConnectionState(); st != webrtc.ICEConnectionStateConnected {
		t.Errorf("viewer's ICE %s after the restart", st)
	}
	for i := 1; i < len(aus); i++ {
		if int32(aus[i].Timestamp-aus[i-1].Timestamp) <= 0 {
			t.Fatalf("timestamps go back at unit %d (restart at %d)", i, before)
		}
	}
	c := state(t, r, "ir")
	if c.Viewers != 1 || len(c.ViewerList) != 1 || c.ViewerList[0].Session != session {
		t.Fatalf("after the restart: %d viewers %+v, want the one session %s", c.Viewers, c.ViewerList, session)
	}
	if n := cam.Sessions(); n != 1 {
		t.Errorf("camera saw %d RTSP sessions, want 1", n)
	}
}
