package web

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/riverwatch/riverwatch/zones"
)

// fakeStation is the rescue station the fake names for every alert.
var fakeStation = map[string]any{"id": "rs-a", "name": "Jilin water rescue station", "name_zh": "吉林水上救助站", "lat": 43.95, "lon": 126.60}

// extras serves the endpoints of accounts, rescue, history and alert
// handling the board uses beside the live picture.
func (f *fakeAPI) extras(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/me", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		u := f.user
		f.mu.Unlock()
		if u == nil {
			f.jsonStatus(w, http.StatusUnauthorized, map[string]string{"error": "unauthorized"})
			return
		}
		f.json(w, u)
	})
	mux.HandleFunc("POST /api/v1/login", func(w http.ResponseWriter, r *http.Request) {
		var body struct{ Username, Password string }
		_ = json.NewDecoder(r.Body).Decode(&body)
		if body.Password != "good-password" {
			f.jsonStatus(w, http.StatusUnauthorized, map[string]string{"error": "wrong username or password"})
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "rw_session", Value: "s1", Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
		http.SetCookie(w, &http.Cookie{Name: "rw_csrf", Value: "tok123", Path: "/", SameSite: http.SameSiteStrictMode})
		f.mu.Lock()
		f.user = map[string]any{"username": body.Username, "roles": []string{"officer"}, "station": ""}
		f.mu.Unlock()
		f.json(w, map[string]any{"token": "t", "user": f.user})
	})
	mux.HandleFunc("DELETE /api/v1/bans/{id}", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.acks = append(f.acks, "lift "+r.PathValue("id")+" "+r.Header.Get("X-CSRF-Token"))
		f.mu.Unlock()
		f.json(w, map[string]any{"id": r.PathValue("id"), "zone_ids": []string{"speed-1"}, "kind": "restrict", "reason": "fog",
			"from": time.Now().Add(-time.Hour), "until": time.Now().Add(time.Hour), "lifted_by": "officer1", "lifted_at": time.Now().Add(-time.Second)})
	})
	mux.HandleFunc("GET /api/v1/alerts/{id}/rescue", func(w http.ResponseWriter, r *http.Request) {
		a, ok := f.alert(r.PathValue("id"))
		if !ok { // pushed live, not in the snapshot
			a = zones.Alert{ID: r.PathValue("id"), Lat: 43.86, Lon: 126.56}
		}
		f.json(w, map[string]any{"alert_id": a.ID, "station": fakeStation, "distance_m": 4200.0, "eta_s": 630.0, "boat_speed_kn": 25.0,
			"path": [][]float64{{126.60, 43.95}, {126.58, 43.90}, {a.Lon, a.Lat}}, "cameras": []any{}})
	})
	mux.HandleFunc("GET /api/v1/vessels/{mmsi}/changes", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.ParseUint(r.PathValue("mmsi"), 10, 32)
		f.mu.Lock()
		ch := f.changes[uint32(n)]
		f.mu.Unlock()
		if ch == nil {
			ch = []map[string]any{}
		}
		f.json(w, map[string]any{"mmsi": n, "changes": ch})
	})
	mux.HandleFunc("GET /api/v1/snapshot", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		snap := f.snapshot
		f.mu.Unlock()
		if snap == nil {
			f.jsonStatus(w, http.StatusNotFound, map[string]string{"error": "no history store"})
			return
		}
		f.json(w, map[string]any{"at": r.URL.Query().Get("at"), "count": len(snap), "vessels": snap})
	})
	for _, action := range []string{"ack", "resolve"} {
		mux.HandleFunc("POST /api/v1/alerts/{id}/"+action, func(w http.ResponseWriter, r *http.Request) {
			var body struct {
				Comment string `json:"comment"`
			}
			_ = json.NewDecoder(r.Body).Decode(&body)
			f.mu.Lock()
			i := slices.IndexFunc(f.alerts, func(a zones.Alert) bool { return a.ID == r.PathValue("id") })
			if i < 0 {
				f.mu.Unlock()
				f.jsonStatus(w, http.StatusNotFound, map[string]string{"error": "no such alert"})
				return
			}
			f.acks = append(f.acks, fmt.Sprintf("%s %s %s %s", action, f.alerts[i].ID, body.Comment, r.Header.Get("X-CSRF-Token")))
			a := f.alerts[i]
			a.UpdatedAt = time.Now().UTC()
			if action == "ack" {
				a.State, a.AckedBy, a.AckedAt = zones.StateAcknowledged, "officer1", a.UpdatedAt
			} else {
				a.State, a.ResolvedBy, a.ResolvedAt = zones.StateResolved, "officer1", a.UpdatedAt
			}
			f.alerts[i] = a
			f.mu.Unlock()
			f.json(w, a)
		})
	}
	for _, path := range []string{"/api/v1/zones", "/api/v1/bans"} {
		mux.HandleFunc("POST "+path, func(w http.ResponseWriter, r *http.Request) {
			var body map[string]any
			if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
				f.jsonStatus(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
				return
			}
			kept := maps.Clone(body)
			kept["csrf"] = r.Header.Get("X-CSRF-Token")
			f.mu.Lock()
			f.posts[path] = append(f.posts[path], kept)
			f.mu.Unlock()
			if path == "/api/v1/bans" {
				body["id"], body["created_by"] = "ban-new", "officer1"
			}
			f.jsonStatus(w, http.StatusCreated, body)
		})
	}
	mux.HandleFunc("GET /api/v1/sources", func(w http.ResponseWriter, r *http.Request) {
		f.json(w, map[string]any{"sources": []map[string]any{{"name": "udp", "kind": "udp", "messages": time.Now().Unix() % 100000}}})
	})
	mux.HandleFunc("GET /api/v1/alerts", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		list := slices.Clone(f.alerts)
		f.mu.Unlock()
		q := r.URL.Query()
		list = slices.DeleteFunc(list, func(a zones.Alert) bool {
			return (q.Get("mmsi") != "" && fmt.Sprint(a.MMSI) != q.Get("mmsi")) || (q.Get("state") != "" && string(a.State) != q.Get("state"))
		})
		f.json(w, map[string]any{"count": len(list), "alerts": list})
	})
	mux.HandleFunc("GET /api/v1/zones/{id}/vessels", func(w http.ResponseWriter, r *http.Request) {
		f.json(w, map[string]any{"zone_id": r.PathValue("id"), "count": 1, "mmsi": []uint32{413000001}, "vessels": f.vessels[:1]})
	})
	mux.HandleFunc("GET /api/v1/cameras", func(w http.ResponseWriter, r *http.Request) {
		f.json(w, map[string]any{"count": 0, "cameras": []any{}})
	})
}

func (f *fakeAPI) alert(id string) (zones.Alert, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := slices.IndexFunc(f.alerts, func(a zones.Alert) bool { return a.ID == id })
	if i < 0 {
		return zones.Alert{}, false
	}
	return f.alerts[i], true
}

func (f *fakeAPI) jsonStatus(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		f.tb.Errorf("encode: %v", err)
	}
}

// posted returns the bodies POSTed to path so far.
func (f *fakeAPI) posted(path string) []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.posts[path])
}

// actions returns the acknowledgements, resolutions and lifts so far.
func (f *fakeAPI) actions() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.acks)
}
