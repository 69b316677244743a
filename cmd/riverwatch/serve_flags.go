package main

import (
	"flag"
	"fmt"
	"io"
)

// parseServe fills a Config for `serve` from defaults, YAML, environment and
// flags, in that order.
func parseServe(args []string, e env) (Config, error) {
	cfg := DefaultConfig()
	if path := preScanConfig(args, e.getenv); path != "" {
		if err := loadYAML(path, &cfg); err != nil {
			return cfg, err
		}
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var configPath string
	var stdin bool
	fs.StringVar(&configPath, "config", "", "YAML configuration file (keys as in the README); flags and RIVERWATCH_* variables override it")
	fs.StringVar(&cfg.HTTP, "http", cfg.HTTP, "listen address of the API and the board; use :8080 to serve other machines")
	inputs := &inputList{values: &cfg.Inputs}
	fs.Var(inputFlag{list: inputs}, "input", "AIS input `[NAME=]URL`, repeatable: udp://HOST:PORT, tcp-listen://HOST:PORT,\ntcp://HOST:PORT (client, reconnects), serial:///dev/ttyUSB0?baud=38400, a file path (.gz too), or stdin")
	fs.Var(inputFlag{list: inputs, prefix: "udp://"}, "udp", "listen for AIS over UDP on `ADDR` (same as --input udp://ADDR)")
	fs.Var(inputFlag{list: inputs, prefix: "tcp-listen://"}, "tcp-listen", "accept AIS receivers connecting over TCP on `ADDR`")
	fs.Var(inputFlag{list: inputs, prefix: "tcp://"}, "tcp", "connect to a remote AIS feed at `HOST:PORT` (AIS-catcher, gpsd, a provider)")
	fs.Var(inputFlag{list: inputs, prefix: "serial://"}, "serial", "read AIS from a serial `DEVICE` at 38400 baud (add ?baud=N to change)")
	fs.Var(inputFlag{list: inputs, prefix: ""}, "file", "read AIS from a capture `FILE` (plain or .gz)")
	fs.BoolVar(&stdin, "stdin", false, "read AIS sentences from standard input")
	fs.StringVar(&cfg.NMEAOut, "nmea-out", cfg.NMEAOut, "re-serve accepted AIS sentences to chart plotters (OpenCPN) on TCP `ADDR`; empty = off")
	fs.StringVar(&cfg.Simulate, "simulate", cfg.Simulate, "built-in traffic simulator: auto (on when no input is given), on, off")
	fs.IntVar(&cfg.SimVessels, "sim-vessels", cfg.SimVessels, "number of simulated vessels")
	fs.Int64Var(&cfg.SimSeed, "sim-seed", cfg.SimSeed, "seed of the simulated fleet")
	fs.BoolVar(&cfg.SimIncidents, "sim-incidents", cfg.SimIncidents, "simulated vessels break each safety rule now and then (restricted zones, speeding, the border, collisions, AIS gaps, distress...)")
	fs.DurationVar(&cfg.DedupWindow, "dedup-window", cfg.DedupWindow, "a message heard again by another station within this window is counted once; 0 = off")
	fs.DurationVar(&cfg.FragmentTimeout, "fragment-timeout", cfg.FragmentTimeout, "how long to wait for the other fragments of a multi-sentence message")
	fs.Float64Var(&cfg.StaleFactor, "stale-factor", cfg.StaleFactor, "a vessel is stale when silent longer than its expected reporting interval times this")
	fs.DurationVar(&cfg.LostAfter, "lost-after", cfg.LostAfter, "a vessel silent this long is lost and leaves the live picture")
	fs.Float64Var(&cfg.MaxSpeedKnots, "max-speed", cfg.MaxSpeedKnots, "a position implying a speed above this many knots is flagged as an impossible jump")
	fs.DurationVar(&cfg.HistoryAge, "history-age", cfg.HistoryAge, "how much track the in-memory history keeps per vessel")
	fs.IntVar(&cfg.HistoryPoints, "history-points", cfg.HistoryPoints, "at most this many track points per vessel in memory")
	fs.DurationVar(&cfg.HistoryInterval, "history-interval", cfg.HistoryInterval, "keep track points at least this far apart (fast reporters are thinned); 0 = keep every report")
	fs.DurationVar(&cfg.MaxClockSkew, "max-clock-skew", cfg.MaxClockSkew, "a message time (tag block c:) further than this from our clock is replaced by the time it arrived")
	fs.IntVar(&cfg.MaxVessels, "max-vessels", cfg.MaxVessels, "most vessels in the live picture; new MMSIs beyond it are refused and counted")
	fs.StringVar(&cfg.Zones, "zones", cfg.Zones, "GeoJSON `FILE` of zones replacing the built-in Jilin zones (zones added through the API are kept beside them)")
	fs.StringVar(&cfg.Redis, "redis", cfg.Redis, "Redis holding the live zone state shared by several processes: redis://HOST:PORT/DB,\nor redis+cluster://HOST:PORT,HOST:PORT for a Redis Cluster; empty = in memory")
	fs.StringVar(&cfg.RedisPrefix, "redis-prefix", cfg.RedisPrefix, "prefix of every Redis key (several deployments on one Redis)")
	fs.StringVar(&cfg.InfluxURL, "influx-url", cfg.InfluxURL, "InfluxDB (2.x, Cloud, or 1.8+) keeping every vessel's track, e.g. http://127.0.0.1:8086; empty = the in-memory history")
	fs.StringVar(&cfg.InfluxToken, "influx-token", cfg.InfluxToken, "InfluxDB API token (1.8: user:password, or empty)")
	fs.StringVar(&cfg.InfluxOrg, "influx-org", cfg.InfluxOrg, "InfluxDB organisation (2.x and Cloud)")
	fs.StringVar(&cfg.InfluxBucket, "influx-bucket", cfg.InfluxBucket, "InfluxDB bucket (1.8: database/retention-policy)")
	fs.StringVar(&cfg.InfluxSpill, "influx-spill", cfg.InfluxSpill, "`DIR` where track points wait on disk when InfluxDB is down longer than the memory buffer holds")
	fs.StringVar(&cfg.DataDir, "data-dir", cfg.DataDir, "`DIR` of the account store (accounts, sessions, feed keys, audit log); default $XDG_STATE_HOME/riverwatch or ./.riverwatch.\nWith --redis they are kept in Redis instead, shared by every process")
	fs.StringVar(&cfg.AdminPassword, "admin-password", cfg.AdminPassword, "password of the account admin (officer, admin) when it is created on first start; empty = a random one, printed once.\nPrefer RIVERWATCH_ADMIN_PASSWORD: a flag shows in the process list")
	fs.Var(commaList{&cfg.TrustedProxies}, "trusted-proxies", "reverse proxies (`IP[,CIDR...]`) whose X-Forwarded-For names the client, for login throttling and the audit log")
	fs.StringVar(&cfg.MetricsAddr, "metrics-addr", cfg.MetricsAddr, "serve /metrics and /healthz without login on this `ADDR` of their own (for Prometheus); empty = /metrics on --http behind a login")
	fs.StringVar(&cfg.TileURL, "tile-url", cfg.TileURL, "map tile URL template for the board ({z}/{x}/{y}); empty = no tiles, rivers only")
	fs.StringVar(&cfg.TileAttribution, "tile-attribution", cfg.TileAttribution, "attribution shown for the map tiles")
	addBoardFlags(fs, &cfg)
	fs.IntVar(&cfg.MaxLiveClients, "max-live-clients", cfg.MaxLiveClients, "most browsers on the live WebSocket at once")
	fs.StringVar(&cfg.LogLevel, "log-level", cfg.LogLevel, "debug, info, warn or error")
	fs.StringVar(&cfg.LogFormat, "log-format", cfg.LogFormat, "text or json")
	addVideoFlags(fs, &cfg.VideoConfig)
	fs.Usage = func() { serveUsage(e.stderr, fs) }
	if err := applyEnv(fs, inputs, e.getenv); err != nil {
		return cfg, err
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return cfg, errHelp
		}
		return cfg, errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "serve: unexpected argument %q\n", fs.Arg(0))
		return cfg, errUsage
	}
	if stdin {
		_ = inputFlag{list: inputs}.Set("stdin")
	}
	switch cfg.Simulate {
	case "auto", "on", "off":
	default:
		return cfg, fmt.Errorf("--simulate %q: want auto, on or off", cfg.Simulate)
	}
	switch cfg.DemoCamera {
	case "auto", "on", "off":
	default:
		return cfg, fmt.Errorf("--demo-camera %q: want auto, on or off", cfg.DemoCamera)
	}
	return cfg, nil
}

func serveUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, `Usage: riverwatch [serve] [flags]

Runs the whole system: AIS inputs, live vessel tracking, the HTTP API and the
board. With no input given it runs the built-in simulator, so the board shows
traffic at once. Each flag can also be set as RIVERWATCH_<FLAG> (dashes become
underscores; list flags take commas) or in the YAML file given with --config.

Flags:
`)
	fs.PrintDefaults()
}
