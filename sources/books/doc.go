// Package books reads the two book corpora of the LLaMA mixture: Project
// Gutenberg's plain-text files and Books3, from The Pile's shards or from
// its original tarball.
//
// # Gutenberg
//
// Files as the mirrors ship them: NNNN-0.txt (UTF-8), NNNN-8.txt (8-bit),
// NNNN.txt (7-bit), pgNNNN.txt (generated, UTF-8) and their .zip. With
// gutenberg_variants "best" one file per book and folder is read (see
// [Source.Inputs]); files are grouped into inputs of batch_files files so
// that a mirror is not 70,000 tasks. [Decode] picks the encoding (a BOM;
// else valid UTF-8; else the header's "Character set encoding:", with
// ISO-8859-1, Latin-1 and ASCII read as Windows-1252 so that the curly
// quotes at 0x80-0x9F survive and no byte becomes U+FFFD; else
// Windows-1252). CRLF and CR become LF. [Strip] keeps the body between the
// start and end markers in every form the collection uses, drops credits
// and licence blocks, and says how it found each end (Meta
// gutenberg_start, gutenberg_end: "marker", "weak", "licence", "none"). A
// file without an end marker keeps its text to the end of the file, cut
// before any licence heading or licence-only phrase (gutenberg_end
// "licence" or "none"); a file with no body left is counted as
// empty-book. Document ID "gutenberg/<file name>" (the zip member's name
// for a zip), URL https://www.gutenberg.org/ebooks/<number>, Meta
// collection, ebook, charset, title, author, language.
//
// # Books3
//
// The Pile's shards (NN.jsonl.zst, {"text", "meta": {"pile_set_name"}}):
// rows whose pile_set_name is in pile_subsets (Books3) become documents
// "books3/<shard file>#L<line>" (1-based, every line counted); the others
// are reported as pipeline.FilteredError "pile_subset:<name>", read
// without decoding their text. The original Books3 tarball
// (books3.tar.gz): every .txt member is a document "books3/<path in the
// tar>", read with sources/tarwalk.
//
// # Bad input
//
// Damage is reported through the skip callback as a *pipeline.RecordError
// with a pipeline.CorruptError reason: bad-json, no-text, invalid-utf8,
// blank-line, line-too-large, book-too-large, bad-zip, bad-compression,
// truncated-stream (a shard or tarball cut short keeps every complete line
// or member before the cut), and tarwalk's bad-tar-header and
// truncated-tar. Records left out on purpose are pipeline.FilteredError:
// pile_subset:<name>, empty-book, not-text. Only storage failures are
// fatal. Memory is bounded by max_book_mb: one file, zip, member or line
// at a time.
//
// The package must not filter by quality or deduplicate: the books
// recipe's near_dedup step (dedup/) removes books that overlap.
package books
