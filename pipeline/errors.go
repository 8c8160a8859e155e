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

// SkipReason returns the stats reason of a skipped record's error: the
// CorruptError's reason where there is one, "error" otherwise.
func SkipReason(err error) string {
	var c *CorruptError
	if errors.As(err, &c) && c.Reason != "" {
		return c.Reason
	}
	return "error"
}
