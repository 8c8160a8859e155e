// Package kenlmstep is the recipe's "perplexity" step: CCNet's document
// perplexity under a language's n-gram model and CCNet's head/middle/tail
// bucket from per-language cutoffs, dropping the buckets the recipe names
// (the tail in LLaMA's recipe).
//
// The engine is the stand-alone library filters/kenlm (its DocScorer does
// all the scoring, with CCNet's normalizer from stages/normalize and the
// SentencePiece encoder from tokenize); this package only reads the
// recipe's files and turns the score into a keep/drop decision. It lives
// in a subpackage so that kenlm stays importable without the pipeline.
//
// The model (field model, or arpa, its older name) may be an ARPA file,
// gzipped or not, or a KenLM binary file such as CCNet's {lang}.arpa.bin:
// kenlm tells them apart by content. An absolute path or file:// URL is
// memory-mapped (a CCNet model is gigabytes and is not copied); other
// references are read through the build's Env.ReadFile. Names of the model
// catalogue (ccnet:en, ccnet-sp:en, ccnet-cutoffs; package filters/models)
// resolve to the cache, and a model not fetched yet is an error that says
// how to fetch it.
//
// The package must not write files.
package kenlmstep
