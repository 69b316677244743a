package web

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/riverwatch/riverwatch/ais/aistest"
	"github.com/riverwatch/riverwatch/web/browsertest"
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
			Lat: ptr(43.90), Lon: ptr(126.50), NavStatus: 15, LastSeen: seen, PositionAt: seen, Station: "JL-02",
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

func marker(mmsi uint32) string { return fmt.Sprintf(`.vessel-marker[data-mmsi="%d"]`, mmsi) }
func row(mmsi uint32) string    { return fmt.Sprintf(`.row[data-mmsi="%d"]`, mmsi) }

func count(sel string) string { return fmt.Sprintf(`document.querySelectorAll(%q).length`, sel) }

func text(sel string) string {
	return fmt.Sprintf(`(document.querySelector(%q) || {textContent: null}).textContent`, sel)
}

var translate = regexp.MustCompile(`translate3d\((-?[\d.]+)px, (-?[\d.]+)px`)

// markerXY is the pixel position Leaflet gave a vessel's marker.
func markerXY(tb testing.TB, ctx context.Context, mmsi uint32) (x, y float64) {
	tb.Helper()
	tr := browsertest.Eval[string](tb, ctx, fmt.Sprintf(`document.querySelector(%q).parentElement.style.transform`, marker(mmsi)))
	m := translate.FindStringSubmatch(tr)
	if m == nil {
		tb.Fatalf("marker %d transform %q", mmsi, tr)
	}
	x, _ = strconv.ParseFloat(m[1], 64)
	y, _ = strconv.ParseFloat(m[2], 64)
	return x, y
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
		browsertest.WaitJS(t, ctx, "6 markers", count(".vessel-marker")+` === 6`)
		if browsertest.Eval[int](t, ctx, count(marker(413000006))) != 0 {
			t.Error("vessel without position has a marker")
		}
		if browsertest.Eval[int](t, ctx, count(row(413000006))) != 1 {
			t.Error("vessel without position is not in the list")
		}
		checks := []struct{ name, expr string }{
			{"heading rotates", marker(413000001) + `[data-rot="45"]`},
			{"COG when no heading", marker(413000002) + `[data-rot="200"]`},
			{"passenger colour", marker(413000001) + `.cat-passenger`},
			{"cargo colour", marker(413000002) + `.cat-cargo`},
			{"class B smaller", marker(413000003) + `.cls-b.cat-pleasure`},
			{"circle when no direction", marker(413000003) + ` circle`},
			{"flagged", marker(413000004) + `.flagged.cat-tanker`},
			{"stale", marker(413000005) + `.stale.cat-fishing`},
			{"AtoN diamond", marker(992136001) + ` path`},
		}
		for _, c := range checks {
			if browsertest.Eval[int](t, ctx, count(c.expr)) != 1 {
				t.Errorf("%s: no element matches %s", c.name, c.expr)
			}
		}
		if browsertest.Eval[int](t, ctx, count(marker(413000003)+` path`)) != 0 {
			t.Error("vessel with no heading or COG drawn as an arrow")
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
		browsertest.Eval[bool](t, ctx, fmt.Sprintf(`document.querySelector(%q).parentElement.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}))`, marker(413000004)))
		browsertest.WaitJS(t, ctx, "vessel tooltip", fmt.Sprintf(`[...document.querySelectorAll('.vessel-tip')].some(e => e.textContent === %q)`, xssName))
		browsertest.Do(t, ctx, "open details", chromedp.Click(chromedp.CSS(row(413000004))))
		browsertest.WaitJS(t, ctx, "details", fmt.Sprintf(`%s === %q`, text(".details-title"), xssName))
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
		browsertest.Do(t, ctx, "click row", chromedp.Click(chromedp.CSS(row(413000001))))
		browsertest.WaitJS(t, ctx, "details", text(".details-title")+` === 'JI HANG 101'`)
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
		browsertest.Do(t, ctx, "click marker", chromedp.Click(chromedp.CSS(marker(413000002))))
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
		browsertest.WaitJS(t, ctx, "turned marker", count(marker(413000001)+`[data-rot="90"]`)+` === 1`)
		x1, y1 := markerXY(t, ctx, 413000001)
		if !(x1 > x0 && y1 < y0) {
			t.Errorf("marker went from (%v,%v) to (%v,%v), want east and north", x0, y0, x1, y1)
		}
		browsertest.WaitJS(t, ctx, "details follow", text(`[data-field="sog"]`)+` === '9.5 kn' && `+text(`[data-field="track"]`)+`.includes('4 点')`)

		s := fleet[2]
		s.Stale = true
		api.push(map[string]any{"type": "stale", "vessel": s, "at": now})
		browsertest.WaitJS(t, ctx, "greyed", count(marker(413000003)+`.stale`)+` === 1`)
	})

	t.Run("lost removes the vessel", func(t *testing.T) {
		api.push(map[string]any{"type": "lost", "vessel": fleet[1]})
		browsertest.WaitJS(t, ctx, "marker gone", count(marker(413000002))+` === 0 && `+count(row(413000002))+` === 0`)
		browsertest.WaitJS(t, ctx, "count", text("#counts")+`.startsWith('船舶 Vessels 6 ')`)
	})

	t.Run("reconnects and resyncs", func(t *testing.T) {
		api.setRefuse(true)
		api.dropAll()
		browsertest.WaitJS(t, ctx, "reconnecting", text("#conn")+` === '重连中 Reconnecting'`)
		api.setRefuse(false)
		browsertest.WaitJS(t, ctx, "live again", `document.getElementById('conn').dataset.state === 'live'`)
		browsertest.WaitJS(t, ctx, "snapshot restores the fleet", count(".vessel-marker")+` === 6 && `+count(marker(413000002))+` === 1`)
	})

	t.Run("closing details clears the track", func(t *testing.T) {
		browsertest.Do(t, ctx, "close", chromedp.Click(chromedp.CSS("#details .close")))
		browsertest.WaitJS(t, ctx, "closed", `document.getElementById('details').hidden && `+count("path.vessel-track")+` === 0 && `+count(".row.selected, .vessel-marker.selected")+` === 0`)
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
