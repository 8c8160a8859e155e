package pipeline

import (
	"context"
	"io"
)

// Reader is a pull iterator over one input shard's documents:
//
//	for r.Next() { d := r.Doc(); ... }
//	if err := r.Err(); err != nil { ... }
//
// Next returns false at the end of the shard or after a fatal error; Err is
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

// Input is one input shard of a source, as the planner resolved it.
type Input struct {
	// URL is where the shard lives: a local path, file://, s3://, gs:// or
	// embed:// (the sample corpus compiled into the binary).
	URL string
	// Name is the stable name outputs are derived from: the input's path
	// relative to the common root of the source's inputs, without its
	// compression and format suffixes.
	Name string
	Size int64
	// ETag is the object store's entity tag, where the listing gave one.
	ETag string
}

// Source reads one corpus format. Pattern tells the planner which files of a
// directory are inputs of this source; Open starts reading one of them from
// r, a stream of the raw (still compressed) bytes, closed by the Reader.
type Source interface {
	Pattern() []string
	Open(ctx context.Context, in Input, r io.ReadCloser, skip SkipFunc) (Reader, error)
}
