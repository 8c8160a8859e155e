// Package tokenize is a SentencePiece-compatible tokenizer in pure Go: it
// reads and writes SentencePiece .model files (ModelProto), encodes and
// decodes with BPE and Unigram models exactly as SentencePiece 0.1.97 does,
// and trains BPE models with LLaMA's options.
//
// # Contracts
//
//   - [Parse] and [Load] accept any ModelProto that SentencePiece accepts for
//     the bpe and unigram model types. Fields the package does not interpret
//     are kept, and [Model.Marshal] of a parsed model returns the parsed
//     bytes unchanged. The protobuf wire format is decoded by hand; the
//     package needs no protobuf module.
//   - [Model.Encode] returns the ids that spm_encode --output_format=id and
//     python's sp.encode return for the same text: the model's normalizer
//     (identity, or nmt_nfkc and other rules through precompiled_charsmap),
//     the dummy prefix, whitespace escaping to U+2581, user-defined and
//     unused pieces, byte fallback (<0xNN>) and the merging of adjacent
//     unknown pieces into one <unk>. No BOS or EOS is added. A Model is
//     immutable and safe for concurrent use.
//   - [Model.Decode] is SentencePiece's Decode. decode(encode(x)) == x holds
//     for valid UTF-8 x with a byte-fallback BPE model whose normalizer is
//     identity with the dummy prefix and without whitespace removal (LLaMA's
//     setup), except that a literal U+2581 in x comes back as a space.
//     Models without byte fallback lose unknown characters (they decode as
//     " ⁇ "); models that remove extra whitespace or normalize (nmt_nfkc)
//     lose what the normalizer removes.
//   - [TrainBPE] follows spm_train's BPE algorithm and writes a model that
//     spm_encode loads.
//
// The package must not depend on the pipeline: it is a library any Go
// program can import.
package tokenize
