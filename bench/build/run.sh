#!/usr/bin/env bash
# End-to-end CommonCrawl build, two revisions side by side: builds tokenmill at
# REV_A and REV_B (git revisions of this repository), generates a WET corpus of
# MB megabytes (bench/ccnet gen, split into 8 gzip files), runs
#   tokenmill build --only commoncrawl --input commoncrawl=CORPUS
# with the embedded recipe (its CCNet chain: doc and line dedup, langid,
# perplexity, wikiref, tokenize) under each binary, RUNS times alternately, and
# prints wall and CPU seconds, MB of input per CPU second, peak RSS and the
# ratio B/A of the best runs. It checks that both write the same shards (the
# manifest's shard digests).
#
#   bench/build/run.sh [REV_A [REV_B [MB [RUNS]]]]     # defaults: HEAD~1 HEAD 40 3
set -euo pipefail
cd "$(dirname "$0")/../.."
A=${1:-HEAD~1}; B=${2:-HEAD}; MB=${3:-40}; RUNS=${4:-3}
tmp=$(mktemp -d); trap 'git worktree remove --force "$tmp/a" 2>/dev/null; git worktree remove --force "$tmp/b" 2>/dev/null; rm -rf "$tmp"' EXIT
for r in a b; do
  rev=$A; [ $r = b ] && rev=$B
  git worktree add -q --detach "$tmp/$r" "$rev"
  (cd "$tmp/$r" && GOTOOLCHAIN=local go build -o "$tmp/tokenmill-$r" ./cmd/tokenmill)
done
go run ./bench/ccnet gen -mb "$MB" -out "$tmp/corpus.wet" >/dev/null
mkdir -p "$tmp/in"
# Split at record boundaries into 8 files, one gzip member per record as
# CommonCrawl writes them.
python3 - "$tmp/corpus.wet" "$tmp/in" <<'PY'
import gzip, sys, zlib
data = open(sys.argv[1], 'rb').read()
recs = [b'WARC/1.0' + r for r in data.split(b'WARC/1.0')[1:]]
n = 8
for i in range(n):
    with open(f"{sys.argv[2]}/CC-BENCH-{i:05d}.warc.wet.gz", 'wb') as f:
        for r in recs[i::n]:
            f.write(gzip.compress(r, 6, mtime=0))
PY
in_mb=$(du -bc "$tmp/corpus.wet" | tail -1 | awk '{printf "%.1f", $1/1e6}')
best() { sort -n | head -1; }
declare -A cpu wall rss
for i in $(seq 1 "$RUNS"); do
  for r in a b; do
    rm -rf "$tmp/out-$r"
    /usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$tmp/tokenmill-$r" build --only commoncrawl \
      --input "commoncrawl=$tmp/in" --out "$tmp/out-$r" --progress none >/dev/null 2>"$tmp/log-$r" ||
      { cat "$tmp/log-$r"; exit 1; }
    read -r e u s m < "$tmp/time"
    cpu[$r]+="$(echo "$u + $s" | bc) "; wall[$r]+="$e "; rss[$r]+="$m "
  done
done
python3 - "$tmp/out-a/manifest.json" "$tmp/out-b/manifest.json" <<'PY'
import json, sys
d = [sorted((s["path"], s["sha256"]) for src in json.load(open(p))["sources"] for s in src["shards"]) for p in sys.argv[1:]]
print("shards identical" if d[0] == d[1] else "SHARDS DIFFER")
PY
printf "corpus %s MB of WET text in 8 files, %d runs each, best run\n" "$in_mb" "$RUNS"
printf "%-8s %-14s %8s %8s %12s %10s\n" rev commit wall_s cpu_s MB/cpu_s rss_MiB
for r in a b; do
  rev=$A; [ $r = b ] && rev=$B
  c=$(for x in ${cpu[$r]}; do echo "$x"; done | best)
  w=$(for x in ${wall[$r]}; do echo "$x"; done | best)
  m=$(for x in ${rss[$r]}; do echo "$x"; done | best)
  printf "%-8s %-14s %8s %8s %12.1f %10d\n" "$r" "$(git rev-parse --short "$rev")" "$w" "$c" "$(echo "$in_mb / $c" | bc -l)" "$((m / 1024))"
  eval "c_$r=$c"
done
printf "B/A CPU time: %.2f (below 1: B is faster)\n" "$(echo "$c_b / $c_a" | bc -l)"
