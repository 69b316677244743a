package api

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/vessels"
	"github.com/riverwatch/riverwatch/vessels/vesselstest"
)

// historyFixture is a server whose history is a real MemoryArchive on the
// test clock, holding:
//   - 412000001: 12,000 reports a second apart, ending at testNow, class A;
//     two static changes;
//   - 412000002: 3 reports, class B, no static data but live as "LIVE 2";
//   - zone entries and alert records around testNow.
func historyFixture(tb testing.TB) (*fixture, *vessels.MemoryArchive) {
	tb.Helper()
	a := vessels.NewMemoryArchive(vessels.HistoryConfig{Now: func() time.Time { return testNow }, MaxAge: 30 * 24 * time.Hour, MaxPoints: 20000})
	ctx := tb.Context()
	for _, p := range vesselstest.Points(testNow.Add(-11999*time.Second), 12000, time.Second) {
		if err := a.AppendReport(ctx, vessels.Report{MMSI: 412000001, Class: "A", Station: "jilin", NavStatus: 0, TrackPoint: p}); err != nil {
			tb.Fatal(err)
		}
	}
	for i, p := range vesselstest.Points(testNow.Add(-10*time.Minute), 3, time.Minute) {
		p.Lat += 1
		if i == 2 {
			p.SOG, p.COG, p.Heading = -1, -1, -1
		}
		if err := a.AppendReport(ctx, vessels.Report{MMSI: 412000002, Class: "B", NavStatus: -1, TrackPoint: p}); err != nil {
			tb.Fatal(err)
		}
	}
	for _, s := range []vessels.StaticRecord{
		{Time: testNow.Add(-3 * time.Hour), MMSI: 412000001, Name: "SONGHUA 1", CallSign: "BX1", ShipType: 70, Destination: "JILIN", Draught: 2.4, Persons: -1},
		{Time: testNow.Add(-time.Hour), MMSI: 412000001, Name: "SONGHUA 1", CallSign: "BX1", ShipType: 70, Destination: "SONGYUAN", Persons: 8},
	} {
		if _, err := a.AppendStatic(ctx, s); err != nil {
			tb.Fatal(err)
		}
	}
	// 22:xx on 30 June and 00:xx-01:xx on 1 July UTC are 06:xx-09:xx on 1
	// July in China Standard Time: one day there.
	for _, e := range []vessels.ZoneEntry{
		{Time: testNow.Add(-150 * time.Minute), Zone: "ferry-1", Kind: "ferry_crossing", MMSI: 412000001},
		{Time: testNow.Add(-110 * time.Minute), Zone: "ferry-1", Kind: "ferry_crossing", MMSI: 412000001},
		{Time: testNow.Add(-125 * time.Minute), Zone: "ferry-1", Kind: "ferry_crossing", MMSI: 412000002},
		{Time: testNow.Add(-30 * time.Minute), Zone: "quay-1", Kind: "quay", MMSI: 412000002},
	} {
		if err := a.AppendZoneEntry(ctx, e); err != nil {
			tb.Fatal(err)
		}
	}
	for _, r := range []vessels.AlertRecord{
		{Time: testNow.Add(-time.Hour), ID: "a1", Kind: "speeding", Zone: "quay-1", Severity: "warning", State: "open", MMSI: 412000001, Lat: 43.8, Lon: 126.5, Message: "超速 / speeding"},
		{Time: testNow.Add(-50 * time.Minute), ID: "a1", Kind: "speeding", Zone: "quay-1", Severity: "warning", State: "resolved", MMSI: 412000001, Lat: 43.8, Lon: 126.5},
		{Time: testNow.Add(-40 * time.Minute), ID: "a2", Kind: "collision_risk", Severity: "alarm", State: "open", MMSI: 412000002, OtherMMSI: 412000001, Lat: 44.8, Lon: 126.5},
	} {
		if err := a.AppendAlert(ctx, r); err != nil {
			tb.Fatal(err)
		}
	}
	live := vessels.Vessel{MMSI: 412000002, Name: "LIVE 2", ShipType: 52, Class: "B"}
	fx := newFixture(tb, func(_ *Config, d *Deps) { d.History = a }, live, vessels.Vessel{MMSI: 412000001, Name: "SONGHUA 1"})
	return fx, a
}

func ts(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }

