#!/usr/bin/env bash
# Runs c4_rules and TFDS's own cleaning (clean_page, then the English
# badwords filter, with NLTK's untrained Punkt; see peer.py) on the same
# shards and reports every page where they differ (kept vs dropped, or the
# cleaned text). Needs python3-nltk and TFDS's c4_utils.py:
#
#   TFDS_C4_UTILS=.../tensorflow_datasets/text/c4_utils.py bench/c4/compare.sh [SHARD...]
#
# Without shards it compares the embedded sample, a generated C4-like shard
# and three adversarial shards (adversarial.py). Exits non-zero on a difference.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${TFDS_C4_UTILS:?set TFDS_C4_UTILS to tensorflow_datasets/text/c4_utils.py}"
PY=${PYTHON:-/usr/bin/python3}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
go build -o "$TMP/c4" ./bench/c4
SHARDS=("$@")
if [ ${#SHARDS[@]} -eq 0 ]; then
  "$TMP/c4" gen -mb 16 -out "$TMP/c4-like.json.gz"
  timeout 300 "$PY" bench/c4/adversarial.py 1 "$TMP/adversarial-1.json.gz"
  timeout 300 "$PY" bench/c4/adversarial.py 2 "$TMP/adversarial-2.json.gz"
  timeout 300 "$PY" bench/c4/adversarial.py 7 "$TMP/adversarial-lines.json.gz" lines
  SHARDS=(recipes/sample/c4/c4-train.00000-of-01024.json.gz "$TMP/c4-like.json.gz" "$TMP/adversarial-1.json.gz"
    "$TMP/adversarial-2.json.gz" "$TMP/adversarial-lines.json.gz")
fi
status=0
for s in "${SHARDS[@]}"; do
  echo "$(basename "$s"):"
  "$TMP/c4" read -rules -in "$s" -dump "$TMP/ours.jsonl" 2> /dev/null
  timeout 600 "$PY" bench/c4/peer.py dump "$s" "$TFDS_C4_UTILS" "$TMP/peer.jsonl" > /dev/null
  "$PY" bench/c4/compare.py "$TMP/ours.jsonl" "$TMP/peer.jsonl" || status=1
done
exit $status
