// Package manifest defines manifest.json, the table of contents of a build's
// output: which shards each source produced, what they hold, their digests,
// which inputs were consumed and which tokenizer made the tokens. Trainers read
// it to find the token shards; it is written last and atomically, so a
// manifest that exists describes shards that exist in full.
//
// The package is a leaf: it imports nothing of tokenmill's, so a trainer or an
// external tool can read manifests without the pipeline.
package manifest
