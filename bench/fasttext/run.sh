#!/usr/bin/env bash
# Side-by-side predict speed: `fasttext predict` (Debian's fastText 0.9.2)
# against `tokenmill classify predict`, same model, same input, one core
# each (both are single-threaded), best of $RUNS runs each, interleaved so
# that load from other processes hits both alike.
#
#   bench/fasttext/run.sh [MODEL...]
#
# Without arguments it trains the two models of the reference kit from
# filters/fasttext/testdata/train.txt.gz with `fasttext supervised -thread 1`
# (dim 100 unigrams; dim 16 word bigrams with 50000 buckets) and adds the
# shipped model_default.ftz. The input is test.txt's texts repeated to about
# $MB megabytes (default 12). It prints MB/s for both and our/their ratio,
# checks that both printed the same labels, and times training as well.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TD=$ROOT/filters/fasttext/testdata
RUNS=${RUNS:-3}
MB=${MB:-12}
command -v fasttext >/dev/null || { echo "fasttext not installed (Debian package fasttext)" >&2; exit 1; }
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
(cd "$ROOT" && go build -o "$TMP/tokenmill" ./cmd/tokenmill)
TM=$TMP/tokenmill

gunzip -c "$TD/train.txt.gz" > "$TMP/train.txt"
sed 's/^__label__[a-z]* \{0,1\}//' "$TD/test.txt" > "$TMP/one.txt"
: > "$TMP/input.txt"
while [ "$(stat -c %s "$TMP/input.txt")" -lt $((MB * 1000000)) ]; do cat "$TMP/one.txt" >> "$TMP/input.txt"; done
BYTES=$(stat -c %s "$TMP/input.txt")

# best wall time of $RUNS runs of a command, in seconds
best() {
  local b=999999 t
  for _ in $(seq "$RUNS"); do
    t=$( { /usr/bin/time -f %e "$@" > /dev/null; } 2>&1 | tail -n 1 )
    b=$(awk -v a="$b" -v c="$t" 'BEGIN { print (c < a ? c : a) }')
  done
  echo "$b"
}

if [ $# -gt 0 ]; then
  MODELS=("$@")
else
  fasttext supervised -input "$TMP/train.txt" -output "$TMP/model_default" -thread 1 > /dev/null 2>&1
  fasttext supervised -input "$TMP/train.txt" -output "$TMP/model_bigram" -thread 1 -wordNgrams 2 -bucket 50000 -dim 16 > /dev/null 2>&1
  MODELS=("$TMP/model_default.bin" "$TMP/model_bigram.bin" "$TD/model_default.ftz")
fi

echo "input: $BYTES bytes; best of $RUNS runs; $(nproc) cores, one used by each tool"
printf '%-18s %-13s %14s %14s %8s\n' model mode "fasttext MB/s" "tokenmill MB/s" ratio
for m in "${MODELS[@]}"; do
  # `fasttext predict M - 1` (labels) against `classify predict --no-prob`,
  # `fasttext predict-prob M - 2` against `classify predict -k 2`.
  for mode in predict predict-prob; do
    if [ $mode = predict ]; then k=1; flag=--no-prob; else k=2; flag=; fi
    fasttext $mode "$m" "$TMP/input.txt" $k > "$TMP/ft.out"
    "$TM" classify predict --model "$m" -k $k $flag < "$TMP/input.txt" > "$TMP/tm.out"
    cmp -s "$TMP/ft.out" "$TMP/tm.out" || echo "WARNING: outputs differ on $m ($mode)" >&2
    tf=$(best fasttext $mode "$m" "$TMP/input.txt" $k)
    tt=$(best sh -c "\"$TM\" classify predict --model \"$m\" -k $k $flag < \"$TMP/input.txt\"")
    awk -v n="$(basename "$m")" -v mo="$mode" -v b="$BYTES" -v f="$tf" -v t="$tt" \
      'BEGIN { printf "%-18s %-13s %14.1f %14.1f %7.2fx\n", n, mo, b/f/1e6, b/t/1e6, f/t }'
  done
done

echo
echo "training on train.txt ($(stat -c %s "$TMP/train.txt") bytes), defaults, one thread:"
tf=$(best fasttext supervised -input "$TMP/train.txt" -output "$TMP/ftrain" -thread 1)
tt=$(best "$TM" classify train --input "$TMP/train.txt" --output "$TMP/ttrain.bin")
cmp -s "$TMP/ftrain.bin" "$TMP/ttrain.bin" && same="byte-identical models" || same="MODELS DIFFER"
awk -v f="$tf" -v t="$tt" -v s="$same" 'BEGIN { printf "fasttext %.2fs, tokenmill %.2fs, ratio %.2fx (%s)\n", f, t, f/t, s }'
