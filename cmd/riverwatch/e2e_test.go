package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	goais "github.com/BertoldVdb/go-ais"
	"github.com/coder/websocket"

	"github.com/riverwatch/riverwatch/ais"
	"github.com/riverwatch/riverwatch/vessels"
)

// testAdminPassword is the admin's password in every server the tests
// start.
const testAdminPassword = "e2e-admin-secret"

// authTokens maps a test server's host:port to the admin's bearer token,
// which getJSON, post and liveHeader send, so that the end-to-end tests
// written before accounts read as they did.
var authTokens sync.Map

// startServer opens a real `serve` on loopback ports chosen by the kernel,
// its accounts in a fresh data directory, runs it until the test ends, and
// logs in as admin (authTokens).
func startServer(tb testing.TB, extra ...string) *server {
	tb.Helper()
	return startServerLog(tb, slog.New(slog.DiscardHandler), extra...)
}

// startServerLog is startServer logging to logger.
func startServerLog(tb testing.TB, logger *slog.Logger, extra ...string) *server {
	tb.Helper()
	args := append([]string{"--http", "127.0.0.1:0", "--udp", "127.0.0.1:0", "--tcp-listen", "127.0.0.1:0",
		"--nmea-out", "127.0.0.1:0", "--simulate", "off", "--tile-url", "",
		"--data-dir", tb.TempDir(), "--admin-password", testAdminPassword}, extra...)
	e := env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}
	cfg, err := parseServe(args, e)
	if err != nil {
		tb.Fatalf("parse: %v", err)
	}
	srv, err := openServer(cfg, e, logger)
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.run(ctx) }()
	tb.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			tb.Errorf("serve: %v", err)
		}
	})
	authTokens.Store(srv.api.Addr(), login(tb, "http://"+srv.api.Addr(), "admin", testAdminPassword))
	return srv
}

// login returns a bearer token of username.
func login(tb testing.TB, base, username, password string) string {
	tb.Helper()
	body, _ := json.Marshal(map[string]string{"username": username, "password": password})
	resp, err := http.Post(base+"/api/v1/login", "application/json", strings.NewReader(string(body)))
	if err != nil {
		tb.Fatalf("login: %v", err)
	}
	defer resp.Body.Close()
	var out struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK || out.Token == "" {
		tb.Fatalf("login %s: %d %v", username, resp.StatusCode, err)
	}
	return out.Token
}

// authorize adds the bearer token of the request's server, if a test
// logged in to it.
func authorize(req *http.Request) *http.Request {
	if tok, ok := authTokens.Load(req.URL.Host); ok {
		req.Header.Set("Authorization", "Bearer "+tok.(string))
	}
	return req
}

// liveHeader is the header a WebSocket client of the server at addr sends.
func liveHeader(addr string) http.Header {
	h := http.Header{}
	if tok, ok := authTokens.Load(addr); ok {
		h.Set("Authorization", "Bearer "+tok.(string))
	}
	return h
}

// authGet is http.Get with the server's bearer token.
func authGet(url string) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return http.DefaultClient.Do(authorize(req))
}

func (s *server) sourceAddr(tb testing.TB, kind string) string {
	tb.Helper()
	for _, src := range s.sources {
		if src.Kind() == kind {
			return src.Address()
		}
	}
	tb.Fatalf("no %s source", kind)
	return ""
}

// mustEncode frames a go-ais packet as NMEA sentences.
func mustEncode(tb testing.TB, p goais.Packet, seq int) []string {
	tb.Helper()
	lines, err := ais.EncodeSentences(p, "AI", 'A', seq)
	if err != nil {
		tb.Fatalf("encode: %v", err)
	}
	return lines
}

// reference decodes a sentence's payload with go-ais's reflection decoder,
// independent of the project's framing and its fast decoder.
func reference(tb testing.TB, sentences []string) goais.Packet {
	tb.Helper()
	var bits []byte
	for _, s := range sentences {
		f := strings.Split(strings.SplitN(s, "*", 2)[0], ",")
		for _, c := range []byte(f[5]) {
			v := c - 48
			if v > 40 {
				v -= 8
			}
			for i := 5; i >= 0; i-- {
				bits = append(bits, (v>>uint(i))&1)
			}
		}
	}
	p := goais.CodecNew(false, false).DecodePacket(bits)
	if p == nil {
		tb.Fatalf("reference decoder rejected %q", sentences)
	}
	return p
}

