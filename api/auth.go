package api

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/riverwatch/riverwatch/api/accounts"
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
	RoleViewer = accounts.RoleViewer
	// RoleOfficer may change zones, set and lift bans, and acknowledge and
	// resolve alerts.
	RoleOfficer = accounts.RoleOfficer
	// RoleStation belongs to one rescue station (Principal.Station): it
	// sees vessels everywhere, but the alerts and cameras of its own area,
	// and may acknowledge the alerts it is sent.
	RoleStation = accounts.RoleStation
	// RoleAdmin, beside RoleOfficer, may manage accounts and feed keys.
	RoleAdmin = accounts.RoleAdmin
)

// Authenticator decides who a request is. An error rejects the request with
// 401; the error's text is logged, never shown to the client.
type Authenticator interface {
	Authenticate(c *fiber.Ctx) (Principal, error)
}

// Anonymous lets everyone in as "anonymous", holding both viewer and
// officer. Unit tests use it; serve never does (it uses Sessions, the
// default).
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

// Cookie names. The session cookie is HttpOnly; the CSRF cookie is read
// by the board's script, which echoes it in CSRFHeader (double submit: a
// page of another site can make the browser send the cookie but cannot
// read it).
const (
	SessionCookie = "rw_session"
	CSRFCookie    = "rw_csrf"
	CSRFHeader    = "X-CSRF-Token"
)

// errCSRF is a cookie-authenticated change without the CSRF header.
var errCSRF = fmt.Errorf("%w: missing or wrong %s", ErrForbidden, CSRFHeader)

// errNoCredentials is a request with neither a bearer token nor a session.
var errNoCredentials = errors.New("no credentials")

// Sessions authenticates by a bearer token (Authorization: Bearer, for
// scripts) or the session cookie (the board), both from a login. Cookie
// requests that change anything must carry the CSRF header.
type Sessions struct{ Accounts *accounts.Service }

// Authenticate implements Authenticator. Its errors: ErrForbidden for a
// CSRF failure, accounts.ErrUnavailable for a store that is down, and
// otherwise why the credentials were refused.
func (a Sessions) Authenticate(c *fiber.Ctx) (Principal, error) {
	token, cookie, err := credentials(c)
	if err != nil {
		return Principal{}, err
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), requestTimeout)
	defer cancel()
	acct, _, err := a.Accounts.Authenticate(ctx, token)
	if err != nil {
		return Principal{}, err
	}
	if cookie && !safeMethod(c.Method()) && !csrfOK(c) {
		return Principal{}, errCSRF
	}
	return principalOf(acct), nil
}

// credentials finds the request's token: the bearer token if there is an
// Authorization header, else the session cookie (cookie true).
func credentials(c *fiber.Ctx) (token string, cookie bool, err error) {
	if h := c.Get(fiber.HeaderAuthorization); h != "" {
		scheme, tok, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
			return "", false, errors.New("authorization header: want Bearer TOKEN")
		}
		return strings.TrimSpace(tok), false, nil
	}
	if v := c.Cookies(SessionCookie); v != "" {
		return strings.Clone(v), true, nil
	}
	return "", false, errNoCredentials
}

func safeMethod(m string) bool {
	return m == fiber.MethodGet || m == fiber.MethodHead || m == fiber.MethodOptions
}

func csrfOK(c *fiber.Ctx) bool {
	want, got := c.Cookies(CSRFCookie), c.Get(CSRFHeader)
	return len(want) >= 16 && subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

func principalOf(a accounts.Account) Principal {
	return Principal{Name: a.Username, Roles: slices.Clone(a.Roles), Station: a.Station}
}

// authenticate is the middleware on /api/v1 (and /metrics): it stores the
// principal, or refuses with 401 (403 for a CSRF failure, 503 when the
// account store is down).
func (s *Server) authenticate(c *fiber.Ctx) error {
	p, err := s.cfg.Auth.Authenticate(c)
	if err != nil {
		if errors.Is(err, ErrForbidden) || errors.Is(err, accounts.ErrUnavailable) {
			return err
		}
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
		s.audit(c, ActionForbidden, c.Method()+" "+c.Path(), nil, nil)
		return ErrForbidden
	}
	return c.Next()
}

// requireAdmin guards account and feed key management: officer and admin.
func (s *Server) requireAdmin(c *fiber.Ctx) error {
	if !sameOrigin(c) {
		return ErrForbidden
	}
	if p, ok := PrincipalOf(c); !ok || !p.HasRole(RoleOfficer) || !p.HasRole(RoleAdmin) {
		s.audit(c, ActionForbidden, c.Method()+" "+c.Path(), nil, nil)
		return ErrForbidden
	}
	return c.Next()
}
