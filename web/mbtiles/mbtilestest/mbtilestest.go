// Package mbtilestest writes small MBTiles files for tests.
package mbtilestest

import (
	"bytes"
	"database/sql"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Tile is one tile to write into a test file, XYZ-addressed (y from the top).
type Tile struct {
	Z, X, Y int
	Data    []byte
}

// Write makes an MBTiles file in a test's temporary folder with the given
// metadata and tiles (stored TMS, y from the bottom, as the specification
// says), and returns its path. For tests of this package and of the API.
func Write(tb testing.TB, meta map[string]string, tiles []Tile) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "test.mbtiles")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`CREATE TABLE metadata (name TEXT, value TEXT)`,
		`CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)`,
		`CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row)`,
	} {
		if _, err := db.Exec(q); err != nil {
			tb.Fatal(err)
		}
	}
	for k, v := range meta {
		if _, err := db.Exec(`INSERT INTO metadata VALUES (?, ?)`, k, v); err != nil {
			tb.Fatal(err)
		}
	}
	for _, t := range tiles {
		if _, err := db.Exec(`INSERT INTO tiles VALUES (?, ?, ?, ?)`, t.Z, t.X, (1<<t.Z)-1-t.Y, t.Data); err != nil {
			tb.Fatal(err)
		}
	}
	return path
}

// PNG is a 256×256 PNG tile of one colour made of z, x and y, so that
// each tile's bytes differ.
func PNG(tb testing.TB, z, x, y int) []byte {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 256, 256))
	c := color.RGBA{uint8(z * 10), uint8(x), uint8(y), 255}
	for i := 0; i < 256; i++ {
		for j := 0; j < 256; j++ {
			img.Set(i, j, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		tb.Fatal(fmt.Errorf("png: %w", err))
	}
	return b.Bytes()
}
