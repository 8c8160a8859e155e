#!/usr/bin/env bash
# Times "tokenmill lm build" phase by phase on a build's text shards, and runs
# CCNet's route with the peers on the same text in the same run: spm_train
# (CCNet's Makefile flags, one thread) and spm_encode, and lmplz -o 5
# --discount_fallback when it is on PATH.
#
#   FROM=out LANG_=en bench/lmbuild/run.sh
#   bench/lmbuild/run.sh               # builds the embedded sample first (seconds)
#
# Environment:
#   FROM     output folder of "tokenmill build" (manifest.json, docs/ shards);
#            default: a fresh build of the embedded sample (wikipedia, commoncrawl)
#   LANG_    language (default en)
#   VOCAB    SentencePiece vocabulary (default: CCNet's 65536, or 300 for the sample)
#   LIMIT    seconds each command may run (default 1800): the script bounds its own time
# Prints each phase's time from lm build's log, CPU seconds and peak RSS of
# lm build and of the peers, and whether the peers' model and pieces are
# byte-identical to lm build's.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LANG_=${LANG_:-en}
LIMIT=${LIMIT:-1800}
for tool in spm_encode spm_train /usr/bin/time timeout; do
  command -v "$tool" > /dev/null || { echo "run.sh needs $tool (Debian: sentencepiece, time, coreutils)" >&2; exit 2; }
done
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
echo "building tokenmill..." >&2
(cd "$ROOT" && go build -o "$W/tokenmill" ./cmd/tokenmill)
if [ -z "${FROM:-}" ]; then
  FROM=$W/out
  (cd "$ROOT" && "$W/tokenmill" build --out "$FROM" --only wikipedia,commoncrawl > /dev/null 2>&1)
  VOCAB=${VOCAB:-300}
fi
VOCAB=${VOCAB:-65536}

# timed NAME DIR CMD...: run CMD in DIR under LIMIT; print cpu and peak RSS
timed() {
  local name=$1 dir=$2; shift 2
  if ! (cd "$dir" && /usr/bin/time -f "%U %S %e %M" -o "$W/time.$name" timeout "$LIMIT" "$@" > "$W/out.$name" 2> "$W/log.$name"); then
    echo "$name failed or ran past ${LIMIT}s:" >&2; tail -5 "$W/log.$name" >&2; exit 1
  fi
  awk -v n="$name" '{printf "%-22s cpu %8.2f s  wall %8.2f s  peak RSS %8.1f MB\n", n, $1+$2, $3, $4/1024}' "$W/time.$name"
}

M=$W/model
printf '== lm build --lang %s, vocabulary %s, from %s\n' "$LANG_" "$VOCAB" "$FROM"
timed "tokenmill lm build" "$W" "$W/tokenmill" lm build --from "$FROM" --lang "$LANG_" --out "$M" --vocab-size "$VOCAB"
grep -E "done in|: [0-9]+ documents" "$W/log.tokenmill lm build" | sed 's/^lm build: /  /'
printf '  text: %s bytes, %s lines\n' "$(stat -c %s "$M/$LANG_.txt")" "$(wc -l < "$M/$LANG_.txt")"

mkdir -p "$W/peer"; cp "$M/$LANG_.txt" "$W/peer/"
printf '== peers on the same %s.txt\n' "$LANG_"
timed "spm_train" "$W/peer" spm_train --input="$LANG_.txt" --model_prefix="$LANG_.sp" --vocab_size="$VOCAB" \
  --hard_vocab_limit --character_coverage=0.9995 --model_type=unigram --num_threads=1
timed "spm_encode" "$W/peer" spm_encode --model="$LANG_.sp.model" --output_format=piece --input="$LANG_.txt" --output="$LANG_.pieces.txt"
cmp -s "$M/$LANG_.sp.model" "$W/peer/$LANG_.sp.model" && echo "sp.model: byte-identical" || echo "sp.model: DIFFERENT"
cmp -s "$M/$LANG_.pieces.txt" "$W/peer/$LANG_.pieces.txt" && echo "pieces: identical" || echo "pieces: DIFFERENT"
if command -v lmplz > /dev/null; then
  timed "lmplz -o 5" "$W/peer" sh -c "lmplz -o 5 --discount_fallback < $LANG_.pieces.txt > $LANG_.arpa"
else
  echo "(lmplz not on PATH: the n-gram phase has no peer here; filters/kenlm's tests check it against lmplz's ARPA files)"
fi
