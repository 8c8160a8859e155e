#!/usr/bin/env bash
# Runs tokenmill's whole test suite on a fresh machine: installs what the tests
# need (Debian's SentencePiece, fastText and PyTorch as reference peers, node
# and npm for DuckDB, chromium for the report's browser test; the
# versitygw S3-compatible server and the fake-gcs-server GCS emulator, built from
# the Go module proxy into .tools/bin; DuckDB from npm into .tools/duckdb),
# then vets and tests every package. Each install step is skipped when its
# result is already there. Tests start their servers themselves, on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export GOTOOLCHAIN=${GOTOOLCHAIN:-local}

need_apt=()
command -v spm_encode >/dev/null 2>&1 || need_apt+=(sentencepiece)
command -v fasttext >/dev/null 2>&1 || need_apt+=(fasttext)
/usr/bin/python3 -c 'import sentencepiece' >/dev/null 2>&1 || need_apt+=(python3-sentencepiece)
/usr/bin/python3 -c 'import numpy, torch' >/dev/null 2>&1 || need_apt+=(python3-numpy python3-torch)
command -v npm >/dev/null 2>&1 || need_apt+=(nodejs npm)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing Debian packages: ${need_apt[*]}"
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null 2>&1 ||
      echo "test.sh: apt-get install failed; tests that need these peers will skip"
  else
    echo "test.sh: not root or no apt-get; tests that need ${need_apt[*]} will skip"
  fi
fi

mkdir -p .tools/bin
if [ ! -x .tools/bin/versitygw ]; then
  echo "test.sh: building versitygw v1.8.0 (S3-compatible test server) into .tools/bin"
  GOBIN=$root/.tools/bin GOFLAGS=-mod=mod go install github.com/versity/versitygw/cmd/versitygw@v1.8.0
fi
export TOKENMILL_VERSITYGW=$root/.tools/bin/versitygw
if [ ! -x .tools/bin/fake-gcs-server ]; then
  echo "test.sh: building fake-gcs-server v1.56.1 (GCS emulator) into .tools/bin"
  GOBIN=$root/.tools/bin GOFLAGS=-mod=mod go install github.com/fsouza/fake-gcs-server@v1.56.1
fi
export TOKENMILL_FAKE_GCS=$root/.tools/bin/fake-gcs-server
# DuckDB (npm's @duckdb/node-api, with its own native library) checks the SQL of
# the github source's BigQuery path on the fixture tables; node comes from Debian.
if command -v npm >/dev/null 2>&1; then
  if [ ! -d .tools/duckdb/node_modules/@duckdb/node-api ]; then
    echo "test.sh: installing @duckdb/node-api into .tools/duckdb"
    mkdir -p .tools/duckdb
    npm install --prefix .tools/duckdb --no-audit --no-fund --silent @duckdb/node-api >/dev/null ||
      echo "test.sh: npm install @duckdb/node-api failed; the BigQuery SQL test will skip"
  fi
else
  echo "test.sh: node/npm missing (Debian: nodejs npm); the BigQuery SQL test will skip"
fi
export TOKENMILL_DUCKDB_NODE=$root/.tools/duckdb/node_modules/@duckdb/node-api
# In CI a missing server is a failure, not a skip.
if [ "${CI:-}" = true ]; then export TOKENMILL_REQUIRE_SERVERS=1; fi

go vet ./...
go test -count=1 -timeout 20m ./...
# The build tests again with the pipeline's self-checks on (unique IDs, order kept);
# TestInputOverride reads fixtures that repeat record IDs on purpose.
go test -count=1 -tags invariants -run 'TestBuild|TestKilled|TestS3|TestGCS' ./pipeline/... ./cmd/tokenmill
# Damaged gzip members, for a bounded time: no record lost beyond the damaged
# member, none emitted twice or altered.
go test -run '^$' -fuzz FuzzDamagedSample -fuzztime 20s ./sources/commoncrawl
go test -run '^$' -fuzz FuzzMembersMutation -fuzztime 10s ./sources/codec
