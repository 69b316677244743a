package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	goais "github.com/BertoldVdb/go-ais"

	"github.com/riverwatch/riverwatch/zones"
	"github.com/riverwatch/riverwatch/zones/redisstore/redistest"
)

// The user's own zones of the end-to-end tests, around a point in the
// middle of nowhere near 44N 126E (flat-earth metres from there).
const e2eLat, e2eLon = 44.0, 126.0

func e2eEast(m float64) float64  { return e2eLon + m/(111_320*math.Cos(e2eLat*math.Pi/180)) }
func e2eNorth(m float64) float64 { return e2eLat + m/111_320 }

// userZones is a zones file of the user's own: a restricted square, a
// speed-limit circle, a border line and a river reach to ban.
func userZones(t *testing.T) string {
	t.Helper()
	sq := func(e, n, d float64) [][2]float64 {
		return [][2]float64{{e2eEast(e), e2eNorth(n)}, {e2eEast(e + d), e2eNorth(n)}, {e2eEast(e + d), e2eNorth(n + d)}, {e2eEast(e), e2eNorth(n + d)}, {e2eEast(e), e2eNorth(n)}}
	}
	fc := map[string]any{"type": "FeatureCollection", "features": []any{
		feature("no-go", "restricted", map[string]any{}, "Polygon", [][][2]float64{sq(0, 0, 500)}),
		feature("slow", "speed_limit", map[string]any{"speed_limit_kn": 6, "radius_m": 1000}, "Point", [2]float64{e2eEast(0), e2eNorth(5000)}),
		feature("line", "border", map[string]any{}, "LineString", [][2]float64{{e2eEast(-5000), e2eNorth(10000)}, {e2eEast(5000), e2eNorth(10000)}}),
		feature("reach", "river_section", map[string]any{"buffer_m": 500}, "LineString", [][2]float64{{e2eEast(-5000), e2eNorth(20000)}, {e2eEast(5000), e2eNorth(20000)}}),
	}}
	data, err := json.Marshal(fc)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "zones.geojson")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func feature(id, kind string, props map[string]any, typ string, coords any) map[string]any {
	props["id"], props["kind"], props["name"], props["name_zh"] = id, kind, id, id
	return map[string]any{"type": "Feature", "properties": props, "geometry": map[string]any{"type": typ, "coordinates": coords}}
}

// fix is one position report sent over UDP, timed by its tag block.
type e2eFix struct {
	mmsi         uint32
	eastM, north float64
	sog, cog     float64
	ago          time.Duration // message time before now
	nav          uint8
}

func (f e2eFix) line(t *testing.T) string {
	t.Helper()
	p := goais.PositionReport{Header: goais.Header{MessageID: 1, UserID: f.mmsi}, Valid: true, NavigationalStatus: f.nav,
		Sog: goais.Field10(f.sog), Longitude: goais.FieldLatLonFine(e2eEast(f.eastM)), Latitude: goais.FieldLatLonFine(e2eNorth(f.north)),
		Cog: goais.Field10(f.cog), TrueHeading: uint16(f.cog) % 360, Timestamp: 60}
	at := time.Now().Add(-f.ago)
	return tagBlock(fmt.Sprintf("s:e2e,c:%d", at.UnixMilli())) + mustEncode(t, p, 0)[0]
}

// runFixes is a vessel at constant speed and course reporting every 10 s,
// the last report now.
func runFixes(mmsi uint32, fromE, fromN, sog, cog float64, n int) []e2eFix {
	var out []e2eFix
	v := sog * 1852 / 3600
	for i := range n {
		d := v * float64(i) * 10
		out = append(out, e2eFix{mmsi: mmsi, eastM: fromE + d*math.Sin(cog*math.Pi/180), north: fromN + d*math.Cos(cog*math.Pi/180),
			sog: sog, cog: cog, ago: time.Duration(n-1-i) * 10 * time.Second})
	}
	return out
}

