package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/riverwatch/riverwatch/ais/simulate"
	"github.com/riverwatch/riverwatch/zones/waterway"
)

var update = flag.Bool("update", false, "rewrite testdata/jilin-sim.nmea and its golden decode")

var (
	simCapture = filepath.Join("..", "..", "testdata", "jilin-sim.nmea")
	simGolden  = filepath.Join("..", "..", "testdata", "jilin-sim.decode.json")
)

// writeSimCapture records three simulated minutes of 30 vessels (fixed
// seed), each sentence behind an NMEA 4.0 tag block naming a base station
// and the receive time, as a shore network would log them.
func writeSimCapture(t *testing.T) {
	t.Helper()
	water, err := waterway.Load()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	sim, err := simulate.New(simulate.Config{Vessels: 30, Seed: 7, Routes: simRoutes(water), Now: func() time.Time { return start }})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	buf.WriteString("# riverwatch simulator, seed 7, 30 vessels, 3 minutes from 2026-05-01T08:00:00Z.\n")
	buf.WriteString("# Made by: go test ./cmd/riverwatch -run TestDecodeGolden -update\n")
	for s := 0; s <= 180; s++ {
		now := start.Add(time.Duration(s) * time.Second)
		sim.Tick(now, func(line []byte) {
			fmt.Fprintf(&buf, "%s%s\n", tagBlock(fmt.Sprintf("s:sim-base-%d,c:%d", s%3+1, now.Unix())), line)
		})
	}
	if err := os.WriteFile(simCapture, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDecodeGolden decodes the committed simulator capture and compares
// the gpsd JSON with the golden file; -update rewrites both.
func TestDecodeGolden(t *testing.T) {
	if *update {
		writeSimCapture(t)
	}
	out, stderr, err := runCmd(t, "", "decode", "-stats", simCapture)
	if err != nil {
		t.Fatalf("decode: %v (%s)", err, stderr)
	}
	if *update {
		if err := os.WriteFile(simGolden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(simGolden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if out != string(want) {
		t.Errorf("decode of %s differs from %s (run with -update if the change is intended)", simCapture, simGolden)
	}
	if !bytes.Contains([]byte(stderr), []byte("checksum 0, malformed 0, orphan_fragment 0, too_long 0, unsupported 0")) {
		t.Errorf("the simulator's capture has rejects: %s", stderr)
	}
}
