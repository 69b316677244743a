package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/paulmach/orb/geojson"

	"github.com/riverwatch/riverwatch/vessels"
	"github.com/riverwatch/riverwatch/zones"
)

// ZoneWatch is the zones service the API reads and changes; *zones.Watch
// implements it. Every method taking a ctx returns zones.ErrUnavailable
// (wrapped) when the state store cannot be reached; by is the name of the
// officer making a change.
type ZoneWatch interface {
	// Zones returns every zone (default, file and API ones) in id order.
	Zones() []zones.Zone
	// Zone returns one zone, or zones.ErrNotFound.
	Zone(id string) (zones.Zone, error)
	// PutZone creates or replaces an API zone and returns it as stored:
	// zones.ErrInvalid for a zone it rejects, zones.ErrConflict when id is
	// a built-in (default or file) zone.
	PutZone(ctx context.Context, z zones.Zone, by string) (zones.Zone, error)
	// DeleteZone removes an API zone: zones.ErrNotFound, or
	// zones.ErrConflict for a built-in zone.
	DeleteZone(ctx context.Context, id, by string) error
	// ZoneVessels returns the MMSIs inside a zone now, or zones.ErrNotFound
	// for an unknown zone.
	ZoneVessels(ctx context.Context, id string) ([]uint32, error)

	// Bans returns every ban kept.
	Bans(ctx context.Context) ([]zones.Ban, error)
	// Ban returns one ban, or zones.ErrNotFound.
	Ban(ctx context.Context, id string) (zones.Ban, error)
	// SetBan validates and stores a new ban, assigning its ID, CreatedBy
	// and CreatedAt: zones.ErrInvalid for a ban it rejects (unknown zone,
	// until before from, unknown kind or reason).
	SetBan(ctx context.Context, b zones.Ban, by string) (zones.Ban, error)
	// LiftBan ends a ban early: zones.ErrNotFound, or zones.ErrConflict if
	// it was lifted or has ended.
	LiftBan(ctx context.Context, id, by string) (zones.Ban, error)

	// Alerts returns the alerts f selects, most recently updated first.
	Alerts(ctx context.Context, f zones.AlertFilter) ([]zones.Alert, error)
	// Alert returns one alert, or zones.ErrNotFound.
	Alert(ctx context.Context, id string) (zones.Alert, error)
	// Ack marks an alert seen: zones.ErrNotFound, or zones.ErrConflict if
	// it is resolved.
	Ack(ctx context.Context, id, by string) (zones.Alert, error)
	// Resolve closes an alert: zones.ErrNotFound, or zones.ErrConflict if
	// it is resolved already.
	Resolve(ctx context.Context, id, by string) (zones.Alert, error)

	// Subscribe calls fn for every alert, ban and zone change made by any
	// process, until unsubscribe is called; fn must never block, and the
	// API's never does.
	Subscribe(fn func(zones.Event)) (unsubscribe func())

	// Health reports the zone state store: up or down, and what waits to
	// be written to it.
	Health() zones.Health
	// SetPersons records an officer's count of persons on board a vessel
	// for the overcrowding rule; negative forgets it.
	SetPersons(mmsi uint32, persons int)
}

const mimeGeoJSON = "application/geo+json"

// ZoneVessels is the body of GET /api/v1/zones/{id}/vessels: the MMSIs
// inside the zone, and the records of those the live picture holds.
type ZoneVessels struct {
	ZoneID  string           `json:"zone_id"`
	Count   int              `json:"count"`
	MMSI    []uint32         `json:"mmsi"`
	Vessels []vessels.Vessel `json:"vessels"`
}

// by is the name changes are recorded under: the principal's.
func by(c *fiber.Ctx) string {
	p, _ := PrincipalOf(c)
	return strings.Clone(p.Name)
}

// pathID is a path parameter that may be kept beyond the request (fiber's
// values alias its buffers), bounded like a zone id.
func pathID(c *fiber.Ctx) (string, error) {
	id := c.Params("id")
	if id == "" || len(id) > maxIDLen {
		return "", badParam("id", "want 1 to %d characters, got %s", maxIDLen, quote(id))
	}
	return strings.Clone(id), nil
}

// maxIDLen bounds zone, ban and alert ids in paths and queries.
const maxIDLen = 64

func sendGeoJSON(c *fiber.Ctx, status int, data []byte) error {
	c.Set(fiber.HeaderContentType, mimeGeoJSON)
	return c.Status(status).Send(data)
}

// zoneJSON is a zone as the audit log keeps it: its GeoJSON Feature.
func zoneJSON(z zones.Zone) any {
	data, err := z.Feature().MarshalJSON()
	if err != nil {
		return nil
	}
	return json.RawMessage(data)
}

func sendFeature(c *fiber.Ctx, status int, z zones.Zone) error {
	data, err := z.Feature().MarshalJSON()
	if err != nil {
		return fmt.Errorf("api: zone %s: %w", z.ID, err)
	}
	return sendGeoJSON(c, status, data)
}

func (s *Server) listZones(c *fiber.Ctx) error {
	list := s.deps.Zones.Zones()
	if v := c.Query("kind"); v != "" {
		k := zones.Kind(v)
		if !slices.Contains(zones.Kinds, k) {
			return badParam("kind", "want one of %s, got %s", kindNames(), quote(v))
		}
		list = slices.DeleteFunc(slices.Clone(list), func(z zones.Zone) bool { return z.Kind != k })
	}
	data, err := zones.MarshalZones(list)
	if err != nil {
		return fmt.Errorf("api: zones: %w", err)
	}
	return sendGeoJSON(c, fiber.StatusOK, data)
}

