package api

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/riverwatch/riverwatch/api/accounts"
)

// AccountView is an account as GET /api/v1/users shows it.
type AccountView struct {
	UserView
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func accountView(a accounts.Account) AccountView {
	return AccountView{UserView: userView(a), CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
}

// auditAccount is an account in the audit log: never its password, only
// that it changed.
type auditAccount struct {
	UserView
	PasswordChanged bool `json:"password_changed,omitempty"`
}

// AccountList is the body of GET /api/v1/users.
type AccountList struct {
	Count int           `json:"count"`
	Users []AccountView `json:"users"`
}

// UserRequest is the body of POST /api/v1/users (all but station
// required) and PUT /api/v1/users/{name} (every field optional; username,
// if given, must be the path's).
type UserRequest struct {
	Username string    `json:"username"`
	Password *string   `json:"password"`
	Roles    *[]string `json:"roles"`
	Station  *string   `json:"station"`
}

func (s *Server) listUsers(c *fiber.Ctx) error {
	ctx, cancel := s.ctx(c)
	defer cancel()
	list, err := s.deps.Accounts.Accounts(ctx)
	if err != nil {
		return err
	}
	out := AccountList{Count: len(list), Users: make([]AccountView, len(list))}
	for i, a := range list {
		out.Users[i] = accountView(a)
	}
	return c.JSON(out)
}

func userName(c *fiber.Ctx) (string, error) {
	name, err := url.PathUnescape(c.Params("name"))
	if err != nil || name == "" || len(name) > maxIDLen {
		return "", badParam("name", "want 1 to %d characters", maxIDLen)
	}
	return strings.Clone(name), nil
}

func (s *Server) getUser(c *fiber.Ctx) error {
	name, err := userName(c)
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	a, err := s.deps.Accounts.Account(ctx, name)
	if err != nil {
		return err
	}
	return c.JSON(accountView(a))
}

func (s *Server) createUser(c *fiber.Ctx) error {
	var req UserRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Password == nil || req.Roles == nil {
		return bodyError("username, password and roles are required")
	}
	n := accounts.NewAccount{Username: req.Username, Password: *req.Password, Roles: *req.Roles}
	if req.Station != nil {
		n.Station = *req.Station
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	a, err := s.deps.Accounts.CreateAccount(ctx, n)
	if err != nil {
		return err
	}
	s.audit(c, ActionAccountCreate, "account:"+a.Username, nil, auditAccount{UserView: userView(a)})
	c.Location("/api/v1/users/" + url.PathEscape(a.Username))
	return c.Status(fiber.StatusCreated).JSON(accountView(a))
}

func (s *Server) updateUser(c *fiber.Ctx) error {
	name, err := userName(c)
	if err != nil {
		return err
	}
	var req UserRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Username != "" && req.Username != name {
		return bodyError("username %s in the body is not %s of the path", quote(req.Username), quote(name))
	}
	ch := accounts.AccountChange{Password: req.Password, Station: req.Station}
	if req.Roles != nil {
		ch.Roles = *req.Roles
		if ch.Roles == nil {
			ch.Roles = []string{}
		}
	}
	if p, _ := PrincipalOf(c); p.Name == name && ch.Roles != nil && !hasBoth(ch.Roles, RoleOfficer, RoleAdmin) {
		return fmt.Errorf("%w: an admin cannot take admin from their own account", accounts.ErrInvalid)
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	before, after, err := s.deps.Accounts.UpdateAccount(ctx, name, ch)
	if err != nil {
		return err
	}
	s.audit(c, ActionAccountUpdate, "account:"+name, auditAccount{UserView: userView(before)},
		auditAccount{UserView: userView(after), PasswordChanged: req.Password != nil})
	return c.JSON(accountView(after))
}

func hasBoth(roles []string, a, b string) bool {
	var x, y bool
	for _, r := range roles {
		x, y = x || r == a, y || r == b
	}
	return x && y
}

func (s *Server) deleteUser(c *fiber.Ctx) error {
	name, err := userName(c)
	if err != nil {
		return err
	}
	if p, _ := PrincipalOf(c); p.Name == name {
		return fmt.Errorf("%w: an admin cannot delete their own account", accounts.ErrInvalid)
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	a, err := s.deps.Accounts.DeleteAccount(ctx, name)
	if err != nil {
		return err
	}
	s.audit(c, ActionAccountDelete, "account:"+a.Username, auditAccount{UserView: userView(a)}, nil)
	return c.SendStatus(fiber.StatusNoContent)
}

// accountRoutes registers login-free and admin routes of accounts, audit
// and feed keys.
func (s *Server) accountRoutes(v1 fiber.Router) {
	v1.Post("/logout", s.logout)
	v1.Get("/me", s.me)
	v1.Get("/users", s.requireAdmin, s.listUsers)
	v1.Post("/users", s.requireAdmin, s.createUser)
	v1.Get("/users/:name", s.requireAdmin, s.getUser)
	v1.Put("/users/:name", s.requireAdmin, s.updateUser)
	v1.Delete("/users/:name", s.requireAdmin, s.deleteUser)
	v1.Get("/audit", s.requireOfficer, s.listAudit)
	v1.Get("/feeds", s.requireAdmin, s.listFeedKeys)
	v1.Post("/feeds", s.requireAdmin, s.createFeedKey)
	v1.Delete("/feeds/:id", s.requireAdmin, s.deleteFeedKey)
}
