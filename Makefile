# riverwatch — two commands on a fresh machine:
#   make run    start the whole system on its embedded defaults (simulated traffic)
#   make test   install what the tests need, then run every test against real services
GO       ?= go
BIN      := bin/riverwatch
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SHARED   ?= $(abspath ../shared)
APT_STAMP := .cache/apt-updated
# staticcheck, pinned; installed with go install when missing.
STATICCHECK_VERSION := v0.8.2
STATICCHECK := $(shell $(GO) env GOPATH)/bin/staticcheck

.PHONY: all build run test test-short bench bench-decode bench-video pgo fuzz vet lint deps-test deps-bench deps-video clean

all: build

build:
	$(GO) build -trimpath -o $(BIN) ./cmd/riverwatch

## run: the board on http://localhost:8080 with about 100 simulated vessels.
run: build
	./$(BIN) serve

## test: installs what the tests need if missing (Chromium), then runs vet,
## staticcheck and all tests with RIVERWATCH_REQUIRE_SERVICES=1, so a missing
## service fails. Reference data in ../shared is not a service: its tests skip
## on a bare clone unless RIVERWATCH_REQUIRE_SHARED=1 (as .ci/run sets).
test: deps-test vet lint
	RIVERWATCH_REQUIRE_SERVICES=1 RIVERWATCH_INFLUXD=$(INFLUXD) $(GO) test -race -count=1 -timeout 15m ./...

## test-short: the tests that need nothing installed (services skip).
test-short:
	$(GO) test -count=1 ./...

vet:
	$(GO) vet ./...

lint: $(STATICCHECK)
	$(STATICCHECK) ./...

