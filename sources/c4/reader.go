package c4

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/sources/codec"
)

// Causes of skips that are about the file rather than one line's JSON.
var (
	ErrTooLong   = errors.New("c4: line longer than the limit")
	ErrTruncated = errors.New("c4: compressed stream ends in the middle")
	ErrCodec     = errors.New("c4: corrupt compressed stream")
)

// DefaultMaxLineBytes bounds one line. C4 pages are at most 190,000
// characters (TFDS drops longer ones), which JSON escapes can grow to about
// 1.2 MB; 8 MiB leaves room and still bounds memory.
const DefaultMaxLineBytes = 8 << 20

// Options control a Reader.
type Options struct {
	// Source is the Doc.Source to set; "c4" when empty.
	Source string
	// MaxLineBytes bounds one line; longer lines are skipped (and not held
	// in memory). DefaultMaxLineBytes when 0.
	MaxLineBytes int
}

// Reader reads one C4 shard: JSON lines, compressed in any format
// sources/codec detects, or not at all. See pipeline.Reader for the
// iteration contract; every Doc is newly allocated.
type Reader struct {
	ctx    context.Context
	path   string
	base   string // the shard's file name, for IDs
	opts   Options
	skip   pipeline.SkipFunc
	raw    io.ReadCloser
	dec    io.ReadCloser
	br     *bufio.Reader
	long   []byte // a line longer than the bufio buffer, assembled
	line   int    // number of the line read last (1-based)
	off    int64  // decompressed offset of the next line
	doc    *pipeline.Doc
	err    error
	done   bool
	opened bool
}

// NewReader reads the shard at path (its base name makes the document IDs;
// path is also used in errors) from r; Close closes r.
func NewReader(ctx context.Context, path string, r io.ReadCloser, skip pipeline.SkipFunc, opts Options) *Reader {
	if opts.Source == "" {
		opts.Source = "c4"
	}
	if opts.MaxLineBytes <= 0 {
		opts.MaxLineBytes = DefaultMaxLineBytes
	}
	if skip == nil {
		skip = func(error) {}
	}
	return &Reader{ctx: ctx, path: path, base: baseName(path), opts: opts, skip: skip, raw: r}
}

// baseName is the last element of a path or URL, without a query.
func baseName(u string) string {
	u, _, _ = strings.Cut(u, "?")
	return path.Base(u)
}

// storageError marks errors of the underlying input, which are fatal, as
// opposed to errors the decompressor finds in the data, which are skips.
type storageError struct{ err error }

func (e *storageError) Error() string { return e.err.Error() }
func (e *storageError) Unwrap() error { return e.err }

type markedReader struct{ r io.Reader }

func (m markedReader) Read(p []byte) (int, error) {
	n, err := m.r.Read(p)
	if err != nil && err != io.EOF {
		err = &storageError{err}
	}
	return n, err
}

func (r *Reader) open() bool {
	r.opened = true
	dec, err := codec.NewReader(markedReader{r.raw})
	if err != nil {
		var se *storageError
		if errors.As(err, &se) {
			r.err = fmt.Errorf("c4 %s: %w", r.path, err)
			return false
		}
		r.report(0, 0, "bad-compression", ErrCodec, "%v", err)
		r.done = true
		return false
	}
	r.dec = dec
	r.br = bufio.NewReaderSize(dec, 256<<10)
	return true
}

// Next advances to the next good line.
func (r *Reader) Next() bool {
	if !r.opened && !r.open() {
		return false
	}
	for !r.done && r.err == nil {
		if r.line&1023 == 0 {
			if err := r.ctx.Err(); err != nil {
				r.err = err
				return false
			}
		}
		b, start, ok := r.readLine()
		if !ok {
			return false
		}
		rec, err := ParseLine(b)
		if err != nil {
			r.report(r.line, start, reasons[err], err, "line %d", r.line)
			continue
		}
		r.doc = r.makeDoc(rec)
		return true
	}
	return false
}

