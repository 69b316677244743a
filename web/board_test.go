package web

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/paulmach/orb"

	"github.com/riverwatch/riverwatch/ais/aistest"
	"github.com/riverwatch/riverwatch/web/browsertest"
	"github.com/riverwatch/riverwatch/zones"
)

const xssName = `<img src=x onerror=alert(1)>`

var cst = time.FixedZone("CST", 8*3600) // China has kept UTC+8 without DST since 1991

// boardVessels is the fixture fleet around Jilin City, with now as the
// time of the last report.
func boardVessels(now time.Time) []vesselJSON {
	seen := now.Add(-5 * time.Second)
	return []vesselJSON{
		{
			MMSI: 413000001, Class: "A", Name: "JI HANG 101", CallSign: "BJHA1", ShipType: 60,
			Destination: "JILIN PORT", ETA: "06-01 08:30", Length: 45, Beam: 9, Draught: 2.1,
			Lat: ptr(43.86), Lon: ptr(126.56), SOG: ptr(8.2), COG: ptr(44.5), Heading: ptr(45), NavStatus: 0,
			Inland:   &inlandJSON{ENI: "04300001", Length: 45.2, Beam: 9.1, ERIType: 8440, Loaded: "loaded"},
			Persons:  &personsJSON{Crew: ptr(6), Passengers: ptr(120)},
			LastSeen: seen, PositionAt: seen, StaticAt: now.Add(-5 * time.Minute), Station: "JL-01",
		},
		{
			MMSI: 413000002, Class: "A", Name: "SONGHUA CARGO 7", CallSign: "BJSC7", ShipType: 70,
			Lat: ptr(43.80), Lon: ptr(126.62), SOG: ptr(5.0), COG: ptr(200.0), NavStatus: 0,
			LastSeen: seen, PositionAt: seen, Station: "JL-01",
		},
		{
			MMSI: 413000003, Class: "B", Name: "LAKE DRIFTER", ShipType: 37,
			Lat: ptr(43.90), Lon: ptr(126.50), NavStatus: 5, LastSeen: seen, PositionAt: seen, Station: "JL-02",
		},
		{
			MMSI: 413000004, Class: "A", Name: xssName, CallSign: `<b>X</b>`, ShipType: 80,
			Destination: `<script>alert(2)</script>`, Lat: ptr(43.83), Lon: ptr(126.70), SOG: ptr(3.0),
			COG: ptr(300.0), Heading: ptr(300), Flags: []string{"position_jump"}, NavStatus: 0,
			LastSeen: seen, PositionAt: seen, Station: `"><svg onload=alert(3)>`,
		},
		{
			MMSI: 413000005, Class: "A", Name: "OLD FISHER", ShipType: 30, Lat: ptr(43.93), Lon: ptr(126.66),
			SOG: ptr(0.0), Heading: ptr(10), NavStatus: 7, LastSeen: now.Add(-20 * time.Minute),
			PositionAt: now.Add(-20 * time.Minute), Station: "JL-01", Stale: true,
		},
		{
			MMSI: 413000006, Class: "A", Name: "NO FIX", ShipType: 52, NavStatus: 5,
			Flags: []string{"position_unavailable"}, LastSeen: seen, Station: "JL-01",
		},
		{
			MMSI: 992136001, Class: "aton", Name: "BUOY 3", Lat: ptr(43.87), Lon: ptr(126.47),
			NavStatus: 15, LastSeen: seen, PositionAt: seen, Station: "JL-01",
		},
	}
}

