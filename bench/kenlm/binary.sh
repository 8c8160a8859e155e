#!/usr/bin/env bash
# KenLM binary files vs ARPA in tokenmill (filters/kenlm, `tokenmill lm score --model`), with
# KenLM's own query on the same files when it is on PATH: load time, peak RSS, scoring rate per core.
#
#   bench/kenlm/binary.sh                 # trains a 5-gram on Go source text (~250 MB ARPA), then compares
#   bench/kenlm/binary.sh MODEL.arpa TEST # your ARPA and test pieces (one sentence per line)
#   LINES=300000 bench/kenlm/binary.sh    # smaller training text (default 1,000,000 lines)
#   LIMIT=300 bench/kenlm/binary.sh       # seconds allowed to each command (default 600)
#
# The binary files are made by `tokenmill lm build-binary` (probing) and, when KenLM's build_binary
# is on PATH, by it too (probing, trie, and trie -q 8 -b 8 -a 22). Rates use CPU time (user+sys) at GOMAXPROCS=1, so they are per core and hold
# on a busy machine; the loading cost (the same command on empty input) is subtracted from the
# scoring cost. Peak RSS of a mapped binary counts the file pages the run touched (shared page cache).
set -euo pipefail
cd "$(dirname "$0")/../.."
LIMIT=${LIMIT:-600}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
BIN=$TMP/tokenmill
go build -o "$BIN" ./cmd/tokenmill
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"

IN=/dev/null
run() { # sets WALL CPU RSS (s, s, KiB)
  timeout "$LIMIT" /usr/bin/time -f '%e %U %S %M' -o "$TMP/time" "$@" < "$IN" > /dev/null 2> "$TMP/stderr" || { tail -3 "$TMP/stderr" >&2; return 1; }
  read -r WALL U S RSS < "$TMP/time"
  CPU=$(echo "$U + $S" | bc -l)
}
tokens() { awk '{n += NF + 1} END {print n}' "$1"; }

if [ $# -ge 2 ]; then
  ARPA=$1; TEST=$2
else
  LINES=${LINES:-1000000}
  echo "== training a 5-gram on $LINES lowercased lines of Go source (\$(go env GOROOT)/src), whitespace tokens"
  find "$(go env GOROOT)/src" -name '*.go' -print0 | sort -z | xargs -0 cat 2>/dev/null | tr 'A-Z' 'a-z' | awk 'NF > 0' | head -$((LINES + LINES / 10)) > "$TMP/go.txt" || true
  head -"$LINES" "$TMP/go.txt" > "$TMP/go.train"; tail -$((LINES / 10)) "$TMP/go.txt" > "$TMP/go.test"
  run env GOMAXPROCS=1 "$BIN" lm train --order 5 --text "$TMP/go.train" --arpa "$TMP/go.arpa" --discount-fallback 0.5,1,1.5
  printf '  lm train: %.0f s CPU, ARPA %d MB\n' "$CPU" $(( $(stat -c %s "$TMP/go.arpa") >> 20 ))
  ARPA=$TMP/go.arpa; TEST=$TMP/go.test
fi
N=$(tokens "$TEST")
echo "model: $(head -8 "$ARPA" | grep -c '^ngram') orders, $(awk '/^ngram/ {split($2, a, "="); n += a[2]} /^\\1-grams/ {exit} END {print n}' "$ARPA") n-grams, ARPA $(( $(stat -c %s "$ARPA") >> 20 )) MB; test: $N tokens"

models=("arpa:$ARPA")
run env GOMAXPROCS=1 "$BIN" lm build-binary --model "$ARPA" --out "$TMP/model.ours.bin"
printf '  tokenmill lm build-binary       %6.1f s (%.1f s CPU, peak RSS %d KiB), %5d MB\n' "$WALL" "$CPU" "$RSS" $(( $(stat -c %s "$TMP/model.ours.bin") >> 20 ))
models+=("ours-probing:$TMP/model.ours.bin")
if command -v build_binary > /dev/null; then
  for f in probing trie trie-q8a22; do
    case $f in
      probing) args=() ;;
      trie) args=(trie) ;;
      trie-q8a22) args=(-q 8 -b 8 -a 22 trie) ;;
    esac
    run build_binary "${args[@]}" "$ARPA" "$TMP/model.$f.bin"
    printf '  build_binary %-16s %6.1f s, %5d MB\n' "${args[*]:-(probing)}" "$WALL" $(( $(stat -c %s "$TMP/model.$f.bin") >> 20 ))
    models+=("$f:$TMP/model.$f.bin")
  done
else
  echo "  build_binary (KenLM) is not on PATH: its layouts are not measured in this run"
fi

go build -o "$TMP/largemodel" ./bench/kenlm/largemodel.go
for i in 1 2 3 4 5; do cat "$TEST"; done > "$TMP/test5"   # largemodel scores its input 5 times
N5=$(tokens "$TMP/test5")

echo
echo "== tokenmill in process (bench/kenlm/largemodel.go: kenlm.Load, then ScoreLine over the test text x5), one core"
for spec in "${models[@]}"; do
  name=${spec%%:*}; file=${spec#*:}
  echo "  $name:"
  GOMAXPROCS=1 timeout "$LIMIT" "$TMP/largemodel" "$file" "$TEST" | sed 's/^/    /'
done

echo
echo "== command line: lm score --model (tokenmill) and query (KenLM) on the test text x5, one core"
echo "   load = the same command on empty input; scoring rate = tokens / (CPU - load CPU); RSS = peak"
printf '  %-26s %9s %9s %11s %13s %11s\n' "" "load wall" "load CPU" "load RSS" "score M tok/s" "score RSS"
for spec in "${models[@]}"; do
  name=${spec%%:*}; file=${spec#*:}
  IN=/dev/null run env GOMAXPROCS=1 "$BIN" lm score --threads 1 --model "$file" --pieces
  lw=$WALL lc=$CPU lr=$RSS
  IN=$TMP/test5 run env GOMAXPROCS=1 "$BIN" lm score --threads 1 --model "$file" --pieces
  printf '  tokenmill %-16s %8.3fs %8.3fs %8d KiB %13.2f %8d KiB\n' "$name" "$lw" "$lc" "$lr" \
    "$(echo "$N5 / ($CPU - $lc + 0.0001) / 1000000" | bc -l)" "$RSS"
  if command -v query > /dev/null; then
    IN=/dev/null run query "$file"
    lw=$WALL lc=$CPU lr=$RSS
    IN=$TMP/test5 run query "$file"
    printf '  KenLM query %-14s %8.3fs %8.3fs %8d KiB %13.2f %8d KiB\n' "$name" "$lw" "$lc" "$lr" \
      "$(echo "$N5 / ($CPU - $lc + 0.0001) / 1000000" | bc -l)" "$RSS"
  fi
done
command -v query > /dev/null || echo "  KenLM query: not on PATH, not measured in this run"
