package api

import (
	"context"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/riverwatch/riverwatch/zones"
)

// AlertList is the body of GET /api/v1/alerts.
type AlertList struct {
	Count  int           `json:"count"`
	Alerts []zones.Alert `json:"alerts"`
}

var alertStates = []zones.AlertState{zones.StateOpen, zones.StateAcknowledged, zones.StateResolved}

// alertFilter builds the alert filter from the query: state, kind, mmsi,
// zone, since (RFC 3339 or unix seconds) and limit (default MaxLimit).
func alertFilter(q queryGetter) (zones.AlertFilter, error) {
	f := zones.AlertFilter{Limit: MaxLimit}
	var err error
	if v := q("state"); v != "" {
		i := slices.Index(alertStates, zones.AlertState(v))
		if i < 0 {
			return f, badParam("state", "want open (with acknowledged ones), acknowledged or resolved, got %s", quote(v))
		}
		f.State = alertStates[i]
	}
	if v := q("kind"); v != "" {
		i := slices.Index(zones.AlertKinds, zones.AlertKind(v))
		if i < 0 {
			return f, badParam("kind", "want one of %s, got %s", alertKindNames(), quote(v))
		}
		f.Kind = zones.AlertKinds[i]
	}
	if v := q("mmsi"); v != "" {
		if f.MMSI, err = parseMMSI(v); err != nil {
			return f, err
		}
	}
	if v := q("zone"); v != "" {
		if len(v) > maxIDLen {
			return f, badParam("zone", "at most %d characters", maxIDLen)
		}
		f.ZoneID = strings.Clone(v)
	}
	if v := q("since"); v != "" {
		if f.Since, err = parseTime("since", v); err != nil {
			return f, err
		}
	}
	if v := q("limit"); v != "" {
		if f.Limit, err = parseLimit(v); err != nil {
			return f, err
		}
	}
	return f, nil
}

func alertKindNames() string {
	names := make([]string, len(zones.AlertKinds))
	for i, k := range zones.AlertKinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

func (s *Server) listAlerts(c *fiber.Ctx) error {
	f, err := alertFilter(c.Query)
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	list, err := s.deps.Zones.Alerts(ctx, f)
	if err != nil {
		return err
	}
	if list == nil {
		list = []zones.Alert{}
	}
	return c.JSON(AlertList{Count: len(list), Alerts: list})
}

func (s *Server) getAlert(c *fiber.Ctx) error {
	return s.alertCall(c, func(ctx context.Context, id, _ string) (zones.Alert, error) {
		return s.deps.Zones.Alert(ctx, id)
	})
}

func (s *Server) ackAlert(c *fiber.Ctx) error { return s.alertCall(c, s.deps.Zones.Ack) }

func (s *Server) resolveAlert(c *fiber.Ctx) error { return s.alertCall(c, s.deps.Zones.Resolve) }

// alertCall runs one call on the path's alert and answers with the alert.
func (s *Server) alertCall(c *fiber.Ctx, call func(ctx context.Context, id, by string) (zones.Alert, error)) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	a, err := call(ctx, id, by(c))
	if err != nil {
		return err
	}
	return c.JSON(a)
}