// boardWaterways is a small FeatureCollection with one feature of each kind.
func boardWaterways(tb testing.TB) []byte {
	tb.Helper()
	pt := func(kind, id, zh, en string, lon, lat float64) map[string]any {
		return map[string]any{"type": "Feature",
			"properties": map[string]any{"kind": kind, "id": id, "name_zh": zh, "name_en": en},
			"geometry":   map[string]any{"type": "Point", "coordinates": []float64{lon, lat}}}
	}
	fc := map[string]any{"type": "FeatureCollection", "features": []any{
		map[string]any{"type": "Feature",
			"properties": map[string]any{"kind": "river", "id": "river-a", "name_zh": "第二松花江", "name_en": "Second Songhua River"},
			"geometry": map[string]any{"type": "LineString", "coordinates": [][]float64{
				{126.40, 43.70}, {126.52, 43.80}, {126.55, 43.85}, {126.60, 43.95}, {126.75, 44.10}}}},
		map[string]any{"type": "Feature",
			"properties": map[string]any{"kind": "river", "id": "river-b", "name_zh": "支流", "name_en": "Tributary"},
			"geometry": map[string]any{"type": "LineString", "coordinates": [][]float64{
				{126.80, 43.80}, {126.70, 43.88}, {126.60, 43.95}}}},
		map[string]any{"type": "Feature",
			"properties": map[string]any{"kind": "lake", "id": "lake-a", "name_zh": "松花湖", "name_en": "Songhua Lake"},
			"geometry": map[string]any{"type": "Polygon", "coordinates": [][][]float64{{
				{126.60, 43.68}, {126.75, 43.68}, {126.75, 43.75}, {126.60, 43.75}, {126.60, 43.68}}}}},
		pt("quay", "q-a", "吉林港", "Jilin quay", 126.52, 43.80),
		pt("rescue_station", "rs-a", "吉林水上救助站", "Jilin water rescue station", 126.60, 43.95),
		pt("bridge", "b-a", "测试大桥", "Test bridge", 126.40, 43.70),
		pt("ferry_crossing", "f-a", "测试渡口", "Test ferry", 126.75, 44.10),
	}}
	b, err := json.Marshal(fc)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// drawn is the expression of what the canvas drew for a vessel: {x, y,
// shape, rot, state, cat, cls, flagged}, or {} when it is not drawn.
func drawn(mmsi uint32) string { return fmt.Sprintf(`(rw.fleet.drawn(%d) || {})`, mmsi) }
func row(mmsi uint32) string   { return fmt.Sprintf(`.row[data-mmsi="%d"]`, mmsi) }

// drawnCount is the number of vessels drawn as symbols of their own.
const drawnCount = `Number(document.getElementById('map').dataset.vesselsDrawn || -1)`

func count(sel string) string { return fmt.Sprintf(`document.querySelectorAll(%q).length`, sel) }

func text(sel string) string {
	return fmt.Sprintf(`(document.querySelector(%q) || {textContent: null}).textContent`, sel)
}

// markerXY is where on the page the canvas drew a vessel.
func markerXY(tb testing.TB, ctx context.Context, mmsi uint32) (x, y float64) {
	tb.Helper()
	// Read where the last frame drew it once no frame is pending and the
	// map is at rest.
	browsertest.WaitJS(tb, ctx, "the canvas at rest", `rw.fleet.layer.frame === 0 && !document.getElementById('map').dataset.moving`)
	xy := browsertest.Eval[[]float64](tb, ctx, fmt.Sprintf(`(() => { const d = rw.fleet.drawn(%d);
		const m = document.getElementById('map').getBoundingClientRect();
		return d ? [m.left + d.x, m.top + d.y] : []; })()`, mmsi))
	if len(xy) != 2 {
		tb.Fatalf("vessel %d is not drawn", mmsi)
	}
	return xy[0], xy[1]
}

// clickRow clicks a vessel's row in the list and waits for its card; a
// click that opens nothing fails with what the page showed (a repaint
// between press and release once lost such clicks).
func clickRow(tb testing.TB, ctx context.Context, log *browsertest.PageLog, mmsi uint32, title string) {
	tb.Helper()
	want := fmt.Sprintf(`%s === %q`, text(".details-title"), title)
	browsertest.Do(tb, ctx, fmt.Sprintf("click row %d", mmsi), chromedp.Click(chromedp.CSS(row(mmsi))))
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if browsertest.Eval[bool](tb, ctx, want) {
			return
		}
	}
	errs, _ := log.Snapshot()
	got := browsertest.Eval[string](tb, ctx, `JSON.stringify([`+text(".details-title")+`, rw.fleet.selected, document.querySelectorAll('.row').length])`)
	tb.Fatalf("row %d: no card %q after a click; page shows %s, errors %q", mmsi, title, got, errs)
}

// clickVessel clicks the canvas where a vessel is drawn, as a user would.
func clickVessel(tb testing.TB, ctx context.Context, mmsi uint32) {
	tb.Helper()
	x, y := markerXY(tb, ctx, mmsi)
	browsertest.Do(tb, ctx, fmt.Sprintf("click vessel %d", mmsi), chromedp.MouseClickXY(x, y))
}

// hoverVessel moves the mouse over a vessel.
func hoverVessel(tb testing.TB, ctx context.Context, mmsi uint32) {
	tb.Helper()
	x, y := markerXY(tb, ctx, mmsi)
	browsertest.Do(tb, ctx, fmt.Sprintf("hover vessel %d", mmsi), chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x, y))
}

