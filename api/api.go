// Package api serves riverwatch over HTTP: the JSON API under /api/v1, the
// live WebSocket push of vessel events, alerts and bans, Prometheus
// metrics, the waterways GeoJSON and the static board.
//
// Every route but /healthz, POST /api/v1/login, POST /api/v1/feeds/nmea
// (a feed key) and the login page needs a session: the rw_session cookie
// of a login (the board) or its token as Authorization: Bearer (scripts).
// Cookie-authenticated changes need X-CSRF-Token equal to the rw_csrf
// cookie. api/openapi.json describes every route; the list below is the
// short form.
//
// Endpoints (JSON; every error is {"error":"<message>"}; writes, marked W,
// need the officer role (A: officer and admin; S: officer, or a station
// for its own area), a JSON Content-Type and, from a browser, this
// origin):
//
//	GET /healthz                          {"status":"ok"}
//	GET /metrics                          Prometheus text format (also without login on Config.MetricsAddr)
//	POST /api/v1/login                    {"username","password"} → {"token","expires_at","user"} and the cookies; 429 when throttled
//	POST /api/v1/logout                   204; ends the session
//	GET /api/v1/me                        {"username","roles","station"}
//	GET|POST /api/v1/users              A accounts; GET|PUT|DELETE /api/v1/users/{name}
//	GET /api/v1/audit                     officers: {"count","entries"}; since, until, actor, action, limit
//	GET|POST /api/v1/feeds              A feed keys (the key shown once); DELETE /api/v1/feeds/{id}
//	POST /api/v1/feeds/nmea               Bearer FEED-KEY; AIS sentences, one a line
//	GET /api/v1/openapi.json              the OpenAPI 3 document
//	GET /api/v1/vessels                   {"count":N,"vessels":[...]}; bbox, class, type, stale, q, limit
//	GET /api/v1/vessels/{mmsi}            one vessels.Vessel
//	GET /api/v1/vessels/{mmsi}/track      {"mmsi":M,"points":[...],"count":N,"thinned":B}; since, until, limit, thin=N|auto|off
//	GET /api/v1/vessels/{mmsi}/changes    {"mmsi":M,"changes":[{"at","name","callsign","ship_type","destination","draught_m","persons"}]}; since, until
//	GET /api/v1/snapshot                  {"at":T,"count":N,"vessels":[...]}: last report at or before at; at, lookback, bbox
//	GET /api/v1/stats/zones               {"zones":[{"zone_id","kind","entries","vessels","buckets":[...]}]}; since, until, every=1h|1d, zone
//	GET /api/v1/alerts/history            {"count":N,"alerts":[...]}: alert state changes, newest first; since, until, kind, zone, mmsi, limit
//	GET /api/v1/sources                   {"sources":[...],"total":{...}}
//	GET /api/v1/config                    what the board needs: tiles, centre, zoom, time zone
//	GET /api/v1/waterways                 GeoJSON FeatureCollection (application/geo+json)
//	GET /api/v1/zones                     GeoJSON FeatureCollection of zones (application/geo+json); kind
//	GET /api/v1/zones/{id}                one zone as a GeoJSON Feature
//	POST /api/v1/zones                  W a Feature; 201 with the stored Feature, 409 if the id exists
//	PUT /api/v1/zones/{id}              W a Feature (its id, if any, must be the path's); 200, or 201 if new
//	DELETE /api/v1/zones/{id}           W 204; 409 for a built-in (default or file) zone
//	GET /api/v1/zones/{id}/vessels        {"zone_id":..,"count":N,"mmsi":[...],"vessels":[...]}
//	GET /api/v1/bans                      {"count":N,"bans":[...]}; active=true|false
//	GET /api/v1/bans/{id}                 one ban, with "active"
//	POST /api/v1/bans                   W {"zone_ids","kind","reason","from","until",...}; 201 with the ban
//	DELETE /api/v1/bans/{id}            W lift early; 200 with the lifted ban, 409 if lifted or ended
//	GET /api/v1/alerts                    {"count":N,"alerts":[...]}; state, kind, mmsi, zone, since, limit
//	GET /api/v1/alerts/{id}               one zones.Alert
//	POST /api/v1/alerts/{id}/ack        S 200 with the alert; 409 if resolved
//	POST /api/v1/alerts/{id}/resolve    W 200 with the alert; 409 if resolved
//	PUT /api/v1/vessels/{mmsi}/persons  W {"persons":N}: an officer's count of persons on board (null forgets)
//	GET /api/v1/rescue/stations           GeoJSON: each rescue station (Point) and its area (MultiLineString)
//	GET /api/v1/rescue/nearest            the nearest station along the water to lat, lon: distance, ETA, path, cameras
//	GET /api/v1/alerts/{id}/rescue        the same for an alert (404 for another station's)
//	GET /tiles/{z}/{x}/{y}.{ext}          map tiles from Deps.Tiles (a local MBTiles file)
//	GET /api/v1/cameras                   {"count":N,"cameras":[...]}: the cameras the principal may watch
//	GET /api/v1/cameras/{id}              one camera with its status (rtsp_url without credentials)
//	POST /api/v1/cameras                W a camera; 201 with it and its "probe", 409 if the id exists
//	PUT /api/v1/cameras/{id}            W a camera; 200 (an edit: its viewers stay), or 201 if new
//	DELETE /api/v1/cameras/{id}         W 204
//	GET /api/v1/cameras/{id}/snapshot.jpg image/jpeg of the latest keyframe; 503 before one
//	POST /api/v1/cameras/{id}/whep        WHEP (RFC 9725): application/sdp offer; 201, answer, Location, ICE Link headers
//	PATCH /api/v1/cameras/{id}/whep/{s}   application/trickle-ice-sdpfrag; 204, or 200 and the relay's fragment for an ICE restart; If-Match
//	DELETE /api/v1/cameras/{id}/whep/{s}  200: ends the session
//	GET /api/v1/live                      WebSocket; optional bbox
//	GET /*                                the board from Config.Static
//
// The live WebSocket sends {"type":"snapshot","vessels":[...],"alerts":[...],
// "bans":[...],"at":T} on connect (the active alerts and the bans kept),
// then one text message per event: {"type":"update"|"stale"|"lost",
// "vessel":{...},"at":T}, coalesced per vessel, and to every client
// whatever its bbox {"type":"alert_opened"|"alert_updated"|"alert_acked"|
// "alert_resolved","alert":{...},"at":T}, {"type":"ban_set"|"ban_lifted",
// "ban":{...},"at":T} and {"type":"zone_put"|"zone_deleted","zone_id":..,
// "at":T}, in order, only alert_updated coalesced per alert. Messages are
// flushed at most every 200 ms, alerts and bans first. A client that falls
// 50,000 vessels or events behind gets a fresh snapshot instead of its
// backlog; one whose writes block for 10 s is dropped.
//
// It depends only on the domain packages (ais, vessels, zones) and on the
// small interfaces declared here, never on storage adapters: cmd wires the
// real tracker, pipeline, broker and zone watch in through Deps.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/riverwatch/riverwatch/ais"
	"github.com/riverwatch/riverwatch/api/accounts"
	"github.com/riverwatch/riverwatch/vessels"
)

