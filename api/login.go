package api

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/riverwatch/riverwatch/api/accounts"
)

// LoginRequest is the body of POST /api/v1/login.
type LoginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// UserView is an account as the API shows it: never its password hash.
type UserView struct {
	Username string   `json:"username"`
	Roles    []string `json:"roles"`
	Station  string   `json:"station,omitempty"`
}

func userView(a accounts.Account) UserView {
	roles := slices.Clone(a.Roles)
	if roles == nil {
		roles = []string{}
	}
	return UserView{Username: a.Username, Roles: roles, Station: a.Station}
}

// LoginResponse is the body of a successful login. Token is also the
// session cookie's value; scripts send it as Authorization: Bearer.
type LoginResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	User      UserView  `json:"user"`
}

// login checks the password (throttled per account and address) and opens
// a session: the cookies for the board and the token for scripts.
func (s *Server) login(c *fiber.Ctx) error {
	var req LoginRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	sess, err := s.deps.Accounts.Login(ctx, req.Username, req.Password, c.IP())
	if err != nil {
		return err
	}
	s.setSessionCookies(c, sess.Token)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(LoginResponse{Token: sess.Token, ExpiresAt: sess.ExpiresAt, User: userView(sess.Account)})
}

// setSessionCookies sets the HttpOnly session cookie and the readable CSRF
// cookie, both SameSite=Strict and Secure over TLS. They are browser
// session cookies (no Expires): the server judges expiry, and renews a
// session in use.
func (s *Server) setSessionCookies(c *fiber.Ctx, token string) {
	var b [24]byte
	_, _ = rand.Read(b[:])
	secure := c.Protocol() == "https"
	c.Cookie(&fiber.Cookie{Name: SessionCookie, Value: token, Path: "/",
		Secure: secure, HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode})
	c.Cookie(&fiber.Cookie{Name: CSRFCookie, Value: base64.RawURLEncoding.EncodeToString(b[:]), Path: "/",
		Secure: secure, SameSite: fiber.CookieSameSiteStrictMode})
}

func (s *Server) clearSessionCookies(c *fiber.Ctx) {
	for _, name := range []string{SessionCookie, CSRFCookie} {
		c.Cookie(&fiber.Cookie{Name: name, Value: "", Path: "/", Expires: time.Unix(0, 0), MaxAge: -1,
			HTTPOnly: name == SessionCookie, SameSite: fiber.CookieSameSiteStrictMode})
	}
}

// logout ends the session the request came with (204).
func (s *Server) logout(c *fiber.Ctx) error {
	token, _, err := credentials(c)
	if err != nil {
		return ErrUnauthorized
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	if err := s.deps.Accounts.Logout(ctx, token, c.IP()); err != nil && !errors.Is(err, accounts.ErrBadCredentials) {
		return err
	}
	s.clearSessionCookies(c)
	return c.SendStatus(fiber.StatusNoContent)
}

// me is the current user, for the board.
func (s *Server) me(c *fiber.Ctx) error {
	p, _ := PrincipalOf(c)
	roles := slices.Clone(p.Roles)
	if roles == nil {
		roles = []string{}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(UserView{Username: p.Name, Roles: roles, Station: p.Station})
}

// publicPaths are the board files anyone may fetch: the login page and
// what it needs. Everything else of the board needs a session.
var publicPaths = []string{"login.html", "login.js", "style.css", "favicon.ico", "favicon.svg"}

// publicPrefixes are folders of the board anyone may fetch (fonts, icons).
var publicPrefixes = []string{"fonts/", "icons/"}

func publicFile(name string) bool {
	if slices.Contains(publicPaths, name) {
		return true
	}
	for _, p := range publicPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// boardGate lets the login page through and everything else of the board
// only with a session: the board itself (/, index.html) redirects to the
// login page, other files get 401.
func (s *Server) boardGate(c *fiber.Ctx) error {
	name := strings.TrimPrefix(c.Path(), "/")
	if publicFile(name) {
		return c.Next()
	}
	p, err := s.cfg.Auth.Authenticate(c)
	if err != nil {
		if name == "" || name == "index.html" {
			return c.Redirect("/login.html", fiber.StatusFound)
		}
		if errors.Is(err, ErrForbidden) || errors.Is(err, accounts.ErrUnavailable) {
			return err
		}
		return ErrUnauthorized
	}
	c.Locals(principalKey, p)
	return c.Next()
}
