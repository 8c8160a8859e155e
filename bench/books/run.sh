#!/usr/bin/env bash
# Per-core throughput and peak memory of near_dedup against datatrove's
# MinHash algorithm (bench/books/datatrove_peer.py, Debian's numpy) on the
# same real books, in the same run.
#
#   BOOKS_DIR=/path/to/gutenberg/txt bench/books/run.sh [MB]   # MB of book text (default 40)
#
# BOOKS_DIR is a folder of Project Gutenberg .txt files (a mirror, or any
# collection of them); the books are stripped by sources/books first, and
# both sides read the same JSON lines. Each side runs in its own process,
# the Go one with GOMAXPROCS=1 and one worker; rates are bytes of book text
# per CPU second (user+sys), so they are per core and hold on a busy
# machine. Peak RSS is the process's (/usr/bin/time). The peer is slow, so
# it reads a prefix (PY_MB, default 24).
set -euo pipefail
cd "$(dirname "$0")/../.."
MB=${1:-40}
PY_MB=${PY_MB:-24}
: "${BOOKS_DIR:?set BOOKS_DIR to a folder of Gutenberg .txt files}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
go build -o "$TMP/books" ./bench/books
"$TMP/books" prepare -dir "$BOOKS_DIR" -mb "$MB" -out "$TMP/books.jsonl"
"$TMP/books" prepare -dir "$BOOKS_DIR" -mb "$PY_MB" -out "$TMP/small.jsonl"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"

# measure NAME CMD...: runs CMD, sets RATE (MB/s per CPU second), RSS (MB), LINE
measure() {
  local name=$1; shift
  /usr/bin/time -f '%U %S %M' -o "$TMP/time" "$@" > "$TMP/out" 2> "$TMP/err" || { cat "$TMP/err" >&2; exit 1; }
  read -r U S KB < "$TMP/time"
  BYTES=$(tail -1 "$TMP/out")
  RATE=$(echo "$BYTES / ($U + $S) / 1000000" | bc -l)
  RSS=$((KB / 1024))
  LINE=$(head -1 "$TMP/out")
  printf '%-34s %8.2f MB/s/core %6d MB peak RSS  (%s)\n' "$name" "$RATE" "$RSS" "$LINE"
}

export GOMAXPROCS=1
echo "== $PY_MB MB: near_dedup vs the peer on the same books"
measure "near_dedup, datatrove profile" "$TMP/books" neardup -in "$TMP/small.jsonl" -profile datatrove; GO_DT=$RATE
measure "near_dedup, books profile" "$TMP/books" neardup -in "$TMP/small.jsonl" -profile books; GO_BK=$RATE
measure "peer: datatrove MinHash (numpy)" /usr/bin/python3 bench/books/datatrove_peer.py "$TMP/small.jsonl"; PY=$RATE
printf 'near_dedup (datatrove profile) / peer: %.1fx; near_dedup (books profile) / peer: %.1fx\n' \
  "$(echo "$GO_DT / $PY" | bc -l)" "$(echo "$GO_BK / $PY" | bc -l)"
echo "== $MB MB: near_dedup alone"
measure "near_dedup, books profile" "$TMP/books" neardup -in "$TMP/books.jsonl" -profile books
measure "  same, 64 KB memory cap (spills)" "$TMP/books" neardup -in "$TMP/books.jsonl" -profile books -memory-kb 64