func TestBoard(t *testing.T) {
	ctx, log := browsertest.New(t)
	now := time.Now().UTC().Truncate(time.Second)
	fleet := boardVessels(now)
	api := newFakeAPI(t, boardWaterways(t), fleet, map[uint32][]trackPointJSON{
		413000001: {
			{Time: now.Add(-3 * time.Minute), Lat: 43.84, Lon: 126.54, SOG: 8, COG: 45, Heading: 45},
			{Time: now.Add(-2 * time.Minute), Lat: 43.85, Lon: 126.55, SOG: 8, COG: 45, Heading: 45},
			{Time: now.Add(-5 * time.Second), Lat: 43.86, Lon: 126.56, SOG: 8.2, COG: 44.5, Heading: 45},
		},
	})

	browsertest.Do(t, ctx, "open board", chromedp.Navigate(api.url()))
	browsertest.WaitJS(t, ctx, "live connection", `document.getElementById('conn').dataset.state === 'live'`)
	if got := browsertest.Eval[string](t, ctx, text("#conn")); got != "已连接 Live" {
		t.Errorf("connection label = %q", got)
	}

	t.Run("markers", func(t *testing.T) {
		browsertest.WaitJS(t, ctx, "6 vessels drawn", drawnCount+` === 6`)
		if browsertest.Eval[bool](t, ctx, `rw.fleet.drawn(413000006) !== null`) {
			t.Error("vessel without position is drawn")
		}
		if browsertest.Eval[int](t, ctx, count(row(413000006))) != 1 {
			t.Error("vessel without position is not in the list")
		}
		checks := []struct{ name, expr string }{
			{"heading rotates", drawn(413000001) + `.rot === 45 && ` + drawn(413000001) + `.shape === 'arrow'`},
			{"COG when no heading", drawn(413000002) + `.rot === 200`},
			{"passenger colour", drawn(413000001) + `.cat === 'passenger'`},
			{"cargo colour", drawn(413000002) + `.cat === 'cargo'`},
			{"class B smaller", drawn(413000003) + `.cls === 'B' && ` + drawn(413000003) + `.cat === 'pleasure'`},
			{"circle when no direction", drawn(413000003) + `.shape === 'dot'`},
			{"flagged", drawn(413000004) + `.flagged && ` + drawn(413000004) + `.cat === 'tanker'`},
			{"stale", drawn(413000005) + `.state === 'stale' && ` + drawn(413000005) + `.cat === 'fishing'`},
			{"under way", drawn(413000001) + `.state === 'underway'`},
			{"moored", drawn(413000003) + `.state === 'moored'`},
			{"AtoN diamond", drawn(992136001) + `.shape === 'aton'`},
		}
		for _, c := range checks {
			if !browsertest.Eval[bool](t, ctx, c.expr) {
				t.Errorf("%s: %s is false; drawn %v", c.name, c.expr, browsertest.Eval[map[string]any](t, ctx, `(() => { const o = {}; for (const [m] of rw.fleet.records) o[m] = rw.fleet.drawn(m); return o; })()`))
			}
		}
	})

	t.Run("waterways without tiles", func(t *testing.T) {
		browsertest.WaitJS(t, ctx, "waterway layer", `document.body.dataset.waterways === '7'`)
		for sel, want := range map[string]int{
			"path.waterway-river": 2, "path.waterway-lake": 1, "#map .wp-rescue_station": 1,
			"#map .wp-quay": 1, "#map .wp-bridge": 1, "#map .wp-ferry_crossing": 1, ".leaflet-tile": 0,
		} {
			if got := browsertest.Eval[int](t, ctx, count(sel)); got != want {
				t.Errorf("%s: %d elements, want %d", sel, got, want)
			}
		}
		browsertest.Eval[bool](t, ctx, `document.querySelector('#map .wp-rescue_station').dispatchEvent(new MouseEvent('mouseover', {bubbles: true}))`)
		browsertest.WaitJS(t, ctx, "rescue station tooltip", `[...document.querySelectorAll('.leaflet-tooltip')].some(e => e.textContent.includes('吉林水上救助站') && e.textContent.includes('Jilin water rescue station'))`)
		browsertest.Eval[bool](t, ctx, `document.querySelector('#map .wp-rescue_station').dispatchEvent(new MouseEvent('mouseout', {bubbles: true}))`)
	})

	t.Run("attacker text stays text", func(t *testing.T) {
		if got := browsertest.Eval[string](t, ctx, text(row(413000004)+` .row-name`)); got != xssName {
			t.Errorf("list shows %q, want the name literally", got)
		}
		hoverVessel(t, ctx, 413000004)
		browsertest.WaitJS(t, ctx, "vessel tooltip", fmt.Sprintf(`[...document.querySelectorAll('.vessel-tip')].some(e => e.textContent === %q)`, xssName))
		if !browsertest.Eval[bool](t, ctx, fmt.Sprintf(`rw.fleet.layer.labels.includes(%q)`, xssName)) {
			t.Errorf("map labels %q lack the name as text", browsertest.Eval[[]string](t, ctx, `rw.fleet.layer.labels`))
		}
		clickRow(t, ctx, log, 413000004, xssName)
		for field, want := range map[string]string{
			"callsign": `<b>X</b>`, "destination": `<script>alert(2)</script>`, "station": `"><svg onload=alert(3)>`,
			"flags": "位置跳变 Position jump",
		} {
			if got := browsertest.Eval[string](t, ctx, text(`[data-field="`+field+`"]`)); got != want {
				t.Errorf("details %s = %q, want %q", field, got, want)
			}
		}
		for _, sel := range []string{"img", "script:not([src])", "b", "svg[onload]", "[onerror]"} {
			if n := browsertest.Eval[int](t, ctx, count(sel)); n != 0 {
				t.Errorf("%d %s elements in the page", n, sel)
			}
		}
		if _, dialogs := log.Snapshot(); len(dialogs) > 0 {
			t.Errorf("dialogs opened: %q", dialogs)
		}
	})

	t.Run("search filters the list", func(t *testing.T) {
		cases := []struct {
			name, query string
			want        []uint32
		}{
			{"name", "ji hang", []uint32{413000001}},
			{"call sign", "bjsc", []uint32{413000002}},
			{"mmsi", "992136", []uint32{992136001}},
			{"markup", "<img", []uint32{413000004}},
			{"none", "zzz", nil},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				browsertest.Eval[bool](t, ctx, fmt.Sprintf(`(() => { const s = document.getElementById('search'); s.value = %q; return s.dispatchEvent(new Event('input')); })()`, c.query))
				got := browsertest.Eval[[]uint32](t, ctx, `[...document.querySelectorAll('.row')].map(r => Number(r.dataset.mmsi))`)
				if fmt.Sprint(got) != fmt.Sprint(c.want) && !(len(got) == 0 && len(c.want) == 0) {
					t.Errorf("search %q lists %v, want %v", c.query, got, c.want)
				}
				if len(c.want) == 0 && !strings.Contains(browsertest.Eval[string](t, ctx, text("#list")), "无匹配 No match") {
					t.Error("no 'no match' note")
				}
			})
		}
		browsertest.Eval[bool](t, ctx, `(() => { const s = document.getElementById('search'); s.value = ''; return s.dispatchEvent(new Event('input')); })()`)
		browsertest.Do(t, ctx, "type a query", chromedp.SendKeys(chromedp.CSS("#search"), "LAKE"))
		browsertest.WaitJS(t, ctx, "typed search", `document.querySelectorAll('.row').length === 1`)
		browsertest.Eval[bool](t, ctx, `(() => { const s = document.getElementById('search'); s.value = ''; return s.dispatchEvent(new Event('input')); })()`)
		names := browsertest.Eval[[]string](t, ctx, `[...document.querySelectorAll('.row .row-name')].map(e => e.textContent)`)
		want := []string{xssName, "BUOY 3", "JI HANG 101", "LAKE DRIFTER", "NO FIX", "OLD FISHER", "SONGHUA CARGO 7"}
		if fmt.Sprint(names) != fmt.Sprint(want) {
			t.Errorf("list order %q, want %q", names, want)
		}
		if got := browsertest.Eval[string](t, ctx, text("#list-count")); got != "7" {
			t.Errorf("list count %q, want 7", got)
		}
	})

	t.Run("details in CST with track", func(t *testing.T) {
		clickRow(t, ctx, log, 413000001, "JI HANG 101")
		seen := now.Add(-5 * time.Second).In(cst).Format("2006-01-02 15:04:05")
		last := browsertest.Eval[string](t, ctx, text(`[data-field="last_seen"]`))
		if !strings.Contains(last, seen) || !strings.Contains(last, "北京时间 CST") || !strings.Contains(last, "秒前 s ago") {
			t.Errorf("last seen %q, want %s 北京时间 CST and 'x 秒前 s ago'", last, seen)
		}
		for field, want := range map[string]string{
			"ship_type": "60 客船 Passenger", "nav_status": "0 在航（使用发动机） Under way using engine",
			"sog": "8.2 kn", "heading": "45°", "eri_type": "8440 客船 Passenger ship", "crew": "6",
			"personnel": "—", "imo": "—", "class": "A 类 Class A", "loaded": "满载 Loaded",
		} {
			if got := browsertest.Eval[string](t, ctx, text(`[data-field="`+field+`"]`)); got != want {
				t.Errorf("details %s = %q, want %q", field, got, want)
			}
		}
		browsertest.WaitJS(t, ctx, "track", count("path.vessel-track")+` === 1 && `+text(`[data-field="track"]`)+`.includes('3 点')`)
		// A marker click selects too; the map was centred on 413000001.
		browsertest.WaitJS(t, ctx, "map at rest", `!document.getElementById('map').dataset.moving`)
		clickVessel(t, ctx, 413000002)
		browsertest.WaitJS(t, ctx, "details of clicked marker", text(".details-title")+` === 'SONGHUA CARGO 7'`)
		if got := browsertest.Eval[string](t, ctx, text(`[data-field="heading"]`)); got != "—" {
			t.Errorf("missing heading shown as %q, want —", got)
		}
		browsertest.Do(t, ctx, "back to 413000001", chromedp.Click(chromedp.CSS(row(413000001))))
		browsertest.WaitJS(t, ctx, "details", text(".details-title")+` === 'JI HANG 101'`)
		browsertest.Screenshot(t, ctx, "")
	})

	t.Run("live update moves the marker", func(t *testing.T) {
		x0, y0 := markerXY(t, ctx, 413000001)
		v := fleet[0]
		v.Lat, v.Lon, v.Heading, v.SOG = ptr(43.88), ptr(126.60), ptr(90), ptr(9.5)
		api.push(map[string]any{"type": "update", "vessel": v, "at": now})
		browsertest.WaitJS(t, ctx, "turned marker", drawn(413000001)+`.rot === 90`)
		x1, y1 := markerXY(t, ctx, 413000001)
		if !(x1 > x0 && y1 < y0) {
			t.Errorf("marker went from (%v,%v) to (%v,%v), want east and north", x0, y0, x1, y1)
		}
		browsertest.WaitJS(t, ctx, "details follow", text(`[data-field="sog"]`)+` === '9.5 kn' && `+text(`[data-field="track"]`)+`.includes('4 点')`)

		s := fleet[2]
		s.Stale = true
		api.push(map[string]any{"type": "stale", "vessel": s, "at": now})
		browsertest.WaitJS(t, ctx, "greyed", drawn(413000003)+`.state === 'stale'`)
	})

	t.Run("lost removes the vessel", func(t *testing.T) {
		api.push(map[string]any{"type": "lost", "vessel": fleet[1]})
		browsertest.WaitJS(t, ctx, "marker gone", `rw.fleet.drawn(413000002) === null && `+drawnCount+` === 5 && `+count(row(413000002))+` === 0`)
		browsertest.WaitJS(t, ctx, "count", text("#counts")+`.startsWith('船舶 Vessels 6 ')`)
	})

	t.Run("reconnects and resyncs", func(t *testing.T) {
		api.setRefuse(true)
		api.dropAll()
		browsertest.WaitJS(t, ctx, "reconnecting", text("#conn")+` === '重连中 Reconnecting'`)
		api.setRefuse(false)
		browsertest.WaitJS(t, ctx, "live again", `document.getElementById('conn').dataset.state === 'live'`)
		browsertest.WaitJS(t, ctx, "snapshot restores the fleet", drawnCount+` === 6 && rw.fleet.drawn(413000002) !== null`)
	})

	t.Run("closing details clears the track", func(t *testing.T) {
		browsertest.Do(t, ctx, "close", chromedp.Click(chromedp.CSS("#details .close")))
		browsertest.WaitJS(t, ctx, "closed", `document.getElementById('details').hidden && `+count("path.vessel-track")+` === 0 && `+count(".row.selected")+` === 0 && rw.fleet.selected === null`)
		browsertest.Do(t, ctx, "reopen", chromedp.Click(chromedp.CSS(row(413000003))))
		browsertest.WaitJS(t, ctx, "reopened", text(".details-title")+` === 'LAKE DRIFTER'`)
		browsertest.Do(t, ctx, "escape", chromedp.KeyEvent(kb.Escape))
		browsertest.WaitJS(t, ctx, "closed by Escape", `document.getElementById('details').hidden`)
	})

	t.Run("fits 1366x768", func(t *testing.T) {
		if w := browsertest.Eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 1366 {
			t.Errorf("page is %d px wide", w)
		}
		if h := browsertest.Eval[int](t, ctx, `document.documentElement.scrollHeight`); h > 768 {
			t.Errorf("page is %d px high", h)
		}
	})

	browsertest.CheckClean(t, ctx, log)
}

