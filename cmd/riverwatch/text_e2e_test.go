package main

import (
	"fmt"
	"net"
	"net/url"
	"testing"

	goais "github.com/BertoldVdb/go-ais"
)

// TestNamesAsSent sends a vessel whose name, call sign and destination carry
// runs of inner spaces over UDP: the API lists them exactly as sent, less
// their trailing padding, and a search with single spaces still finds it.
func TestNamesAsSent(t *testing.T) {
	srv := startServer(t)
	base := "http://" + srv.api.Addr()
	const mmsi = 412000777
	pos := goais.PositionReport{Header: goais.Header{MessageID: 1, UserID: mmsi}, Valid: true,
		Sog: 5, Longitude: 126.5, Latitude: 43.9, Cog: 10, TrueHeading: 10}
	// go-ais pads to the field length with '@'; the trailing spaces are
	// padding too.
	stat := goais.ShipStaticData{Header: goais.Header{MessageID: 5, UserID: mmsi}, Valid: true,
		CallSign: "B  X7", Name: "HE  PING 7   ", Type: 60, Destination: "SONG   YUAN  "}
	udp, err := net.Dial("udp", srv.sourceAddr(t, "udp"))
	if err != nil {
		t.Fatal(err)
	}
	defer udp.Close()
	for _, l := range append(mustEncode(t, pos, 0), mustEncode(t, stat, 1)...) {
		if _, err := udp.Write([]byte(l + "\r\n")); err != nil {
			t.Fatal(err)
		}
	}
	v := waitVessel(t, base, mmsi)
	if v.Name != "HE  PING 7" || v.CallSign != "B  X7" || v.Destination != "SONG   YUAN" {
		t.Errorf("name %q call sign %q destination %q, want %q %q %q as sent without padding",
			v.Name, v.CallSign, v.Destination, "HE  PING 7", "B  X7", "SONG   YUAN")
	}
	var list struct {
		Count   int          `json:"count"`
		Vessels []vesselJSON `json:"vessels"`
	}
	getJSON(t, base+"/api/v1/vessels?q="+url.QueryEscape("he ping"), &list)
	if list.Count != 1 || len(list.Vessels) != 1 || list.Vessels[0].Name != "HE  PING 7" {
		t.Errorf("search %q: %+v", "he ping", list)
	}
	getJSON(t, fmt.Sprintf("%s/api/v1/vessels?q=%s", base, url.QueryEscape("HE  PING")), &list)
	if list.Count != 1 {
		t.Errorf("search with the spaces as sent: %d vessels", list.Count)
	}
}
