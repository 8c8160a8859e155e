#!/usr/bin/env bash
# Side-by-side benchmark of tokenmill's n-gram LM (filters/perplexity, `tokenmill lm`) and KenLM.
#
#   bench/perplexity/run.sh [REPEAT]     # REPEAT: copies of the 300 held-out lines to score (default 40)
#
# Inputs are the package's fixtures (filters/perplexity/testdata: lmplz's o3.arpa, train.pieces,
# heldout.pieces), so it runs in any clone. The 5-gram is trained by `tokenmill lm train` from
# train.pieces (the tests check it against lmplz's o5.arpa).
# KenLM's `query` and `lmplz` are measured when they are on PATH. KenLM cannot be installed on the
# development machine; there the script prints the KenLM figures recorded in the project's issue
# (query: 4-5 M tokens/s per core on this workload) and says that they were not measured in this run.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPEAT=${1:-40}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
TD=filters/perplexity/testdata
BIN=$TMP/tokenmill
go build -o "$BIN" ./cmd/tokenmill
gunzip -c $TD/o3.arpa.gz > "$TMP/o3.arpa"
gunzip -c $TD/train.pieces.gz > "$TMP/train.pieces"
gunzip -c $TD/heldout.pieces.gz > "$TMP/heldout.pieces"
for i in $(seq "$REPEAT"); do cat "$TMP/heldout.pieces"; done > "$TMP/in.pieces"
TOKENS=$(awk '{n += NF + 1} END {print n}' "$TMP/in.pieces")   # pieces + </s>
echo "input: $REPEAT x 300 held-out lines = $TOKENS tokens (pieces + </s>), $(wc -c < "$TMP/in.pieces") bytes"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), GOMAXPROCS=1 for per-core figures"

# seconds and peak RSS (KiB) of a command: measure OUT CMD...
measure() {
  local out=$1; shift
  /usr/bin/time -f '%e %M' -o "$TMP/time" "$@" > "$out"
  cat "$TMP/time"
}

echo
echo "== training (lmplz -o N --text train.pieces: 771 lines, 32,043 tokens)"
for order in 3 5; do
  read -r secs rss < <(GOMAXPROCS=1 measure /dev/null "$BIN" lm train --order $order --text "$TMP/train.pieces" --arpa "$TMP/ours.o$order.arpa" 2>/dev/null; true)
  read -r secs rss < "$TMP/time"
  printf '  tokenmill lm train -o %d: %6.2f s, peak RSS %6d KiB\n' $order "$secs" "$rss"
  if command -v lmplz >/dev/null; then
    /usr/bin/time -f '%e %M' -o "$TMP/time.k" lmplz -o $order --text "$TMP/train.pieces" --arpa "$TMP/kenlm.o$order.arpa" 2>/dev/null
    read -r ks krss < "$TMP/time.k"
    printf '  lmplz -o %d:              %6.2f s, peak RSS %6d KiB   time ratio ours/lmplz %.2f\n' $order "$ks" "$krss" "$(echo "$secs / $ks" | bc -l)"
  else
    echo "  lmplz: not installed here; not measured (lmplz reserves most of RAM by default, -S sets it)"
  fi
done

echo
echo "== scoring with <s>/</s>, end to end (load ARPA + read stdin + score + print)"
for m in o3 o5; do
  arpa=$TMP/$m.arpa
  [ $m = o5 ] && arpa=$TMP/ours.o5.arpa
  measure "$TMP/out.$m" env GOMAXPROCS=1 "$BIN" lm score --arpa "$arpa" --pieces < "$TMP/in.pieces" >/dev/null
  read -r secs rss < "$TMP/time"
  measure /dev/null env GOMAXPROCS=1 "$BIN" lm score --arpa "$arpa" --pieces < /dev/null >/dev/null
  read -r lsecs lrss < "$TMP/time"
  net=$(echo "$secs - $lsecs" | bc -l)
  rate=$(echo "$TOKENS / ($net + 0.000001)" | bc -l)
  printf '  tokenmill %s: %.2f s total, %.2f s load, %.0f tokens/s scoring, peak RSS %d KiB\n' $m "$secs" "$lsecs" "$rate" "$rss"
  if command -v query >/dev/null; then
    /usr/bin/time -f '%e %M' -o "$TMP/time.k" query "$arpa" < "$TMP/in.pieces" > /dev/null 2>&1
    read -r ks krss < "$TMP/time.k"
    printf '  KenLM query %s: %.2f s total (ARPA load included), peak RSS %d KiB   ratio ours/query %.2f\n' $m "$ks" "$krss" "$(echo "$secs / $ks" | bc -l)"
  fi
done
if ! command -v query >/dev/null; then
  echo "  KenLM query: not installed here; not measured. Recorded figure (issue 5): 4-5 M tokens/s per core."
fi

echo
echo "== scoring throughput, in process (go test -bench, one core, 5-gram)"
GOMAXPROCS=1 go test ./filters/perplexity -run XXX -bench 'BenchmarkScore' -benchtime 3s -cpu 1 | awk '/^Benchmark/ {
  for (i = 1; i <= NF; i++) if ($(i) == "tokens/s") printf("  %-20s %10.2f M tokens/s   vs KenLM 4-5 M/s: x%.1f-x%.1f\n", $1, $(i-1)/1e6, $(i-1)/5e6, $(i-1)/4e6) }'

echo
echo "== memory of the query structure vs KenLM's probing binary (same counts, -p 1.5)"
go test ./filters/perplexity -run TestMemoryWithinKenLM -v | sed -n 's/.*memory_test.go:[0-9]*: /  /p'