// TestBoardRealWaterways draws the shared Jilin waterways file and checks
// every feature is on the map.
func TestBoardRealWaterways(t *testing.T) {
	path := aistest.SharedFile(t, "geo/jilin-waterways.geojson")
	ctx, log := browsertest.New(t)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	api := newFakeAPI(t, data, nil, nil)
	api.config["center"], api.config["zoom"] = []float64{43.4, 126.6}, 7
	browsertest.Do(t, ctx, "open board", chromedp.Navigate(api.url()))
	browsertest.WaitJS(t, ctx, "waterway layer", `document.body.dataset.waterways === '37'`)
	for sel, want := range map[string]int{
		"path.waterway-river": 5, "path.waterway-lake": 4, "#map .wp-rescue_station": 8,
		"#map .wp-quay": 10, "#map .wp-ferry_crossing": 2, "#map .wp-bridge": 8,
	} {
		if got := browsertest.Eval[int](t, ctx, count(sel)); got != want {
			t.Errorf("%s: %d elements, want %d", sel, got, want)
		}
	}
	browsertest.WaitJS(t, ctx, "live connection", `document.getElementById('conn').dataset.state === 'live'`)
	browsertest.WaitJS(t, ctx, "no vessels", text("#list")+`.includes('暂无船舶 No vessels') && `+text("#counts")+`.startsWith('船舶 Vessels 0 ')`)
	browsertest.Screenshot(t, ctx, "-waterways")
	browsertest.CheckClean(t, ctx, log)
}

