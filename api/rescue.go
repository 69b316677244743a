package api

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/riverwatch/riverwatch/zones"
	"github.com/riverwatch/riverwatch/zones/rescue"
)

// RescueLocator names the rescue station nearest a spot along the rivers;
// *rescue.Locator implements it.
type RescueLocator interface {
	// Stations lists the stations, sorted by id.
	Stations() []rescue.Station
	// Area is the station's share of the rivers, as MultiLineString lines.
	Area(id string) [][][2]float64
	// Nearest is the route from the nearest station, or an error wrapping
	// rescue.ErrNoStation.
	Nearest(lat, lon float64) (rescue.Route, error)
	// StationOf is the id of the station whose area the spot is in, "" if none.
	StationOf(lat, lon float64) string
	BoatSpeedKn() float64
	// Seeing lists the cameras that see the spot, nearest first.
	Seeing(lat, lon float64) []rescue.SeenBy
}

// RescueView is the body of GET /api/v1/alerts/{id}/rescue (and of
// /api/v1/rescue/nearest, without alert_id): who goes, how far along the
// water, how long it takes, the way, and the cameras that see the spot.
type RescueView struct {
	AlertID     string         `json:"alert_id,omitempty"`
	Station     RescueStation  `json:"station"`
	DistanceM   float64        `json:"distance_m"`
	OffsetM     float64        `json:"offset_m"` // of DistanceM, straight from the river line to the spot
	ETAS        float64        `json:"eta_s"`
	BoatSpeedKn float64        `json:"boat_speed_kn"`
	Path        [][2]float64   `json:"path"` // [lon, lat] from the station to the spot
	Cameras     []RescueCamera `json:"cameras"`
}

// RescueStation is a station as RescueView names it.
type RescueStation struct {
	ID     string  `json:"id"`
	Name   string  `json:"name"`
	NameZH string  `json:"name_zh"`
	Lat    float64 `json:"lat"`
	Lon    float64 `json:"lon"`
}

// RescueCamera is a camera that sees the spot.
type RescueCamera struct {
	ID        string  `json:"id"`
	Name      string  `json:"name"`
	NameZH    string  `json:"name_zh"`
	DistanceM float64 `json:"distance_m"`
}

// AlertView is an alert as the API lists it: the zones.Alert and the rescue
// station whose area it is in, with that station's boat time to it
// (absent when no station reaches the spot or no locator is configured).
type AlertView struct {
	zones.Alert
	StationID   string   `json:"station_id,omitempty"`
	StationETAS *float64 `json:"station_eta_s,omitempty"`
}

// rescueRoutes registers the rescue endpoints on /api/v1 when a locator is
// configured; without one they are unknown routes (404).
func (s *Server) rescueRoutes(v1 fiber.Router) {
	if s.deps.Rescue == nil {
		return
	}
	stations, err := stationsGeoJSON(s.deps.Rescue)
	if err != nil {
		// Only plain numbers and strings go in: it cannot fail.
		panic(fmt.Sprintf("api: rescue stations GeoJSON: %v", err))
	}
	sum := sha256.Sum256(stations)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	v1.Get("/rescue/stations", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "private, max-age=3600")
		c.Set(fiber.HeaderETag, etag)
		if c.Get(fiber.HeaderIfNoneMatch) == etag {
			return c.SendStatus(fiber.StatusNotModified)
		}
		c.Set(fiber.HeaderContentType, mimeGeoJSON)
		return c.Send(stations)
	})
	v1.Get("/rescue/nearest", s.rescueNearest)
	v1.Get("/alerts/:id/rescue", s.alertRescue)
}

// alertRescue answers GET /api/v1/alerts/{id}/rescue. A station account
// asking about another station's alert gets 404, as for a missing alert.
func (s *Server) alertRescue(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	p, _ := PrincipalOf(c)
	a, err := s.visibleAlert(ctx, p, id)
	if err != nil {
		return err
	}
	v, err := s.rescueView(c, a.Lat, a.Lon)
	if err != nil {
		return err
	}
	v.AlertID = a.ID
	return c.JSON(v)
}

