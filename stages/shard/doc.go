// Package shard writes a build's output shards as Parquet (zstd), one file
// per input shard and kind, named after the input so that the output does
// not depend on how many workers or tasks produced it.
//
// Two kinds exist, as DESIGN.md §3 specifies. Token shards hold one row per
// document: id, source, tokens (list<int32>, no BOS/EOS) and n_tokens. Text
// shards hold the kept documents with their metadata: id, source, text, url,
// date, lang, lang_score, perplexity, bucket, quality and a meta map. Both
// are read by DuckDB, pyarrow and HF datasets without help.
//
// A shard is written through a storage.Writer and appears under its final
// name only when Close commits it; its size and SHA-256 are computed while
// it is written, for the manifest.
//
// The package must not decide keep/drop: it writes what reaches it.
package shard
