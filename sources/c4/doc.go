// Package c4 reads C4 as published: the c4/en shards that TensorFlow
// Datasets' c4 builder wrote and AllenAI distributes (huggingface.co/datasets/allenai/c4,
// folder en/), named c4-train.NNNNN-of-01024.json.gz and
// c4-validation.NNNNN-of-00008.json.gz. Uncompressed (.json) and
// zstd-compressed (.json.zst) shards are read too: sources/codec picks the
// decoder from the magic bytes, not the name.
//
// # Format
//
// One JSON object per line, "\n"-terminated, with three string fields:
//
//	{"text":"...","timestamp":"2019-04-25T12:57:54Z","url":"https://..."}
//
// text becomes Doc.Text, url Doc.URL and timestamp (RFC 3339) Doc.Date.
// Other keys are ignored. Non-ASCII arrives raw (UTF-8) or as \u escapes,
// surrogate pairs included; an escaped lone surrogate becomes U+FFFD (see
// [ParseLine] for the exact semantics, which are encoding/json's).
//
// # Document IDs
//
// "<shard file name>#L<line>", the file's base name as published (suffixes
// included) and the 1-based line number counted over every line, good or
// bad: c4-train.00000-of-01024.json.gz#L12. Input (and output) names drop
// ".json.gz", ".json.zst" and ".json".
//
// # Bad input
//
// A line that is blank, not valid UTF-8, not valid JSON, not an object,
// without "text", with a non-string "text" or longer than max_line_bytes is
// reported through the skip callback as a *pipeline.RecordError (Record:
// the line number, Offset: the line's first byte in the decompressed
// stream) and reading goes on with the next line. A compressed stream cut
// short keeps every complete line before the cut and reports the cut
// ("truncated"); a stream that stops decoding reports "bad-compression".
// An empty shard has no documents and no error. Only failures of storage
// are fatal (Err).
//
// # Speed
//
// [ParseLine] scans the shape C4 writes in one pass (eight bytes at a time
// through string content) and falls back to encoding/json for any other
// line; FuzzParseLine holds the two to the same results. Memory is one
// bufio buffer plus at most one line of max_line_bytes.
//
// The package must not filter by quality; the C4 page rules are the
// c4_rules step in filters/heuristics.
package c4
