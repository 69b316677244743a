// Package mbtiles reads map tiles from an MBTiles file (the SQLite tile
// container of the MBTiles 1.3 specification), so that riverwatch can serve
// the board's base map itself on a network with no way out.
//
// Tiles are addressed the XYZ way web maps ask for them (y from the top);
// the file stores TMS rows (y from the bottom), which Tile flips. The file
// is opened read-only through modernc.org/sqlite, a pure-Go SQLite, so the
// binary needs no C library.
package mbtiles

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// ErrInvalid is returned (wrapped) by Open for a file that is not a usable
// MBTiles file: not SQLite, no tiles table, an unknown tile format.
var ErrInvalid = errors.New("mbtiles: invalid file")

// Formats maps the tile formats this package serves to their content type.
var Formats = map[string]string{
	"png":  "image/png",
	"jpg":  "image/jpeg",
	"webp": "image/webp",
	"pbf":  "application/x-protobuf",
}

// Reader serves the tiles of one MBTiles file. It is safe for concurrent
// use.
type Reader struct {
	db     *sql.DB
	tile   *sql.Stmt
	format string
	meta   map[string]string
}

// Open opens the file read-only and reads its metadata. The tile format is
// the metadata's "format" ("jpeg" read as "jpg"), or when absent guessed
// from the first tile's bytes.
func Open(ctx context.Context, path string) (*Reader, error) {
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?mode=ro&_pragma=query_only(1)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("mbtiles: open %s: %w", path, err)
	}
	r := &Reader{db: db, meta: map[string]string{}}
	if err := r.load(ctx, path); err != nil {
		_ = db.Close()
		return nil, err
	}
	return r, nil
}

func (r *Reader) load(ctx context.Context, path string) error {
	rows, err := r.db.QueryContext(ctx, `SELECT name, value FROM metadata`)
	if err != nil {
		return fmt.Errorf("%w: %s: metadata: %v", ErrInvalid, path, err)
	}
	for rows.Next() {
		var k, v sql.NullString
		if err := rows.Scan(&k, &v); err != nil {
			_ = rows.Close()
			return fmt.Errorf("%w: %s: metadata: %v", ErrInvalid, path, err)
		}
		r.meta[k.String] = v.String
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("%w: %s: metadata: %v", ErrInvalid, path, err)
	}
	r.tile, err = r.db.PrepareContext(ctx,
		`SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?`)
	if err != nil {
		return fmt.Errorf("%w: %s: tiles: %v", ErrInvalid, path, err)
	}
	format := strings.ToLower(strings.TrimSpace(r.meta["format"]))
	if format == "jpeg" {
		format = "jpg"
	}
	if format == "" {
		var data []byte
		err := r.db.QueryRowContext(ctx, `SELECT tile_data FROM tiles LIMIT 1`).Scan(&data)
		if err != nil {
			return fmt.Errorf("%w: %s: no format in the metadata and no tile to tell it from: %v", ErrInvalid, path, err)
		}
		format = sniff(data)
	}
	if _, ok := Formats[format]; !ok {
		return fmt.Errorf("%w: %s: tile format %q, want one of png, jpg, webp, pbf", ErrInvalid, path, format)
	}
	r.format = format
	return nil
}

// sniff tells the format from a tile's first bytes; vector tiles are
// protobuf, usually gzipped, with no signature of their own.
func sniff(b []byte) string {
	switch {
	case len(b) >= 8 && string(b[:8]) == "\x89PNG\r\n\x1a\n":
		return "png"
	case len(b) >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff:
		return "jpg"
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return "webp"
	default:
		return "pbf"
	}
}

// Format is the tiles' format: "png", "jpg", "webp" or "pbf".
func (r *Reader) Format() string { return r.format }

// Metadata returns one metadata value ("name", "attribution", "minzoom",
// "bounds", ...), "" when absent.
func (r *Reader) Metadata(key string) string { return r.meta[key] }

// Tile returns the tile at zoom z, column x and row y counted from the top
// (XYZ), and false when the file has none there. Coordinates outside the
// zoom level's range are simply absent.
func (r *Reader) Tile(ctx context.Context, z, x, y int) ([]byte, bool, error) {
	if z < 0 || z > 30 || x < 0 || y < 0 || x >= 1<<z || y >= 1<<z {
		return nil, false, nil
	}
	var data []byte
	err := r.tile.QueryRowContext(ctx, z, x, (1<<z)-1-y).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("mbtiles: tile %d/%d/%d: %w", z, x, y, err)
	}
	return data, true, nil
}

// Close closes the file.
func (r *Reader) Close() error {
	_ = r.tile.Close()
	return r.db.Close()
}