func sendUDP(t *testing.T, addr string, fixes ...[]e2eFix) {
	t.Helper()
	c, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// Interleave the vessels report by report, in time order.
	for i := 0; ; i++ {
		sent := false
		for _, fs := range fixes {
			if i < len(fs) {
				if _, err := c.Write([]byte(fs[i].line(t) + "\r\n")); err != nil {
					t.Fatal(err)
				}
				sent = true
			}
		}
		if !sent {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
}

type alertList struct {
	Count  int           `json:"count"`
	Alerts []zones.Alert `json:"alerts"`
}

func alerts(t *testing.T, base, query string) alertList {
	t.Helper()
	var l alertList
	if code := getJSON(t, base+"/api/v1/alerts?"+query, &l); code != 200 {
		t.Fatalf("GET alerts?%s: %d", query, code)
	}
	return l
}

// waitAlert waits for an alert of kind for mmsi and returns how long it
// took from the call.
func waitAlert(t *testing.T, base string, kind zones.AlertKind, mmsi uint32, within time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		l := alerts(t, base, fmt.Sprintf("kind=%s&mmsi=%d", kind, mmsi))
		if l.Count > 0 {
			return time.Since(start)
		}
		if time.Since(start) > within {
			all := alerts(t, base, fmt.Sprintf("mmsi=%d", mmsi))
			t.Fatalf("no %s alert for %d within %v; its alerts: %+v", kind, mmsi, within, all.Alerts)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func post(t *testing.T, url string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader = http.NoBody
	if body != nil {
		data, _ := json.Marshal(body)
		if s, ok := body.(string); ok {
			data = []byte(s)
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequest(http.MethodPost, url, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(authorize(req))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// Vessels of the end-to-end scenario.
const (
	mRestricted = 412100001
	mSpeeder    = 412100002
	mBorder     = 412100003
	mHeadOnA    = 412100004
	mHeadOnB    = 412100005
	mSilent     = 412100006
	mInnocent   = 412100007
	mBanned     = 412100008
)

// TestZonesEndToEnd is the first check: the user's zones file and
// AIS over UDP; each breaker gets exactly one alert of its kind, the
// innocent vessel none.
func TestZonesEndToEnd(t *testing.T) {
	srv := startServer(t, "--zones", userZones(t))
	base := "http://" + srv.api.Addr()
	udp := srv.sourceAddr(t, "udp")

	sendUDP(t, udp,
		runFixes(mRestricted, -100, 250, 6, 90, 6), // into the restricted square from the west
		runFixes(mSpeeder, -400, 5000, 12, 90, 6),  // 12 kn through the 6 kn circle
		runFixes(mBorder, 2000, 9900, 5, 0, 6),     // north across the line
		runFixes(mHeadOnA, -1000, 30000, 8, 90, 3), // head-on, 2 km apart
		runFixes(mHeadOnB, 1000, 30000, 8, 270, 3), //
		runFixes(mSilent, 0, 40000, 25, 90, 3),     // 25 kn (2 s interval): silent after
		runFixes(mInnocent, 0, 50000, 5, 90, 6),    // far from every zone and vessel
	)
	for _, c := range []struct {
		kind zones.AlertKind
		mmsi uint32
	}{
		{zones.AlertRestrictedEntry, mRestricted}, {zones.AlertSpeeding, mSpeeder}, {zones.AlertBorderCrossing, mBorder},
		{zones.AlertCollisionRisk, mHeadOnA},
	} {
		d := waitAlert(t, base, c.kind, c.mmsi, 5*time.Second)
		t.Logf("%s for %d on the API %v after the last sentence", c.kind, c.mmsi, d)
	}
	// 6 intervals of 2 s, judged every second.
	d := waitAlert(t, base, zones.AlertAISGap, mSilent, 30*time.Second)
	t.Logf("ais_gap for the silent vessel %v after its last sentence", d)

	for mmsi, want := range map[uint32]zones.AlertKind{mRestricted: zones.AlertRestrictedEntry, mSpeeder: zones.AlertSpeeding,
		mBorder: zones.AlertBorderCrossing, mSilent: zones.AlertAISGap} {
		l := alerts(t, base, fmt.Sprintf("mmsi=%d&kind=%s", mmsi, want))
		if l.Count != 1 {
			t.Errorf("vessel %d: %d %s alerts, want exactly 1", mmsi, l.Count, want)
		}
	}
	if l := alerts(t, base, fmt.Sprintf("kind=collision_risk&mmsi=%d", mHeadOnB)); l.Count != 1 || l.Alerts[0].OtherMMSI == 0 {
		t.Errorf("head-on pair: %+v, want one alert naming both", l.Alerts)
	}
	if l := alerts(t, base, fmt.Sprintf("mmsi=%d", mInnocent)); l.Count != 0 {
		t.Errorf("innocent vessel has alerts: %+v", l.Alerts)
	}

	// Bad zones and bans: 400 with a message, nothing stored.
	for name, body := range map[string]string{
		"self-intersecting": `{"type":"Feature","properties":{"id":"bow","kind":"restricted"},"geometry":{"type":"Polygon","coordinates":[[[126,44],[126.01,44.01],[126.01,44],[126,44.01],[126,44]]]}}`,
		"unknown kind":      `{"type":"Feature","properties":{"id":"k","kind":"volcano"},"geometry":{"type":"Point","coordinates":[126,44]}}`,
		"out of range":      `{"type":"Feature","properties":{"id":"r","kind":"quay","radius_m":100},"geometry":{"type":"Point","coordinates":[226,44]}}`,
		"not json":          `{"type":`,
	} {
		code, msg := post(t, base+"/api/v1/zones", body)
		if code != 400 || !strings.Contains(string(msg), "error") {
			t.Errorf("zone %s: %d %s, want 400 with a message", name, code, msg)
		}
	}
	now := time.Now().UTC()
	for name, b := range map[string]map[string]any{
		"unknown zone": {"zone_ids": []string{"nowhere"}, "kind": "prohibit", "reason": "fog", "from": now.Format(time.RFC3339), "until": now.Add(time.Hour).Format(time.RFC3339)},
		"ends first":   {"zone_ids": []string{"reach"}, "kind": "prohibit", "reason": "fog", "from": now.Format(time.RFC3339), "until": now.Add(-time.Hour).Format(time.RFC3339)},
		"bad kind":     {"zone_ids": []string{"reach"}, "kind": "maybe", "reason": "fog", "from": now.Format(time.RFC3339), "until": now.Add(time.Hour).Format(time.RFC3339)},
	} {
		code, msg := post(t, base+"/api/v1/bans", b)
		if code != 400 || !strings.Contains(string(msg), "error") {
			t.Errorf("ban %s: %d %s, want 400 with a message", name, code, msg)
		}
	}
	var zl struct {
		Features []any `json:"features"`
	}
	getJSON(t, base+"/api/v1/zones", &zl)
	if len(zl.Features) != 4 {
		t.Errorf("%d zones after bad posts, want the file's 4", len(zl.Features))
	}

	// A ban on the reach with a vessel under way inside: ban_violation;
	// after the ban ends, no new one.
	code, msg := post(t, base+"/api/v1/bans", map[string]any{"zone_ids": []string{"reach"}, "kind": "prohibit", "reason": "wind",
		"from": now.Add(-time.Minute).Format(time.RFC3339), "until": now.Add(3 * time.Second).Format(time.RFC3339), "allowed_types": []int{51, 55}})
	if code != 201 {
		t.Fatalf("POST ban: %d %s", code, msg)
	}
	sendUDP(t, udp, runFixes(mBanned, -2000, 20000, 6, 90, 3))
	waitAlert(t, base, zones.AlertBanViolation, mBanned, 5*time.Second)
	time.Sleep(4 * time.Second) // the ban ends
	deadline := time.Now().Add(5 * time.Second)
	for alerts(t, base, fmt.Sprintf("kind=ban_violation&mmsi=%d&state=open", mBanned)).Count != 0 {
		if time.Now().After(deadline) {
			t.Fatal("ban_violation still open after the ban ended")
		}
		time.Sleep(50 * time.Millisecond)
	}
	fs := runFixes(mBanned, -1800, 20000, 6, 90, 3)
	for i := range fs {
		fs[i].ago -= 0 // fresh reports, now
	}
	sendUDP(t, udp, fs)
	time.Sleep(300 * time.Millisecond)
	if l := alerts(t, base, fmt.Sprintf("kind=ban_violation&mmsi=%d", mBanned)); l.Count != 1 {
		t.Errorf("ban_violation alerts after the ban ended: %d, want still the 1", l.Count)
	}
}

// TestZonesTwoProcessesOneRedis: input to one process only; the other
// lists the same alerts and zone occupancy. A restart raises nothing twice.
func TestZonesTwoProcessesOneRedis(t *testing.T) {
	addr := redistest.Start(t)
	url := "redis://" + addr
	file := userZones(t)
	a := startServer(t, "--zones", file, "--redis", url)
	b := startServer(t, "--zones", file, "--redis", url)
	baseA, baseB := "http://"+a.api.Addr(), "http://"+b.api.Addr()

	sendUDP(t, a.sourceAddr(t, "udp"), runFixes(mRestricted, -100, 250, 6, 90, 6))
	waitAlert(t, baseA, zones.AlertRestrictedEntry, mRestricted, 5*time.Second)
	waitAlert(t, baseB, zones.AlertRestrictedEntry, mRestricted, 5*time.Second)
	la, lb := alerts(t, baseA, "state=open"), alerts(t, baseB, "state=open")
	if la.Count != 1 || lb.Count != 1 || la.Alerts[0].ID != lb.Alerts[0].ID {
		t.Fatalf("alerts differ: %+v / %+v", la.Alerts, lb.Alerts)
	}
	var occ struct {
		Count int      `json:"count"`
		MMSI  []uint32 `json:"mmsi"`
	}
	deadline := time.Now().Add(5 * time.Second)
	for getJSON(t, baseB+"/api/v1/zones/no-go/vessels", &occ); occ.Count != 1; getJSON(t, baseB+"/api/v1/zones/no-go/vessels", &occ) {
		if time.Now().After(deadline) {
			t.Fatalf("occupancy in the other process: %+v", occ)
		}
		time.Sleep(20 * time.Millisecond)
	}

	// A ban set on a, a vessel under way in it heard by a only, over
	// several seconds (b sweeps every second): one ban_violation, in both.
	now := time.Now().UTC()
	if code, msg := post(t, baseA+"/api/v1/bans", map[string]any{"zone_ids": []string{"reach"}, "kind": "prohibit", "reason": "ice",
		"from": now.Add(-time.Minute).Format(time.RFC3339), "until": now.Add(time.Hour).Format(time.RFC3339)}); code != 201 {
		t.Fatalf("POST ban: %d %s", code, msg)
	}
	for i := range 3 {
		fs := runFixes(mBanned, -2000+float64(i)*100, 20000, 6, 90, 2)
		sendUDP(t, a.sourceAddr(t, "udp"), fs)
		time.Sleep(1200 * time.Millisecond)
	}
	for _, base := range []string{baseA, baseB} {
		if l := alerts(t, base, fmt.Sprintf("kind=ban_violation&mmsi=%d", mBanned)); l.Count != 1 || !l.Alerts[0].Active() {
			t.Errorf("%s: ban_violation alerts %+v, want one open", base, l.Alerts)
		}
	}

	// A third process on the same Redis (a restart of a): the vessel still
	// inside is not raised again.
	c := startServer(t, "--zones", file, "--redis", url)
	sendUDP(t, c.sourceAddr(t, "udp"), []e2eFix{{mmsi: mRestricted, eastM: 100, north: 250, sog: 6, cog: 90}})
	time.Sleep(500 * time.Millisecond)
	for _, base := range []string{baseA, baseB, "http://" + c.api.Addr()} {
		if l := alerts(t, base, fmt.Sprintf("mmsi=%d", mRestricted)); l.Count != 1 {
			t.Errorf("%s: %d alerts for the vessel after a restart, want 1: %+v", base, l.Count, l.Alerts)
		}
	}
}

// TestZonesRedisOutage: with Redis stopped while input flows, alerts still
// reach the API and /healthz shows the outage; once Redis returns the state
// is written back.
func TestZonesRedisOutage(t *testing.T) {
	rs := redistest.StartServer(t) // no persistence: it comes back empty
	file := userZones(t)
	a := startServer(t, "--zones", file, "--redis", "redis://"+rs.Addr)
	idle := startServer(t, "--zones", file, "--redis", "redis://"+rs.Addr)
	base := "http://" + a.api.Addr()
	now := time.Now().UTC()
	if code, msg := post(t, base+"/api/v1/bans", map[string]any{"zone_ids": []string{"reach"}, "kind": "restrict", "reason": "fog",
		"from": now.Add(-time.Minute).Format(time.RFC3339), "until": now.Add(time.Hour).Format(time.RFC3339), "max_speed_kn": 4}); code != 201 {
		t.Fatalf("POST ban: %d %s", code, msg)
	}
	if code, msg := post(t, base+"/api/v1/zones", `{"type":"Feature","properties":{"id":"api-quay","kind":"quay","radius_m":200},"geometry":{"type":"Point","coordinates":[126.05,44.05]}}`); code != 201 {
		t.Fatalf("POST zone: %d %s", code, msg)
	}
	// An alert raised and resolved before the outage.
	sendUDP(t, a.sourceAddr(t, "udp"), runFixes(mRestricted, -100, 250, 6, 90, 6))
	waitAlert(t, base, zones.AlertRestrictedEntry, mRestricted, 5*time.Second)
	before := alerts(t, base, fmt.Sprintf("kind=restricted_entry&mmsi=%d", mRestricted)).Alerts[0]
	if code, msg := post(t, base+"/api/v1/alerts/"+before.ID+"/resolve", nil); code != 200 {
		t.Fatalf("resolve: %d %s", code, msg)
	}
	time.Sleep(300 * time.Millisecond) // written
	rs.Stop(t)

	sendUDP(t, a.sourceAddr(t, "udp"), runFixes(mSpeeder, -400, 5000, 12, 90, 6))
	waitAlert(t, base, zones.AlertSpeeding, mSpeeder, 5*time.Second)
	for _, p := range []*server{a, idle} {
		deadline := time.Now().Add(15 * time.Second)
		for p.zones.Health().StoreOK {
			if time.Now().After(deadline) {
				t.Fatalf("the outage does not show in the zones health of %s", p.api.Addr())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	var h struct {
		Status string `json:"status"`
	}
	getJSON(t, base+"/healthz", &h)
	if h.Status != "degraded" {
		t.Errorf("healthz during the outage: %q, want degraded", h.Status)
	}

	rs.Restart(t)
	deadline := time.Now().Add(30 * time.Second)
	for !a.zones.Health().StoreOK || a.zones.Health().Pending > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the store did not come back in the health: %+v", a.zones.Health())
		}
		time.Sleep(50 * time.Millisecond)
	}
	// A new process reads back the whole state, not only what changed in
	// the outage: the ban and the API zone from before it too.
	c := startServer(t, "--zones", file, "--redis", "redis://"+rs.Addr)
	cb := "http://" + c.api.Addr()
	waitAlert(t, cb, zones.AlertSpeeding, mSpeeder, 10*time.Second)
	var bans struct {
		Count int `json:"count"`
	}
	getJSON(t, cb+"/api/v1/bans", &bans)
	if bans.Count != 1 {
		t.Errorf("bans after Redis came back empty: %d, want the 1 set before the outage", bans.Count)
	}
	var z map[string]any
	if code := getJSON(t, cb+"/api/v1/zones/api-quay", &z); code != 200 {
		t.Errorf("API zone after Redis came back empty: %d", code)
	}
	if l := alerts(t, cb, fmt.Sprintf("kind=restricted_entry&mmsi=%d", mRestricted)); l.Count != 1 || l.Alerts[0].ID != before.ID || l.Alerts[0].Active() {
		t.Errorf("the alert resolved before the outage, in a new process: %+v, want %s, resolved", l.Alerts, before.ID)
	}
}
