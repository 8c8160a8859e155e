#!/usr/bin/env bash
# Per-core throughput of the arXiv reader+cleaner against RedPajama's
# arxiv_cleaner.py on the same synthetic bulk tar, and how many papers
# differ and why.
#
#   bench/arxiv/run.sh RP_ARXIV_DIR [PAPERS]
#
# RP_ARXIV_DIR: data_prep/arxiv of a RedPajama-Data checkout (rp_v1 branch),
# e.g. `git -C RedPajama-Data archive rp_v1 data_prep/arxiv | tar -x -C /tmp/rp`,
# then /tmp/rp/data_prep/arxiv.
# PAPERS (default 3000, about 30 KB of LaTeX each) sets the tar's size.
# Both sides run on one core (GOMAXPROCS=1; the peer without its process
# pool); rates are MB per CPU second (user+sys), of the tar and of the
# decompressed LaTeX. Each side is bounded by `timeout` (TIMEOUT, 600 s).
set -euo pipefail
RP=$(cd "${1:?RedPajama data_prep/arxiv folder}" && pwd)
PAPERS=${2:-3000}
TIMEOUT=${TIMEOUT:-600}
cd "$(dirname "$0")/../.."
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
go build -o "$TMP/bench" ./bench/arxiv
go run ./tools/arxivsample -papers "$PAPERS" -out "$TMP"
TAR="$TMP/arXiv_src_2301_900.tar"
TAR_MB=$(echo "$(stat -c %s "$TAR") / 1048576" | bc -l)
TEX_MB=$(python3 - "$TAR" <<'PY'
import gzip, io, sys, tarfile
n = 0
t = tarfile.open(sys.argv[1])
for m in t:
    if m.isfile():
        b = gzip.decompress(t.extractfile(m).read())
        if len(b) > 262 and b[257:262] == b"ustar":
            it = tarfile.open(fileobj=io.BytesIO(b))
            n += sum(x.size for x in it if x.isfile())
        else:
            n += len(b)
print(n / 1048576)
PY
)
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
printf 'tar: %d papers, %.1f MB tar, %.1f MB LaTeX\n' "$PAPERS" "$TAR_MB" "$TEX_MB"

cpu() {  # CMD...: runs it bounded, prints user+sys seconds
  /usr/bin/time -f '%U %S' -o "$TMP/time" timeout "$TIMEOUT" "$@" 2> "$TMP/err" >/dev/null || { cat "$TMP/err" >&2; exit 1; }
  read -r U S < "$TMP/time"
  echo "$U + $S" | bc -l
}
OURS=$(cpu env GOMAXPROCS=1 "$TMP/bench" run -in "$TAR" -out "$TMP/ours.jsonl")
OURS_CUT=$(cpu env GOMAXPROCS=1 "$TMP/bench" run -in "$TAR" -out "$TMP/ours_cut.jsonl" -cut-appendix)
PEER=$(cpu python3 bench/arxiv/peer.py "$RP" "$TAR" "$TMP/peer.jsonl")
printf '%-34s %8s %12s %12s\n' side "cpu s" "tar MB/s" "LaTeX MB/s"
for row in "tokenmill:$OURS" "tokenmill cut_appendix:$OURS_CUT" "RedPajama arxiv_cleaner.py:$PEER"; do
  name=${row%%:*}; c=${row##*:}
  printf '%-34s %8.2f %12.2f %12.2f\n' "$name" "$c" "$(echo "$TAR_MB / $c" | bc -l)" "$(echo "$TEX_MB / $c" | bc -l)"
done
printf 'ratio (ours / peer, per core): %.1fx\n' "$(echo "$PEER / $OURS" | bc -l)"
echo
echo "default (appendix kept) vs peer:"
"$TMP/bench" compare -ours "$TMP/ours.jsonl" -peer "$TMP/peer.jsonl"
echo "cut_appendix vs peer:"
"$TMP/bench" compare -ours "$TMP/ours_cut.jsonl" -peer "$TMP/peer.jsonl"
