package api

import (
	"fmt"
	"net"

	"github.com/gofiber/fiber/v2"
)

// The operations listener: /metrics and /healthz on an address of their
// own (Config.MetricsAddr), without authentication, for Prometheus and a
// load balancer on a network officers' browsers do not reach. On the main
// address /metrics needs a login or bearer token.

// newOpsApp builds the operations app.
func (s *Server) newOpsApp() *fiber.App {
	app := fiber.New(fiber.Config{
		AppName:               "riverwatch-ops",
		ReadTimeout:           readTimeout,
		WriteTimeout:          writeTimeout,
		IdleTimeout:           idleTimeout,
		DisableStartupMessage: true,
		ErrorHandler:          s.handleError,
	})
	app.Use(s.securityHeaders)
	app.Get("/healthz", s.healthz)
	app.Get("/metrics", s.metrics.handler())
	return app
}

// openOps binds the operations listener; s.mu is held.
func (s *Server) openOps() error {
	if s.cfg.MetricsAddr == "" || s.opsLn != nil {
		return nil
	}
	ln, err := net.Listen("tcp", s.cfg.MetricsAddr)
	if err != nil {
		return fmt.Errorf("api: listen %s (metrics): %w", s.cfg.MetricsAddr, err)
	}
	s.opsLn = ln
	return nil
}

// MetricsAddr is the bound operations address, "" without one.
func (s *Server) MetricsAddr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.opsLn != nil {
		return s.opsLn.Addr().String()
	}
	return s.cfg.MetricsAddr
}

// serveOps serves the operations app until stop, if configured; the
// returned func shuts it down.
func (s *Server) serveOps() func() {
	s.mu.Lock()
	ln := s.opsLn
	s.mu.Unlock()
	if ln == nil {
		return func() {}
	}
	app := s.newOpsApp()
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := app.Listener(ln); err != nil {
			s.log.Error("metrics listener", "err", err)
		}
	}()
	s.log.Info("metrics listening", "addr", ln.Addr().String())
	return func() {
		_ = app.ShutdownWithTimeout(shutdownTimeout)
		_ = ln.Close()
		<-done
	}
}
