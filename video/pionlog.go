package video

import (
	"fmt"
	"log/slog"
	"sync"

	"github.com/pion/logging"
)

// pionLogs hands pion's components the relay's logger, one per scope for
// all peers. pion's default factory makes five log.Loggers for every
// scope of every peer connection (a dozen scopes: some 6 KB a viewer) and
// writes to stderr; these go to slog, tagged with the scope. As with
// pion's default level, only its errors show at the relay's usual level:
// its warnings (a peer's odd packet, a failed resend) come at debug, with
// its trace, debug and info left out.
type pionLogs struct {
	log *slog.Logger

	mu     sync.Mutex
	scopes map[string]*pionLog
}

func newPionLogs(log *slog.Logger) *pionLogs {
	return &pionLogs{log: log, scopes: make(map[string]*pionLog)}
}

// NewLogger is scope's logger, shared by every peer connection.
func (f *pionLogs) NewLogger(scope string) logging.LeveledLogger {
	f.mu.Lock()
	defer f.mu.Unlock()
	l, ok := f.scopes[scope]
	if !ok {
		l = &pionLog{log: f.log.With("pion", scope)}
		f.scopes[scope] = l
	}
	return l
}

// pionLog is one scope's logger.
type pionLog struct{ log *slog.Logger }

func (l *pionLog) Trace(string)                  {}
func (l *pionLog) Tracef(string, ...any)         {}
func (l *pionLog) Debug(string)                  {}
func (l *pionLog) Debugf(string, ...any)         {}
func (l *pionLog) Info(string)                   {}
func (l *pionLog) Infof(string, ...any)          {}
func (l *pionLog) Warn(msg string)               { l.log.Debug(msg) }
func (l *pionLog) Warnf(format string, a ...any) { l.log.Debug(fmt.Sprintf(format, a...)) }
func (l *pionLog) Error(msg string)              { l.log.Error(msg) }
func (l *pionLog) Errorf(format string, a ...any) {
	l.log.Error(fmt.Sprintf(format, a...))
}
