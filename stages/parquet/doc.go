// Package parquet writes a build's output shards as Parquet (zstd), one file
// per input and kind, named after the input so that the output does not
// depend on how many workers or tasks produced it.
//
// Two kinds exist. Token shards hold one row per document: id, source,
// tokens (list<int32>, no BOS/EOS) and n_tokens. Text shards hold the kept
// documents with their metadata: id, source, text, url, date, lang,
// lang_score, perplexity, bucket, quality and meta (the source's metadata
// as a JSON object in a string column: see manifest.DocRow for why). The row types and
// column names are defined once, in pipeline/manifest (TokenRow, DocRow,
// Column*, Meta*), next to the manifest that lists the shards, so that the
// training loader, which must not depend on the pipeline's writers, reads
// the same schema this package writes. DuckDB, pyarrow and HF datasets read
// both kinds without help.
//
// A shard is written through a storage.Writer and appears under its final
// name only when Close commits it; its size and SHA-256 are computed while
// it is written, for the manifest. Key/value metadata (the tokenizer's
// digest, path and vocabulary size under the manifest.Meta* keys) is written
// with sorted keys, so the footer is byte-identical between runs.
//
// The package is named after the format it writes; it imports parquet-go as
// pq. It must not decide keep/drop: it writes what reaches it.
package parquet
