// Package ccnet adapts CCNet's two quality models to the pipeline: the
// perplexity step scores each document with a language's n-gram model and
// assigns CCNet's head/middle/tail bucket (dropping the buckets the recipe
// names, the tail in LLaMA's), and the wikiref step keeps the documents a
// linear classifier finds Wikipedia-reference-like (p(wiki) ≥ 0.25). A third
// step, fasttext_langid, runs CCNet's own fastText language-ID model (lid.176)
// for users who want CCNet's exact language decisions instead of the
// built-in lingua-go langid.
//
// The models themselves live in the stand-alone libraries filters/perplexity
// and filters/wikiref, the normalizer in stages/normalize and the
// SentencePiece encoder in tokenize; this package only wires them into
// pipeline.Steps, so those libraries need not import the pipeline.
//
// The package must not write files.
package ccnet
