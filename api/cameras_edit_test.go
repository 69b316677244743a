package api

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/video"
	"github.com/riverwatch/riverwatch/video/democam"
	"github.com/riverwatch/riverwatch/video/videotest"
)

// TestCameraPutKeepsViewers: PUT /api/v1/cameras/{id} of a watched camera
// (a new name, a station removed) answers 200 and leaves the officer's
// WHEP session playing.
func TestCameraPutKeepsViewers(t *testing.T) {
	if !videotest.InNetNS(t) {
		return
	}
	cam := videotest.StartCamera(t, democam.Config{})
	fx, r := newCameraFixture(t, officer)
	if res := fx.doBody(t, "POST", "/api/v1/cameras", "application/json", cameraJSON("kept", cam.URL(), "rs-jiutai", "rs-daan"), nil); res.status != 201 {
		t.Fatalf("POST: %d %s", res.status, res.body)
	}
	var session string
	v := videotest.NewViewer(t, func(offer string) (string, error) {
		a, id, err := r.WHEP(context.Background(), "kept", offer, video.ViewerInfo{Name: "officer"})
		session = id
		return a, err
	})
	if _, err := v.WaitAUs(10, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(cameraJSON("kept", cam.URL(), "rs-jiutai"), `"Quay kept"`, `"Quay kept north"`, 1)
	if res := fx.doBody(t, "PUT", "/api/v1/cameras/kept", "application/json", edited, nil); res.status != 200 || !strings.Contains(res.body, `"Quay kept north"`) {
		t.Fatalf("PUT: %d %s", res.status, res.body)
	}
	before := len(v.AUs())
	if _, err := v.WaitAUs(before+10, 5*time.Second); err != nil {
		t.Fatalf("media after the edit: %v", err)
	}
	res := fx.do(t, "GET", "/api/v1/cameras/kept", nil)
	if !strings.Contains(res.body, `"session":"`+session+`"`) || !strings.Contains(res.body, `"viewers":1`) {
		t.Fatalf("after the edit the session %s is gone: %s", session, res.body)
	}
}