// boardZones has one zone of every kind around Jilin City; names are
// attacker-free but one carries markup to prove it stays text.
func boardZones() []zones.Zone {
	box := func(w, s, e, n float64) orb.Polygon {
		return orb.Polygon{{{w, s}, {e, s}, {e, n}, {w, n}, {w, s}}}
	}
	return []zones.Zone{
		{ID: "ferry-1", Name: "Jiangnan ferry", NameZH: "江南渡口", Kind: zones.KindFerryCrossing, BufferM: 250,
			Geom: orb.LineString{{126.545, 43.845}, {126.575, 43.865}}},
		{ID: "quay-1", Name: "Jilin quay", NameZH: "吉林港码头", Kind: zones.KindQuay, RadiusM: 400, Geom: orb.Point{126.52, 43.80}},
		{ID: "dam-1", Name: "Fengman dam", NameZH: xssName, Kind: zones.KindRestricted, Geom: box(126.66, 43.70, 126.72, 43.74)},
		{ID: "bridge-1", Name: "Test bridge", NameZH: "测试大桥", Kind: zones.KindBridge, Geom: box(126.395, 43.695, 126.405, 43.705)},
		{ID: "border-1", Name: "Boundary", NameZH: "国境线", Kind: zones.KindBorder, Geom: orb.LineString{{126.30, 43.98}, {126.45, 44.02}, {126.60, 44.05}}},
		{ID: "speed-1", Name: "City reach", NameZH: "市区限速段", Kind: zones.KindSpeedLimit, SpeedLimitKn: 6, Geom: box(126.58, 43.78, 126.64, 43.82)},
		{ID: "anchor-1", Name: "North anchorage", NameZH: "北锚地", Kind: zones.KindAnchorage, RadiusM: 600, Geom: orb.Point{126.48, 43.92}},
		{ID: "section-1", Name: "Upper reach", NameZH: "上游航段", Kind: zones.KindRiverSection, BufferM: 150,
			Geom: orb.LineString{{126.40, 43.70}, {126.52, 43.80}}},
		{ID: "lake-1", Name: "Songhua Lake", NameZH: "松花湖", Kind: zones.KindLake, Geom: box(126.60, 43.68, 126.75, 43.75)},
	}
}

