#!/usr/bin/env bash
# Side-by-side benchmark of tokenmill's Unigram trainer (tokenize.TrainUnigram,
# "tokenmill tokenizer train --model-type unigram") and spm_train
# --model_type=unigram (Debian's sentencepiece 0.1.97), in one run, on the same
# text, one thread each.
#
#   TEXT=corpus.txt bench/unigram/run.sh
#   KIT=dir bench/unigram/run.sh        # dir/input.txt.gz: the tokenizer kit's 5 MB text
#
# Environment:
#   TEXT        training text, one sentence per line; the last 5% of its lines
#               are held out to compare compression (pieces per character)
#   KIT         a folder holding input.txt.gz (used when TEXT is not set)
#   MAX_BYTES   cut the text to its first MAX_BYTES bytes (default 20000000)
#   VOCAB       vocabulary size (default 8000, spm_train's default)
#   FLAGS       extra spm_train flags, e.g. "--byte_fallback=true --split_digits=true";
#               the same tokenmill flags are derived from them (byte_fallback, split_digits,
#               character_coverage only)
#   LIMIT       seconds each trainer may run (default 900): the script bounds its own time
#   CPU         core to pin both trainers to with taskset (default 0)
# Prints CPU seconds (user+sys) and peak RSS of each trainer, the held-out
# pieces per character of both models (both encoded by spm_encode), their
# ratio, how many pieces the vocabularies share, and whether the two .model
# files are byte-identical.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MAX_BYTES=${MAX_BYTES:-20000000}
VOCAB=${VOCAB:-8000}
FLAGS=${FLAGS:-}
LIMIT=${LIMIT:-900}
CPU=${CPU:-0}
for tool in spm_encode spm_train /usr/bin/time taskset timeout; do
  command -v "$tool" > /dev/null || { echo "run.sh needs $tool (Debian: sentencepiece, time, util-linux, coreutils)" >&2; exit 2; }
done
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
if [ -z "${TEXT:-}" ]; then
  [ -n "${KIT:-}" ] && [ -f "$KIT/input.txt.gz" ] || { echo "set TEXT, or KIT to a folder holding input.txt.gz" >&2; exit 2; }
  gzip -dc "$KIT/input.txt.gz" > "$W/text.txt"; TEXT=$W/text.txt
fi
echo "building tokenmill..." >&2
(cd "$ROOT" && go build -o "$W/tokenmill" ./cmd/tokenmill)

head -c "$MAX_BYTES" "$TEXT" > "$W/all.txt"
lines=$(wc -l < "$W/all.txt")
held=$(( lines / 20 ))
head -n $(( lines - held )) "$W/all.txt" > "$W/train.txt"
tail -n "$held" "$W/all.txt" > "$W/held.txt"
printf '== unigram training: %s bytes, %d training lines, %d held out, vocab %d, one thread\n' \
  "$(stat -c %s "$W/train.txt")" $(( lines - held )) "$held" "$VOCAB"

tmflags=()
for f in $FLAGS; do
  case $f in
    --byte_fallback=*) tmflags+=("--byte-fallback=${f#*=}") ;;
    --split_digits=*) tmflags+=("--split-digits=${f#*=}") ;;
    --character_coverage=*) tmflags+=("--character-coverage=${f#*=}") ;;
    *) echo "FLAGS: $f has no tokenmill equivalent in this script" >&2; exit 2 ;;
  esac
done

# measure NAME CMD...: run CMD pinned to one core under LIMIT, print and keep cpu and rss
measure() {
  local name=$1; shift
  if ! /usr/bin/time -f "%U %S %e %M" -o "$W/time.$name" timeout "$LIMIT" taskset -c "$CPU" "$@" > "$W/log.$name" 2>&1; then
    echo "$name failed or ran past ${LIMIT}s:" >&2; tail -5 "$W/log.$name" >&2; exit 1
  fi
  awk -v n="$name" '{printf "%-10s cpu %7.2f s  wall %7.2f s  peak RSS %7.1f MB\n", n, $1+$2, $3, $4/1024}' "$W/time.$name"
}
# Both run in their own folder with the same relative prefix, so that the
# names recorded in the models' TrainerSpec agree and the files can be compared.
mkdir -p "$W/a" "$W/b"
# shellcheck disable=SC2086
(cd "$W/a" && measure spm_train spm_train --input="$W/train.txt" --model_prefix=m --model_type=unigram \
  --vocab_size="$VOCAB" --num_threads=1 $FLAGS)
(cd "$W/b" && measure tokenmill "$W/tokenmill" tokenizer train --model-type unigram --input "$W/train.txt" \
  --model-prefix m --vocab-size "$VOCAB" --num-threads 1 "${tmflags[@]}")
cp "$W/a/m.model" "$W/spm.model"; cp "$W/b/m.model" "$W/ours.model"
if cmp -s "$W/spm.model" "$W/ours.model"; then identical=yes; else identical=no; fi

chars=$(tr -d '\n' < "$W/held.txt" | wc -m)
ppc() { spm_encode --model="$1" --output_format=piece < "$W/held.txt" | wc -w; }
ps=$(ppc "$W/spm.model"); po=$(ppc "$W/ours.model")
shared=$(comm -12 <(spm_export_vocab --model="$W/spm.model" 2>/dev/null | cut -f1 | sort) \
                  <(spm_export_vocab --model="$W/ours.model" 2>/dev/null | cut -f1 | sort) | wc -l)
awk -v ps="$ps" -v po="$po" -v c="$chars" -v sh="$shared" -v v="$VOCAB" -v id="$identical" \
  -v cs="$(awk '{print $1+$2}' "$W/time.spm_train")" -v co="$(awk '{print $1+$2}' "$W/time.tokenmill")" \
  -v rs="$(awk '{print $4}' "$W/time.spm_train")" -v ro="$(awk '{print $4}' "$W/time.tokenmill")" 'BEGIN {
  printf "held-out pieces/char: spm_train %.5f  tokenmill %.5f  ratio %.4f (%d characters)\n", ps/c, po/c, po/ps, c
  printf "shared pieces: %d of %d; .model files byte-identical: %s\n", sh, v, id
  printf "tokenmill/spm_train: cpu %.2fx  peak RSS %.2fx\n", co/cs, ro/rs
}'
