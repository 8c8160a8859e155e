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
// The package must not write files.
package kenlmstep
