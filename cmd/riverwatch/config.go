package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
)

// Config is every setting of riverwatch, filled in this order: defaults, the
// YAML file (--config or RIVERWATCH_CONFIG), RIVERWATCH_* environment
// variables, then flags. Packages receive plain values from it.
type Config struct {
	HTTP    string   `yaml:"http"`     // API and board listen address
	Inputs  []string `yaml:"inputs"`   // AIS sources: [name=]udp://, tcp://, tcp-listen://, serial://, file path, stdin
	NMEAOut string   `yaml:"nmea_out"` // TCP address re-serving accepted sentences ("" = off)

	// Simulate is "auto" (on when no input is given), "on" or "off".
	Simulate   string `yaml:"simulate"`
	SimVessels int    `yaml:"sim_vessels"`
	SimSeed    int64  `yaml:"sim_seed"`
	// SimIncidents makes simulated vessels break each safety rule now
	// and then, so that every alert kind shows within minutes.
	SimIncidents bool `yaml:"sim_incidents"`

	DedupWindow     time.Duration `yaml:"dedup_window"`
	FragmentTimeout time.Duration `yaml:"fragment_timeout"`

	StaleFactor     float64       `yaml:"stale_factor"`
	LostAfter       time.Duration `yaml:"lost_after"`
	MaxSpeedKnots   float64       `yaml:"max_speed_knots"`
	HistoryAge      time.Duration `yaml:"history_age"`
	HistoryPoints   int           `yaml:"history_points"`
	HistoryInterval time.Duration `yaml:"history_interval"`
	MaxClockSkew    time.Duration `yaml:"max_clock_skew"`
	MaxVessels      int           `yaml:"max_vessels"`

	// Zones is a GeoJSON file of zones replacing the built-in defaults;
	// Redis the state store shared by several processes ("" = memory).
	Zones       string `yaml:"zones"`
	Redis       string `yaml:"redis"`
	RedisPrefix string `yaml:"redis_prefix"`

	// Influx* choose InfluxDB for the track history ("" URL = memory).
	// For 1.8 the token is "user:password" or empty and the bucket
	// "database/retention-policy".
	InfluxURL    string `yaml:"influx_url"`
	InfluxToken  string `yaml:"influx_token"`
	InfluxOrg    string `yaml:"influx_org"`
	InfluxBucket string `yaml:"influx_bucket"`
	InfluxSpill  string `yaml:"influx_spill"` // folder for points that wait while InfluxDB is down

	// DataDir holds the embedded account store ("" = $XDG_STATE_HOME/
	// riverwatch or ./.riverwatch); with Redis the accounts live there.
	DataDir string `yaml:"data_dir"`
	// AdminPassword is the password of the account "admin" when it is
	// created, on first start ("" = a random one, printed once).
	AdminPassword string `yaml:"admin_password"`
	// MetricsAddr serves /metrics and /healthz, without authentication,
	// on an address of their own ("" = /metrics only on HTTP, behind a
	// login or bearer token).
	MetricsAddr string `yaml:"metrics_addr"`
	// TrustedProxies are reverse proxies (IPs, CIDR ranges) whose
	// X-Forwarded-For names the client, for login throttling and the
	// audit log.
	TrustedProxies []string `yaml:"trusted_proxies"`

	TileURL         string `yaml:"tile_url"`
	TileAttribution string `yaml:"tile_attribution"`
	MaxLiveClients  int    `yaml:"max_live_clients"`
	// TilesMBTiles serves the tiles from this file on /tiles instead of
	// TileURL; TilesGCJ02 says the tiles are drawn in GCJ-02.
	TilesMBTiles string `yaml:"tiles_mbtiles"`
	TilesGCJ02   bool   `yaml:"tiles_gcj02"`
	// RescueSpeedKn is the rescue boats' speed for the ETAs, and
	// CameraRangeM how far a camera sees an alert's spot.
	RescueSpeedKn float64 `yaml:"rescue_speed_kn"`
	CameraRangeM  float64 `yaml:"camera_range_m"`

	LogLevel  string `yaml:"log_level"`  // debug, info, warn, error
	LogFormat string `yaml:"log_format"` // text or json

	VideoConfig `yaml:",inline"` // cameras and the WebRTC relay (video.go)
}