$(STATICCHECK):
	$(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

## bench: every Go benchmark once; on one core the ingest path, the zone
## check (indexed and brute force, 10,000 zones) and sentence to alert with
## 10,000 zones and vessels (memory and Redis); then riverwatch decode beside
## gpsdecode on the same files; the InfluxDB history: writes beside a plain
## loader, a one-day track, a snapshot of 1,000 vessels, and replay
## --into-history of a million sentences beside the plain loader.
bench: deps-bench deps-influxd build
	$(GO) test -run='^$$' -bench=. -benchmem -count=1 ./...
	$(GO) test -run='^$$' -bench='WholePath$$|WholePathFleet$$' -benchmem -cpu=1 -benchtime=2000000x -count=5 ./cmd/riverwatch/
	$(GO) test -run='^$$' -bench='ZoneCheck|ZoneCrossed|ZoneNear|EngineFleet' -benchmem -cpu=1 -count=3 ./zones/
	RIVERWATCH_REQUIRE_SERVICES=1 $(GO) test -run='^$$' -bench='WholePathZones' -benchmem -cpu=1 -benchtime=2000000x -count=3 ./cmd/riverwatch/
	$(GO) test -run='^$$' -bench='DecodeCommand' -benchmem -cpu=1 -count=5 ./cmd/riverwatch/
	RIVERWATCH_REQUIRE_SERVICES=1 RIVERWATCH_INFLUXD=$(INFLUXD) $(GO) test -run='^$$' -bench='Write|Read' -count=1 ./vessels/influxstore/
	RIVERWATCH_REQUIRE_SERVICES=1 RIVERWATCH_INFLUXD=$(INFLUXD) $(GO) test -run='^$$' -bench='ReplayIntoHistory' -benchtime=1x -count=1 ./cmd/riverwatch/
	$(MAKE) --no-print-directory bench-decode
	$(MAKE) --no-print-directory bench-video

## pgo: profiles the whole path on one core (sentence to vessel state, and
## sentence to alert with 10,000 zones on the memory store and on Redis)
## into cmd/riverwatch/default.pgo, which go build and go test of the
## command use for profile-guided optimisation. Run it again when the hot
## path changes much; an old profile only optimises less.
PGO_BENCH := WholePath$$|WholePathFleet$$|WholePathZones$$|WholePathZonesCalm$$|WholePathZonesCalmRedis$$
pgo: deps-bench
	mkdir -p .cache
	RIVERWATCH_REQUIRE_SERVICES=1 $(GO) test -run='^$$' -bench='$(PGO_BENCH)' -cpu=1 -benchtime=2000000x \
		-o $(CURDIR)/.cache/pgo.test -cpuprofile=$(CURDIR)/.cache/pgo.prof ./cmd/riverwatch/
	cp .cache/pgo.prof cmd/riverwatch/default.pgo

## bench-decode: riverwatch decode beside gpsdecode on the San Francisco
## capture and on a static-heavy corpus, ratio of each.
bench-decode: deps-bench build
	SHARED=$(SHARED) GO=$(GO) sh .ci/bench-decode.sh ./$(BIN)

## fuzz: a short run of every fuzzer (the seed corpora run in plain go test).
fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzParseSentence -fuzztime=30s ./ais/
	$(GO) test -run='^$$' -fuzz=FuzzParseTagBlock -fuzztime=30s ./ais/

## bench-video: the video relay beside plain forwarding (pion's shared
## track, as mediamtx and go2rtc forward) and Janus 1.1.2's streaming plugin
## (with and without videobufferkf) pulling the same RTSP camera, a 720p
## 2 Mbit/s clip with a keyframe every 10 s made with ffmpeg at bench time.
## First the time from a viewer's offer to its first whole picture, joining
## 4 s into a keyframe group (whole-ms; first-ms is the first frame of any
## kind, broken-AUs what a decoder could not show whole before it), and in
## headless Chromium with the viewer page for riverwatch and plain; then
## the relay process's cost for 100 viewers (%-core over 10 s, MiB/viewer
## of resident memory). All in a network namespace of its own
## (video/videotest.MainInNetNS): nothing leaves the machine. ~10 minutes.
bench-video: deps-bench
	RIVERWATCH_BENCH_VIDEO=1 RIVERWATCH_REQUIRE_SERVICES=1 $(GO) test -run='^$$' -bench='FirstFrame' -benchtime=3x -timeout 30m ./video/videobench/
	RIVERWATCH_BENCH_VIDEO=1 RIVERWATCH_REQUIRE_SERVICES=1 $(GO) test -run='^$$' -bench='RelayCost100' -benchtime=1x -timeout 30m ./video/videobench/

$(APT_STAMP):
	mkdir -p .cache
	$(SUDO) apt-get update -qq
	touch $@

## deps-test: Chromium for the browser tests, and a CJK font so that the
## screenshots they take show the board's Chinese text; ffmpeg, which makes
## the video tests' camera clips and the snapshots; janus, which the video
## bench's own test drives (video/videobench); redis-server and
## redis-cli for the Redis store's tests, which start their own servers
## (a single node and a cluster) on free ports; influxd for the InfluxDB
## history's tests (deps-influxd).
deps-test: deps-influxd
	@{ command -v chromium >/dev/null 2>&1 || command -v chromium-headless-shell >/dev/null 2>&1; } && \
		fc-list 2>/dev/null | grep -qi -e wqy -e cjk || \
		{ $(MAKE) --no-print-directory $(APT_STAMP) && \
		  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-wqy-microhei; }
	@{ command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; } || \
		{ $(MAKE) --no-print-directory $(APT_STAMP) && \
		  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq redis-server redis-tools; }
	@$(MAKE) --no-print-directory deps-video

## deps-video: ffmpeg and Janus 1.1.2 (Debian's janus), for the video tests
## and bench-video.
deps-video:
	@command -v ffmpeg >/dev/null 2>&1 || \
		{ $(MAKE) --no-print-directory $(APT_STAMP) && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq ffmpeg; }
	@command -v janus >/dev/null 2>&1 || \
		{ $(MAKE) --no-print-directory $(APT_STAMP) && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq janus; }

## deps-influxd: InfluxDB OSS 1.8.3, built once from the Go module proxy
## (about a minute) into .cache/bin; its tests start it on free ports.
INFLUXD := $(abspath .cache/bin/influxd)
deps-influxd: $(INFLUXD)

$(INFLUXD):
	GOBIN=$(abspath .cache/bin) $(GO) install github.com/influxdata/influxdb/cmd/influxd@v1.8.3

deps-bench: deps-video
	@command -v gpsdecode >/dev/null 2>&1 || \
		{ $(MAKE) --no-print-directory $(APT_STAMP) && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq gpsd-clients; }
	@command -v redis-server >/dev/null 2>&1 || \
		{ $(MAKE) --no-print-directory $(APT_STAMP) && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq redis-server redis-tools; }

clean:
	rm -rf bin .cache