func TestHistoryEndpoints(t *testing.T) {
	fx, _ := historyFixture(t)
	all := "since=" + ts(testNow.Add(-4*time.Hour)) + "&until=" + ts(testNow)
	for _, c := range []struct {
		name, target string
		status       int
		want         string
	}{
		{"track default hour", "/api/v1/vessels/412000001/track", 200, `"count":3601,"thinned":false`},
		{"track auto-thinned", "/api/v1/vessels/412000001/track?" + all, 200, `"count":12000,"thinned":true`},
		{"track thin 50", "/api/v1/vessels/412000001/track?" + all + "&thin=50", 200, `"thinned":true`},
		{"track thin off too large", "/api/v1/vessels/412000001/track?" + all + "&thin=off", 400,
			`{"error":"bad parameter \"thin\": the window holds 12000 points, more than 10000 unthinned: narrow since/until or leave thin= out"}`},
		{"track thin off", "/api/v1/vessels/412000002/track?thin=off", 200, `"count":3,"thinned":false`},
		{"track bad thin", "/api/v1/vessels/412000001/track?thin=1", 400, `bad parameter \"thin\"`},
		{"track bad since", "/api/v1/vessels/412000001/track?since=last+week", 400, `bad parameter \"since\"`},
		{"track inverted", "/api/v1/vessels/412000001/track?since=" + ts(testNow) + "&until=" + ts(testNow.Add(-time.Hour)), 400, `must not be before since`},
		{"track unknown", "/api/v1/vessels/412999999/track", 404, `{"error":"not found"}`},
		{"changes", "/api/v1/vessels/412000001/changes", 200,
			`{"mmsi":412000001,"changes":[{"at":"2025-07-01T01:00:00Z","name":"SONGHUA 1","callsign":"BX1","ship_type":70,"destination":"JILIN","draught_m":2.4,"persons":null},` +
				`{"at":"2025-07-01T03:00:00Z","name":"SONGHUA 1","callsign":"BX1","ship_type":70,"destination":"SONGYUAN","draught_m":null,"persons":8}]}`},
		{"changes since", "/api/v1/vessels/412000001/changes?since=2025-07-01T02:00:00Z", 200, `"changes":[{"at":"2025-07-01T03:00:00Z"`},
		{"changes live, none", "/api/v1/vessels/412000002/changes", 200, `{"mmsi":412000002,"changes":[]}`},
		{"changes unknown", "/api/v1/vessels/412999999/changes", 404, `{"error":"not found"}`},
		{"snapshot", "/api/v1/snapshot?at=2025-07-01T03:55:00Z", 200,
			`{"at":"2025-07-01T03:55:00Z","count":2,"vessels":[{"mmsi":412000001,"lat":`},
		{"snapshot live name", "/api/v1/snapshot?at=2025-07-01T03:55:00Z", 200,
			`"sog":null,"cog":null,"heading":null,"at":"2025-07-01T03:52:00Z","name":"LIVE 2","ship_type":52,"class":"B"}]}`},
		{"snapshot bbox", "/api/v1/snapshot?at=2025-07-01T03:55:00Z&bbox=126,44.5,127,45.5", 200, `"count":1,"vessels":[{"mmsi":412000002,`},
		{"snapshot lookback", "/api/v1/snapshot?at=2025-07-01T03:59:59Z&lookback=5s", 200, `"count":1,"vessels":[{"mmsi":412000001,`},
		{"snapshot before all", "/api/v1/snapshot?at=2025-06-01T00:00:00Z", 200, `{"at":"2025-06-01T00:00:00Z","count":0,"vessels":[]}`},
		{"snapshot no at", "/api/v1/snapshot", 400, `bad parameter \"at\": required`},
		{"snapshot bad lookback", "/api/v1/snapshot?at=2025-07-01T03:55:00Z&lookback=3d", 400, `bad parameter \"lookback\"`},
		{"snapshot bad bbox", "/api/v1/snapshot?at=2025-07-01T03:55:00Z&bbox=1,2,3", 400, `bad parameter \"bbox\"`},
		{"stats zones", "/api/v1/stats/zones?since=2025-07-01T01:00:00Z&until=2025-07-01T03:59:00Z&zone=ferry-1", 200,
			`{"since":"2025-07-01T01:00:00Z","until":"2025-07-01T03:59:00Z","every":"1h","zones":[{"zone_id":"ferry-1","kind":"ferry_crossing","entries":3,"vessels":2,"buckets":[` +
				`{"start":"2025-07-01T01:00:00Z","entries":2,"vessels":2},{"start":"2025-07-01T02:00:00Z","entries":1,"vessels":1},{"start":"2025-07-01T03:00:00Z","entries":0,"vessels":0}]}]}`},
		{"stats zones per day", "/api/v1/stats/zones?since=2025-06-30T00:00:00Z&until=2025-07-01T04:00:00Z&every=1d", 200,
			`"buckets":[{"start":"2025-06-29T16:00:00Z","entries":0,"vessels":0},{"start":"2025-06-30T16:00:00Z","entries":3,"vessels":2}]},{"zone_id":"quay-1"`},
		{"stats zones bad every", "/api/v1/stats/zones?every=5m", 400, `bad parameter \"every\"`},
		{"stats zones too many", "/api/v1/stats/zones?since=2000-01-01T00:00:00Z", 400, `buckets of 1h are more than 10000`},
		{"stats zones bad until", "/api/v1/stats/zones?until=soon", 400, `bad parameter \"until\"`},
		{"alerts history", "/api/v1/alerts/history", 200, `{"count":3,"alerts":[{"at":"2025-07-01T03:20:00Z","id":"a2","kind":"collision_risk","severity":"alarm","state":"open","mmsi":412000002,"other_mmsi":412000001,`},
		{"alerts history kind", "/api/v1/alerts/history?kind=speeding&limit=1", 200, `{"count":1,"alerts":[{"at":"2025-07-01T03:10:00Z","id":"a1","kind":"speeding","zone_id":"quay-1","severity":"warning","state":"resolved"`},
		{"alerts history mmsi", "/api/v1/alerts/history?mmsi=412000002", 200, `{"count":1,`},
		{"alerts history zone", "/api/v1/alerts/history?zone=quay-1&since=2025-07-01T03:00:00Z&until=2025-07-01T03:00:00Z", 200, `{"count":1,"alerts":[{"at":"2025-07-01T03:00:00Z","id":"a1"`},
		{"alerts history bad mmsi", "/api/v1/alerts/history?mmsi=x", 400, `bad parameter \"mmsi\"`},
		{"alerts history bad limit", "/api/v1/alerts/history?limit=0", 400, `bad parameter \"limit\"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := fx.do(t, "GET", c.target, nil)
			if r.status != c.status || !strings.Contains(r.body, c.want) {
				body := r.body
				if len(body) > 2000 {
					body = body[:2000] + "..."
				}
				t.Errorf("status %d body %s\nwant %d containing %s", r.status, body, c.status, c.want)
			}
		})
	}
}

// TestTrackThinnedIsRealReports checks that a thinned week-like track is a
// subset of the reports, in order, ending with the last one.
func TestTrackThinnedIsRealReports(t *testing.T) {
	fx, a := historyFixture(t)
	r := fx.do(t, "GET", "/api/v1/vessels/412000001/track?since="+ts(testNow.Add(-4*time.Hour))+"&until="+ts(testNow), nil)
	var got Track
	if err := json.Unmarshal([]byte(r.body), &got); err != nil {
		t.Fatalf("%v: %s", err, r.body[:min(len(r.body), 200)])
	}
	// 12,000 s of reports in a 4 h window of 5,000 windows of 2.88 s.
	if len(got.Points) < 4000 || len(got.Points) > ThinPoints+1 {
		t.Fatalf("auto-thinned to %d points, want 4,000 to %d", len(got.Points), ThinPoints)
	}
	all, err := a.Track(t.Context(), 412000001, time.Time{}, time.Time{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	j := 0
	for i, p := range got.Points {
		for j < len(all) && !all[j].Time.Equal(p.Time) {
			j++
		}
		if j == len(all) || all[j] != p {
			t.Fatalf("thinned point %d %+v is not a report in order", i, p)
		}
	}
	if last := got.Points[len(got.Points)-1]; !last.Time.Equal(testNow) {
		t.Errorf("last thinned point at %v, want the last report at %v", last.Time, testNow)
	}
}

// downHistory is a MemoryArchive whose backend says it is down.
type downHistory struct{ *vessels.MemoryArchive }

func (downHistory) Health() vessels.HistoryHealth {
	return vessels.HistoryHealth{Backend: "influxdb", LastError: "connection refused", Buffered: 12, Spilled: 5000, Dropped: 7}
}

func TestHealthzHistoryDegraded(t *testing.T) {
	fx := newFixture(t, func(_ *Config, d *Deps) {
		d.History = downHistory{vessels.NewMemoryArchive(vessels.HistoryConfig{})}
	})
	r := fx.do(t, "GET", "/healthz", nil)
	want := `"history":{"backend":"influxdb","ok":false,"last_error":"connection refused","buffered":12,"spilled":5000,"dropped":7,"written":0}`
	if r.status != 200 || !strings.HasPrefix(r.body, `{"status":"degraded"`) || !strings.Contains(r.body, want) {
		t.Errorf("healthz %d %s\nwant degraded with %s", r.status, r.body, want)
	}
}
