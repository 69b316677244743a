package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/riverwatch/riverwatch/api/accounts"
	"github.com/riverwatch/riverwatch/vessels"
	"github.com/riverwatch/riverwatch/video"
	"github.com/riverwatch/riverwatch/zones"
	"github.com/riverwatch/riverwatch/zones/rescue"
)

// Errors the API itself raises; each has its row in errorTable.
var (
	ErrBadParam       = errors.New("api: bad parameter")
	ErrBadBody        = errors.New("api: bad request body")
	ErrUnauthorized   = errors.New("api: unauthorized")
	ErrForbidden      = errors.New("api: forbidden")
	ErrTooManyClients = errors.New("api: too many live clients")
)

// ParamError is a query or path parameter the API rejects. It wraps
// ErrBadParam and its message names the parameter.
type ParamError struct {
	Param  string
	Reason string
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("bad parameter %q: %s", e.Param, e.Reason)
}

func (e *ParamError) Unwrap() error { return ErrBadParam }

func badParam(param, format string, args ...any) error {
	return &ParamError{Param: param, Reason: fmt.Sprintf(format, args...)}
}

// errorRow maps one kind of error to a status. An empty message means the
// error's own text is safe to show (it was written by this package for the
// client); otherwise the fixed message is shown and the detail stays in the log.
type errorRow struct {
	err     error
	status  int
	message string
}

// errorTable is the one place errors become HTTP statuses. First match wins.
var errorTable = []errorRow{
	{ErrBadParam, fiber.StatusBadRequest, ""},
	{vessels.ErrNotFound, fiber.StatusNotFound, "not found"},
	{vessels.ErrInvalid, fiber.StatusBadRequest, "invalid argument"},
	{ErrBadBody, fiber.StatusBadRequest, ""},
	{zones.ErrNotFound, fiber.StatusNotFound, "not found"},
	// zones writes its ErrInvalid and ErrConflict messages for the client
	// (which field is wrong, which state the change contradicts).
	{zones.ErrInvalid, fiber.StatusBadRequest, ""},
	{zones.ErrConflict, fiber.StatusConflict, ""},
	{rescue.ErrNoStation, fiber.StatusNotFound, "no rescue station reaches this spot"},
	{zones.ErrUnavailable, fiber.StatusServiceUnavailable, "zone store unavailable, try again later"},
	{ErrUnauthorized, fiber.StatusUnauthorized, "unauthorized"},
	{ErrForbidden, fiber.StatusForbidden, "forbidden"},
	{ErrTooManyClients, fiber.StatusServiceUnavailable, "too many live clients, try again later"},
	// A wrong username and a wrong password read the same.
	{accounts.ErrBadCredentials, fiber.StatusUnauthorized, "wrong username or password"},
	{accounts.ErrThrottled, fiber.StatusTooManyRequests, "too many failed logins, try again later"},
	{accounts.ErrBusy, fiber.StatusTooManyRequests, "too many logins at once, try again shortly"},
	{accounts.ErrNotFound, fiber.StatusNotFound, "not found"},
	// accounts writes its ErrInvalid and ErrExists messages for the client
	// (which field, which name); they never hold a password.
	{accounts.ErrInvalid, fiber.StatusBadRequest, ""},
	{accounts.ErrExists, fiber.StatusConflict, ""},
	{accounts.ErrUnavailable, fiber.StatusServiceUnavailable, "account store unavailable, try again later"},
	{errNoFeed, fiber.StatusServiceUnavailable, "no AIS pipeline to feed"},
	// video writes its messages for the client and keeps camera
	// credentials out of them.
	{video.ErrNotFound, fiber.StatusNotFound, ""},
	{video.ErrInvalid, fiber.StatusBadRequest, ""},
	{video.ErrUnsupported, fiber.StatusNotAcceptable, ""},
	{video.ErrNoPicture, fiber.StatusServiceUnavailable, ""},
	{video.ErrStale, fiber.StatusPreconditionFailed, ""},
	{video.ErrBusy, fiber.StatusServiceUnavailable, "too many viewers, try again later"},
	{video.ErrClosed, fiber.StatusServiceUnavailable, "video relay shutting down"},
	{errCameraConflict, fiber.StatusConflict, ""},
}

// statusOf gives the status and client-safe message for err.
func statusOf(err error) (int, string) {
	for _, row := range errorTable {
		if errors.Is(err, row.err) {
			if row.message == "" {
				return row.status, err.Error()
			}
			return row.status, row.message
		}
	}
	// fiber's own errors (404 for unknown routes, 405, 413 body too large,
	// ...): the status text, not fiber's message, which echoes the path.
	var fe *fiber.Error
	if errors.As(err, &fe) {
		msg := strings.ToLower(http.StatusText(fe.Code))
		if msg == "" {
			msg = "error"
		}
		return fe.Code, msg
	}
	return fiber.StatusInternalServerError, "internal error"
}

// errorBody is every error response: {"error":"<message>"}.
type errorBody struct {
	Error string `json:"error"`
}

// handleError is fiber's ErrorHandler: it writes the JSON error and logs
// server-side failures with their detail.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	status, msg := statusOf(err)
	if status == fiber.StatusTooManyRequests {
		retry := 1
		var te *accounts.ThrottledError
		if errors.As(err, &te) {
			retry = max(1, int((te.RetryAfter+time.Second-1)/time.Second))
		}
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(retry))
	}
	if status >= fiber.StatusInternalServerError && status != fiber.StatusServiceUnavailable {
		s.log.Error("request failed", "method", c.Method(), "path", c.Path(), "err", err)
	}
	return c.Status(status).JSON(errorBody{Error: msg})
}
