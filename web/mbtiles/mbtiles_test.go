package mbtiles_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/riverwatch/riverwatch/web/mbtiles"
	"github.com/riverwatch/riverwatch/web/mbtiles/mbtilestest"
)

func TestTilesFlipRows(t *testing.T) {
	ctx := context.Background()
	tiles := []mbtilestest.Tile{
		{Z: 0, X: 0, Y: 0, Data: mbtilestest.PNG(t, 0, 0, 0)},
		{Z: 7, X: 108, Y: 46, Data: mbtilestest.PNG(t, 7, 108, 46)}, // Jilin City at z7
		{Z: 7, X: 108, Y: 47, Data: mbtilestest.PNG(t, 7, 108, 47)},
	}
	path := mbtilestest.Write(t, map[string]string{"name": "test", "format": "png", "attribution": "© test"}, tiles)
	r, err := mbtiles.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })
	if r.Format() != "png" || r.Metadata("attribution") != "© test" || r.Metadata("nope") != "" {
		t.Errorf("format %q, attribution %q", r.Format(), r.Metadata("attribution"))
	}
	for _, tl := range tiles {
		got, ok, err := r.Tile(ctx, tl.Z, tl.X, tl.Y)
		if err != nil || !ok || !bytes.Equal(got, tl.Data) {
			t.Errorf("tile %d/%d/%d: %d bytes, %v, %v; want the one written", tl.Z, tl.X, tl.Y, len(got), ok, err)
		}
	}
	// The file's TMS row of 7/108/46 is 81: asking for y=81 is another tile.
	for _, c := range [][3]int{{7, 108, 81}, {7, 109, 46}, {1, 0, 0}, {0, 1, 0}, {-1, 0, 0}, {7, 128, 0}, {40, 0, 0}} {
		if got, ok, err := r.Tile(ctx, c[0], c[1], c[2]); ok || err != nil || got != nil {
			t.Errorf("tile %v: %d bytes, %v, %v; want none", c, len(got), ok, err)
		}
	}
}

func TestFormat(t *testing.T) {
	ctx := context.Background()
	png := mbtilestest.PNG(t, 1, 1, 1)
	for _, c := range []struct {
		name string
		meta map[string]string
		data []byte
		want string
	}{
		{"jpeg in the metadata", map[string]string{"format": "JPEG"}, []byte{0xff, 0xd8, 0xff, 0xe0}, "jpg"},
		{"png sniffed", map[string]string{}, png, "png"},
		{"webp sniffed", map[string]string{}, []byte("RIFF\x00\x00\x00\x00WEBPVP8 "), "webp"},
		{"gzipped vector", map[string]string{}, []byte{0x1f, 0x8b, 8, 0}, "pbf"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := mbtiles.Open(ctx, mbtilestest.Write(t, c.meta, []mbtilestest.Tile{{Z: 1, X: 1, Y: 1, Data: c.data}}))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if r.Format() != c.want {
				t.Errorf("format %q, want %q", r.Format(), c.want)
			}
		})
	}
}

func TestInvalid(t *testing.T) {
	ctx := context.Background()
	notSQLite := filepath.Join(t.TempDir(), "x.mbtiles")
	if err := os.WriteFile(notSQLite, []byte("not a database, just text long enough to be read"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, path := range map[string]string{
		"missing":          filepath.Join(t.TempDir(), "none.mbtiles"),
		"not SQLite":       notSQLite,
		"empty, no format": mbtilestest.Write(t, nil, nil),
		"gif":              mbtilestest.Write(t, map[string]string{"format": "gif"}, nil),
	} {
		if r, err := mbtiles.Open(ctx, path); !errors.Is(err, mbtiles.ErrInvalid) {
			if r != nil {
				r.Close()
			}
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
}

func BenchmarkTile(b *testing.B) {
	ctx := context.Background()
	var tiles []mbtilestest.Tile
	for x := 100; x < 116; x++ {
		for y := 40; y < 56; y++ {
			tiles = append(tiles, mbtilestest.Tile{Z: 7, X: x, Y: y, Data: bytes.Repeat([]byte{byte(x), byte(y)}, 8000)})
		}
	}
	r, err := mbtiles.Open(ctx, mbtilestest.Write(b, map[string]string{"format": "png"}, tiles))
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		tl := tiles[i%len(tiles)]
		if _, ok, err := r.Tile(ctx, 7, tl.X, tl.Y); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}
