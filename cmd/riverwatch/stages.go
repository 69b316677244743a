package main

import (
	"context"
	"log/slog"
	"sync"
)

// stages runs workers in layers and stops them layer by layer, last started
// first, so that consumers (the API) close before what they depend on
// (sources, the tracker, history).
type stages struct {
	logger *slog.Logger
	layers []*layer
	failed chan error // first fatal error of any worker
}

type layer struct {
	name   string
	cancel context.CancelFunc
	ctx    context.Context
	wg     sync.WaitGroup
}

func newStages(logger *slog.Logger) *stages {
	return &stages{logger: logger, failed: make(chan error, 1)}
}

// layer opens a new layer; workers started on it stop before those of every
// earlier layer.
func (s *stages) layer(name string) *layer {
	ctx, cancel := context.WithCancel(context.Background())
	l := &layer{name: name, ctx: ctx, cancel: cancel}
	s.layers = append(s.layers, l)
	return l
}

// goFatal runs fn; an error from it stops the whole process.
func (s *stages) goFatal(l *layer, what string, fn func(context.Context) error) {
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		if err := fn(l.ctx); err != nil && l.ctx.Err() == nil {
			s.logger.Error("component failed", "component", what, "err", err)
			select {
			case s.failed <- err:
			default:
			}
		}
	}()
}

// goLog runs fn; an error from it is logged and the rest runs on (an input
// that ends or fails must not take the board down).
func (s *stages) goLog(l *layer, what string, fn func(context.Context) error) {
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		if err := fn(l.ctx); err != nil && l.ctx.Err() == nil {
			s.logger.Warn("component stopped", "component", what, "err", err)
		}
	}()
}

// stop cancels and waits for each layer, newest first.
func (s *stages) stop() {
	for i := len(s.layers) - 1; i >= 0; i-- {
		l := s.layers[i]
		l.cancel()
		l.wg.Wait()
		s.logger.Debug("stopped", "layer", l.name)
	}
}
