package api

import (
	"context"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// TileSource holds map tiles riverwatch serves itself (from a local MBTiles
// file, for offices with no way out); *mbtiles.Reader implements it.
type TileSource interface {
	// Tile returns the tile at z/x/y, y counted from the top (as web maps
	// ask), and false when there is none.
	Tile(ctx context.Context, z, x, y int) ([]byte, bool, error)
	// Format is the tiles' format: "png", "jpg", "webp" or "pbf".
	Format() string
}

// tileTypes are the content types of the tile formats.
var tileTypes = map[string]string{
	"png":  "image/png",
	"jpg":  "image/jpeg",
	"webp": "image/webp",
	"pbf":  "application/x-protobuf",
}

// TilePath is the URL template of the tiles served from Deps.Tiles, for
// Config.TileURL: "/tiles/{z}/{x}/{y}.png".
func TilePath(format string) string { return "/tiles/{z}/{x}/{y}." + format }

// tileRoutes serves GET /tiles/{z}/{x}/{y}.{ext} from Deps.Tiles, behind
// the same login as the API. Tiles do not change while the process runs:
// they are cached a day and revalidated by ETag.
func (s *Server) tileRoutes() {
	if s.deps.Tiles == nil {
		return
	}
	s.app.Get("/tiles/:z/:x/:y", s.authenticate, s.tile)
}

func (s *Server) tile(c *fiber.Ctx) error {
	ys, ext, _ := strings.Cut(c.Params("y"), ".")
	z, errZ := strconv.Atoi(c.Params("z"))
	x, errX := strconv.Atoi(c.Params("x"))
	y, errY := strconv.Atoi(ys)
	if errZ != nil || errX != nil || errY != nil || z < 0 || z > 30 || x < 0 || y < 0 {
		return badParam("tile", "want /tiles/{z}/{x}/{y}.%s with whole numbers", s.deps.Tiles.Format())
	}
	// Another extension than the file's format is a tile it does not have.
	if ext != s.deps.Tiles.Format() {
		return fiber.ErrNotFound
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	data, ok, err := s.deps.Tiles.Tile(ctx, z, x, y)
	if err != nil {
		return err
	}
	if !ok {
		c.Set(fiber.HeaderCacheControl, "private, max-age=3600")
		return fiber.ErrNotFound
	}
	sum := fnv.New64a()
	_, _ = sum.Write(data)
	etag := `"` + strconv.FormatUint(sum.Sum64(), 16) + `"`
	c.Set(fiber.HeaderCacheControl, "private, max-age=86400")
	c.Set(fiber.HeaderETag, etag)
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, tileTypes[ext])
	// Vector tiles in MBTiles are usually stored gzipped: say so, the
	// browser unpacks them.
	if ext == "pbf" && len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
		c.Set(fiber.HeaderContentEncoding, "gzip")
	}
	return c.Send(data)
}