// Defaults applied by New to zero Config fields.
const (
	DefaultAddr           = "127.0.0.1:8080"
	DefaultMaxLiveClients = 256

	// bodyLimit is fiber v2's one server-wide body limit (it has none per
	// route), sized for zone uploads: a GeoJSON zone may have
	// zones.MaxZoneVertices vertices. Ban bodies hold to jsonBodyLimit.
	bodyLimit       = 2 << 20
	readTimeout     = 10 * time.Second
	writeTimeout    = 30 * time.Second
	idleTimeout     = 60 * time.Second
	shutdownTimeout = 5 * time.Second
)

// Config is the API's configuration, filled by cmd.
type Config struct {
	Addr            string // listen address, e.g. "127.0.0.1:8080"
	MetricsAddr     string // /metrics and /healthz without login on an address of their own ("" = none)
	TileURL         string // map tile URL template for the board ("" = no tiles)
	TileAttribution string
	TileGCJ02       bool   // tiles drawn in GCJ-02 (China's offset coordinates): the board shifts positions onto them
	Static          fs.FS  // the board (index.html, app.js, ... at the root); nil = no board
	Waterways       []byte // GeoJSON FeatureCollection of rivers, lakes, quays, crossings, bridges, rescue stations
	Auth            Authenticator
	Now             func() time.Time
	MaxLiveClients  int // default DefaultMaxLiveClients
	Logger          *slog.Logger
	// TrustedProxies are the reverse proxies (IPs or CIDR ranges) whose
	// X-Forwarded-For names the client: the address logins are throttled
	// by and audited under. Empty: the connection's own address.
	TrustedProxies []string
}

