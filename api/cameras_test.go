package api

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/video"
	"github.com/riverwatch/riverwatch/video/democam"
	"github.com/riverwatch/riverwatch/video/videotest"
)

// newCameraFixture serves the API over a real relay (limited to loopback)
// as principal p.
func newCameraFixture(t *testing.T, p Principal) (*fixture, *video.Relay) {
	t.Helper()
	r, err := video.New(video.Config{ICE: video.ICEConfig{UDPMux: "127.0.0.1:0", Tune: videotest.LoopbackOnly},
		ProbeTimeout: time.Second, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })
	fx := newFixture(t, func(c *Config, d *Deps) {
		c.Auth = roleAuth(p)
		d.Cameras = r
	})
	return fx, r
}

var officer = Principal{Name: "officer", Roles: []string{RoleOfficer}}

func cameraJSON(id, url string, stations ...string) string {
	b, _ := json.Marshal(video.Camera{ID: id, Name: "Quay " + id, NameZh: "码头", Lat: 43.85, Lon: 126.58, RTSPURL: url, Stations: stations})
	return string(b)
}

func TestCameraEndpoints(t *testing.T) {
	cam := videotest.StartCamera(t, democam.Config{})
	fx, _ := newCameraFixture(t, officer)
	secretURL := strings.Replace(cam.URL(), "rtsp://", "rtsp://admin:hunter2-pw@", 1)

	res := fx.doBody(t, "POST", "/api/v1/cameras", "application/json", cameraJSON("jilin", secretURL, "rs-jiutai"), nil)
	if res.status != 201 || res.header.Get("Location") != "/api/v1/cameras/jilin" {
		t.Fatalf("POST: %d %q %s", res.status, res.header.Get("Location"), res.body)
	}
	for _, r := range []response{res, fx.do(t, "GET", "/api/v1/cameras", nil), fx.do(t, "GET", "/api/v1/cameras/jilin", nil)} {
		if strings.Contains(r.body, "hunter2") || strings.Contains(r.body, "admin") {
			t.Fatalf("credentials shown: %s", r.body)
		}
		if !strings.Contains(r.body, `"rtsp_url":"`+cam.URL()+`"`) {
			t.Fatalf("redacted URL missing: %s", r.body)
		}
	}
	var put cameraPut
	if err := json.Unmarshal([]byte(res.body), &put); err != nil || put.Probe.Codec != video.CodecH264 {
		t.Fatalf("probe: %+v %v", put.Probe, err)
	}
	cases := []struct {
		name, method, target, body string
		status                     int
		contains                   string
	}{
		{"post again", "POST", "/api/v1/cameras", cameraJSON("jilin", cam.URL()), 409, "exists"},
		{"bad transport", "POST", "/api/v1/cameras", `{"id":"x1","name":"x","rtsp_url":"rtsp://h/x","transport":"sctp"}`, 400, "transport"},
		{"bad url", "POST", "/api/v1/cameras", `{"id":"x1","name":"x","rtsp_url":"http://h/x"}`, 400, "rtsp_url"},
		{"bad id", "POST", "/api/v1/cameras", `{"id":"../x","name":"x","rtsp_url":"rtsp://h/x"}`, 400, "id"},
		{"unknown field", "POST", "/api/v1/cameras", `{"id":"x1","name":"x","rtsp_url":"rtsp://h/x","pasword":"x"}`, 400, "pasword"},
		{"put replaces", "PUT", "/api/v1/cameras/jilin", cameraJSON("jilin", cam.URL(), "rs-jiutai"), 200, `"id":"jilin"`},
		{"put new", "PUT", "/api/v1/cameras/wulajie", cameraJSON("wulajie", "rtsp://127.0.0.1:1/x"), 201, `"probe"`},
		{"put other id", "PUT", "/api/v1/cameras/jilin", cameraJSON("other", cam.URL()), 400, "path"},
		{"list", "GET", "/api/v1/cameras", "", 200, `"count":2`},
		{"unknown", "GET", "/api/v1/cameras/nope", "", 404, "not found"},
		{"whep unknown camera", "POST", "/api/v1/cameras/nope/whep", "v=0", 404, "not found"},
		{"whep malformed", "POST", "/api/v1/cameras/jilin/whep", "this is no SDP", 400, "SDP"},
		{"whep no video", "POST", "/api/v1/cameras/jilin/whep", "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n", 400, "video"},
		{"end unknown session", "DELETE", "/api/v1/cameras/jilin/whep/abc", "", 404, "not found"},
		{"delete", "DELETE", "/api/v1/cameras/wulajie", "", 204, ""},
		{"deleted", "GET", "/api/v1/cameras/wulajie", "", 404, ""},
		{"delete again", "DELETE", "/api/v1/cameras/wulajie", "", 404, ""},
	}
	for _, c := range cases {
		ctype := "application/json"
		if strings.Contains(c.target, "/whep") {
			ctype = "application/sdp"
		}
		if c.body == "" {
			ctype = ""
		}
		r := fx.doBody(t, c.method, c.target, ctype, c.body, nil)
		if r.status != c.status || !strings.Contains(r.body, c.contains) {
			t.Errorf("%s: %d %s, want %d containing %q", c.name, r.status, r.body, c.status, c.contains)
		}
		if r.status >= 400 && !strings.HasPrefix(r.body, `{"error":`) {
			t.Errorf("%s: error body %s", c.name, r.body)
		}
	}
	if r := fx.doBody(t, "POST", "/api/v1/cameras/jilin/whep", "application/json", "{}", nil); r.status != 415 {
		t.Errorf("whep as JSON: %d, want 415", r.status)
	}
}

