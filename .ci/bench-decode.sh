#!/bin/sh
# Compares `riverwatch decode FILE > /dev/null` with `gpsdecode < FILE > /dev/null`
# on the same file on this machine. The file is the San Francisco Bay capture
# from ../shared (timestamps stripped, since gpsdecode reads bare sentences),
# repeated to about a million sentences. Prints sentences per second of each
# and the ratio; best of three runs each.
set -eu
BIN=${1:-./bin/riverwatch}
SHARED=${SHARED:-../shared}
SRC="$SHARED/corpus/ais/simpleais/sample.ais"
if [ ! -f "$SRC" ]; then
	echo "bench-decode: $SRC not found (the shared corpus sits beside the checkout)" >&2
	exit 1
fi
command -v gpsdecode >/dev/null || { echo "bench-decode: gpsdecode missing: apt-get install -y gpsd-clients" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cut -d' ' -f2- "$SRC" > "$TMP/one.nmea"
i=0
while [ $i -lt 100 ]; do cat "$TMP/one.nmea"; i=$((i+1)); done > "$TMP/big.nmea"
LINES=$(wc -l < "$TMP/big.nmea")

best() { # best wall time in seconds of three runs of "$@"
	b=""
	for _ in 1 2 3; do
		s=$(date +%s.%N); "$@"; e=$(date +%s.%N)
		t=$(awk "BEGIN{print $e - $s}")
		if [ -z "$b" ] || [ "$(awk "BEGIN{print ($t < $b)}")" = 1 ]; then b=$t; fi
	done
	echo "$b"
}
rw() { "$BIN" decode "$TMP/big.nmea" > /dev/null; }
gd() { gpsdecode < "$TMP/big.nmea" > /dev/null 2>&1; }
T_RW=$(best rw)
T_GD=$(best gd)
printf 'file: %d sentences (simpleais sample.ais x100)\n' "$LINES"
printf 'riverwatch decode: %8.3f s  %10.0f sentences/s\n' "$T_RW" "$(awk "BEGIN{print $LINES / $T_RW}")"
printf 'gpsdecode:         %8.3f s  %10.0f sentences/s\n' "$T_GD" "$(awk "BEGIN{print $LINES / $T_GD}")"
printf 'ratio (riverwatch / gpsdecode sentences per second): %.2fx (goal >= 3x)\n' "$(awk "BEGIN{print $T_GD / $T_RW}")"