// VesselReader reads the live picture; *vessels.Tracker implements it.
type VesselReader interface {
	// Vessel returns one record, or vessels.ErrNotFound.
	Vessel(ctx context.Context, mmsi uint32) (vessels.Vessel, error)
	// Vessels lists the records the filter selects; vessels.ErrInvalid for
	// a filter it cannot apply.
	Vessels(ctx context.Context, f vessels.Filter) ([]vessels.Vessel, error)
	// Track returns mmsi's points in [since, until], at most limit, or
	// vessels.ErrNotFound for a vessel never heard.
	Track(ctx context.Context, mmsi uint32, since, until time.Time, limit int) ([]vessels.TrackPoint, error)
}

// SourceCounter reports the AIS inputs' counters; *ais.Pipeline implements it.
type SourceCounter interface {
	Stats() []ais.SourceStats
	Totals() ais.SourceStats
}

// LiveFeed delivers every vessel event; *vessels.Broker implements it.
// Subscribe calls fn for each event until unsubscribe is called; fn must
// never block, and the API's never does.
type LiveFeed interface {
	Subscribe(fn func(vessels.Event)) (unsubscribe func())
}

// Deps are the domain services the API reads. Vessels, Sources, Live and
// Zones are required; Gatherer adds metrics of other components to /metrics;
// History, when nil, reads tracks from Vessels and has nothing else.
type Deps struct {
	Vessels  VesselReader
	Sources  SourceCounter
	Live     LiveFeed
	Zones    ZoneWatch
	History  HistoryReader
	Gatherer prometheus.Gatherer
	// Rescue names the rescue station nearest alerts and spots; nil = no
	// rescue routes and no station on alerts.
	Rescue RescueLocator
	// Tiles are map tiles served on /tiles from a local file; nil = none.
	Tiles TileSource
	// Accounts are the users, sessions, feed keys and audit log; an
	// in-memory service with no accounts when nil.
	Accounts *accounts.Service
	// Feed takes AIS pushed to POST /api/v1/feeds/nmea (the pipeline);
	// without it pushes get 503.
	Feed FeedSink
	// Cameras is the video relay; nil serves no camera endpoints.
	Cameras CameraRelay
}

// ErrConfig is returned by New for a configuration it cannot serve.
var ErrConfig = errors.New("api: invalid configuration")

// Server is the HTTP server. Create it with New, bind with Open, serve with Run.
type Server struct {
	cfg     Config
	deps    Deps
	log     *slog.Logger
	app     *fiber.App
	metrics *metrics
	live    *hub
	csp     string
	ways    waterways
	// routePaths are the registered patterns, the only route labels used.
	routePaths map[string]bool

	mu    sync.Mutex
	ln    net.Listener
	opsLn net.Listener // MetricsAddr
}

// New checks the configuration and builds the fiber app and its routes.
// Nothing listens until Open.
func New(cfg Config, deps Deps) (*Server, error) {
	if deps.Vessels == nil || deps.Sources == nil || deps.Live == nil || deps.Zones == nil {
		return nil, fmt.Errorf("%w: Deps.Vessels, Deps.Sources, Deps.Live and Deps.Zones are required", ErrConfig)
	}
	if deps.History == nil {
		deps.History = defaultHistory(deps.Vessels)
	}
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxLiveClients <= 0 {
		cfg.MaxLiveClients = DefaultMaxLiveClients
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if deps.Accounts == nil {
		var err error
		if deps.Accounts, err = accounts.New(accounts.Config{Store: accounts.NewMemoryStore(cfg.Now), Now: cfg.Now, Logger: cfg.Logger}); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrConfig, err)
		}
	}
	if cfg.Auth == nil {
		cfg.Auth = Sessions{Accounts: deps.Accounts}
	}
	csp, err := contentSecurityPolicy(cfg.TileURL)
	if err != nil {
		return nil, err
	}
	ways, err := newWaterways(cfg.Waterways)
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:  cfg,
		deps: deps,
		log:  cfg.Logger.With("component", "api"),
		csp:  csp,
		ways: ways,
	}
	s.live = newHub(deps.Vessels, deps.Zones, cfg.MaxLiveClients, cfg.Now, s.log)
	s.live.stationOf, s.live.viewAlert = s.alertStation, s.alertView
	s.metrics, err = newMetrics(deps, s.live)
	if err != nil {
		return nil, err
	}
	if err := s.metrics.reg.Register(newLoginCollector(deps.Accounts)); err != nil {
		return nil, fmt.Errorf("api: register metrics: %w", err)
	}
	s.app = fiber.New(fiber.Config{
		AppName:               "riverwatch",
		BodyLimit:             bodyLimit,
		ReadTimeout:           readTimeout,
		WriteTimeout:          writeTimeout,
		IdleTimeout:           idleTimeout,
		DisableStartupMessage: true,
		ErrorHandler:          s.handleError,
		JSONEncoder:           json.Marshal,
		JSONDecoder:           json.Unmarshal,
		// Behind a trusted proxy c.IP() is the client it forwards for.
		EnableTrustedProxyCheck: len(cfg.TrustedProxies) > 0,
		TrustedProxies:          cfg.TrustedProxies,
		ProxyHeader:             proxyHeader(cfg.TrustedProxies),
		EnableIPValidation:      true,
	})
	s.routes()
	return s, nil
}