// vesselJSON is what the API sends for a vessel: the domain's own type.
type vesselJSON = vessels.Vessel

func getJSON(tb testing.TB, url string, v any) int {
	tb.Helper()
	resp, err := authGet(url)
	if err != nil {
		tb.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		tb.Fatalf("GET %s: decode: %v", url, err)
	}
	return resp.StatusCode
}

// waitVessel polls the API until the vessel has a position and a name; the
// issue asks for "within 1 s", which the deadline checks without turning a
// slow CI machine into a failure of timing.
func waitVessel(tb testing.TB, base string, mmsi uint32) vesselJSON {
	tb.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		var v vesselJSON
		code := getJSON(tb, fmt.Sprintf("%s/api/v1/vessels/%d", base, mmsi), &v)
		if code == 200 && v.Lat != nil && v.Name != "" {
			return v
		}
		if time.Now().After(deadline) {
			tb.Fatalf("vessel %d not complete in the API: code %d %+v", mmsi, code, v)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestServeEndToEnd(t *testing.T) {
	srv := startServer(t)
	base := "http://" + srv.api.Addr()

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws://"+srv.api.Addr()+"/api/v1/live",
		&websocket.DialOptions{HTTPHeader: liveHeader(srv.api.Addr())})
	if err != nil {
		t.Fatalf("websocket: %v", err)
	}
	defer ws.CloseNow()
	ws.SetReadLimit(16 << 20)

	plotter, err := net.Dial("tcp", srv.nmeaOut.Addr())
	if err != nil {
		t.Fatalf("nmea out: %v", err)
	}
	defer plotter.Close()
	time.Sleep(50 * time.Millisecond) // let the plotter's connection be accepted before traffic flows

	// Class A over UDP: position and two-part static data, with junk between.
	posA := goais.PositionReport{Header: goais.Header{MessageID: 1, UserID: 412345678}, Valid: true,
		NavigationalStatus: 0, Sog: 8.4, Longitude: 126.55123, Latitude: 43.86321, Cog: 47.3, TrueHeading: 45, Timestamp: 30}
	statA := goais.ShipStaticData{Header: goais.Header{MessageID: 5, UserID: 412345678}, Valid: true,
		ImoNumber: 9123456, CallSign: "BXYZ7", Name: "JI LIN HANG 8", Type: 70, Destination: "SONGYUAN",
		Dimension: goais.FieldDimension{A: 60, B: 20, C: 6, D: 6}, MaximumStaticDraught: 3.2}
	udpLines := append(mustEncode(t, posA, 0), "!AIVDM,1,1,,A,garbage*00", "\x00\x01\x02binary", strings.Repeat("X", 5000))
	udpLines = append(udpLines, mustEncode(t, statA, 3)...)
	udp, err := net.Dial("udp", srv.sourceAddr(t, "udp"))
	if err != nil {
		t.Fatal(err)
	}
	defer udp.Close()
	for _, l := range udpLines {
		if _, err := udp.Write([]byte(l + "\r\n")); err != nil {
			t.Fatal(err)
		}
	}

	// Class B over TCP: type 18 and 24 A + B.
	posB := goais.StandardClassBPositionReport{Header: goais.Header{MessageID: 18, UserID: 413987654}, Valid: true,
		Sog: 3.1, Longitude: 124.27001, Latitude: 45.24987, Cog: 200.5, TrueHeading: 511, Timestamp: 12, ClassBUnit: true}
	nameB := goais.StaticDataReport{Header: goais.Header{MessageID: 24, UserID: 413987654}, Valid: true,
		PartNumber: false, ReportA: goais.StaticDataReportA{Valid: true, Name: "CHA GAN HU YU 3"}}
	dataB := goais.StaticDataReport{Header: goais.Header{MessageID: 24, UserID: 413987654}, Valid: true,
		PartNumber: true, ReportB: goais.StaticDataReportB{Valid: true, ShipType: 30, CallSign: "BY3",
			Dimension: goais.FieldDimension{A: 8, B: 4, C: 2, D: 2}}}
	tcp, err := net.Dial("tcp", srv.sourceAddr(t, "tcp-listen"))
	if err != nil {
		t.Fatal(err)
	}
	defer tcp.Close()
	var tcpLines []string
	tcpLines = append(tcpLines, mustEncode(t, posB, 0)...)
	tcpLines = append(tcpLines, "$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47")
	tcpLines = append(tcpLines, mustEncode(t, nameB, 0)...)
	tcpLines = append(tcpLines, mustEncode(t, dataB, 0)...)
	for _, l := range tcpLines {
		fmt.Fprintf(tcp, "%s\r\n", l)
	}

	a := waitVessel(t, base, 412345678)
	refA := reference(t, mustEncode(t, posA, 0)).(goais.PositionReport)
	if math.Abs(*a.Lat-float64(refA.Latitude)) > 1e-5 || math.Abs(*a.Lon-float64(refA.Longitude)) > 1e-5 {
		t.Errorf("vessel A at %v,%v; reference decoder %v,%v", *a.Lat, *a.Lon, refA.Latitude, refA.Longitude)
	}
	if a.Name != "JI LIN HANG 8" || a.CallSign != "BXYZ7" || a.IMO != 9123456 || a.ShipType != 70 || a.Class != "A" {
		t.Errorf("vessel A static data: %+v", a)
	}
	if a.Heading == nil || *a.Heading != 45 || a.SOG == nil || math.Abs(*a.SOG-8.4) > 1e-9 {
		t.Errorf("vessel A dynamics: heading %v sog %v", a.Heading, a.SOG)
	}

	b := waitVessel(t, base, 413987654)
	refB := reference(t, mustEncode(t, posB, 0)).(goais.StandardClassBPositionReport)
	if math.Abs(*b.Lat-float64(refB.Latitude)) > 1e-5 || math.Abs(*b.Lon-float64(refB.Longitude)) > 1e-5 {
		t.Errorf("vessel B at %v,%v; reference decoder %v,%v", *b.Lat, *b.Lon, refB.Latitude, refB.Longitude)
	}
	if b.Name != "CHA GAN HU YU 3" || b.CallSign != "BY3" || b.ShipType != 30 || b.Class != "B" || b.Heading != nil {
		t.Errorf("vessel B: %+v (heading 511 must be null)", b)
	}

	// The live WebSocket saw both vessels.
	seen := map[uint32]bool{}
	for len(seen) < 2 {
		_, data, err := ws.Read(ctx)
		if err != nil {
			t.Fatalf("websocket read: %v (seen %v)", err, seen)
		}
		var msg struct {
			Type    string       `json:"type"`
			Vessel  vesselJSON   `json:"vessel"`
			Vessels []vesselJSON `json:"vessels"`
		}
		if err := json.Unmarshal(data, &msg); err != nil {
			t.Fatalf("websocket message %q: %v", data, err)
		}
		for _, v := range append(msg.Vessels, msg.Vessel) {
			if v.MMSI == 412345678 || v.MMSI == 413987654 {
				seen[v.MMSI] = true
			}
		}
	}

	// Bad lines were counted by reason, on the input that received them.
	var src struct {
		Sources []ais.SourceStats `json:"sources"`
		Total   ais.SourceStats   `json:"total"`
	}
	getJSON(t, base+"/api/v1/sources", &src)
	rej := src.Total.RejectedBy
	if rej["checksum"] < 1 || rej["too_long"] < 1 || rej["unsupported"] < 1 || rej["malformed"] < 1 {
		t.Errorf("rejects by reason: %v", rej)
	}
	if src.Total.Messages < 5 {
		t.Errorf("messages: %d, want >= 5", src.Total.Messages)
	}

	// The chart-plotter feed re-serves the accepted sentences.
	plotter.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := bufio.NewReader(plotter).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "!AIVDM") {
		t.Errorf("nmea out: %q, %v", line, err)
	}

	// Metrics expose the ingest counters.
	resp, err := authGet(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"riverwatch_ais_rejected_total", `riverwatch_tracker_messages_total{outcome="position"}`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}

	// A bad request is a 4xx with a message.
	var apiErr struct{ Error string }
	if code := getJSON(t, base+"/api/v1/vessels?bbox=1,2,3", &apiErr); code != 400 || apiErr.Error == "" {
		t.Errorf("bad bbox: %d %q", code, apiErr.Error)
	}
}
