#!/usr/bin/env bash
# Side-by-side benchmark of tokenmill's tokenizer and SentencePiece (Debian's
# sentencepiece 0.1.97), in one run, on the same text and model, one core each.
#
#   bench/tokenizer/run.sh                 # encode + train
#   PARTS=encode bench/tokenizer/run.sh    # encode only (seconds)
#
# Environment:
#   TEXT        encode input, one document per line (default: $KIT/input.txt.gz)
#   KIT         a folder holding input.txt.gz, the 5 MB multilingual text the
#               tokenize/testdata models were trained on (see tokenize/testdata/README.md)
#   MODELS      space-separated .model files to encode with (default: tokenize/testdata/bpe8k.model,
#               tokenize/testdata/unigram8k.model, and a LLaMA-vocabulary model rebuilt by
#               tokenize/testdata/make-llama-model.sh when npm can fetch llama-tokenizer-js)
#   TRAIN_TEXT  training input (default: TEXT followed by the system's Python sources, cut at 20 MiB);
#               the last 5% of its lines are held out to compare compression
#   VOCAB       training vocabulary size (default 32000)
#   CPU         core to pin to with taskset (default 0)
# Encode speed is reported per CPU second (user+sys, immune to other load on
# the machine) and per wall second; ids are checked identical line by line.
# Training reports CPU seconds and peak RSS from /usr/bin/time -v, whether the
# vocabularies are identical, and tokens per byte on the held-out lines.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KIT=${KIT:-}
PARTS=${PARTS:-encode train}
VOCAB=${VOCAB:-32000}
CPU=${CPU:-0}
for tool in spm_encode spm_train /usr/bin/time taskset python3; do
  command -v "$tool" > /dev/null || { echo "run.sh needs $tool (Debian: sentencepiece, time, util-linux)" >&2; exit 2; }
done
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
echo "building tokenmill..." >&2
(cd "$ROOT" && go build -o "$W/tokenmill" ./cmd/tokenmill)
TM=$W/tokenmill

if [ -z "${TEXT:-}" ]; then
  [ -n "$KIT" ] && [ -f "$KIT/input.txt.gz" ] || { echo "set TEXT, or KIT to a folder holding input.txt.gz" >&2; exit 2; }
  gzip -dc "$KIT/input.txt.gz" > "$W/text.txt"; TEXT=$W/text.txt
fi
if [ -z "${MODELS:-}" ]; then
  MODELS="$ROOT/tokenize/testdata/bpe8k.model $ROOT/tokenize/testdata/unigram8k.model"
  if "$ROOT/tokenize/testdata/make-llama-model.sh" "$W/llama.model" > /dev/null 2>&1; then
    MODELS="$W/llama.model $MODELS"
  else
    echo "(no LLaMA-vocabulary model: npm could not fetch llama-tokenizer-js)" >&2
  fi
fi
bytes=$(stat -c %s "$TEXT")

# cputime IN OUT CMD... : runs CMD < IN > OUT pinned to one core, prints
# "cpu_seconds wall_seconds max_rss_kb"
cputime() {
  local in=$1 out=$2; shift 2
  /usr/bin/time -f "%U %S %e %M" -o "$W/time" taskset -c "$CPU" "$@" < "$in" > "$out"
  awk '{printf "%.2f %.2f %d\n", $1+$2, $3, $4}' "$W/time"
}

if [[ " $PARTS " == *" encode "* ]]; then
  printf '\n== encode: %s (%.1f MB, %d lines), one core\n' "$(basename "$TEXT")" "$(echo "$bytes/1000000" | bc -l)" "$(wc -l < "$TEXT")"
  printf '%-18s %10s %10s %10s %10s %8s %8s  %s\n' model spm_MB/cpu-s ours_MB/cpu-s spm_MB/s ours_MB/s ratio_cpu ratio_wall ids
  for M in $MODELS; do
    read -r sc sw _ < <(cputime "$TEXT" "$W/spm.ids" spm_encode --model="$M" --output_format=id)
    read -r oc ow _ < <(cputime "$TEXT" "$W/ours.ids" "$TM" tokenizer encode --threads 1 --model "$M")
    if python3 - "$W/spm.ids" "$W/ours.ids" <<'PY'
import json, sys
a = open(sys.argv[1]).read().splitlines(); b = open(sys.argv[2]).read().splitlines()
bad = len(a) != len(b) or any([int(t) for t in x.split()] != json.loads(y) for x, y in zip(a, b))
sys.exit(1 if bad else 0)
PY
    then same=identical; else same=DIFFERENT; fi
    python3 - "$(basename "$M")" "$bytes" "$sc" "$oc" "$sw" "$ow" "$same" <<'PY'
