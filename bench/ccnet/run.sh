#!/usr/bin/env bash
# Per-core throughput and peak memory of the CCNet stages (normalize, line
# dedup in its two phases, language ID), with CCNet's own Python code and
# lingua-go alone measured in the same run as peers.
#
#   bench/ccnet/run.sh [MB] [MIX]     # MB of text to generate (default 110), MIX cc|uniform (default cc)
#
# The corpus is WET-like (bench/ccnet/main.go gen): UDHR paragraphs with one
# word in ten swapped, per-site boilerplate lines, 1% duplicate pages, 2%
# base64 pages; "cc" mixes languages in Common Crawl-like shares, "uniform"
# is half English and half the fixture's other 33 language variants evenly
# (a worst case for the word lists: it is heavy in Croatian, Bosnian,
# Indonesian, Galician and Afrikaans, which go to lingua).
# Every stage runs in its own process with GOMAXPROCS=1; rates are bytes of
# document text per CPU second (user+sys), minus the cost of reading the WET
# file, so they are per core and hold on a busy machine. Peak RSS is the
# process's. The Python peers and lingua alone are slow, so they read a
# prefix of the corpus (PY_MB, LINGUA_MB).
set -euo pipefail
cd "$(dirname "$0")/../.."
MB=${1:-110}
MIX=${2:-cc}
PY_MB=${PY_MB:-10}
LINGUA_MB=${LINGUA_MB:-1}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
go build -o "$TMP/ccnet" ./bench/ccnet
"$TMP/ccnet" gen -mb "$MB" -mix "$MIX" -out "$TMP/corpus.wet"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
echo "corpus: $(du -m "$TMP/corpus.wet" | cut -f1) MB WET, mix $MIX"

# measure NAME CMD...: runs CMD, sets BYTES CPU RSS
measure() {
  local name=$1; shift
  /usr/bin/time -f '%U %S %M' -o "$TMP/time" "$@" > "$TMP/out" 2> "$TMP/err" || { cat "$TMP/err" >&2; exit 1; }
  read -r U S RSS < "$TMP/time"
  CPU=$(echo "$U + $S" | bc -l)
  BYTES=$(tail -1 "$TMP/out")
  NOTE=$(grep -v '^\s*$' "$TMP/err" | tail -1 || true)
}
rate() { echo "$1 / 1048576 / $2" | bc -l; }   # bytes, cpu seconds -> MB/s

measure read env GOMAXPROCS=1 "$TMP/ccnet" run -in "$TMP/corpus.wet" -stage read
READ_CPU_PER_BYTE=$(echo "$CPU / $BYTES" | bc -l)
printf '%-34s %8s %10s %10s\n' stage "MB" "MB/s/core" "peak RSS"
row() {   # NAME [BASE_CPU]: prints the last measurement minus reading, or minus BASE_CPU
  local cpu
  if [ -n "${2:-}" ]; then cpu=$(echo "$CPU - $2" | bc -l); else cpu=$(echo "$CPU - $READ_CPU_PER_BYTE * $BYTES" | bc -l); fi
  printf '%-34s %8.1f %10.1f %7d MiB   %s\n' "$1" "$(echo "$BYTES / 1048576" | bc -l)" "$(rate "$BYTES" "$cpu")" $((RSS / 1024)) "$NOTE"
}
stage() { measure "$1" env GOMAXPROCS=1 "$TMP/ccnet" run -in "$TMP/corpus.wet" -stage "$@"; }

stage normalize;             row "normalize (perplexity form)";  OURS_NORM=$(rate "$BYTES" "$CPU")
stage normalize-dedup;       row "normalize_for_dedup"
stage dedup-observe;         row "line dedup phase 1 (hash+seal)"; P1_CPU=$CPU; OURS_HASH=$(rate "$BYTES" "$CPU")
stage dedup;                 row "line dedup phase 2 (dedup)" "$P1_CPU"
stage dedup -memory $((4 << 20)); row "line dedup both phases, 4 MiB cap"
stage langid;                row "langid";                     OURS_LANG=$(rate "$BYTES" "$CPU")

echo
echo "peers (same corpus prefix, same accounting)"
if command -v python3 >/dev/null; then
  measure py-hashes python3 bench/ccnet/ccnet_peer.py hashes "$TMP/corpus.wet" "$PY_MB"; row "CCNet Python compute_hashes"
  PY_HASH=$(rate "$BYTES" "$CPU")
  measure py-norm python3 bench/ccnet/ccnet_peer.py normalize "$TMP/corpus.wet" "$PY_MB"; row "CCNet Python normalize"
  PY_NORM=$(rate "$BYTES" "$CPU")
  printf 'ratio line hashing (ours/CCNet): %.1fx   normalize: %.1fx\n' "$(echo "$OURS_HASH / $PY_HASH" | bc -l)" "$(echo "$OURS_NORM / $PY_NORM" | bc -l)"
fi
stage lingua -limit-mb "$LINGUA_MB"; row "lingua-go alone (low acc., all)"
LINGUA=$(rate "$BYTES" "$CPU")
printf 'ratio langid (ours/lingua alone): %.0fx\n' "$(echo "$OURS_LANG / $LINGUA" | bc -l)"
echo "fastText lid.176 (CCNet's model) is not measured: the model cannot be downloaded here."

echo
echo "end to end: tokenmill build, the embedded LLaMA recipe's CC chain (WET read, doc dedup, line dedup,"
echo "langid, perplexity, wikiref, tokenize, Parquet text and token shards) on the same corpus, one core"
go build -o "$TMP/tokenmill" ./cmd/tokenmill
gzip -1 -c "$TMP/corpus.wet" > "$TMP/corpus.warc.wet.gz"
/usr/bin/time -f '%U %S %M %e' -o "$TMP/time" env GOMAXPROCS=1 "$TMP/tokenmill" build --workers 1 --progress none \
  --input "commoncrawl=$TMP/corpus.warc.wet.gz" --out "$TMP/e2e" > "$TMP/e2e.log" 2>&1 || { cat "$TMP/e2e.log" >&2; exit 1; }
read -r U S RSS WALL < "$TMP/time"
CPU=$(echo "$U + $S" | bc -l)
BYTES=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sources"][0]["bytes_in"])' "$TMP/e2e/stats.json")
printf '%-34s %8.1f %10.1f %7d MiB   (%.0f s CPU, %.0f s wall)\n' "end to end (build)" "$(echo "$BYTES / 1048576" | bc -l)" \
  "$(rate "$BYTES" "$CPU")" $((RSS / 1024)) "$CPU" "$WALL"
grep -E '^  [a-z_]+ ' "$TMP/e2e.log" | sed 's/^/    /'