func kindNames() string {
	names := make([]string, len(zones.Kinds))
	for i, k := range zones.Kinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

func (s *Server) getZone(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	z, err := s.deps.Zones.Zone(id)
	if err != nil {
		return err
	}
	return sendFeature(c, fiber.StatusOK, z)
}

// createZone stores a new API zone from a GeoJSON Feature; an id in use is
// a conflict (PUT replaces).
func (s *Server) createZone(c *fiber.Ctx) error {
	if err := jsonBody(c); err != nil {
		return err
	}
	z, err := zones.ParseZone(c.Body())
	if err != nil {
		return err
	}
	if _, err := s.deps.Zones.Zone(z.ID); err == nil {
		return fmt.Errorf("%w: zone %q exists; PUT /api/v1/zones/%s replaces it", zones.ErrConflict, z.ID, z.ID)
	} else if !errors.Is(err, zones.ErrNotFound) {
		return err
	}
	return s.storeZone(c, z, fiber.StatusCreated)
}

// putZone creates or replaces the API zone of the path's id. The body's id
// may be left out; if given it must be the path's.
func (s *Server) putZone(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := jsonBody(c); err != nil {
		return err
	}
	if err := zones.CheckPositions(c.Body()); err != nil {
		return err
	}
	f, err := geojson.UnmarshalFeature(c.Body())
	if err != nil {
		return fmt.Errorf("%w: not a GeoJSON Feature: %v", zones.ErrInvalid, err)
	}
	if f.Properties == nil {
		f.Properties = geojson.Properties{}
	}
	body := ""
	if v, ok := f.Properties["id"]; ok && v != nil && v != "" {
		body = fmt.Sprint(v)
	} else if f.ID != nil && f.ID != "" {
		body = fmt.Sprint(f.ID)
	}
	if body != "" && body != id {
		return bodyError("id %s in the body is not %s of the path", quote(body), quote(id))
	}
	f.Properties["id"] = id
	z, err := zones.FromFeature(f)
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if _, err := s.deps.Zones.Zone(id); errors.Is(err, zones.ErrNotFound) {
		status = fiber.StatusCreated
	} else if err != nil {
		return err
	}
	return s.storeZone(c, z, status)
}

func (s *Server) storeZone(c *fiber.Ctx, z zones.Zone, status int) error {
	z.Source = "api" // whatever the body claimed
	var before any
	if old, err := s.deps.Zones.Zone(z.ID); err == nil {
		before = zoneJSON(old)
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	stored, err := s.deps.Zones.PutZone(ctx, z, by(c))
	if err != nil {
		return err
	}
	s.audit(c, ActionZonePut, "zone:"+stored.ID, before, zoneJSON(stored))
	if status == fiber.StatusCreated {
		c.Location("/api/v1/zones/" + url.PathEscape(stored.ID))
	}
	return sendFeature(c, status, stored)
}

func (s *Server) deleteZone(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var before any
	if old, err := s.deps.Zones.Zone(id); err == nil {
		before = zoneJSON(old)
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	if err := s.deps.Zones.DeleteZone(ctx, id, by(c)); err != nil {
		return err
	}
	s.audit(c, ActionZoneDelete, "zone:"+id, before, nil)
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) zoneVessels(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	mmsis, err := s.deps.Zones.ZoneVessels(ctx, id)
	if err != nil {
		return err
	}
	out := ZoneVessels{ZoneID: id, Count: len(mmsis), MMSI: mmsis, Vessels: []vessels.Vessel{}}
	if out.MMSI == nil {
		out.MMSI = []uint32{}
	}
	for _, mmsi := range mmsis {
		v, err := s.deps.Vessels.Vessel(ctx, mmsi)
		if errors.Is(err, vessels.ErrNotFound) {
			continue // inside by the zone state, gone from the live picture
		}
		if err != nil {
			return err
		}
		out.Vessels = append(out.Vessels, v)
	}
	return c.JSON(out)
}

// zoneRoutes registers the zones, bans and alerts endpoints; every change
// needs RoleOfficer.
func (s *Server) zoneRoutes(v1 fiber.Router) {
	v1.Get("/zones", s.listZones)
	v1.Post("/zones", s.requireOfficer, s.createZone)
	v1.Get("/zones/:id", s.getZone)
	v1.Put("/zones/:id", s.requireOfficer, s.putZone)
	v1.Delete("/zones/:id", s.requireOfficer, s.deleteZone)
	v1.Get("/zones/:id/vessels", s.zoneVessels)
	v1.Get("/bans", s.listBans)
	v1.Post("/bans", s.requireOfficer, s.setBan)
	v1.Get("/bans/:id", s.getBan)
	v1.Delete("/bans/:id", s.requireOfficer, s.liftBan)
	v1.Get("/alerts", s.listAlerts)
	v1.Get("/alerts/:id", s.getAlert)
	v1.Post("/alerts/:id/ack", s.requireAcker, s.ackAlert)
	v1.Post("/alerts/:id/resolve", s.requireOfficer, s.resolveAlert)
	v1.Put("/vessels/:mmsi/persons", s.requireOfficer, s.setPersons)
}