import sys
name, n, sc, oc, sw, ow, same = sys.argv[1], int(sys.argv[2]), *map(float, sys.argv[3:7]), sys.argv[7]
mb = n / 1e6
print('%-18s %10.2f %10.2f %10.2f %10.2f %7.1fx %7.1fx  %s' % (name, mb/sc, mb/oc, mb/sw, mb/ow, sc/oc, sw/ow, same))
PY
  done
fi

if [[ " $PARTS " == *" train "* ]]; then
  if [ -z "${TRAIN_TEXT:-}" ]; then
    { cat "$TEXT"; find /usr/lib/python3* -name '*.py' 2>/dev/null | sort | xargs cat 2>/dev/null | tr -d '\r' | grep -v '^[[:space:]]*$' || true; } \
      | head -c 20971520 > "$W/train-all.txt"
    TRAIN_TEXT=$W/train-all.txt
  fi
  total=$(wc -l < "$TRAIN_TEXT"); keep=$((total * 95 / 100))
  head -n "$keep" "$TRAIN_TEXT" > "$W/train.txt"; tail -n +"$((keep + 1))" "$TRAIN_TEXT" > "$W/heldout.txt"
  printf '\n== train BPE, LLaMA options, vocab %d, on %.1f MiB (%d lines); %d lines held out\n' "$VOCAB" \
    "$(echo "$(stat -c %s "$W/train.txt")/1048576" | bc -l)" "$keep" "$((total - keep))"
  read -r sc sw srss < <(cputime /dev/null /dev/null spm_train --input="$W/train.txt" --model_prefix="$W/spm" --vocab_size="$VOCAB" \
    --model_type=bpe --input_format=text --character_coverage=0.99995 --max_sentencepiece_length=16 \
    --split_by_unicode_script=true --split_by_whitespace=true --split_by_number=true --split_digits=true \
    --allow_whitespace_only_pieces=true --byte_fallback=true --normalization_rule_name=identity --add_dummy_prefix=true \
    --remove_extra_whitespaces=false --unk_id=0 --bos_id=1 --eos_id=2 --pad_id=-1 --num_threads=1 \
    --max_sentence_length=4192 --input_sentence_size=200000000 --minloglevel=2)
  read -r oc ow orss < <(cputime /dev/null /dev/null "$TM" tokenizer train --input "$W/train.txt" --model-prefix "$W/ours" --vocab-size "$VOCAB")
  st=$("$TM" tokenizer encode --model "$W/spm.model" < "$W/heldout.txt" | python3 -c 'import sys,json; print(sum(len(json.loads(l)) for l in sys.stdin))')
  ot=$("$TM" tokenizer encode --model "$W/ours.model" < "$W/heldout.txt" | python3 -c 'import sys,json; print(sum(len(json.loads(l)) for l in sys.stdin))')
  hb=$(stat -c %s "$W/heldout.txt")
  same=$(python3 - "$W/spm.model" "$W/ours.model" <<'PY'
import sys
def pieces(path):
    d = open(path, 'rb').read(); i = 0; out = []
    def varint(i):
        v = s = 0
        while True:
            b = d[i]; i += 1; v |= (b & 0x7f) << s; s += 7
            if b < 0x80: return v, i
    while i < len(d):
        k, i = varint(i)
        if k & 7 == 2:
            l, i = varint(i)
            if k >> 3 == 1: out.append(d[i:i + l])
            i += l
        elif k & 7 == 0: _, i = varint(i)
        elif k & 7 == 5: i += 4
        else: i += 8
    return out
a, b = pieces(sys.argv[1]), pieces(sys.argv[2])
print('%d of %d pieces identical (text, score, type)' % (sum(x == y for x, y in zip(a, b)), max(len(a), len(b))))
PY
)
  python3 - "$sc" "$srss" "$oc" "$orss" "$st" "$ot" "$hb" "$same" <<'PY'
import sys
sc, srss, oc, orss, st, ot, hb = map(float, sys.argv[1:8]); same = sys.argv[8]
print('%-10s %10s %12s %16s' % ('', 'cpu_s', 'peak_RSS_MiB', 'heldout_tok/byte'))
print('%-10s %10.1f %12.0f %16.5f' % ('spm_train', sc, srss / 1024, st / hb))
print('%-10s %10.1f %12.0f %16.5f' % ('tokenmill', oc, orss / 1024, ot / hb))
print('ratio      %9.2fx %11.2fx %15.2f%%   (ours/spm; compression difference)' % (oc / sc, orss / srss, 100 * (ot - st) / st))
print(same)
PY
fi
