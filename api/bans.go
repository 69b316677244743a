package api

import (
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/riverwatch/riverwatch/zones"
)

// BanView is a ban as the API shows it: the stored ban and whether it is
// in force at the time of the response.
type BanView struct {
	zones.Ban
	Active bool `json:"active"`
}

// BanList is the body of GET /api/v1/bans.
type BanList struct {
	Count int       `json:"count"`
	Bans  []BanView `json:"bans"`
}

// BanRequest is the body of POST /api/v1/bans. The service assigns the id
// and records who set it and when.
type BanRequest struct {
	ZoneIDs      []string        `json:"zone_ids"`
	Kind         zones.BanKind   `json:"kind"`   // prohibit | restrict
	Reason       zones.BanReason `json:"reason"` // wind | fog | ice | flood | night | event | other
	From         string          `json:"from"`   // RFC 3339
	Until        string          `json:"until"`  // RFC 3339
	AllowedTypes []int           `json:"allowed_types"`
	AppliesTo    []int           `json:"applies_to"`
	MaxSpeedKn   float64         `json:"max_speed_kn"`
	Yearly       bool            `json:"yearly"`
	Note         string          `json:"note"`
}

func banView(b zones.Ban, now time.Time) BanView {
	return BanView{Ban: b, Active: b.ActiveAt(now)}
}

func (s *Server) listBans(c *fiber.Ctx) error {
	var active *bool
	if v := c.Query("active"); v != "" {
		var err error
		if active, err = parseBool("active", v); err != nil {
			return err
		}
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	bans, err := s.deps.Zones.Bans(ctx)
	if err != nil {
		return err
	}
	now := s.cfg.Now()
	out := BanList{Bans: make([]BanView, 0, len(bans))}
	for _, b := range bans {
		v := banView(b, now)
		if active == nil || v.Active == *active {
			out.Bans = append(out.Bans, v)
		}
	}
	out.Count = len(out.Bans)
	return c.JSON(out)
}

func (s *Server) getBan(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	b, err := s.deps.Zones.Ban(ctx, id)
	if err != nil {
		return err
	}
	return c.JSON(banView(b, s.cfg.Now()))
}

func (s *Server) setBan(c *fiber.Ctx) error {
	var req BanRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	b := zones.Ban{
		ZoneIDs: req.ZoneIDs, Kind: req.Kind, Reason: req.Reason, Note: req.Note,
		AllowedTypes: req.AllowedTypes, AppliesTo: req.AppliesTo, MaxSpeedKn: req.MaxSpeedKn, Yearly: req.Yearly,
	}
	var err error
	if b.From, err = banTime("from", req.From); err != nil {
		return err
	}
	if b.Until, err = banTime("until", req.Until); err != nil {
		return err
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	stored, err := s.deps.Zones.SetBan(ctx, b, by(c))
	if err != nil {
		return err
	}
	s.audit(c, ActionBanSet, "ban:"+stored.ID, nil, stored)
	c.Location("/api/v1/bans/" + url.PathEscape(stored.ID))
	return c.Status(fiber.StatusCreated).JSON(banView(stored, s.cfg.Now()))
}

// banTime reads a ban's from or until: RFC 3339 with a zone offset, so that
// an officer's 08:00 is never taken as UTC by accident. Empty is left for
// the service to reject as missing.
func banTime(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if y := t.UTC().Year(); err != nil || y < 1 || y > 9999 {
		return time.Time{}, bodyError("field %q: want an RFC 3339 time such as 2026-04-01T08:00:00+08:00, got %s", field, quote(s))
	}
	return t, nil
}

// liftBan ends a ban early and returns it as lifted.
func (s *Server) liftBan(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	before, err := s.deps.Zones.Ban(ctx, id)
	if err != nil {
		return err
	}
	b, err := s.deps.Zones.LiftBan(ctx, id, by(c))
	if err != nil {
		return err
	}
	s.audit(c, ActionBanLift, "ban:"+id, before, b)
	return c.JSON(banView(b, s.cfg.Now()))
}
