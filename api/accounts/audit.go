package accounts

import (
	"context"
	"errors"
)

// maxPendingAudit bounds the entries kept through a store outage.
const maxPendingAudit = 10_000

// Audit appends e to the log at now (unless e.At is set). While the store
// is unavailable entries wait in memory, in order (up to 10,000), and go
// in with the next entry once it answers; ErrUnavailable then says the
// entry waits, not that it is lost.
func (s *Service) Audit(ctx context.Context, e AuditEntry) error {
	if e.At.IsZero() {
		e.At = s.now()
	}
	s.auditMu.Lock()
	defer s.auditMu.Unlock()
	if err := s.flushAudit(ctx); err != nil {
		s.queueAudit(e)
		return err
	}
	if _, err := s.store.AppendAudit(ctx, e); err != nil {
		if errors.Is(err, ErrUnavailable) {
			s.queueAudit(e)
		}
		return err
	}
	return nil
}

// flushAudit writes the waiting entries; auditMu is held.
func (s *Service) flushAudit(ctx context.Context) error {
	for len(s.pending) > 0 {
		if _, err := s.store.AppendAudit(ctx, s.pending[0]); err != nil {
			return err
		}
		s.pending = s.pending[1:]
	}
	s.pending = nil
	return nil
}

func (s *Service) queueAudit(e AuditEntry) {
	if len(s.pending) >= maxPendingAudit {
		s.log.Error("audit entry dropped: the store has been unavailable too long", "action", e.Action, "actor", e.Actor)
		return
	}
	s.pending = append(s.pending, e)
}

// AuditLog reads the log, after writing what waited for the store.
func (s *Service) AuditLog(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	s.auditMu.Lock()
	err := s.flushAudit(ctx)
	s.auditMu.Unlock()
	if err != nil {
		return nil, err
	}
	return s.store.Audit(ctx, f)
}
