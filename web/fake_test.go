package web

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/riverwatch/riverwatch/vessels"
	"github.com/riverwatch/riverwatch/zones"
)

// The fixtures are the domain's own types, so the fake sends exactly the
// JSON the API sends (nulls for "not available" included).
type (
	vesselJSON     = vessels.Vessel
	inlandJSON     = vessels.Inland
	personsJSON    = vessels.Persons
	trackPointJSON = vessels.TrackPoint
)

func ptr[T any](v T) *T { return &v }

// fakeAPI serves Static() and a small fake of the board's endpoints. It is
// the board's unit-test double; the real API is tested end to end elsewhere.
type fakeAPI struct {
	tb        testing.TB
	srv       *httptest.Server
	waterways []byte
	vessels   []vesselJSON
	tracks    map[uint32][]trackPointJSON
	config    map[string]any // GET /api/v1/config; set before the page loads

	mu     sync.Mutex
	conns  map[*websocket.Conn]struct{}
	refuse bool // refuse new live connections
	// GET /api/v1/zones, and the alerts and bans of the live snapshot; set
	// them with setZones and setAlerts.
	zones    []zones.Zone
	alerts   []zones.Alert
	bans     []zones.Ban
	zoneGets int // GET /api/v1/zones served

	user     map[string]any              // GET /api/v1/me
	changes  map[uint32][]map[string]any // GET /api/v1/vessels/{mmsi}/changes
	snapshot []vesselJSON                // GET /api/v1/snapshot; nil = 404, no history store
	acks     []string                    // "ack alert-1 comment" for each POST
	posts    map[string][]map[string]any // bodies of POST /api/v1/zones and /bans
}

// newFakeAPI starts the fake on 127.0.0.1:0 and stops it on cleanup.
func newFakeAPI(tb testing.TB, waterways []byte, vessels []vesselJSON, tracks map[uint32][]trackPointJSON) *fakeAPI {
	tb.Helper()
	f := &fakeAPI{
		tb: tb, waterways: waterways, vessels: vessels, tracks: tracks,
		conns: map[*websocket.Conn]struct{}{},
		config: map[string]any{
			"tile_url": "", "tile_attribution": "", "center": []float64{43.85, 126.55},
			"zoom": 10, "timezone": "Asia/Shanghai",
		},
		user:    map[string]any{"username": "officer1", "roles": []string{"officer"}, "station": ""},
		changes: map[uint32][]map[string]any{},
		posts:   map[string][]map[string]any{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/config", func(w http.ResponseWriter, r *http.Request) {
		f.json(w, f.config)
	})
	mux.HandleFunc("GET /api/v1/waterways", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/geo+json")
		w.Write(f.waterways)
	})
	mux.HandleFunc("GET /api/v1/vessels", func(w http.ResponseWriter, r *http.Request) {
		f.json(w, map[string]any{"count": len(f.vessels), "vessels": f.vessels})
	})
	mux.HandleFunc("GET /api/v1/vessels/{mmsi}/track", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.ParseUint(r.PathValue("mmsi"), 10, 32)
		if err != nil {
			http.Error(w, "bad mmsi", http.StatusBadRequest)
			return
		}
		pts := f.tracks[uint32(n)]
		if pts == nil {
			pts = []trackPointJSON{}
		}
		f.json(w, map[string]any{"mmsi": n, "points": pts})
	})
	mux.HandleFunc("GET /api/v1/zones", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		data, err := zones.MarshalZones(f.zones)
		f.zoneGets++
		f.mu.Unlock()
		if err != nil {
			f.tb.Errorf("zones: %v", err)
		}
		w.Header().Set("Content-Type", "application/geo+json")
		w.Write(data)
	})
	mux.HandleFunc("GET /api/v1/live", f.live)
	f.extras(mux)
	static := http.FileServerFS(Static())
	mux.Handle("GET /", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Report-only: violations are recorded by the test, and an injected
		// script would still run, so the dialog check means something.
		w.Header().Set("Content-Security-Policy-Report-Only", ContentSecurityPolicy)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		static.ServeHTTP(w, r)
	}))

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("listen: %v", err)
	}
	f.srv = httptest.NewUnstartedServer(mux)
	f.srv.Listener.Close()
	f.srv.Listener = ln
	f.srv.Start()
	tb.Cleanup(func() {
		f.dropAll()
		f.srv.Close()
	})
	return f
}

func (f *fakeAPI) json(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(v); err != nil {
		f.tb.Errorf("encode: %v", err)
	}
}

func (f *fakeAPI) live(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	refuse := f.refuse
	f.mu.Unlock()
	if refuse {
		http.Error(w, "try later", http.StatusServiceUnavailable)
		return
	}
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	ctx := c.CloseRead(r.Context())
	f.mu.Lock()
	snap, _ := json.Marshal(map[string]any{"type": "snapshot", "vessels": f.vessels, "alerts": f.alerts, "bans": f.bans})
	f.mu.Unlock()
	if err := c.Write(ctx, websocket.MessageText, snap); err != nil {
		c.CloseNow()
		return
	}
	f.mu.Lock()
	f.conns[c] = struct{}{}
	f.mu.Unlock()
	<-ctx.Done()
	f.mu.Lock()
	delete(f.conns, c)
	f.mu.Unlock()
	c.CloseNow()
}

// push sends one live message to every connected board.
func (f *fakeAPI) push(msg any) {
	f.tb.Helper()
	b, err := json.Marshal(msg)
	if err != nil {
		f.tb.Fatalf("marshal: %v", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.conns) == 0 {
		f.tb.Fatalf("push: no live connection")
	}
	for c := range f.conns {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := c.Write(ctx, websocket.MessageText, b)
		cancel()
		if err != nil {
			f.tb.Errorf("push: %v", err)
		}
	}
}

// dropAll closes every live connection, as a restarting server would.
func (f *fakeAPI) dropAll() {
	f.mu.Lock()
	conns := make([]*websocket.Conn, 0, len(f.conns))
	for c := range f.conns {
		conns = append(conns, c)
		delete(f.conns, c)
	}
	f.mu.Unlock()
	for _, c := range conns {
		c.Close(websocket.StatusGoingAway, "restart")
	}
}

func (f *fakeAPI) setRefuse(b bool) {
	f.mu.Lock()
	f.refuse = b
	f.mu.Unlock()
}

// setZones sets what GET /api/v1/zones serves.
func (f *fakeAPI) setZones(zs []zones.Zone) {
	f.mu.Lock()
	f.zones = zs
	f.mu.Unlock()
}

// setAlerts sets the active alerts and the bans of the next snapshots.
func (f *fakeAPI) setAlerts(alerts []zones.Alert, bans []zones.Ban) {
	f.mu.Lock()
	f.alerts, f.bans = alerts, bans
	f.mu.Unlock()
}

func (f *fakeAPI) zonesServed() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.zoneGets
}

// url is the board's address.
func (f *fakeAPI) url() string { return f.srv.URL + "/" }
