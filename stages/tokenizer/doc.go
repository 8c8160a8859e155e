// Package tokenizer is the build's tokenize step: it turns each kept
// document's text into SentencePiece token ids (no BOS/EOS: the trainer's
// loader adds them between documents) with the recipe's model, and describes
// that model for the manifest.
//
// The encoding itself lives in the tokenize library; this package only
// adapts it to the pipeline. It must not decide keep/drop.
package tokenizer
