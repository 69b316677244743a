package api

import (
	"encoding/json"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/riverwatch/riverwatch/api/accounts"
)

// AuditList is the body of GET /api/v1/audit.
type AuditList struct {
	Count   int                   `json:"count"`
	Entries []accounts.AuditEntry `json:"entries"`
}

// audit records a change the request's principal made, from the
// request's address: action (zone_put, ban_set, alert_ack, ...), target
// ("zone:id", "ban:id", ...) and the target before and after (nil for
// none; a json.RawMessage is kept as it is, anything else marshalled).
// Handlers call it after the change succeeded, so a refused change is
// never recorded as done. A failure to record is logged, not returned:
// the change has been made (and through a store outage the entry waits
// in memory for the store).
func (s *Server) audit(c *fiber.Ctx, action, target string, before, after any) {
	p, _ := PrincipalOf(c)
	e := accounts.AuditEntry{Actor: strings.Clone(p.Name), IP: strings.Clone(c.IP()), Action: action, Target: target,
		Before: auditJSON(before), After: auditJSON(after)}
	ctx, cancel := s.ctx(c)
	defer cancel()
	if err := s.deps.Accounts.Audit(ctx, e); err != nil {
		s.log.Warn("audit entry not stored yet", "action", action, "target", target, "actor", e.Actor, "err", err)
	}
}

func auditJSON(v any) json.RawMessage {
	switch v := v.(type) {
	case nil:
		return nil
	case json.RawMessage:
		return v
	}
	data, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return data
}

// Audit actions the API records besides those of package accounts (login,
// login_failed, login_throttled, logout).
const (
	ActionZonePut         = "zone_put"
	ActionZoneDelete      = "zone_delete"
	ActionBanSet          = "ban_set"
	ActionBanLift         = "ban_lift"
	ActionAlertAck        = "alert_ack"
	ActionAlertResolve    = "alert_resolve"
	ActionPersonsSet      = "persons_set"
	ActionAccountCreate   = "account_create"
	ActionAccountUpdate   = "account_update"
	ActionAccountDelete   = "account_delete"
	ActionFeedKeyCreate   = "feed_key_create"
	ActionFeedKeyDelete   = "feed_key_delete"
	ActionForbidden       = "forbidden" // a change refused for the role: recorded as refused, never as done
	ActionCameraPut       = "camera_put"
	ActionCameraDelete    = "camera_delete"
	maxAuditFilterTextLen = 64
)

// listAudit serves the audit log to officers: since, until (RFC 3339 or
// unix seconds), actor, action, limit; newest first.
func (s *Server) listAudit(c *fiber.Ctx) error {
	var f accounts.AuditFilter
	var err error
	if v := c.Query("since"); v != "" {
		if f.Since, err = parseTime("since", v); err != nil {
			return err
		}
	}
	if v := c.Query("until"); v != "" {
		if f.Until, err = parseTime("until", v); err != nil {
			return err
		}
	}
	for _, q := range []struct {
		name string
		dst  *string
	}{{"actor", &f.Actor}, {"action", &f.Action}} {
		if v := c.Query(q.name); v != "" {
			if len(v) > maxAuditFilterTextLen {
				return badParam(q.name, "at most %d characters", maxAuditFilterTextLen)
			}
			*q.dst = strings.Clone(v)
		}
	}
	if v := c.Query("limit"); v != "" {
		if f.Limit, err = parseLimit(v); err != nil {
			return err
		}
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	list, err := s.deps.Accounts.AuditLog(ctx, f)
	if err != nil {
		return err
	}
	if list == nil {
		list = []accounts.AuditEntry{}
	}
	return c.JSON(AuditList{Count: len(list), Entries: list})
}