func boardAlert(id string, kind zones.AlertKind, sev zones.Severity, mmsi uint32, zone string, lat, lon float64, at time.Time) zones.Alert {
	return zones.Alert{ID: id, Key: id, Kind: kind, Severity: sev, MMSI: mmsi, ZoneID: zone, Lat: lat, Lon: lon,
		MessageZH: "测试告警", MessageEN: "test alert", State: zones.StateOpen, OpenedAt: at, UpdatedAt: at}
}

func TestBoardZonesAndAlerts(t *testing.T) {
	ctx, log := browsertest.New(t)
	now := time.Now().UTC().Truncate(time.Second)
	fleet := boardVessels(now)
	api := newFakeAPI(t, boardWaterways(t), fleet, nil)
	api.setZones(boardZones())
	day := 24 * time.Hour
	bans := []zones.Ban{
		{ID: "ban-fog", ZoneIDs: []string{"speed-1"}, Kind: zones.BanRestrict, Reason: zones.ReasonFog,
			From: now.Add(-time.Hour), Until: now.Add(5 * time.Hour), CreatedBy: "officer", CreatedAt: now},
		{ID: "ban-ice", ZoneIDs: []string{"section-1"}, Kind: zones.BanProhibit, Reason: zones.ReasonIce, Yearly: true, // last year's dates: this season
			From: now.AddDate(-1, 0, 0).Add(-10 * day), Until: now.AddDate(-1, 0, 0).Add(10 * day), CreatedBy: "officer", CreatedAt: now},
		{ID: "ban-old", ZoneIDs: []string{"lake-1"}, Kind: zones.BanProhibit, Reason: zones.ReasonWind,
			From: now.Add(-5 * time.Hour), Until: now.Add(-time.Hour), CreatedBy: "officer", CreatedAt: now},
		{ID: "ban-lifted", ZoneIDs: []string{"anchor-1"}, Kind: zones.BanProhibit, Reason: zones.ReasonFlood,
			From: now.Add(-time.Hour), Until: now.Add(time.Hour), LiftedBy: "officer", LiftedAt: now.Add(-time.Minute), CreatedBy: "officer", CreatedAt: now},
	}
	speeding := boardAlert("alert-1", zones.AlertSpeeding, zones.SeverityWarning, 413000001, "quay-1", 43.86, 126.56, now.Add(-10*time.Minute))
	speeding.MessageZH = xssName
	api.setAlerts([]zones.Alert{speeding}, bans)

	browsertest.Do(t, ctx, "open board", chromedp.Navigate(api.url()))
	browsertest.WaitJS(t, ctx, "live connection", `document.getElementById('conn').dataset.state === 'live'`)
	browsertest.WaitJS(t, ctx, "zones drawn", `document.body.dataset.zones === '9'`)

	t.Run("zones by kind", func(t *testing.T) {
		for _, k := range zones.Kinds {
			if n := browsertest.Eval[int](t, ctx, count(`#map path.zone-`+string(k))); n != 1 {
				t.Errorf("%s: %d paths, want 1", k, n)
			}
		}
		checks := map[string]string{
			"border dashed red":     `(() => { const p = document.querySelector('path.zone-border'); return p.getAttribute('stroke-dasharray') === '10 7' && p.getAttribute('stroke') === '#dc2626' && p.getAttribute('fill') === 'none'; })()`,
			"ferry band":            `document.querySelector('path[data-zone="ferry-1"]').classList.contains('zone-band') && Number(document.querySelector('path[data-zone="ferry-1"]').getAttribute('stroke-width')) >= 4`,
			"quay circle":           `document.querySelector('path[data-zone="quay-1"]').classList.contains('zone-area') && document.querySelector('path[data-zone="quay-1"]').getAttribute('d').includes('a')`,
			"restricted filled red": `document.querySelector('path.zone-restricted').getAttribute('fill') === '#b91c1c'`,
			"legend":                `[...document.querySelectorAll('.zone-legend-item')].map(e => e.textContent).join('|') === '渡口 Ferry crossing|码头 Quay|禁航区 Restricted|桥梁 Bridge|国境线 Border|限速区 Speed limit|锚地 Anchorage|航段 River section|湖泊 Lake|禁航中 Under ban'`,
		}
		for name, expr := range checks {
			if !browsertest.Eval[bool](t, ctx, expr) {
				t.Errorf("%s: %s is false", name, expr)
			}
		}
		// A band is as wide as its buffer: twice as wide one zoom level in.
		w0 := browsertest.Eval[float64](t, ctx, `Number(document.querySelector('path[data-zone="ferry-1"]').getAttribute('stroke-width'))`)
		browsertest.Do(t, ctx, "zoom in", chromedp.Click(chromedp.CSS(".leaflet-control-zoom-in")))
		browsertest.WaitJS(t, ctx, "band rescaled", fmt.Sprintf(`Number(document.querySelector('path[data-zone="ferry-1"]').getAttribute('stroke-width')) > %v`, w0*1.5))
		browsertest.WaitJS(t, ctx, "map at rest", `!document.getElementById('map').dataset.moving`)
	})

	t.Run("banned zones hatched", func(t *testing.T) {
		browsertest.WaitJS(t, ctx, "two banned", `document.body.dataset.bannedZones === '2'`)
		if !browsertest.Eval[bool](t, ctx, `!!document.querySelector('.leaflet-pane svg defs pattern#zone-hatch')`) {
			t.Error("no hatch pattern")
		}
		for id, want := range map[string]string{
			"speed-1":   `p.getAttribute('fill') === 'url(#zone-hatch)' && p.classList.contains('zone-banned') && p.getAttribute('stroke-dasharray') === '8 4'`,
			"section-1": `p.getAttribute('stroke') === 'url(#zone-hatch)' && p.classList.contains('zone-banned')`, // the yearly ice season
			"lake-1":    `p.getAttribute('fill') === '#2563eb' && !p.classList.contains('zone-banned')`,           // its ban has ended
			"anchor-1":  `!p.classList.contains('zone-banned')`,                                                   // lifted early
		} {
			expr := fmt.Sprintf(`(() => { const p = document.querySelector('path[data-zone=%q]'); return %s; })()`, id, want)
			if !browsertest.Eval[bool](t, ctx, expr) {
				t.Errorf("%s: %s is false", id, want)
			}
		}
		browsertest.Eval[bool](t, ctx, `document.querySelector('path[data-zone="speed-1"]').dispatchEvent(new MouseEvent('mouseover', {bubbles: true, clientX: 600, clientY: 400}))`)
		browsertest.WaitJS(t, ctx, "ban in tooltip", `[...document.querySelectorAll('.leaflet-tooltip')].some(e => e.textContent.includes('市区限速段') && e.textContent.includes('限航 Navigation restricted · 大雾 Fog · 至 until'))`)
		browsertest.Eval[bool](t, ctx, `document.querySelector('path[data-zone="speed-1"]').dispatchEvent(new MouseEvent('mouseout', {bubbles: true}))`)

		lake := bans[2]
		lake.ID, lake.Until = "ban-lake", now.Add(time.Hour)
		api.push(map[string]any{"type": "ban_set", "ban": lake, "at": now})
		browsertest.WaitJS(t, ctx, "lake hatched live", `document.querySelector('path[data-zone="lake-1"]').getAttribute('fill') === 'url(#zone-hatch)'`)
		lake.LiftedBy, lake.LiftedAt = "officer", now.Add(-time.Second)
		api.push(map[string]any{"type": "ban_lifted", "ban": lake, "at": now})
		browsertest.WaitJS(t, ctx, "lake unhatched", `document.querySelector('path[data-zone="lake-1"]').getAttribute('fill') === '#2563eb' && document.body.dataset.bannedZones === '2'`)
		browsertest.Screenshot(t, ctx, "-zones-overview")
	})

	t.Run("alert panel", func(t *testing.T) {
		browsertest.WaitJS(t, ctx, "snapshot alert", count(`.alert[data-id="alert-1"]`)+` === 1`)
		for sel, want := range map[string]string{
			`.alert[data-id="alert-1"] .alert-sev`:    "警告 Warning",
			`.alert[data-id="alert-1"] .alert-kind`:   "超速 Speeding",
			`.alert[data-id="alert-1"] .alert-vessel`: "JI HANG 101 · MMSI 413000001",
			`.alert[data-id="alert-1"] .alert-zone`:   "吉林港码头 Jilin quay",
			`.alert[data-id="alert-1"] .alert-time`:   now.Add(-10*time.Minute).In(cst).Format("2006-01-02 15:04:05") + " 北京时间 CST",
			`.alert[data-id="alert-1"] .alert-show`:   "在地图上显示 Show on map",
			`.alert[data-id="alert-1"] .alert-msg`:    xssName + " test alert",
			"#alert-count":                            "1",
		} {
			if got := browsertest.Eval[string](t, ctx, text(sel)); got != want {
				t.Errorf("%s = %q, want %q", sel, got, want)
			}
		}

		// A more severe alert arrives live and goes first.
		border := boardAlert("alert-2", zones.AlertBorderApproach, zones.SeverityAlarm, 413000002, "border-1", 43.80, 126.62, now)
		api.push(map[string]any{"type": "alert_opened", "alert": border, "at": now})
		browsertest.WaitJS(t, ctx, "live alert first", `[...document.querySelectorAll('.alert')].map(e => e.dataset.id).join() === 'alert-2,alert-1'`)
		if got := browsertest.Eval[string](t, ctx, text(`.alert[data-id="alert-2"] .alert-kind`)+` + ' / ' + `+text(`.alert[data-id="alert-2"] .alert-zone`)); got != "接近国境线 Border approach / 国境线 Boundary" {
			t.Errorf("live alert shows %q", got)
		}
		if got := browsertest.Eval[string](t, ctx, `document.getElementById('alert-count').dataset.severity`); got != "alarm" {
			t.Errorf("count colour %q, want alarm", got)
		}
		border.State, border.AckedBy = zones.StateAcknowledged, "officer"
		api.push(map[string]any{"type": "alert_acked", "alert": border, "at": now})
		browsertest.WaitJS(t, ctx, "acknowledged", text(`.alert[data-id="alert-2"] .alert-state`)+` === '已确认 Acknowledged'`)

		distress := boardAlert("alert-3", zones.AlertDistress, zones.SeverityCritical, 413000003, "", 43.90, 126.50, now)
		api.push(map[string]any{"type": "alert_opened", "alert": distress, "at": now})
		browsertest.WaitJS(t, ctx, "critical first", `document.querySelector('.alert').dataset.id === 'alert-3' && `+text("#alert-count")+` === '3'`)
		distress.State = zones.StateResolved
		api.push(map[string]any{"type": "alert_resolved", "alert": distress, "at": now})
		browsertest.WaitJS(t, ctx, "resolved leaves", count(`.alert[data-id="alert-3"]`)+` === 0 && `+text("#alert-count")+` === '2'`)
	})

	t.Run("show on map", func(t *testing.T) {
		browsertest.WaitJS(t, ctx, "map at rest", `!document.getElementById('map').dataset.moving`)
		before := browsertest.Eval[[]float64](t, ctx, `(() => { const r = document.querySelector('path.alert-focus'); return [r ? 1 : 0]; })()`)
		if before[0] != 0 {
			t.Fatal("focus ring before any click")
		}
		browsertest.Do(t, ctx, "show alert-2", chromedp.Click(chromedp.CSS(`.alert[data-id="alert-2"] .alert-show`)))
		browsertest.WaitJS(t, ctx, "vessel picked", text(".details-title")+` === 'SONGHUA CARGO 7' && rw.fleet.selected === 413000002`)
		browsertest.WaitJS(t, ctx, "map at rest", `!document.getElementById('map').dataset.moving`)
		// The alert lies in the middle of the map left of the details panel's right edge... of what it leaves free.
		pos := browsertest.Eval[[]float64](t, ctx, `(() => {
			const m = document.getElementById('map').getBoundingClientRect();
			const r = document.querySelector('path.alert-focus').getBoundingClientRect();
			const d = document.getElementById('details').getBoundingClientRect();
			return [r.left + r.width / 2 - m.left, r.top + r.height / 2 - m.top, d.right - m.left, m.width, m.height];
		})()`)
		x, y, panelRight, w, h := pos[0], pos[1], pos[2], pos[3], pos[4]
		if wantX := (panelRight + w) / 2; x < wantX-30 || x > wantX+30 || y < h/2-30 || y > h/2+30 {
			t.Errorf("alert drawn at (%.0f,%.0f) of a %.0f×%.0f map, want about (%.0f,%.0f)", x, y, w, h, wantX, h/2)
		}
		if z := browsertest.Eval[float64](t, ctx, `Number(document.querySelector('.leaflet-control-scale-line') ? 1 : 0)`); z != 1 {
			t.Error("no scale")
		}
		if !browsertest.Eval[bool](t, ctx, `document.querySelector('.alert[data-id="alert-2"]').classList.contains('selected')`) {
			t.Error("alert not marked as shown")
		}
		browsertest.Screenshot(t, ctx, "-zones")
	})

	t.Run("zone changes reload", func(t *testing.T) {
		served := api.zonesServed()
		zs := boardZones()
		zs = append(zs, zones.Zone{ID: "anchor-2", Name: "South anchorage", NameZH: "南锚地", Kind: zones.KindAnchorage, RadiusM: 300, Geom: orb.Point{126.55, 43.78}})
		api.setZones(zs)
		api.push(map[string]any{"type": "zone_put", "zone_id": "anchor-2", "at": now})
		browsertest.WaitJS(t, ctx, "ten zones", `document.body.dataset.zones === '10' && `+count(`path[data-zone="anchor-2"]`)+` === 1`)
		if api.zonesServed() != served+1 {
			t.Errorf("zones fetched %d times after one change", api.zonesServed()-served)
		}
		// The bans still apply to the redrawn zones.
		browsertest.WaitJS(t, ctx, "hatch kept", `document.querySelector('path[data-zone="speed-1"]').getAttribute('fill') === 'url(#zone-hatch)'`)
	})

	t.Run("text stays text", func(t *testing.T) {
		for _, sel := range []string{"img", "script:not([src])", "[onerror]"} {
			if n := browsertest.Eval[int](t, ctx, count(sel)); n != 0 {
				t.Errorf("%d %s elements in the page", n, sel)
			}
		}
	})

	t.Run("fits 1366x768", func(t *testing.T) {
		if h := browsertest.Eval[int](t, ctx, `document.documentElement.scrollHeight`); h > 768 {
			t.Errorf("page is %d px high", h)
		}
	})
	browsertest.CheckClean(t, ctx, log)
}
