package pipeline

import (
	"context"
	"io"
)

// Reader is a pull iterator over one input's documents:
//
//	for r.Next() { d := r.Doc(); ... }
//	if err := r.Err(); err != nil { ... }
//
// Next returns false at the end of the input or after a fatal error; Err is
// nil at a clean end and returns the first fatal error otherwise, sticky, and
// Close returns it too. A malformed record is not fatal: the reader reports it
// through the SkipFunc it was opened with and moves on to the next record it
// can find. Doc returns a new *Doc for every record; the caller owns it.
type Reader interface {
	Next() bool
	Doc() *Doc
	Err() error
	Close() error
}

// SkipFunc receives every record a reader skipped, as an error that wraps a
// *RecordError naming the file, record and offset. It may be nil.
type SkipFunc func(err error)

// Input is one unit of a source's work: a whole file, or a part of one (a
// range of bzip2 streams, a tar member, a range of XML rows, a partition of a
// query's result). A build runs one task per input and names the task's
// outputs after Name, so inputs are the grain of parallelism and of resume.
// An Input is plain data: plans carry it to other machines.
type Input struct {
	// URL is where the input's bytes live: a local path, file://, s3://,
	// gs://, http(s):// or embed:// (the sample corpus compiled into the
	// binary). A source that is not files (a BigQuery table) puts its own
	// locator here.
	URL string
	// Part is the part of URL this input covers, in a form its source writes
	// and parses back in Open ("streams=0-99", "bytes=1048576-2097151");
	// empty for the whole of URL.
	Part string
	// Name is the stable, unique name outputs are derived from, usually the
	// input's path relative to the common root of the source's inputs
	// without compression and format suffixes, plus the part where there is
	// one.
	Name string
	// Size is the size of the file at URL in bytes, where known.
	Size int64
	// ETag is the object store's entity tag, where the listing gave one.
	ETag string
	// Group keys the inputs cross-document steps may see together: inputs
	// with different keys are never in one group, whatever the recipe's
	// group size (a CommonCrawl dump: CCNet deduplicates lines within one
	// dump, so a page recrawled in two dumps keeps a copy in each). The
	// build orders a source's inputs by key, stably, so each key's inputs
	// are contiguous. Empty for all inputs means no constraint.
	Group string
}

// FileInfo describes one file a Files listing or Stat found.
type FileInfo struct {
	URL  string
	Size int64
	ETag string
}

// Files is the storage a source lists and reads its inputs through: local
// disk, object stores, HTTP and the embedded sample, all by URL. The build
// gives every source the same Files; its methods are safe for concurrent use.
type Files interface {
	// Open streams the raw (still compressed) bytes of the file at url.
	Open(ctx context.Context, url string) (io.ReadCloser, error)
	// OpenRange streams n bytes of the file at url from offset off; n < 0
	// means to the end of the file.
	OpenRange(ctx context.Context, url string, off, n int64) (io.ReadCloser, error)
	// Stat describes the file at url; the error wraps storage.ErrNotExist
	// when there is none.
	Stat(ctx context.Context, url string) (FileInfo, error)
	// List returns every file below the folder url, recursively, sorted by
	// URL.
	List(ctx context.Context, url string) ([]FileInfo, error)
}

// Source reads one corpus format. Inputs resolves the recipe's input specs
// into the source's inputs, in a stable order and each with a unique Name;
// file-based sources use sources/inputs for globs, folders and listings, and
// may split a file into several inputs. Open starts reading one input.
//
// Both are called from several goroutines at once (and Open, in a scaled-out
// build, on another machine than Inputs): a Source holds its options, not
// per-input state.
type Source interface {
	Inputs(ctx context.Context, fs Files, specs []string) ([]Input, error)
	Open(ctx context.Context, fs Files, in Input, skip SkipFunc) (Reader, error)
}