// proxyHeader is the header fiber reads the client's address from: the
// forwarded one only when some proxy is trusted.
func proxyHeader(trusted []string) string {
	if len(trusted) == 0 {
		return ""
	}
	return fiber.HeaderXForwardedFor
}

// routes registers every endpoint. The order matters: the observing and
// header middleware wrap everything, authentication only the API.
func (s *Server) routes() {
	s.app.Use(s.observe, s.securityHeaders)
	s.app.Get("/healthz", s.healthz)
	s.app.Get("/metrics", s.authenticate, s.metrics.handler())
	s.app.Post("/api/v1/login", s.login)
	s.app.Post("/api/v1/feeds/nmea", s.pushNMEA) // a feed key, not a session

	v1 := s.app.Group("/api/v1", s.authenticate)
	s.accountRoutes(v1)
	v1.Get("/openapi.json", s.openAPIDoc)
	v1.Get("/vessels", s.listVessels)
	v1.Get("/vessels/:mmsi", s.getVessel)
	s.historyRoutes(v1) // before zoneRoutes: /alerts/history is not an alert id
	v1.Get("/sources", s.listSources)
	v1.Get("/config", s.boardConfig)
	v1.Get("/waterways", s.waterways)
	s.zoneRoutes(v1)
	s.rescueRoutes(v1)
	s.cameraRoutes(v1)
	v1.Get("/live", s.liveUpgrade, s.liveHandler())
	v1.Use(func(*fiber.Ctx) error { return fiber.ErrNotFound })

	s.tileRoutes()
	if s.cfg.Static != nil {
		s.app.Get("/*", s.boardGate, s.static)
	}
	s.routePaths = make(map[string]bool)
	for _, r := range s.app.GetRoutes(true) {
		s.routePaths[r.Path] = true
	}
}

// Open binds the listener, so that "address in use" shows at once.
func (s *Server) Open() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return nil
	}
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("api: listen %s: %w", s.cfg.Addr, err)
	}
	if err := s.openOps(); err != nil {
		_ = ln.Close()
		return err
	}
	s.ln = ln
	return nil
}

// Addr is the bound address, or the configured one before Open.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return s.ln.Addr().String()
	}
	return s.cfg.Addr
}

// App is the fiber app, for tests (app.Test) and for cmd to mount extras.
func (s *Server) App() *fiber.App { return s.app }

// Run serves until ctx is done, then closes the live clients and shuts the
// server down gracefully. It opens the listener first if Open was not called.
func (s *Server) Run(ctx context.Context) error {
	if err := s.Open(); err != nil {
		return err
	}
	s.mu.Lock()
	ln := s.ln
	s.mu.Unlock()

	unsubscribe := s.deps.Live.Subscribe(s.live.publish)
	defer unsubscribe()
	unsubscribeZones := s.deps.Zones.Subscribe(s.live.publishZone)
	defer unsubscribeZones()

	stopOps := s.serveOps()
	defer stopOps()
	served := make(chan error, 1)
	go func() { served <- s.app.Listener(ln) }()
	s.log.Info("listening", "addr", ln.Addr().String())

	select {
	case err := <-served:
		s.live.closeAll(shutdownTimeout)
		return fmt.Errorf("api: serve: %w", err)
	case <-ctx.Done():
	}
	s.live.closeAll(shutdownTimeout)
	err := s.app.ShutdownWithTimeout(shutdownTimeout)
	// Shutdown only closes listeners Serve has registered; close ours too in
	// case ctx ended before Serve got that far.
	_ = ln.Close()
	<-served
	if err != nil {
		return fmt.Errorf("api: shutdown: %w", err)
	}
	s.log.Info("stopped")
	return nil
}
