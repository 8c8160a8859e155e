#!/usr/bin/env bash
# Per-core throughput of the c4 reader (sources/c4) and of reader + c4_rules,
# with the Python peers on the same shard in the same run: gzip + json.loads
# of every line, and the same plus TFDS's own clean_page and badwords filter
# (when TFDS_C4_UTILS names tensorflow_datasets/text/c4_utils.py from a
# checkout of tensorflow/datasets; see peer.py for the stubs and the
# untrained Punkt it needs).
#
#   bench/c4/run.sh [MB]        # MB of decompressed JSON lines to generate (default 64)
#   TFDS_C4_UTILS=.../c4_utils.py PY_MB=8 bench/c4/run.sh
#
# The shard is C4-like (main.go gen: pages of English-vocabulary sentences,
# navigation and cookie/JavaScript notices, citation markers, 1 page in 10
# written with \u escapes, 2% with "{", 0.5% "lorem ipsum"), gzip level 6
# like the published shards. Every measurement is one process with
# GOMAXPROCS=1; rates are decompressed MB per CPU second (user+sys), so they
# are per core and hold on a busy machine. TFDS's cleaning is slow, so it
# reads a PY_MB prefix of the shard. Each command is bounded by `timeout`.
set -euo pipefail
cd "$(dirname "$0")/../.."
MB=${1:-64}
PY_MB=${PY_MB:-8}
LIMIT=${LIMIT:-300}
PY=${PYTHON:-/usr/bin/python3}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
go build -o "$TMP/c4" ./bench/c4
SHARD=$TMP/c4-train.00000-of-01024.json.gz
"$TMP/c4" gen -mb "$MB" -out "$SHARD"
BYTES=$(gzip -dc "$SHARD" | wc -c)
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
echo "shard: $(du -k "$SHARD" | cut -f1) KiB gzip, $((BYTES / 1048576)) MB of JSON lines; $($PY --version 2>&1)"

# measure CMD...: runs CMD bounded by LIMIT seconds; sets CPU (user+sys) and
# OUT (its last stdout line) and NOTE (its last stderr line)
measure() {
  /usr/bin/time -f '%U %S' -o "$TMP/time" timeout "$LIMIT" "$@" > "$TMP/out" 2> "$TMP/err" || { cat "$TMP/err" >&2; exit 1; }
  read -r U S < "$TMP/time"
  CPU=$(echo "$U + $S" | bc -l)
  OUT=$(tail -1 "$TMP/out")
  NOTE=$(grep -v '^\s*$' "$TMP/err" | tail -1 || true)
}
rate() { echo "$1 / 1048576 / $2" | bc -l; }
row() { printf '%-44s %7.1f %10.1f   %s\n' "$1" "$(echo "$2 / 1048576" | bc -l)" "$3" "$NOTE"; }
printf '%-44s %7s %10s\n' "reader (per core)" "MB" "MB/s"

measure env GOMAXPROCS=1 "$TMP/c4" read -in "$SHARD"
GO_READ=$(rate "$BYTES" "$CPU"); row "tokenmill sources/c4" "$BYTES" "$GO_READ"
measure env GOMAXPROCS=1 "$TMP/c4" read -rules -in "$SHARD"
GO_RULES=$(rate "$BYTES" "$CPU"); row "tokenmill sources/c4 + c4_rules" "$BYTES" "$GO_RULES"
measure "$PY" bench/c4/peer.py read "$SHARD"
PY_READ=$(rate "$OUT" "$CPU"); row "python gzip + json.loads" "$OUT" "$PY_READ"
printf '\nratio reader / json.loads: %.1fx\n' "$(echo "$GO_READ / $PY_READ" | bc -l)"
if [ -n "${TFDS_C4_UTILS:-}" ]; then
  measure "$PY" bench/c4/peer.py clean "$SHARD" "$TFDS_C4_UTILS" "$PY_MB"
  PY_CLEAN=$(rate "$OUT" "$CPU"); row "python json.loads + TFDS clean_page+badwords" "$OUT" "$PY_CLEAN"
  printf 'ratio reader+c4_rules / json.loads+TFDS clean: %.1fx\n' "$(echo "$GO_RULES / $PY_CLEAN" | bc -l)"
else
  echo "(TFDS_C4_UTILS not set: TFDS clean_page not measured)"
fi
