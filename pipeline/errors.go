package pipeline

import (
	"errors"
	"fmt"
)

// ErrCorrupt marks input that is malformed: a truncated stream, a bad header,
// a length that does not match. Readers wrap it (through a RecordError) so the
// runner can count the record as skipped and go on, and errors.Is(err,
// ErrCorrupt) tells bad data apart from failures of the machine or the network.
var ErrCorrupt = errors.New("corrupt input")

// RecordError says where in an input a problem is: the file, the record (its
// index, or its ID where it has one) and the byte offset of the record's start
// in the decompressed stream.
type RecordError struct {
	Path   string
	Record string
	Offset int64
	Err    error
}

func (e *RecordError) Error() string {
	return fmt.Sprintf("%s: record %s (offset %d): %v", e.Path, e.Record, e.Offset, e.Err)
}

func (e *RecordError) Unwrap() error { return e.Err }

// CorruptError is a cause that marks its wrapped error as ErrCorrupt and
// carries a short, stable reason for the build's stats ("truncated-gzip").
type CorruptError struct {
	Reason string
	Err    error
}

// Corruptf returns a CorruptError with the given stats reason and message.
func Corruptf(reason, format string, args ...any) error {
	return &CorruptError{Reason: reason, Err: fmt.Errorf(format, args...)}
}

func (e *CorruptError) Error() string { return e.Err.Error() }

// Unwrap makes errors.Is(err, ErrCorrupt) hold, and keeps the cause reachable.
func (e *CorruptError) Unwrap() []error { return []error{ErrCorrupt, e.Err} }

// FilteredError is a record a reader leaves out on purpose because it is not
// a document of the corpus (a redirect page, a page outside the article
// namespace): not corrupt, not an error of the input, but counted under
// Reason in the build's stats like a skipped record, so every record read is
// accounted for. It does not wrap ErrCorrupt.
type FilteredError struct {
	Reason string
	Err    error
}

// Filteredf returns a FilteredError with the given stats reason and message.
func Filteredf(reason, format string, args ...any) error {
	return &FilteredError{Reason: reason, Err: fmt.Errorf(format, args...)}
}

func (e *FilteredError) Error() string { return e.Err.Error() }

// Unwrap keeps the cause reachable.
func (e *FilteredError) Unwrap() error { return e.Err }

// SkipReason returns the stats reason of a skipped record's error: the
// CorruptError's or FilteredError's reason where there is one, "error"
// otherwise.
func SkipReason(err error) string {
	var c *CorruptError
	if errors.As(err, &c) && c.Reason != "" {
		return c.Reason
	}
	var f *FilteredError
	if errors.As(err, &f) && f.Reason != "" {
		return f.Reason
	}
	return "error"
}

// InputError is the failure of one input's storage: it could not be opened,
// or its Reader's Err was not nil (after the store's own retries). The
// build fails that input's task, goes on with the others, names the input
// in the summary and stats.json, and ends with an error; a step's failure
// or an output that cannot be written stops the build instead.
type InputError struct {
	Input Input
	Err   error
}

func (e *InputError) Error() string { return e.Err.Error() }

// Unwrap keeps the cause reachable.
func (e *InputError) Unwrap() error { return e.Err }
