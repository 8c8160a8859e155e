#!/usr/bin/env bash
# Per-core throughput of the github chain against RedPajama-v1's own scripts
# on the same rows.
#
#   bench/github/run.sh [MB]      # MB of file content in the export (default 40)
#
# Needs a git clone of togethercomputer/RedPajama-Data (its git directory)
# in REDPAJAMA_GIT; its scripts are read
# from the rp_v1 branch into a temporary folder at run time, never copied
# into this repository. They need only Python's standard library, except
# github_run_filter.py's Hugging Face tokenizer (transformers, not in
# Debian): it is replaced, in the temporary copy, by a whitespace split
# (text.split()), and ours counts whitespace-separated words too
# (code_quality with no tokenizer), so both do the same work.
#
# The export is the Go source tree as BigQuery's NDJSON gzip shards of the
# three tables (bench/github/main.go gen). Ours reads the three tables and
# does the join, the SHA-1 check, code_files, exact dedup, code_headers and
# code_quality; RedPajama's scripts read the joined rows (what their BigQuery
# query exported: the join and licence filter ran in BigQuery, not counted)
# and do dedup + header cleaning + statistics (github_clean_dedup_local.py)
# then the filters (github_run_filter.py, one worker process:
# SLURM_CPUS_PER_TASK=2 gives a Pool of 1). Each side runs with one core
# (GOMAXPROCS=1; Python is single-threaded per process) and the rate is the
# content bytes of the files rows per CPU second (user+sys of all processes),
# so it holds on a busy machine. Both runs are bounded by timeout.
set -euo pipefail
cd "$(dirname "$0")/../.."
MB=${1:-40}
RP=${REDPAJAMA_GIT:?set REDPAJAMA_GIT to a git clone of togethercomputer/RedPajama-Data}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
go build -o "$TMP/gh" ./bench/github
"$TMP/gh" gen -mb "$MB" -out "$TMP/data"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
echo "export: $(du -sm "$TMP/data/export" | cut -f1) MB gzip NDJSON (files, contents, licenses); peer input $(du -sm "$TMP/data/peer" | cut -f1) MB"

cpu() { read -r U S _ < "$1"; echo "$U + $S" | bc -l; }

GOMAXPROCS=1 timeout 600 /usr/bin/time -f '%U %S %M' -o "$TMP/t.ours" "$TMP/gh" run -in "$TMP/data/export" > "$TMP/ours.out" 2> "$TMP/ours.err" || { cat "$TMP/ours.err"; exit 1; }
BYTES=$(tail -1 "$TMP/ours.out")
OURS=$(cpu "$TMP/t.ours")
grep '^ours:' "$TMP/ours.err" || true

if ! git --git-dir="$RP" rev-parse --verify -q rp_v1 >/dev/null; then
  echo "RedPajama-Data not found at $RP (set REDPAJAMA_GIT): peer skipped"
  printf 'ours: %.1f MB/s per core (%d bytes, %.2f CPU-s)\n' "$(echo "$BYTES / 1048576 / $OURS" | bc -l)" "$BYTES" "$OURS"
  exit 0
fi
mkdir -p "$TMP/rp" "$TMP/rp/out"
git --git-dir="$RP" show rp_v1:data_prep/github/github_clean_dedup_local.py > "$TMP/rp/clean.py"
git --git-dir="$RP" show rp_v1:data_prep/github/github_run_filter.py |
  sed -e 's/^from transformers import AutoTokenizer$/class _WS:\n    def tokenize(self, text):\n        return text.split()/' \
      -e 's/^tokenizer = AutoTokenizer.from_pretrained(.*)$/tokenizer = _WS()/' > "$TMP/rp/filter.py"
grep -q '^tokenizer = _WS()' "$TMP/rp/filter.py" || { echo "could not replace the peer's tokenizer"; exit 1; }
ls "$TMP"/data/peer/*.gz > "$TMP/rp/list.txt"
( cd "$TMP/rp" &&
  timeout 1800 /usr/bin/time -f '%U %S %M' -o "$TMP/t.clean" python3 clean.py --input list.txt --target_dir out > clean.log 2>&1 &&
  RUN=$(ls out/run_*.jsonl) &&
  SLURM_CPUS_PER_TASK=2 timeout 1800 /usr/bin/time -f '%U %S %M' -o "$TMP/t.filter" python3 filter.py --data_file "$RUN" --target_dir out > filter.log 2>&1 ) ||
  { echo "peer failed:"; tail -5 "$TMP/rp/"*.log; exit 1; }
# The filter's Pool worker is a child process: /usr/bin/time counts the
# children it waited for, so user+sys covers it.
PEER=$(echo "$(cpu "$TMP/t.clean") + $(cpu "$TMP/t.filter")" | bc -l)
KEPT=$(zcat "$TMP"/rp/out/*.jsonl.gz | wc -l)
echo "redpajama: $KEPT docs kept (ours counts differ where the header rules differ)"
printf 'ours:      %7.1f MB/s per core (%.2f CPU-s)\n' "$(echo "$BYTES / 1048576 / $OURS" | bc -l)" "$OURS"
printf 'redpajama: %7.1f MB/s per core (%.2f CPU-s: clean+dedup %.2f, filter %.2f)\n' "$(echo "$BYTES / 1048576 / $PEER" | bc -l)" "$PEER" "$(cpu "$TMP/t.clean")" "$(cpu "$TMP/t.filter")"
printf 'ratio:     %7.1fx (goal 20x)\n' "$(echo "$PEER / $OURS" | bc -l)"
