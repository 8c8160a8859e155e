// Package fasttextstep holds the recipe steps served by the fastText
// engine: "wikiref" keeps the documents a linear classifier finds
// Wikipedia-reference-like (p(__label__wiki) ≥ 0.25 in LLaMA's recipe), and
// "fasttext_langid" runs CCNet's own language-ID model (lid.176) for users
// who want CCNet's exact language decisions instead of the built-in
// lingua-go langid step.
//
// The engine is the stand-alone library filters/fasttext, which predicts
// exactly what fastText predicts (DocProb for wikiref, LangID with CCNet's
// rounding for fasttext_langid); this package only reads the recipe's model
// and turns the engine's answer into a keep/drop decision. It lives in a
// subpackage so that fasttext stays importable without the pipeline.
//
// The package must not write files.
package fasttextstep
