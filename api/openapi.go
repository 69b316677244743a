package api

import (
	_ "embed"

	"github.com/gofiber/fiber/v2"
)

// openAPI is the OpenAPI 3 document of every route, served at
// /api/v1/openapi.json; TestOpenAPIMatchesRoutes keeps it and the
// registered routes the same, both ways.
//
//go:embed openapi.json
var openAPI []byte

func (s *Server) openAPIDoc(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.Send(openAPI)
}