// DefaultConfig is what `riverwatch serve` runs with when nothing is set:
// the board on localhost:8080 fed by the built-in simulator.
func DefaultConfig() Config {
	return Config{
		HTTP:            "127.0.0.1:8080",
		Simulate:        "auto",
		SimVessels:      100,
		SimSeed:         1,
		SimIncidents:    true,
		DedupWindow:     2 * time.Second,
		FragmentTimeout: 5 * time.Second,
		StaleFactor:     3,
		LostAfter:       30 * time.Minute,
		MaxSpeedKnots:   60,
		HistoryAge:      time.Hour,
		HistoryPoints:   720,
		HistoryInterval: 5 * time.Second,
		MaxClockSkew:    2 * time.Minute,
		MaxVessels:      200_000,
		TileURL:         "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
		TileAttribution: "© OpenStreetMap contributors",
		MaxLiveClients:  256,
		RescueSpeedKn:   defaultRescueSpeedKn,
		CameraRangeM:    defaultCameraRangeM,
		LogLevel:        "info",
		LogFormat:       "text",
		VideoConfig:     VideoConfig{DemoCamera: "auto"},
	}
}

// errUsage marks command-line mistakes; main prints usage and exits 2.
var errUsage = errors.New("usage")

// loadYAML overlays the YAML file at path onto cfg. Unknown keys are an
// error so that a typo does not silently fall back to a default.
func loadYAML(path string, cfg *Config) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if err := yaml.UnmarshalWithOptions(data, cfg, yaml.DisallowUnknownField()); err != nil {
		return fmt.Errorf("config %s: %w", path, err)
	}
	return nil
}

// envName is the environment variable that stands for a flag:
// --nmea-out becomes RIVERWATCH_NMEA_OUT.
func envName(flagName string) string {
	return "RIVERWATCH_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// applyEnv sets every flag of fs that has a RIVERWATCH_* variable in env.
// Input flags take comma-separated values. Inputs from the environment
// replace those of the YAML file, as flags then replace both.
func applyEnv(fs *flag.FlagSet, inputs *inputList, getenv func(string) string) error {
	inputs.layer = layerEnv
	defer func() { inputs.layer = layerFlags }()
	var firstErr error
	fs.VisitAll(func(f *flag.Flag) {
		v := getenv(envName(f.Name))
		if v == "" || firstErr != nil {
			return
		}
		if _, ok := f.Value.(inputFlag); ok {
			for _, part := range strings.Split(v, ",") {
				if part = strings.TrimSpace(part); part != "" {
					_ = f.Value.Set(part)
				}
			}
			return
		}
		if err := fs.Set(f.Name, v); err != nil {
			firstErr = fmt.Errorf("%s: %w", envName(f.Name), err)
		}
	})
	return firstErr
}

// Layers of configuration that may set the inputs; each replaces the list
// the one before it built.
const (
	layerYAML = iota
	layerEnv
	layerFlags
)

// inputList is the list of inputs that --input and its shorthands (--udp,
// --tcp, ...) build together.
type inputList struct {
	values *[]string
	layer  int // the layer now being applied
	setIn  int // the layer that last set values
}

// inputFlag is one flag adding to an inputList: --input as given, or a
// shorthand such as --udp ADDR for --input udp://ADDR.
type inputFlag struct {
	list   *inputList
	prefix string
}

func (f inputFlag) String() string {
	if f.list == nil || f.prefix != "" || f.list.values == nil {
		return ""
	}
	return strings.Join(*f.list.values, ",")
}

func (f inputFlag) Set(v string) error {
	if v == "" {
		return errors.New("empty input")
	}
	l := f.list
	if l.setIn != l.layer {
		*l.values = nil // the first input of a layer replaces the layer below
		l.setIn = l.layer
	}
	*l.values = append(*l.values, f.prefix+v)
	return nil
}

// preScanConfig finds --config in args (before flags are parsed, since the
// file's values become the flags' defaults).
func preScanConfig(args []string, getenv func(string) string) string {
	path := getenv("RIVERWATCH_CONFIG")
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return path
		case a == "-config" || a == "--config":
			if i+1 < len(args) {
				path = args[i+1]
			}
		case strings.HasPrefix(a, "-config=") || strings.HasPrefix(a, "--config="):
			path = a[strings.Index(a, "=")+1:]
		}
	}
	return path
}

// errHelp means --help was asked for and printed: exit 0.
var errHelp = errors.New("help requested")
