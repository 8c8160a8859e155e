// Package normalize reproduces CCNet's two text normalizations exactly, with
// Python's Unicode semantics:
//
//   - [ForDedup] is cc_net.text_normalizer.normalize_for_dedup, the key of
//     line dedup: str.strip(), str.lower(), every Unicode decimal digit (Nd)
//     to "0", CCNet's punctuation table and the control characters
//     U+0000-U+001F, U+007F-U+009F deleted. Accents are kept.
//   - [Normalize] is cc_net.text_normalizer.normalize with its defaults, the
//     input of the perplexity model: strip, lower, accents stripped (NFD, then
//     every Mn mark dropped), digits to "0", the punctuation table mapped to
//     ASCII, control characters deleted (newlines included: CCNet scores a
//     document as one sentence).
//
// # Contracts
//
// Both functions are pure, goroutine-safe and allocation-light; the Append
// forms write into a caller's buffer so a hot loop allocates nothing. Their
// output equals CCNet's under CPython 3.12 (Unicode 15.0, the version of Go's
// unicode package), code point for code point: str.strip() strips Python's
// whitespace (which includes U+001C-U+001F), str.lower() maps "İ" to "i̇" and
// a word-final "Σ" to "ς", and NFD applies canonical reordering. The tables
// Go's standard library lacks (canonical decompositions, combining classes,
// the Cased and Case_Ignorable properties) are generated from Python by
// gen_tables.py into tables.go (`go generate ./stages/normalize` runs it
// under python3.12, whose Unicode version is Go's);
// testdata/ holds the golden cases and the re-typed CCNet functions that
// produced them.
//
// The [Step] adapter (step.go) applies either form to a document's text line
// by line. The package must not decide keep or drop.
package normalize

//go:generate python3.12 gen_tables.py -o tables.go
