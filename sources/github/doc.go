// Package github reads LLaMA's GitHub subset from an export of BigQuery's
// public dataset bigquery-public-data.github_repos: its files, contents and
// licenses tables, joined on the blob id. (sources/github/bigquery reads the
// same rows from BigQuery itself.)
//
// # Input
//
// One folder (local, s3://, gs://, embed://) holding the three tables as
// BigQuery exports them, with wildcard shard names: files-000000000000.json.gz,
// contents-000000000003.parquet, licenses-000000000000.avro, ... (or folders
// named files/, contents/, licenses/). Each shard may be:
//
//   - newline-delimited JSON, gzip or not: INT64 columns as JSON strings,
//     NULL columns omitted, BOOL as true/false, BYTES as base64 (a content
//     column exported as BYTES is recognised by its blob id); decoded by a
//     one-pass row decoder (jsonrow.go) that matches encoding/json;
//   - Parquet (parquet-go), columns read by name, OPTIONAL or REQUIRED;
//   - Avro object container files (null, deflate, snappy or zstandard codec),
//     read by the small decoder in avro.go (flat records of nullable
//     primitives, which is all these tables hold; a damaged block is skipped
//     by resynchronising on the sync marker).
//
// The real schemas: files(repo_name, ref, path, mode INT64, id, symlink_target),
// contents(id, size INT64, content, binary BOOL, copies INT64),
// licenses(repo_name, license).
//
// # The join, its inputs and its memory
//
// Inputs are hash partitions of the join (FNV-1a of the blob id modulo N,
// named part-00003-of-00016): every files and contents row of a blob is in
// one partition, so partitions join independently, in parallel and on any
// machine. N is the partitions option, or chosen so that one partition's
// rows fit in memory_bytes (8 times the export's compressed bytes over the
// budget). The first Open of a build runs a prepass that reads every shard
// once (shards in parallel) and appends each files and contents row to its
// partition's spill file under the build's TempDir (with a single partition,
// which by the sizing rule fits the budget, the rows are kept in memory
// instead); the licenses table (one short row per repository) is held in
// memory. Each Open then loads its
// partition's files rows, streams its contents rows past them, and sorts
// the joined rows by document ID: the output does not depend on the order of
// shards or of rows within them (testdata/export-json-shuffled).
//
// # Documents
//
// One document per files row: ID <repo_name>:<ref>:<path>, URL
// the file's page on GitHub, text the blob's content, metadata repo, ref,
// path, blob, license (absent for a repository the licenses table does not
// list), language (from the name, RedPajama's extension list), mode (octal),
// and, where they apply, kind=symlink|submodule and
// content=missing|null|binary (no contents row; NULL content, BigQuery's for
// blobs over 1 MiB; binary). The reader drops nothing a rule decides: the
// code_files step (filters/heuristics) drops those with reasons.
//
// # Bad rows
//
// A contents row whose id is not the git SHA-1 of its content ("blob <n>\0"
// + content) is corrupt: it is reported (github-blob-sha1) and left out of
// the join, so its files rows have content=missing. Malformed rows
// (github-bad-json, github-missing-*), cut or damaged compressed streams
// (truncated-gzip, corrupt-stream) and bad Avro blocks or Parquet row groups
// are reported through the skip callback with the shard, row index and
// offset, once per build however often a partition is opened; the rows
// around them are kept. Only storage failures are fatal.
//
// # Exact dedup
//
// Copies of a blob sit in one partition, in document ID order, so doc_dedup
// (with key: blob, the verified blob id) placed after code_files keeps the
// copy with the smallest <repo_name>:<ref>:<path> among those the licence,
// extension and kind rules kept: deterministic, and never a copy those rules
// would drop.
//
// It must not filter by quality.
package github
