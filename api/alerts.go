package api

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/riverwatch/riverwatch/zones"
)

// AlertList is the body of GET /api/v1/alerts.
type AlertList struct {
	Count  int         `json:"count"`
	Alerts []AlertView `json:"alerts"`
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

// listAlerts lists the alerts the filter selects; a station account sees
// those of its own area only.
func (s *Server) listAlerts(c *fiber.Ctx) error {
	f, err := alertFilter(c.Query)
	if err != nil {
		return err
	}
	p, _ := PrincipalOf(c)
	scope := stationScope(p)
	limit := f.Limit
	if scope != "" {
		f.Limit = MaxLimit // filtered below, then cut to the limit asked for
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	list, err := s.deps.Zones.Alerts(ctx, f)
	if err != nil {
		return err
	}
	if scope != "" {
		list = slices.DeleteFunc(list, func(a zones.Alert) bool { return s.alertStation(&a) != scope })
		list = list[:min(len(list), limit)]
	}
	views := s.alertViews(list)
	return c.JSON(AlertList{Count: len(views), Alerts: views})
}

// visibleAlert returns the alert of id if p may see it: a station
// account asking for another station's alert gets zones.ErrNotFound, as if
// it did not exist.
func (s *Server) visibleAlert(ctx context.Context, p Principal, id string) (zones.Alert, error) {
	a, err := s.deps.Zones.Alert(ctx, id)
	if err != nil {
		return a, err
	}
	if scope := stationScope(p); scope != "" && s.alertStation(&a) != scope {
		return zones.Alert{}, fmt.Errorf("alert %q: %w", id, zones.ErrNotFound)
	}
	return a, nil
}

func (s *Server) getAlert(c *fiber.Ctx) error {
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
	return c.JSON(s.alertView(a))
}

func (s *Server) ackAlert(c *fiber.Ctx) error {
	return s.alertChange(c, ActionAlertAck, s.deps.Zones.Ack)
}

func (s *Server) resolveAlert(c *fiber.Ctx) error {
	return s.alertChange(c, ActionAlertResolve, s.deps.Zones.Resolve)
}

// alertChange runs one change on the path's alert, if the principal may
// see it, audits it and answers with the alert.
func (s *Server) alertChange(c *fiber.Ctx, action string, call func(ctx context.Context, id, by string) (zones.Alert, error)) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	p, _ := PrincipalOf(c)
	before, err := s.visibleAlert(ctx, p, id)
	if err != nil {
		return err
	}
	a, err := call(ctx, id, by(c))
	if err != nil {
		return err
	}
	s.audit(c, action, "alert:"+id, before, a)
	return c.JSON(s.alertView(a))
}

// requireAcker guards acknowledgements: officers, and station accounts
// for the alerts of their area (alertChange hides the others).
func (s *Server) requireAcker(c *fiber.Ctx) error {
	if !sameOrigin(c) {
		return ErrForbidden
	}
	p, ok := PrincipalOf(c)
	if !ok || !(p.HasRole(RoleOfficer) || p.HasRole(RoleStation)) {
		s.audit(c, ActionForbidden, c.Method()+" "+c.Path(), nil, nil)
		return ErrForbidden
	}
	return c.Next()
}
