// Package atomicfile writes local files so that a reader sees either the
// old file or the whole new one, never a part: the one implementation of
// that protocol in tokenmill. The pipeline's local store commits outputs
// through it, and so do the stand-alone libraries and the CLI (fastText
// models, training checkpoints, exports, cutoff tables, tokenizer models).
//
// # Protocol
//
// [Create] opens a hidden temporary file next to the target, named
// "." + base + [TempMarker] + 12 random hex digits, so two writers never
// share a temporary file and an output name never contains the marker.
// [File.Commit] syncs the file, closes it, renames it over the target and
// syncs the folder, so the rename survives a crash. On any failure, and on
// [File.Abort], the temporary file is removed. A crash can leave a
// temporary file behind, never a partial target; [RemoveStale] clears the
// leftovers of earlier writes of one target, for callers that know they
// are its only writer. Object stores have their own commit (an upload that
// completes); pipeline/storage's Writer hides the difference.
//
// The package is a leaf (standard library only), so libraries that must
// stand alone without the pipeline (filters/fasttext, train) can use it.
package atomicfile