// rescueNearest answers GET /api/v1/rescue/nearest?lat=..&lon=..: the
// same answer for any spot, for the board's "who would go here".
func (s *Server) rescueNearest(c *fiber.Ctx) error {
	lat, err := coordParam(c, "lat", 90)
	if err != nil {
		return err
	}
	lon, err := coordParam(c, "lon", 180)
	if err != nil {
		return err
	}
	v, err := s.rescueView(c, lat, lon)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func coordParam(c *fiber.Ctx, name string, limit float64) (float64, error) {
	v := c.Query(name)
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.Abs(f) > limit {
		return 0, badParam(name, "want degrees from -%g to %g, got %s", limit, limit, quote(v))
	}
	return f, nil
}

// rescueView is the answer for a spot, naming only the cameras the
// request's principal may watch: a station learns nothing of another
// station's cameras, not even their names.
func (s *Server) rescueView(c *fiber.Ctx, lat, lon float64) (RescueView, error) {
	r, err := s.deps.Rescue.Nearest(lat, lon)
	if err != nil {
		return RescueView{}, err
	}
	v := RescueView{
		Station: RescueStation{
			ID: r.Station.ID, Name: r.Station.Name, NameZH: r.Station.NameZH, Lat: r.Station.Lat, Lon: r.Station.Lon,
		},
		DistanceM:   math.Round(r.DistanceM),
		OffsetM:     math.Round(r.OffsetM),
		ETAS:        math.Round(r.ETA.Seconds()),
		BoatSpeedKn: s.deps.Rescue.BoatSpeedKn(),
		Path:        make([][2]float64, len(r.Path)),
		Cameras:     []RescueCamera{},
	}
	for i, p := range r.Path {
		v.Path[i] = [2]float64{round6(p[0]), round6(p[1])}
	}
	p, _ := PrincipalOf(c)
	for _, cam := range s.deps.Rescue.Seeing(lat, lon) {
		if !s.mayWatchCamera(p, cam.ID) {
			continue
		}
		v.Cameras = append(v.Cameras, RescueCamera{ID: cam.ID, Name: cam.Name, NameZH: cam.NameZH, DistanceM: math.Round(cam.DistanceM)})
	}
	return v, nil
}

func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }

// alertView is a as the API shows it, with its rescue station. It costs
// one Nearest (microseconds), so lists compute it for every alert.
func (s *Server) alertView(a zones.Alert) AlertView {
	v := AlertView{Alert: a}
	if s.deps.Rescue == nil {
		return v
	}
	if r, err := s.deps.Rescue.Nearest(a.Lat, a.Lon); err == nil {
		eta := math.Round(r.ETA.Seconds())
		v.StationID, v.StationETAS = r.Station.ID, &eta
	}
	return v
}

// alertViews is alertView over a list, never nil.
func (s *Server) alertViews(list []zones.Alert) []AlertView {
	out := make([]AlertView, len(list))
	for i, a := range list {
		out[i] = s.alertView(a)
	}
	return out
}

// alertStation is the id of the station whose area the alert is in, ""
// when none (or no locator): what a station account's alert filter
// compares with Principal.Station.
func (s *Server) alertStation(a *zones.Alert) string {
	if s.deps.Rescue == nil {
		return ""
	}
	return s.deps.Rescue.StationOf(a.Lat, a.Lon)
}

// stationsGeoJSON is the body of GET /api/v1/rescue/stations: every
// station as a Point feature and its area as a MultiLineString feature
// (kind "area", station_id).
func stationsGeoJSON(loc RescueLocator) ([]byte, error) {
	type geometry struct {
		Type        string `json:"type"`
		Coordinates any    `json:"coordinates"`
	}
	type feature struct {
		Type       string         `json:"type"`
		ID         string         `json:"id"`
		Geometry   geometry       `json:"geometry"`
		Properties map[string]any `json:"properties"`
	}
	fc := struct {
		Type        string    `json:"type"`
		BoatSpeedKn float64   `json:"boat_speed_kn"`
		Features    []feature `json:"features"`
	}{Type: "FeatureCollection", BoatSpeedKn: loc.BoatSpeedKn(), Features: []feature{}}
	for _, st := range loc.Stations() {
		fc.Features = append(fc.Features, feature{
			Type: "Feature", ID: st.ID,
			Geometry: geometry{"Point", [2]float64{st.Lon, st.Lat}},
			Properties: map[string]any{
				"kind": "rescue_station", "id": st.ID, "name": st.Name, "name_zh": st.NameZH, "river": st.River,
			},
		})
		area := loc.Area(st.ID)
		if area == nil {
			area = [][][2]float64{}
		}
		fc.Features = append(fc.Features, feature{
			Type: "Feature", ID: st.ID + "/area",
			Geometry:   geometry{"MultiLineString", area},
			Properties: map[string]any{"kind": "area", "station_id": st.ID, "name": st.Name, "name_zh": st.NameZH},
		})
	}
	return json.Marshal(fc)
}

// mayWatchCamera reports whether p may see the registered camera id; no
// camera, or no relay, is not seen.
func (s *Server) mayWatchCamera(p Principal, id string) bool {
	if s.deps.Cameras == nil {
		return false
	}
	info, err := s.deps.Cameras.Camera(id)
	return err == nil && mayWatch(p, info.Camera)
}
