package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// jsonBodyLimit bounds the JSON bodies of bans; zones, as GeoJSON, may use
// the whole server-wide bodyLimit.
const jsonBodyLimit = 64 << 10

// BodyError is a request body the API rejects. It wraps ErrBadBody and its
// message says what is wrong, in terms of the JSON the client sent.
type BodyError struct{ Reason string }

func (e *BodyError) Error() string { return "bad request body: " + e.Reason }

func (e *BodyError) Unwrap() error { return ErrBadBody }

func bodyError(format string, args ...any) error {
	return &BodyError{Reason: fmt.Sprintf(format, args...)}
}

// jsonBody requires a JSON content type (application/json or
// application/geo+json): a browser cannot send one cross-site without a
// CORS preflight, which this API never grants.
func jsonBody(c *fiber.Ctx) error {
	ct, _, _ := strings.Cut(c.Get(fiber.HeaderContentType), ";")
	switch strings.ToLower(strings.TrimSpace(ct)) {
	case fiber.MIMEApplicationJSON, mimeGeoJSON:
		return nil
	}
	return fiber.ErrUnsupportedMediaType
}

// decodeJSON reads a JSON body of at most jsonBodyLimit bytes into v: one
// value, no unknown fields, nothing after it.
func decodeJSON(c *fiber.Ctx, v any) error {
	if err := jsonBody(c); err != nil {
		return err
	}
	body := c.Body()
	if len(body) > jsonBodyLimit {
		return fiber.ErrRequestEntityTooLarge
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return bodyError("%s", jsonProblem(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return bodyError("data after the JSON object")
	}
	return nil
}

// jsonProblem describes a decoding error without Go type names.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return "empty; want a JSON object"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "invalid JSON: unexpected end"
	case errors.As(err, &syn):
		return fmt.Sprintf("invalid JSON at byte %d: %s", syn.Offset, syn.Error())
	case errors.As(err, &typ):
		if typ.Field == "" {
			return fmt.Sprintf("want a JSON object, got %s", typ.Value)
		}
		return fmt.Sprintf("field %q: want %s, got %s", typ.Field, jsonKind(typ.Type.Kind().String()), typ.Value)
	}
	// "json: unknown field "x"" and the like.
	return strings.TrimPrefix(err.Error(), "json: ")
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "struct", "map":
		return "an object"
	}
	return "a number"
}
