// Package kenlm is a pure-Go n-gram language model compatible with
// KenLM: it reads and writes ARPA files, scores text exactly as KenLM's
// query does, trains interpolated modified Kneser-Ney models as lmplz does,
// computes CCNet's document perplexity and assigns CCNet's head, middle and
// tail buckets from per-language cutoffs.
//
// The package stands alone: it does not import the pipeline, and text
// normalisation and SentencePiece encoding come in through the small
// [Normalizer] and [Encoder] types, so any implementation can be used.
//
// # Scoring contract
//
// [Model.Score] returns what KenLM's query (or Python's kenlm.Model.score)
// returns, within 1e-4 log10 of the exact sum of KenLM's per-word values:
// each word is scored with the longest stored n-gram ending in it plus the
// backoffs of the longer context suffixes (a backoff not stored is 0); a
// word not in the vocabulary is scored as <unk>; with bos the context
// starts as <s>, which is never scored itself, and with eos </s> is scored
// at the end. Per-word values are float32 as in KenLM; totals are float64.
//
// # Query structure
//
// A [Model] is a hashed reverse trie in the spirit of KenLM's probing
// structure: one open-addressing table per order, 1.5 slots per entry,
// each slot keyed by the exact 64-bit pair (index of the n-gram's suffix,
// first word), so a lookup extends the match one word to the left per
// order with no strings and no allocation. Memory is 16 bytes per slot
// for middle orders and 12 for the highest, as in KenLM's probing binary.
// The vocabulary is a probing table of 64-bit hashes of the words (1.5
// slots per word), each hit confirmed against the stored spelling. A Model
// is immutable once built; all its methods are safe for concurrent use.
//
// # ARPA files that are not lmplz's
//
// As KenLM's probing loader does, ReadARPA inserts a "blank" entry for
// each missing suffix of an n-gram (files pruned by SRILM), with the
// backed-off probability and backoff 0, so the longer n-gram stays
// reachable; blanks are neither counted nor written back. An n-gram whose
// context is not itself an n-gram is an error, as in KenLM. Tables grow as
// entries arrive, so a corrupt header cannot make the reader allocate for
// n-grams the file does not hold.
//
// # KenLM binary files
//
// [Load] tells the format from the file's first bytes (KenLM's binary
// magic, gzip's, else ARPA text) and reads build_binary's output in all its
// layouts: probing hash tables (the default, and CCNet's *.arpa.bin), trie,
// and trie with quantized probabilities and backoffs (-q, -b) and with
// array-compressed pointers (-a). The file is memory-mapped and queried in
// place, following kpu/kenlm's lm/search_hashed, lm/trie, lm/quantize and
// lm/bhiksha bit for bit: nothing is copied or parsed beyond the header and
// a count of the vocabulary strings, so loading takes the same time
// whatever the model's size and the pages are the page cache's, shared by
// every process that maps the file. Scores are KenLM's to the bit (per-word
// float32 values, quantized ones included), and words are matched by their
// 64-bit MurmurHash64A as in KenLM. A truncated file, another format
// version, an unfinished build or mismatched test values are errors
// wrapping [ErrBinaryFormat]; no table is read past the file's end. Probing
// tables with rest costs (build_binary -r) are not supported.
// [Model.WriteBinary] writes the probing layout from an ARPA model with the
// entries, values and flags build_binary writes (checked against
// build_binary's own file), so no KenLM install is needed to convert.
//
// # Training contract
//
// [Train] reproduces lmplz's n-grams and probabilities (within 1e-4 log10)
// on the same text with no pruning; see its documentation for the details
// that matter. It holds the counts in memory, unlike lmplz.
//
// # CCNet document perplexity
//
// [DocScorer] is the whole of CCNet's document scoring (normalise, encode,
// score with <s> and </s>, round); with an [IDEncoder] it scores from piece
// ids through a table built once, which gives the same values as the
// string path without a string per piece. Callers, the recipe's
// "perplexity" step included, score through it rather than re-implement it.
//
// This package makes keep/drop decisions possible (buckets) but must not
// write pipeline outputs; ARPA and cutoff files are written only where a
// caller asks. The recipe's "perplexity" step lives in the subpackage
// kenlmstep, so this package stays importable without the pipeline.
package kenlm
