package main

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	goais "github.com/BertoldVdb/go-ais"

	"github.com/riverwatch/riverwatch/zones"
	"github.com/riverwatch/riverwatch/zones/waterway"
)

// Jilin City's quay on the Second Songhua, in the Songhua Lake station's
// area (zones/rescue's tests hold the hand-checked distances).
const quayLat, quayLon = 43.85083, 126.56028

// An alert on the river names the nearest station along the water, in the
// alert list and in its rescue view.
func TestAlertNamesItsRescueStation(t *testing.T) {
	// A restricted square 600 m across on the quay.
	d := 300.0 / 111_320
	k := math.Cos(quayLat * math.Pi / 180)
	sq := [][2]float64{{quayLon - d/k, quayLat - d}, {quayLon + d/k, quayLat - d}, {quayLon + d/k, quayLat + d}, {quayLon - d/k, quayLat + d}, {quayLon - d/k, quayLat - d}}
	fc := map[string]any{"type": "FeatureCollection", "features": []any{
		feature("quay-closed", "restricted", map[string]any{}, "Polygon", [][][2]float64{sq}),
	}}
	data, _ := json.Marshal(fc)
	zonesFile := filepath.Join(t.TempDir(), "zones.geojson")
	if err := os.WriteFile(zonesFile, data, 0o644); err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, "--zones", zonesFile)
	base := "http://" + srv.api.Addr()

	// A vessel sails east into the square, reporting every 10 s.
	const mmsi = 413222333
	c, err := net.Dial("udp", srv.sourceAddr(t, "udp"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := range 6 {
		lon := quayLon - (600-float64(i)*120)/(111_320*k)
		p := goais.PositionReport{Header: goais.Header{MessageID: 1, UserID: mmsi}, Valid: true, Sog: 7, Cog: 90, TrueHeading: 90,
			Longitude: goais.FieldLatLonFine(lon), Latitude: goais.FieldLatLonFine(quayLat), Timestamp: 60}
		at := time.Now().Add(-time.Duration(5-i) * 10 * time.Second)
		line := tagBlock(fmt.Sprintf("s:e2e,c:%d", at.UnixMilli())) + mustEncode(t, p, 0)[0]
		if _, err := c.Write([]byte(line + "\r\n")); err != nil {
			t.Fatal(err)
		}
	}
	waitAlert(t, base, zones.AlertRestrictedEntry, mmsi, 5*time.Second)

	var list struct {
		Alerts []struct {
			ID          string   `json:"id"`
			StationID   string   `json:"station_id"`
			StationETAS *float64 `json:"station_eta_s"`
		} `json:"alerts"`
	}
	getJSON(t, base+fmt.Sprintf("/api/v1/alerts?mmsi=%d&kind=restricted_entry", mmsi), &list)
	if len(list.Alerts) != 1 || list.Alerts[0].StationID != "rs-songhua-lake" || list.Alerts[0].StationETAS == nil {
		t.Fatalf("alerts %+v, want one naming rs-songhua-lake with its ETA", list.Alerts)
	}
	var r struct {
		AlertID string `json:"alert_id"`
		Station struct {
			ID     string `json:"id"`
			NameZH string `json:"name_zh"`
		} `json:"station"`
		DistanceM   float64      `json:"distance_m"`
		ETAS        float64      `json:"eta_s"`
		BoatSpeedKn float64      `json:"boat_speed_kn"`
		Path        [][2]float64 `json:"path"`
		Cameras     []any        `json:"cameras"`
	}
	id := list.Alerts[0].ID
	if code := getJSON(t, base+"/api/v1/alerts/"+id+"/rescue", &r); code != 200 {
		t.Fatalf("rescue: %d", code)
	}
	// About 32 km up the river at 25 kn: some 42 minutes.
	if r.AlertID != id || r.Station.ID != "rs-songhua-lake" || r.Station.NameZH != "松花湖水上救助站" ||
		r.DistanceM < 30000 || r.DistanceM > 35000 || r.BoatSpeedKn != 25 || r.Cameras == nil || len(r.Path) < 10 {
		t.Errorf("rescue %+v", r)
	}
	if math.Abs(r.ETAS-*list.Alerts[0].StationETAS) > 60 || math.Abs(r.ETAS-r.DistanceM/(25*1852.0/3600)) > 1 {
		t.Errorf("eta %v s (list %v) for %v m at 25 kn", r.ETAS, *list.Alerts[0].StationETAS, r.DistanceM)
	}
	t.Logf("%s: %s, %.1f km along the river, %.0f min", id, r.Station.ID, r.DistanceM/1000, r.ETAS/60)
}

// The tile and rescue settings come from the YAML file, RIVERWATCH_*
// variables and flags like every other; a speed or range of zero or less
// is refused when serve starts.
func TestBoardExtrasConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rw.yaml")
	yaml := "tiles_mbtiles: /srv/jilin.mbtiles\ntiles_gcj02: true\nrescue_speed_kn: 30\ncamera_range_m: 1500\n"
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := parseServe([]string{"--config", path, "--camera-range", "900"}, testEnv(map[string]string{"RIVERWATCH_RESCUE_BOAT_SPEED": "18"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.TilesMBTiles != "/srv/jilin.mbtiles" || !cfg.TilesGCJ02 || cfg.RescueSpeedKn != 18 || cfg.CameraRangeM != 900 {
		t.Errorf("config %+v", cfg)
	}
	def, err := parseServe(nil, testEnv(nil))
	if err != nil || def.RescueSpeedKn != 25 || def.CameraRangeM != 2000 || def.TilesGCJ02 || def.TilesMBTiles != "" {
		t.Errorf("defaults %+v, %v", def, err)
	}
	for _, args := range [][]string{{"--rescue-boat-speed", "0"}, {"--camera-range", "-5"}} {
		cfg, err := parseServe(args, testEnv(nil))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := openBoardExtras(t.Context(), cfg, nil, nil, nil); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	water, err := waterway.Load()
	if err != nil {
		t.Fatal(err)
	}
	missing := DefaultConfig()
	missing.TilesMBTiles = filepath.Join(t.TempDir(), "none.mbtiles")
	if _, err := openBoardExtras(t.Context(), missing, water, nil, slog.New(slog.DiscardHandler)); err == nil {
		t.Error("a missing MBTiles file accepted")
	}
}
