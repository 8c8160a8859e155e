#!/usr/bin/env bash
# Throughput of the training data loader (train/data) on one core, next to the
# consumer it feeds: the bundled trainer's step on the tiny config, also on one
# core, measured in the same run. The ratio says how many such trainers one
# core of loading keeps busy. There is no Debian peer that reads Parquet token
# shards (pyarrow is not packaged), so the trainer is the side-by-side figure.
#
#   bench/loader/run.sh [BENCHTIME]     # default 3s for the loader
#
# Loader: BenchmarkNext over a generated 2M-token corpus (2 sources, 4 shards,
# 16 row groups, zstd), rows of 1024+1 tokens, batch 16, with and without
# read-ahead; BenchmarkSchedule is the interleave that Resume replays.
set -euo pipefail
cd "$(dirname "$0")/../.."
BT=${1:-3s}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
GOMAXPROCS=1 go test -run XXX -bench 'BenchmarkNext|BenchmarkSchedule' -benchtime "$BT" ./train/data | tee "$TMP/loader"
GOMAXPROCS=1 go test -run XXX -bench 'BenchmarkStep/tiny' -benchtime 20x ./train | tee "$TMP/train"
# metric VALUE-UNIT FILE PATTERN: the number before UNIT on the line matching PATTERN
metric() { grep "$3" "$2" | head -1 | awk -v u="$1" '{for (i = 2; i <= NF; i++) if ($i == u) print $(i-1)}'; }
ra=$(metric tokens/s "$TMP/loader" 'BenchmarkNext/readahead')
sy=$(metric tokens/s "$TMP/loader" 'BenchmarkNext/sync')
tr=$(metric tokens/cpu-s "$TMP/train" 'BenchmarkStep/tiny')
ns=$(grep BenchmarkSchedule "$TMP/loader" | awk '{print $3}')
echo
printf '%-34s %14s %10s\n' "" "tokens/s" "× trainer"
printf '%-34s %14.0f %10.1f\n' "loader, read-ahead (1 core)" "$ra" "$(echo "$ra / $tr" | bc -l)"
printf '%-34s %14.0f %10.1f\n' "loader, synchronous (1 core)" "$sy" "$(echo "$sy / $tr" | bc -l)"
printf '%-34s %14.0f %10s\n' "trainer step, tiny (per CPU-s)" "$tr" "1.0"
printf 'resume replay: %s ns per sample (LLaMA mixture)\n' "$ns"
