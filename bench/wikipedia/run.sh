#!/usr/bin/env bash
# Side-by-side benchmark of tokenmill's Wikipedia reader and wikitext cleaner
# (sources/wikipedia) against the Python tools people use, on the same pages.
#
#   bench/wikipedia/run.sh DUMP.xml.bz2 [WIKIEXTRACTOR_DIR]
#
# DUMP is any pages-articles dump or excerpt (e.g. gensim's test excerpt
# enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2, 206
# real enwiki pages, from github.com/piskvorky/gensim gensim/test/test_data/).
# Peers: mwparserfromhell's strip_code() (Debian python3-mwparserfromhell) and
# wikiextractor's Extractor.clean_text() (a checkout of attardi/wikiextractor,
# the second argument or $WIKIEXTRACTOR; copied to a temporary folder, where
# its two inline "(?i)" regex flags, an error since Python 3.11, are moved to
# the front: nothing else changes). Skipped with a note when absent.
#
# 1. the article wikitext (ns 0, not redirects) is extracted once to JSONL;
# 2. each cleaner cleans the same pages; only the cleaning is timed, on one
#    core (GOMAXPROCS=1; Python is single-threaded), MB/s of wikitext in;
# 3. the dump is repacked as multistream (100 pages a stream, with index) and
#    read by stream ranges with 1 and 2 workers (bzip2 + XML + cleaning).
# Outputs are kept in $OUT (default a temporary folder) for diffing.
set -euo pipefail
cd "$(dirname "$0")/../.."
DUMP=${1:?usage: run.sh DUMP.xml.bz2 [WIKIEXTRACTOR_DIR]}
WX=${2:-${WIKIEXTRACTOR:-}}
OUT=${OUT:-$(mktemp -d)}
PY=${PYTHON:-/usr/bin/python3}
BIN=$OUT/wikibench
go build -o "$BIN" ./bench/wikipedia
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
"$BIN" pages "$DUMP" > "$OUT/pages.jsonl"
echo "pages: $(wc -l < "$OUT/pages.jsonl") articles, $(wc -c < "$OUT/pages.jsonl") bytes of JSONL"

rate() { sed -E 's/.*: ([0-9.]+) MB\/s.*/\1/' <<<"$1"; }
OURS=$(GOMAXPROCS=1 "$BIN" clean "$OUT/pages.jsonl" 2>&1 > "$OUT/tokenmill.jsonl")
echo "$OURS"
R_OURS=$(rate "$OURS")

if $PY -c 'import mwparserfromhell' 2>/dev/null; then
  MW=$($PY bench/wikipedia/peers.py mwparserfromhell "$OUT/pages.jsonl" 2>&1 > "$OUT/mwparserfromhell.jsonl")
  echo "$MW"
  echo "ratio tokenmill/mwparserfromhell: $(echo "$R_OURS / $(rate "$MW")" | bc -l | xargs printf '%.1f')x per core"
else
  echo "mwparserfromhell: not installed (apt-get install python3-mwparserfromhell); not measured"
fi

if [ -n "$WX" ] && [ -d "$WX/wikiextractor" ]; then
  mkdir -p "$OUT/wx" && cp -r "$WX/wikiextractor" "$OUT/wx/"
  sed -i 's/(((?i)/((/; s/\\.((?i)gif|png|jpg|jpeg)\$/\\.((?:gif|png|jpg|jpeg|GIF|PNG|JPG|JPEG))$/' "$OUT/wx/wikiextractor/extract.py"
  WXR=$(WIKIEXTRACTOR="$OUT/wx" $PY bench/wikipedia/peers.py wikiextractor "$OUT/pages.jsonl" 2>&1 > "$OUT/wikiextractor.jsonl")
  echo "$WXR"
  echo "ratio tokenmill/wikiextractor: $(echo "$R_OURS / $(rate "$WXR")" | bc -l | xargs printf '%.1f')x per core"
else
  echo "wikiextractor: no checkout given; not measured"
fi

# Multistream decoding by stream ranges, 1 and 2 workers (the whole reader:
# bzip2, XML, cleaning), best wall time of 5 each (the machine may be shared). The pages are repacked COPIES times
# (default 4) into parts of 256 KB compressed, so an excerpt makes dozens.
MS=$("$BIN" repack "$DUMP" "$OUT/ms" "${COPIES:-4}")
for w in 1 2; do
  for i in 1 2 3 4 5; do GOMAXPROCS=$w "$BIN" decode "$MS" 256 $w; done | sort -n -k7 | tail -1
done
echo "outputs in $OUT"
