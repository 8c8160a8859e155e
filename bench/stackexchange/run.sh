#!/usr/bin/env bash
# Per-core throughput of tokenmill's StackExchange reader (row scanning,
# question/answer join, HTML to text) against RedPajama-v1's StackExchange
# scripts (filter.py + post_processing.py, unchanged) on the same generated
# Posts.xml, then from the same 7z archive (the dump's form: tokenmill reads
# it directly, RedPajama's download.py extracts it with p7zip's `7z x`).
#
#   bench/stackexchange/run.sh REDPAJAMA [MB]
#
# REDPAJAMA is a local copy of togethercomputer/RedPajama-Data: a checkout
# holding data_prep/stack_exchange, or a git directory (the rp_v1 branch's
# scripts are taken from it with git archive). Nothing is downloaded. The
# peer needs Debian's python3-bs4, python3-lxml and python3-tqdm
# (/usr/bin/python3), and p7zip-full. MB is the size of the generated file
# (default 50).
#
# Both sides run in one process on one core (GOMAXPROCS=1; the peer's Pool
# replaced by a serial map, see rp_peer.py); rates are MB of Posts.xml per
# CPU second (user+sys), so they hold on a busy machine. PEER_TIMEOUT
# (seconds, default 300) bounds the peer; at the default size the whole
# script takes about two minutes of CPU.
set -euo pipefail
cd "$(dirname "$0")/../.."
RP=${1:?usage: run.sh REDPAJAMA_CHECKOUT_OR_GIT_DIR [MB]}
MB=${2:-50}
PEER_TIMEOUT=${PEER_TIMEOUT:-300}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

if [ -d "$RP/data_prep/stack_exchange" ]; then
  CO=$RP
else
  CO=$TMP/rp
  mkdir -p "$CO"
  git --git-dir="$RP" archive rp_v1 data_prep/stack_exchange | tar -x -C "$CO"
fi

go build -o "$TMP/se" ./bench/stackexchange
"$TMP/se" gen -mb "$MB" -out "$TMP/Posts.xml"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
(cd "$TMP" && 7z a -bd -bso0 bench.stackexchange.com.7z Posts.xml)
XMLBYTES=$(stat -c %s "$TMP/Posts.xml")
echo "input: $(du -m "$TMP/Posts.xml" | cut -f1) MB Posts.xml, $(grep -c '<row' "$TMP/Posts.xml") rows; $(du -m "$TMP/bench.stackexchange.com.7z" | cut -f1) MB as 7z (LZMA2, 7z a defaults)"

rate() { echo "$1 / 1048576 / $2" | bc -l; }
ours() {
  /usr/bin/time -f '%U %S %M' -o "$TMP/time" env GOMAXPROCS=1 "$TMP/se" run "$@" > "$TMP/out" 2> "$TMP/err" || { cat "$TMP/err" >&2; exit 1; }
  read -r U S RSS < "$TMP/time"
  CPU=$(echo "$U + $S" | bc -l)
  BYTES=$(tail -1 "$TMP/out")
}
ours -in "$TMP/Posts.xml"
OURS=$(rate "$BYTES" "$CPU")
printf '%-48s %8.1f MB/s/core  %6.2f s CPU  %5d MiB RSS  (%s)\n' "tokenmill reader (scan+join+HTML)" "$OURS" "$CPU" $((RSS / 1024)) "$(cat "$TMP/err")"
ours -in "$TMP/Posts.xml" -memory $((1 << 20))
printf '%-48s %8.1f MB/s/core  %6.2f s CPU  %5d MiB RSS  (%s)\n' "tokenmill reader, 1 MiB join cap (spills)" "$(rate "$BYTES" "$CPU")" "$CPU" $((RSS / 1024)) "$(cat "$TMP/err")"
ours -in "$TMP/bench.stackexchange.com.7z"
OURS7=$(rate "$XMLBYTES" "$CPU")
printf '%-48s %8.1f MB/s/core  %6.2f s CPU  %5d MiB RSS  (%s)\n' "tokenmill source on the .7z (7z+scan+join+HTML)" "$OURS7" "$CPU" $((RSS / 1024)) "$(cat "$TMP/err")"

/usr/bin/time -f '%U %S %M' -o "$TMP/ptime" timeout "$PEER_TIMEOUT" /usr/bin/python3 bench/stackexchange/rp_peer.py "$CO" "$TMP/Posts.xml" "$TMP/rpwork" \
  > "$TMP/pout" 2> "$TMP/perr" || { tail -5 "$TMP/perr" >&2; echo "peer failed or timed out" >&2; exit 1; }
read -r PU PS PRSS < "$TMP/ptime"
read -r PBYTES PCPU FCPU PPCPU PDOCS < <(tail -1 "$TMP/pout")
PCPU=$(echo "$PU + $PS" | bc -l)
PEER=$(rate "$PBYTES" "$PCPU")
printf '%-48s %8.1f MB/s/core  %6.2f s CPU  %5d MiB RSS  (filter.py %.1f s, post_processing.py %.1f s, %d documents)\n' \
  "RedPajama filter.py + post_processing.py" "$PEER" "$PCPU" $((PRSS / 1024)) "$FCPU" "$PPCPU" "$PDOCS"
printf 'ratio (ours/RedPajama, per core): %.1fx\n' "$(echo "$OURS / $PEER" | bc -l)"

# download.py's extraction: `7z x`, then Posts.xml moved to <site>.xml.
mkdir -p "$TMP/x"
/usr/bin/time -f '%U %S' -o "$TMP/xtime" 7z x -bd -bso0 -o"$TMP/x" "$TMP/bench.stackexchange.com.7z" Posts.xml
read -r XU XS < "$TMP/xtime"
XCPU=$(echo "$XU + $XS" | bc -l)
PCPU7=$(echo "$PCPU + $XCPU" | bc -l)
PEER7=$(rate "$XMLBYTES" "$PCPU7")
printf '%-48s %8.1f MB/s/core  %6.2f s CPU  (7z x %.2f s)\n' "RedPajama 7z x + filter.py + post_processing.py" "$PEER7" "$PCPU7" "$XCPU"
printf 'ratio from the .7z (ours/RedPajama, per core): %.1fx\n' "$(echo "$OURS7 / $PEER7" | bc -l)"
