// Package fasttext is a fastText-compatible supervised linear classifier: the
// engine behind LLaMA's "looks like a Wikipedia reference" filter, and, with
// CCNet's lid.176.bin, behind CCNet's language identification. It is named
// after what it is, not after one use: any fastText supervised model works.
//
// It reads and writes fastText 0.9.x model files (.bin, and .ftz with
// product-quantized matrices and pruned dictionaries), predicts exactly what
// fastText predicts, and trains supervised models with fastText's algorithm.
//
// # Use
//
// [Load] or [Read] a model; [Model.Predict] a line (Python's
// model.predict), [Model.AppendPredictLine] a line as the fasttext command
// reads it, [Model.DocProb] a whole document for one label (the recipe's
// p(__label__wiki)); [AppendFormat] prints predictions as `fasttext
// predict-prob` does; [Model.Test] is `fasttext test`. [Train] trains,
// [Model.Save] writes a .bin. [LangID] serves lid.176 the way CCNet does.
//
// # Contracts
//
//   - [Load] and [Read] accept what `fasttext supervised` and `fasttext
//     quantize` write (file version 11 or 12) and check that every byte of the
//     file was consumed.
//   - [Model.Predict] returns the labels fastText returns, in the same order,
//     with the same float32 probabilities (identical on every line of the
//     reference kit; a libm whose exp or log rounds differently could move
//     the last bit). Like fastText, a reported probability is
//     p + 1e-5 for softmax models, so it can exceed 1 (1.00001).
//   - Tokenization is fastText's: split on ' ', '\t', '\v', '\f', '\r', '\0';
//     a '\n' ends the line and adds the "</s>" token; tokens that start with
//     "__label__" are no features. Hashes are FNV-1a over the bytes with
//     fastText's int8 sign extension.
//   - [Model.Write] produces a file that `fasttext predict` loads and that
//     [Read] reads back to an identical model.
//   - [Train] follows fastText's supervised SGD with one thread, so with the
//     same input and options it writes the same bytes as `fasttext supervised
//     -thread 1` (see [Train] for what is and is not reproduced).
//   - A *Model is safe for concurrent prediction; training and writing need
//     exclusive access.
//
// # Must not
//
// The package stands alone: it imports nothing from the pipeline and writes
// no files other than the one it is asked to save. Keep/drop decisions at
// p(wiki) ≥ 0.25 belong to the recipe's steps, which live in the
// subpackage fasttextstep ("wikiref", "fasttext_langid") and only decide
// on what this package predicts.
package fasttext