func (r *Reader) makeDoc(rec Record) *pipeline.Doc {
	d := &pipeline.Doc{
		ID:     r.base + "#L" + strconv.Itoa(r.line),
		Source: r.opts.Source,
		Text:   rec.Text,
		URL:    rec.URL,
	}
	if rec.HasTimestamp {
		// C4 writes RFC 3339 with a Z ("2019-04-25T12:57:54Z"); a value
		// that does not parse leaves the date unset but the page kept.
		if t, err := time.Parse(time.RFC3339, rec.Timestamp); err == nil {
			d.Date = t.UTC()
		}
	}
	return d
}

// readLine returns the next line without its "\n" and the offset of its
// first byte; ok is false at the end of the input or on a fatal error.
// Lines over the limit, the cut line of a truncated stream and the rest of
// a stream that stops decoding are reported here.
func (r *Reader) readLine() (line []byte, start int64, ok bool) {
	for {
		start = r.off
		frag, err := r.br.ReadSlice('\n')
		r.off += int64(len(frag))
		if err == nil {
			r.line++
			if len(frag)-1 > r.opts.MaxLineBytes {
				r.report(r.line, start, "line-too-long", ErrTooLong, "line %d: %d bytes (limit %d)",
					r.line, len(frag)-1, r.opts.MaxLineBytes)
				continue
			}
			return frag[:len(frag)-1], start, true
		}
		if err == bufio.ErrBufferFull {
			// A long line: assemble it up to the limit, then skip the rest.
			r.long = append(r.long[:0], frag...)
			for err == bufio.ErrBufferFull {
				frag, err = r.br.ReadSlice('\n')
				r.off += int64(len(frag))
				if len(r.long) <= r.opts.MaxLineBytes {
					r.long = append(r.long, frag...)
				}
			}
			if err == nil || (err == io.EOF && len(r.long) > 0) {
				r.line++
				if n := len(r.long); n > r.opts.MaxLineBytes+1 || (err != nil && n > r.opts.MaxLineBytes) {
					r.report(r.line, start, "line-too-long", ErrTooLong, "line %d: %d bytes or more (limit %d)",
						r.line, r.opts.MaxLineBytes+1, r.opts.MaxLineBytes)
					r.long = r.long[:0]
					if err == io.EOF {
						r.done = true
						return nil, start, false
					}
					continue
				}
				l := r.long
				if err == nil {
					l = l[:len(l)-1]
				} else {
					r.done = true // the last line, without a newline
				}
				return l, start, true
			}
			frag = r.long
		}
		if err == io.EOF {
			r.done = true
			if len(frag) == 0 {
				return nil, start, false
			}
			// A last line without a newline: parse it as it is.
			r.line++
			return frag, start, true
		}
		// The decompressor or the storage failed.
		r.done = true
		var se *storageError
		if errors.As(err, &se) {
			r.err = fmt.Errorf("c4 %s: line %d (offset %d): %w", r.path, r.line+1, start, err)
			return nil, start, false
		}
		if codec.IsTruncated(err) {
			if len(frag) > 0 {
				r.line++
				r.report(r.line, start, "truncated", ErrTruncated, "line %d cut after %d bytes", r.line, len(frag))
			} else {
				r.report(r.line+1, start, "truncated", ErrTruncated, "after line %d", r.line)
			}
			return nil, start, false
		}
		r.report(r.line+1, start, "bad-compression", ErrCodec, "after line %d: %v", r.line, err)
		return nil, start, false
	}
}

func (r *Reader) report(line int, off int64, reason string, cause error, format string, args ...any) {
	r.skip(&pipeline.RecordError{
		Path: r.path, Record: strconv.Itoa(line), Offset: off,
		Err: &pipeline.CorruptError{Reason: reason, Err: fmt.Errorf("%w: %s", cause, fmt.Sprintf(format, args...))},
	})
}

// Doc returns the current document.
func (r *Reader) Doc() *pipeline.Doc { return r.doc }

// Err returns the first fatal error; nil at a clean end.
func (r *Reader) Err() error { return r.err }

// Close releases the decoder and the input and returns Err.
func (r *Reader) Close() error {
	if r.dec != nil {
		r.dec.Close()
		r.dec = nil
	}
	if r.raw != nil {
		r.raw.Close()
		r.raw = nil
	}
	return r.err
}
