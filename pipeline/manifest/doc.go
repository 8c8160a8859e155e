// Package manifest defines manifest.json, the table of contents of a build's
// output: which shards each source produced, what they hold, their digests,
// which inputs were consumed and which tokenizer made the tokens. Trainers read
// it to find the token shards; it is written last and atomically, so a
// manifest that exists describes shards that exist in full.
//
// The package also defines the schema of the shards the manifest lists
// (schema.go): the row types [TokenRow] and [DocRow], the column names the
// loader looks up, and the key/value metadata keys. The Parquet writer, the
// training loader and the tests all use these, so the schema is written once.
//
// The package is a leaf: it imports nothing of tokenmill's, so a trainer or an
// external tool can read manifests without the pipeline.
package manifest
