package api

import (
	"encoding/json"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/ais"
	"github.com/riverwatch/riverwatch/vessels"
)

// The real domain services satisfy the API's interfaces.
var (
	_ VesselReader  = (*vessels.Tracker)(nil)
	_ LiveFeed      = (*vessels.Broker)(nil)
	_ SourceCounter = (*ais.Pipeline)(nil)
)

// TestWithTracker runs the API over the real Tracker and Broker: a decoded
// position report shows in the listing, the detail and the live push.
func TestWithTracker(t *testing.T) {
	var nowNs atomic.Int64 // the tracker and the server read the clock concurrently
	nowNs.Store(testNow.UnixNano())
	clock := func() time.Time { return time.Unix(0, nowNs.Load()).UTC() }
	broker := vessels.NewBroker()
	tracker := vessels.NewTracker(vessels.TrackerConfig{Now: clock, Logger: discardLogger()}, nil, nil, broker)
	fx := &fixture{}
	srv, err := New(Config{Addr: "127.0.0.1:0", Now: clock, Logger: discardLogger(), Auth: Anonymous{}},
		Deps{Vessels: tracker, Sources: fakeSources{stats: testSourceStats}, Live: broker, Zones: newFakeZones()})
	if err != nil {
		t.Fatal(err)
	}
	fx.srv = srv
	base := fx.run(t)

	report := func(lat, lon, sog float64) *ais.Message {
		return &ais.Message{
			Type: 1, MMSI: 412345678, Source: "songhua-udp", Station: "jilin-1",
			Received: clock(), Channel: 'A', Class: ais.ClassA,
			Position: &ais.Position{Lat: lat, Lon: lon, PosValid: true, SOG: sog, SOGValid: true,
				COG: 45, COGValid: true, Heading: 511, NavStatus: 0, ROT: -128, Second: 10},
		}
	}
	tracker.Handle(report(43.84, 126.55, 6))

	r := fx.do(t, "GET", "/api/v1/vessels/412345678", nil)
	var v vessels.Vessel
	if err := json.Unmarshal([]byte(r.body), &v); err != nil || r.status != 200 {
		t.Fatalf("%d %s: %v", r.status, r.body, err)
	}
	if v.Lat == nil || *v.Lat != 43.84 || v.Class != "A" {
		t.Errorf("vessel %+v", v)
	}
	if r := fx.do(t, "GET", "/api/v1/vessels?bbox=126,43,127,44", nil); r.status != 200 || !jsonHas(r.body, "count", 1.0) {
		t.Errorf("listing %d %s", r.status, r.body)
	}
	if r := fx.do(t, "GET", "/api/v1/vessels/412345678/track?since=0", nil); r.status != 200 {
		t.Errorf("track %d %s", r.status, r.body)
	}

	conn, snap := mustDialLive(t, base, "")
	if len(snap) != 1 || snap[0].MMSI != 412345678 {
		t.Fatalf("snapshot %+v", snap)
	}
	nowNs.Add(int64(10 * time.Second))
	tracker.Handle(report(43.8405, 126.5505, 6.5))
	m := mustRead(t, conn)
	if m.Type != "update" || m.Vessel.MMSI != 412345678 || *m.Vessel.Lat != 43.8405 {
		t.Errorf("live %+v", m)
	}
}

func jsonHas(body, key string, want any) bool {
	var m map[string]any
	return json.Unmarshal([]byte(body), &m) == nil && m[key] == want
}
