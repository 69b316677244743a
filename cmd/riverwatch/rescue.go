package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"

	"github.com/riverwatch/riverwatch/api"
	"github.com/riverwatch/riverwatch/video"
	"github.com/riverwatch/riverwatch/web/mbtiles"
	"github.com/riverwatch/riverwatch/zones/rescue"
	"github.com/riverwatch/riverwatch/zones/waterway"
)

// Defaults of the rescue and tile settings (see DefaultConfig).
const (
	defaultRescueSpeedKn = rescue.DefaultBoatSpeedKn
	defaultCameraRangeM  = rescue.DefaultCameraRangeM
)

// addBoardFlags registers the rescue and map tile flags of serve.
func addBoardFlags(fs *flag.FlagSet, cfg *Config) {
	fs.Float64Var(&cfg.RescueSpeedKn, "rescue-boat-speed", cfg.RescueSpeedKn, "rescue boats' speed in `KNOTS`, for the time a station needs to reach an alert")
	fs.Float64Var(&cfg.CameraRangeM, "camera-range", cfg.CameraRangeM, "how far a camera sees, in `METRES`: the cameras within it are named for an alert")
	fs.StringVar(&cfg.TilesMBTiles, "tiles-mbtiles", cfg.TilesMBTiles, "serve the board's map tiles from this MBTiles `FILE` on /tiles (for networks with no way out); overrides --tile-url")
	fs.BoolVar(&cfg.TilesGCJ02, "tiles-gcj02", cfg.TilesGCJ02, "the tiles are drawn in GCJ-02 (most Chinese web maps): the board shifts positions so vessels sit on the river")
}

// boardExtras are what serve adds to the API for the board beyond the
// live picture: the rescue locator and the tiles of a local file.
type boardExtras struct {
	rescue          *rescue.Locator
	tiles           *mbtiles.Reader // nil without --tiles-mbtiles
	tileURL         string
	tileAttribution string
}

// openBoardExtras builds the rescue network from the waterway map and
// opens the MBTiles file, if any. cams are the cameras an alert's rescue
// answer names when they see the spot (nil: none).
func openBoardExtras(ctx context.Context, cfg Config, water *waterway.Map, cams rescue.CameraSites, logger *slog.Logger) (*boardExtras, error) {
	if cfg.RescueSpeedKn <= 0 || cfg.CameraRangeM <= 0 {
		return nil, fmt.Errorf("%w: --rescue-boat-speed and --camera-range must be positive", errUsage)
	}
	loc, err := rescue.New(water, rescue.Config{BoatSpeedKn: cfg.RescueSpeedKn, CameraRangeM: cfg.CameraRangeM, Cameras: cams})
	if err != nil {
		return nil, fmt.Errorf("rescue: %w", err)
	}
	b := &boardExtras{rescue: loc, tileURL: cfg.TileURL, tileAttribution: cfg.TileAttribution}
	if cfg.TilesMBTiles != "" {
		b.tiles, err = mbtiles.Open(ctx, cfg.TilesMBTiles)
		if err != nil {
			return nil, fmt.Errorf("tiles: %w", err)
		}
		b.tileURL = api.TilePath(b.tiles.Format())
		if a := b.tiles.Metadata("attribution"); a != "" {
			b.tileAttribution = a
		}
		logger.Info("serving map tiles", "file", cfg.TilesMBTiles, "format", b.tiles.Format(), "name", b.tiles.Metadata("name"))
	}
	return b, nil
}

// tileSource is the API's tile source: nil (no interface holding a nil
// reader) without a file.
func (b *boardExtras) tileSource() api.TileSource {
	if b.tiles == nil {
		return nil
	}
	return b.tiles
}

// Close closes the tile file.
func (b *boardExtras) Close() error {
	if b.tiles == nil {
		return nil
	}
	return b.tiles.Close()
}

// cameraSites shows the video relay's cameras to the rescue locator, which
// names those that see an alert's spot.
type cameraSites struct{ relay *video.Relay }

// CameraSites lists every registered camera where it stands.
func (c cameraSites) CameraSites() []rescue.Camera {
	infos := c.relay.Cameras()
	out := make([]rescue.Camera, 0, len(infos))
	for _, ci := range infos {
		out = append(out, rescue.Camera{ID: ci.ID, Name: ci.Name, NameZH: ci.NameZh, Lat: ci.Lat, Lon: ci.Lon})
	}
	return out
}