func TestCameraAccessByStation(t *testing.T) {
	cam := videotest.StartCamera(t, democam.Config{})
	fx, r := newCameraFixture(t, Principal{Name: "jiutai", Roles: []string{RoleStation}, Station: "rs-jiutai"})
	for _, c := range []video.Camera{
		{ID: "mine", Name: "mine", RTSPURL: cam.URL(), Stations: []string{"rs-jiutai"}, OnDemand: true},
		{ID: "theirs", Name: "theirs", RTSPURL: cam.URL(), Stations: []string{"rs-daan"}, OnDemand: true},
	} {
		if _, err := r.Put(t.Context(), c); err != nil {
			t.Fatal(err)
		}
	}
	if res := fx.do(t, "GET", "/api/v1/cameras", nil); !strings.Contains(res.body, `"count":1`) || !strings.Contains(res.body, `"id":"mine"`) {
		t.Fatalf("station list: %s", res.body)
	}
	for _, target := range []string{"/api/v1/cameras/theirs", "/api/v1/cameras/theirs/snapshot.jpg"} {
		if res := fx.do(t, "GET", target, nil); res.status != 404 {
			t.Errorf("%s: %d, want 404 as if absent", target, res.status)
		}
	}
	if res := fx.doBody(t, "POST", "/api/v1/cameras/theirs/whep", "application/sdp", "v=0", nil); res.status != 404 {
		t.Errorf("whep on another station's camera: %d, want 404", res.status)
	}
	if res := fx.doBody(t, "POST", "/api/v1/cameras", "application/json", cameraJSON("new", cam.URL()), nil); res.status != 403 {
		t.Errorf("station adding a camera: %d, want 403", res.status)
	}
	if res := fx.do(t, "GET", "/api/v1/cameras/mine/snapshot.jpg", nil); res.status != 503 {
		t.Errorf("snapshot of an idle camera: %d %s, want 503", res.status, res.body)
	}
}

func TestWHEPOverHTTP(t *testing.T) {
	if !videotest.InNetNS(t) {
		return
	}
	cam := videotest.StartCamera(t, democam.Config{})
	fx, r := newCameraFixture(t, officer)
	if _, err := r.Put(t.Context(), video.Camera{ID: "q", Name: "q", RTSPURL: cam.URL()}); err != nil {
		t.Fatal(err)
	}
	base := fx.run(t)
	var location, etag string
	v := videotest.NewViewer(t, func(offer string) (string, error) {
		res, err := http.Post(base+"/api/v1/cameras/q/whep", "application/sdp", strings.NewReader(offer))
		if err != nil {
			return "", err
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != 201 || res.Header.Get("Content-Type") != "application/sdp" {
			return "", fmt.Errorf("POST whep: %d %s %s", res.StatusCode, res.Header.Get("Content-Type"), body)
		}
		location, etag = res.Header.Get("Location"), res.Header.Get("ETag")
		return string(body), nil
	})
	if !strings.HasPrefix(location, "/api/v1/cameras/q/whep/") {
		t.Fatalf("Location %q", location)
	}
	if _, err := v.WaitAUs(5, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	do := func(method, ctype, ifMatch, body string) *http.Response {
		req, _ := http.NewRequest(method, base+location, strings.NewReader(body))
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		if ifMatch != "" {
			req.Header.Set("If-Match", ifMatch)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { res.Body.Close() })
		return res
	}
	if etag != video.ETag(v.PC.RemoteDescription().SDP) || etag == "" {
		t.Fatalf("POST ETag %q, want the answer's ICE session", etag)
	}
	frag := "a=ice-ufrag:" + ufrag(v.PC.LocalDescription().SDP) + "\r\na=mid:0\r\na=candidate:1 1 udp 2130706431 127.0.0.1 9 typ host\r\n"
	if res := do("PATCH", "application/trickle-ice-sdpfrag", etag, frag); res.StatusCode != 204 {
		t.Errorf("PATCH: %d, want 204", res.StatusCode)
	}
	if res := do("PATCH", "application/trickle-ice-sdpfrag", `"other"`, frag); res.StatusCode != 412 {
		t.Errorf("PATCH with another ICE session's If-Match: %d, want 412", res.StatusCode)
	}
	before := len(v.AUs())
	var restartTag string
	err := v.RestartICE(func(frag string) (string, error) {
		res := do("PATCH", "application/trickle-ice-sdpfrag", "*", frag)
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/trickle-ice-sdpfrag" {
			return "", fmt.Errorf("PATCH with an ICE restart: %d %s %s", res.StatusCode, res.Header.Get("Content-Type"), body)
		}
		restartTag = res.Header.Get("ETag")
		return string(body), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if restartTag == "" || restartTag == etag {
		t.Errorf("ETag after the ICE restart %q, before %q: want a new one", restartTag, etag)
	}
	if _, err := v.WaitAUs(before+10, 10*time.Second); err != nil {
		t.Fatalf("no media after the ICE restart: %v", err)
	}
	if res := do("PATCH", "application/trickle-ice-sdpfrag", etag, frag); res.StatusCode != 412 {
		t.Errorf("PATCH naming the ICE session before the restart: %d, want 412", res.StatusCode)
	}
	if res := do("DELETE", "", "", ""); res.StatusCode != 200 {
		t.Errorf("DELETE: %d, want 200", res.StatusCode)
	}
	if res := do("DELETE", "", "", ""); res.StatusCode != 404 {
		t.Errorf("DELETE again: %d, want 404", res.StatusCode)
	}
}

func ufrag(sdp string) string {
	for _, l := range strings.Split(sdp, "\n") {
		if u, ok := strings.CutPrefix(strings.TrimSpace(l), "a=ice-ufrag:"); ok {
			return u
		}
	}
	return ""
}
