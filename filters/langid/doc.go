// Package langid identifies the language of documents fast enough not to be
// a build's bottleneck, and tells running text from junk, so that CCNet's
// "keep top-1 ≥ 0.5" means something.
//
// lingua-go alone is accurate but slow (0.05-0.4 MB/s per core: its rule
// engine runs regular expressions per character and, past ~100 letters, its
// probability sums underflow into decimal arithmetic), and it gives base64,
// letter salad and half-German half-English pages a confidence near 1.
//
// # How a document is decided
//
//  1. [Sample] bounds the input: the whole text up to 1500 bytes, else three
//     windows (start, middle, end), newlines as spaces.
//  2. Letters are counted by script. A script that lingua's rules give to one
//     language (Greek, Hangul, Thai, kana, Han, Hebrew, Armenian, Georgian,
//     several Indic scripts) decides it.
//  3. Words are looked up in stop-word lists of 31 languages (stopwords.go).
//     When one list's evidence is clear against every other (at least three
//     of its words, 8% of the words, and against each other list at least
//     twice and three times as many words of its own as of the other's), it
//     decides. This path handles most pages of the big languages.
//  4. Otherwise lingua decides, in low-accuracy mode over all its languages,
//     on the first 400 bytes (for 120 letters or more lingua's high-accuracy
//     mode uses the same trigrams). Where the words point at a cluster of
//     near-identical languages (Croatian, Bosnian, Serbian, Slovene;
//     Indonesian, Malay), lingua is asked about the cluster only; under 120
//     letters a cluster's high-accuracy models are used, as lingua's own
//     high-accuracy mode would (loading the cluster's, not all 2 GB).
//
// # The score
//
// The score in [0,1] is the decision's confidence (1 for scripts and word
// lists; lingua's, summed over a cluster, otherwise) times guards, each 1
// for ordinary running text: the share of letters in the dominant script;
// word shape (characters in tokens that look like words rather than base64,
// identifiers, URLs or numbers glued to letters); vowels (letter salad has
// many vowelless words); the coverage of the text by the language's list
// (running text is ≥ 15% function words); and purity, the language's own
// list words against the strongest list of another language family (a
// half-German half-English page scores near 0). For a language without a
// list, strong evidence of a listed language counts against it, and runs of
// four consonants stand in for coverage.
//
// # Cost
//
// The analysis reads the sample once (non-ASCII tokens are decoded once):
// rune properties, scripts and lowercase come from tables of the Basic
// Multilingual Plane built on first use (~10 ms, 320 KB) rather than from
// unicode's binary searches, ASCII tokens are read as bytes, stop words are
// found in an open-addressing table on the lowercased bytes, and the
// per-text state is pooled, so that a warm detector allocates only the
// sample and the result per document. lingua, on the few texts that reach
// it, is most of what is left.
//
// # Contracts
//
// [Detector] is goroutine-safe and meant to be built once ([Shared]); lingua
// keeps its models in process-wide maps, loaded on first use (low accuracy,
// all languages: ~0.5 s; a cluster's high-accuracy models: ~25 MB a
// language, only for short texts). Codes are ISO 639-1. The [Step] adapter
// (step.go) sets Doc.Lang and Doc.LangScore and drops with
// "langid:score<T" or "langid:lang=xx". The package must not write files.
package langid

// DefaultSampleBytes is how much of a document language ID reads by default.
const DefaultSampleBytes = 1500

// LinguaBytes bounds the text handed to lingua when the word lists do not
// settle the language.
const LinguaBytes = 400
