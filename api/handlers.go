package api

import (
	"context"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/riverwatch/riverwatch/ais"
	"github.com/riverwatch/riverwatch/vessels"
	"github.com/riverwatch/riverwatch/zones"
)

// requestTimeout bounds each call into the domain services.
const requestTimeout = 10 * time.Second

// Board defaults: the map opens on Jilin province, times shown in China
// Standard Time.
var (
	boardCenter   = [2]float64{43.9, 126.5} // lat, lon
	boardZoom     = 7
	boardTimezone = "Asia/Shanghai"
)

// VesselList is the body of GET /api/v1/vessels.
type VesselList struct {
	Count   int              `json:"count"`
	Vessels []vessels.Vessel `json:"vessels"`
}

// Sources is the body of GET /api/v1/sources.
type Sources struct {
	Sources []ais.SourceStats `json:"sources"`
	Total   ais.SourceStats   `json:"total"`
}

// BoardConfig is the body of GET /api/v1/config, read by the board.
type BoardConfig struct {
	TileURL         string     `json:"tile_url"`
	TileAttribution string     `json:"tile_attribution"`
	TileGCJ02       bool       `json:"tile_gcj02"` // shift positions to GCJ-02 to sit on the tiles
	Center          [2]float64 `json:"center"`     // lat, lon
	Zoom            int        `json:"zoom"`
	Timezone        string     `json:"timezone"`
}

func (s *Server) ctx(c *fiber.Ctx) (context.Context, context.CancelFunc) {
	return context.WithTimeout(c.UserContext(), requestTimeout)
}

// healthz answers 200 while the process serves: a state store or history
// that is down makes it "degraded", not failed, since ingest and alerting
// go on in memory; their states are reported beside.
func (s *Server) healthz(c *fiber.Ctx) error {
	h, hist := s.deps.Zones.Health(), s.deps.History.Health()
	status := "ok"
	if !h.StoreOK || !hist.OK {
		status = "degraded"
	}
	return c.JSON(struct {
		Status  string                `json:"status"`
		Zones   zones.Health          `json:"zones"`
		History vessels.HistoryHealth `json:"history"`
	}{status, h, hist})
}

func (s *Server) listVessels(c *fiber.Ctx) error {
	f, err := vesselFilter(c.Query)
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	list, err := s.deps.Vessels.Vessels(ctx, f)
	if err != nil {
		return err
	}
	// The body is appended straight into fasthttp's pooled response
	// buffer: no copy of a body that runs to tens of megabytes, nothing of
	// ours to keep alive until the response has been written, and a 500
	// still possible if a record cannot be encoded. (Streaming it with
	// SetBodyStreamWriter, chunked, measured a fifth slower.)
	resp := c.Response()
	b := resp.SwapBody(nil)[:0]
	if need := 32 + len(list)*vesselJSONSize; cap(b) < need {
		b = make([]byte, 0, need)
	}
	if b, err = appendVesselList(b, list); err != nil {
		resp.SwapBody(b[:0])
		return err
	}
	resp.SwapBody(b)
	resp.Header.SetContentType(fiber.MIMEApplicationJSON)
	return nil
}

// vesselJSONSize is about the size of a listed vessel's JSON, to size the
// body once.
const vesselJSONSize = 560

// appendVesselList appends the VesselList of list to b, byte for byte
// what encoding/json writes for it.
func appendVesselList(b []byte, list []vessels.Vessel) ([]byte, error) {
	b = append(b, `{"count":`...)
	b = strconv.AppendInt(b, int64(len(list)), 10)
	b = append(b, `,"vessels":[`...)
	for i := range list {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = list[i].AppendJSON(b); err != nil {
			return b, err
		}
	}
	return append(b, "]}"...), nil
}

func (s *Server) getVessel(c *fiber.Ctx) error {
	mmsi, err := parseMMSI(c.Params("mmsi"))
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	v, err := s.deps.Vessels.Vessel(ctx, mmsi)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) listSources(c *fiber.Ctx) error {
	stats := s.deps.Sources.Stats()
	if stats == nil {
		stats = []ais.SourceStats{}
	}
	for i := range stats {
		withRejectedBy(&stats[i])
	}
	total := s.deps.Sources.Totals()
	withRejectedBy(&total)
	return c.JSON(Sources{Sources: stats, Total: total})
}

// withRejectedBy fills the JSON view of the rejection counters when the
// producer left it empty. It never writes into a map the producer owns.
func withRejectedBy(st *ais.SourceStats) {
	if st.RejectedBy != nil {
		return
	}
	m := make(map[string]uint64, ais.NumReasons)
	for r := ais.Reason(0); r < ais.NumReasons; r++ {
		m[r.String()] = st.Rejected[r]
	}
	st.RejectedBy = m
}

func (s *Server) boardConfig(c *fiber.Ctx) error {
	return c.JSON(BoardConfig{
		TileURL:         s.cfg.TileURL,
		TileAttribution: s.cfg.TileAttribution,
		TileGCJ02:       s.cfg.TileGCJ02,
		Center:          boardCenter,
		Zoom:            boardZoom,
		Timezone:        boardTimezone,
	})
}
