// Package models is the catalogue of the public models a recipe can use
// (CCNet's per-language KenLM models and SentencePiece models, CCNet's
// perplexity cutoffs, fastText's language identifier, a LLaMA-compatible
// tokenizer) and the cache that downloads them.
//
// It exists so that the real models are one command away (`tokenmill
// models fetch ccnet:en`) and so that a recipe can name them (`model:
// ccnet:en`) instead of a path: the demo models of the embedded sample are
// right for the sample only.
//
// # Catalogue
//
// Each entry has a name, its canonical URL (from the projects' own docs:
// cc_net's Makefile, fastText's site), and its size and sha256 where they
// are known offline. Where they are not, the first download records them
// ("pins" them) in the cache's pins.json, and every later download of that
// name must give the same bytes.
//
// # Cache contract
//
// Files live in $TOKENMILL_CACHE, else in the user cache directory
// (os.UserCacheDir()/tokenmill), under models/. A download goes to NAME.part
// and is resumed with an HTTP range request after an interruption (a
// dropped connection is retried from where it stopped); the final name only
// ever holds a complete file whose digest was verified: it is renamed into
// place after the check, and a file whose digest is wrong is deleted and
// reported. Progress goes to the caller's writer. Two processes fetching
// the same file at once are not coordinated.
package models
