#!/usr/bin/env bash
# End-to-end build of CommonCrawl-like WET shards through the LLaMA recipe's
# CommonCrawl chain (doc_dedup, line_dedup, normalize, langid, perplexity,
# wikiref, tokenize; the embedded sample models), with this tree's binary and
# a baseline binary on the same input in the same run. Prints wall and CPU
# seconds (user+sys), peak RSS, the CPU ratio baseline/this, and checks that
# both wrote the same shards.
#
#   bench/build/run.sh [MB] [SHARDS]     # MB of text (default 40) cut into SHARDS gzip WET files (default 4)
#   BASE_BIN=/path/to/tokenmill bench/build/run.sh     # baseline binary (default: built from BASE_REV, default main)
#
# Wall times on the shared 2-core machine depend on its load; CPU seconds
# hold better. The binaries take turns RUNS times (default 3); the least CPU
# time of each is kept.
set -euo pipefail
cd "$(dirname "$0")/../.."
MB=${1:-40}
SHARDS=${2:-4}
WORKERS=${WORKERS:-2}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
go build -o "$TMP/new" ./cmd/tokenmill
if [ -z "${BASE_BIN:-}" ]; then
  mkdir "$TMP/base-src"
  git archive "${BASE_REV:-main}" | tar -x -C "$TMP/base-src"
  (cd "$TMP/base-src" && go build -o "$TMP/base" ./cmd/tokenmill)
  BASE_BIN=$TMP/base
fi
go build -o "$TMP/ccnet" ./bench/ccnet
mkdir "$TMP/in"
for i in $(seq 1 "$SHARDS"); do
  f=$(printf '%s/in/CC-BENCH-%05d.warc.wet' "$TMP" "$i")
  "$TMP/ccnet" gen -mb $((MB / SHARDS)) -seed "$i" -out "$f" >/dev/null
  sed -i "s/urn:uuid:bench-/urn:uuid:bench-$i-/" "$f"   # record IDs unique across shards
  gzip -1 "$f"
done
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
echo "input: $SHARDS shards, $(du -cm "$TMP"/in/*.gz | tail -1 | cut -f1) MB gzip, $MB MB text; $WORKERS workers"

# once NAME BIN [FLAGS...]: runs the build once, keeps its figures if its
# CPU time is the least of NAME's runs so far
once() {
  local name=$1 bin=$2
  shift 2
  rm -rf "$TMP/out-$name"
  /usr/bin/time -f '%e %U %S %M' -o "$TMP/time" "$bin" build --only commoncrawl --input "commoncrawl=$TMP/in" \
    --out "$TMP/out-$name" --workers "$WORKERS" --progress none "$@" > "$TMP/log-$name" 2>&1 || { tail -20 "$TMP/log-$name"; exit 1; }
  read -r E U S M < "$TMP/time"
  local c best
  c=$(echo "$U + $S" | bc -l)
  best=$(eval echo "\${CPU_$name:-}")
  if [ -z "$best" ] || [ "$(echo "$c < $best" | bc -l)" = 1 ]; then
    eval "CPU_$name=$c WALL_$name=$E RSS_$name=$M"
  fi
}
# The binaries take turns, RUNS times, so that the machine's load changes
# hit them alike; the least CPU time of each is kept.
for run in $(seq 1 "${RUNS:-3}"); do
  once base "$BASE_BIN"
  once new "$TMP/new"
  once nospill "$TMP/new" --no-spill   # this tree, every phase reading the inputs again
done
for name in base new nospill; do
  printf '%-8s wall %7.1fs  cpu %7.1fs  peak RSS %5d MiB\n' "$name" "$(eval echo "\$WALL_$name")" "$(eval echo "\$CPU_$name")" $(( $(eval echo "\$RSS_$name") / 1024 ))
done
echo "cpu ratio base/new: $(printf '%.2f' "$(echo "$CPU_base / $CPU_new" | bc -l)"), base/nospill: $(printf '%.2f' "$(echo "$CPU_base / $CPU_nospill" | bc -l)")"
for f in $(cd "$TMP/out-base" && find docs tokens -type f | sort); do
  cmp -s "$TMP/out-base/$f" "$TMP/out-new/$f" || echo "DIFFERS: $f"
  cmp -s "$TMP/out-base/$f" "$TMP/out-nospill/$f" || echo "DIFFERS (--no-spill): $f"
done
echo "shards compared: $(cd "$TMP/out-base" && find docs tokens -type f | wc -l)"
