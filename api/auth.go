package api

import (
	"fmt"
	"slices"

	"github.com/gofiber/fiber/v2"
)

// Principal is who a request acts for.
type Principal struct {
	Name  string
	Roles []string
	// Station is the rescue station (a waterway rescue_station id such as
	// "rs-jiutai") a station account belongs to; "" for everyone else.
	Station string
}

// HasRole reports whether p holds role.
func (p Principal) HasRole(role string) bool { return slices.Contains(p.Roles, role) }

// Roles a principal may hold.
const (
	// RoleViewer may read everything the API shows.
	RoleViewer = "viewer"
	// RoleOfficer may change zones, set and lift bans, and acknowledge and
	// resolve alerts.
	RoleOfficer = "officer"
	// RoleStation belongs to one rescue station (Principal.Station): it
	// sees vessels everywhere, but the alerts and cameras of its own area.
	RoleStation = "station"
	// RoleAdmin, beside RoleOfficer, may manage accounts and feed keys.
	RoleAdmin = "admin"
)

// Authenticator decides who a request is. An error rejects the request with
// 401; the error's text is logged, never shown to the client.
type Authenticator interface {
	Authenticate(c *fiber.Ctx) (Principal, error)
}

// Anonymous lets everyone in as "anonymous", holding both viewer and
// officer: it is the default until accounts land (a later issue), so that
// the system stays usable on a closed network meanwhile. Deploy it only
// where everyone who can reach the API may set bans and resolve alerts.
type Anonymous struct{}

// Authenticate returns the anonymous viewer and officer.
func (Anonymous) Authenticate(*fiber.Ctx) (Principal, error) {
	return Principal{Name: "anonymous", Roles: []string{RoleViewer, RoleOfficer}}, nil
}

// principalKey is the c.Locals key of the request's Principal. A string key,
// so the WebSocket handler's copy of the locals carries it too.
const principalKey = "riverwatch.principal"

// PrincipalOf returns the principal the authentication middleware stored,
// and false on a route it does not cover.
func PrincipalOf(c *fiber.Ctx) (Principal, bool) {
	p, ok := c.Locals(principalKey).(Principal)
	return p, ok
}

// authenticate is the middleware on /api/v1.
func (s *Server) authenticate(c *fiber.Ctx) error {
	p, err := s.cfg.Auth.Authenticate(c)
	if err != nil {
		s.log.Debug("authentication failed", "path", c.Path(), "ip", c.IP(), "err", err)
		return fmt.Errorf("%w: %w", ErrUnauthorized, err)
	}
	c.Locals(principalKey, p)
	return c.Next()
}

// requireOfficer guards every write: the principal must hold RoleOfficer
// (403 otherwise), and a browser must send the write from this origin.
// Anonymous holds officer, and a cross-site form post or a bodiless POST
// needs no CORS preflight, so without the Origin check any page an
// officer opens could set a ban through the officer's browser.
func (s *Server) requireOfficer(c *fiber.Ctx) error {
	if !sameOrigin(c) {
		return ErrForbidden
	}
	if p, ok := PrincipalOf(c); !ok || !p.HasRole(RoleOfficer) {
		return ErrForbidden
	}
	return c.Next()
}
