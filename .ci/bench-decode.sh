#!/bin/sh
# Compares `riverwatch decode FILE > /dev/null` with `gpsdecode < FILE > /dev/null`
# on the same files on this machine, in one run:
#   - the San Francisco Bay capture from ../shared (timestamps stripped,
#     since gpsdecode reads bare sentences), repeated to a million
#     sentences: almost all class A positions;
#   - the static-heavy corpus (cmd/riverwatch/staticcorpus_test.go, fixed
#     seed), a million sentences: half the messages static reports (type 5
#     in two sentences, 24 A and B, 19, 21), the rest types 1, 2, 3 and 18.
# Prints sentences per second of each and the ratio; best of three runs
# each, the two programs taking turns so that a busy moment of the machine
# does not fall on one of them only.
set -eu
BIN=${1:-./bin/riverwatch}
GO=${GO:-go}
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
while [ $i -lt 100 ]; do cat "$TMP/one.nmea"; i=$((i+1)); done > "$TMP/sf.nmea"
"$GO" test -run '^TestWriteStaticCorpus$' -count=1 ./cmd/riverwatch/ -static-corpus="$TMP/static.nmea" >/dev/null

now() { date +%s.%N; }

# compare NAME FILE GOAL: best wall time of three turns each, and the ratio.
compare() {
	name=$1 file=$2 goal=$3
	lines=$(wc -l < "$file")
	brw="" bgd=""
	for _ in 1 2 3; do
		s=$(now); "$BIN" decode "$file" > /dev/null; e=$(now)
		brw=$(awk -v s="$s" -v e="$e" -v b="$brw" 'BEGIN{t = e - s; print (b == "" || t < b) ? t : b}')
		s=$(now); gpsdecode < "$file" > /dev/null 2>&1; e=$(now)
		bgd=$(awk -v s="$s" -v e="$e" -v b="$bgd" 'BEGIN{t = e - s; print (b == "" || t < b) ? t : b}')
	done
	printf '%s: %d sentences\n' "$name" "$lines"
	printf '  riverwatch decode: %8.3f s  %10.0f sentences/s\n' "$brw" "$(awk "BEGIN{print $lines / $brw}")"
	printf '  gpsdecode:         %8.3f s  %10.0f sentences/s\n' "$bgd" "$(awk "BEGIN{print $lines / $bgd}")"
	awk -v r="$brw" -v g="$bgd" -v goal="$goal" 'BEGIN{q = g / r;
		printf "  ratio (riverwatch / gpsdecode sentences per second): %.2fx (goal >= %sx: %s)\n",
			q, goal, (q >= goal) ? "met" : "MISSED"}'
}

compare "San Francisco Bay capture (simpleais sample.ais x100)" "$TMP/sf.nmea" 4
compare "static-heavy corpus (half types 5, 19, 21, 24; seed 9)" "$TMP/static.nmea" 3
