package tarwalk

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/tokenmill/tokenmill/pipeline"
)

const block = 512

// Sentinel causes, wrapped in pipeline.CorruptError.
var (
	ErrHeader    = errors.New("tarwalk: invalid tar header")
	ErrTruncated = errors.New("tarwalk: archive ends inside a member")
)

// Walker iterates over the regular files of one tar stream:
//
//	w := tarwalk.New(path, r, skip)
//	for w.Next() { h := w.Header(); io.Copy(dst, w) }
//	if err := w.Err(); err != nil { ... }
//
// Directories, links and other non-file entries are passed over silently.
// Damage is reported through skip as a *pipeline.RecordError (reasons
// "bad-tar-header" and "truncated-tar") and is not fatal; Err returns only
// failures of the underlying reader. Walker is itself an io.Reader over the
// current member; reading it is optional (Next skips what is left).
type Walker struct {
	path  string
	skip  pipeline.SkipFunc
	src   *counter
	tr    *tar.Reader
	hdr   *tar.Header
	off   int64 // offset of the current member's header block
	index int   // members seen, for reports
	err   error
	done  bool
}

type counter struct {
	r io.Reader
	n int64
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err != nil && err != io.EOF {
		err = &readError{err}
	}
	return n, err
}

// readError marks failures of the underlying reader (storage), which are
// fatal, as opposed to damage in the data.
type readError struct{ err error }

func (e *readError) Error() string { return e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

// New walks the tar stream r; path names it in reports. skip may be nil.
func New(path string, r io.Reader, skip pipeline.SkipFunc) *Walker {
	if skip == nil {
		skip = func(error) {}
	}
	c := &counter{r: r}
	return &Walker{path: path, skip: skip, src: c, tr: tar.NewReader(c)}
}

// Next advances to the next regular file; false at the end of the archive
// or after a fatal error.
func (w *Walker) Next() bool {
	for !w.done && w.err == nil {
		start := w.src.n
		h, err := w.tr.Next()
		switch {
		case err == io.EOF:
			w.done = true
			return false
		case err != nil:
			// The reader failed on the last block it read (or ran out of
			// input after start, for a truncation).
			at := w.src.n - block
			if errors.Is(err, io.ErrUnexpectedEOF) || at < start {
				at = start
			}
			if w.fail(err, at) {
				return false
			}
			continue
		}
		w.index++
		if h.Typeflag != tar.TypeReg && h.Typeflag != tar.TypeRegA {
			continue
		}
		w.hdr = h
		// The member's header is the last block read before its data.
		w.off = w.src.n - block
		return true
	}
	return false
}

// fail handles an error from the tar reader; true when the walk is over.
func (w *Walker) fail(err error, at int64) bool {
	var re *readError
	if errors.As(err, &re) {
		w.err = fmt.Errorf("%s: %w", w.path, re.err)
		return true
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		w.report(at, "truncated-tar", ErrTruncated, "%v", err)
		w.done = true
		return true
	}
	w.report(at, "bad-tar-header", ErrHeader, "%v", err)
	if !w.resync() {
		w.done = true
		return true
	}
	return false
}

func (w *Walker) report(off int64, reason string, cause error, format string, args ...any) {
	w.skip(&pipeline.RecordError{
		Path: w.path, Record: strconv.Itoa(w.index), Offset: off,
		Err: &pipeline.CorruptError{Reason: reason, Err: fmt.Errorf("%w: %s", cause, fmt.Sprintf(format, args...))},
	})
}

// resync reads block by block to the next block that is a valid ustar
// header and restarts the tar reader there; false at the end of the input.
// tar.Reader consumes whole blocks, so the stream is block-aligned here.
func (w *Walker) resync() bool {
	buf := make([]byte, block)
	for {
		n, err := io.ReadFull(w.src, buf)
		if n < block {
			var re *readError
			if errors.As(err, &re) {
				w.err = fmt.Errorf("%s: %w", w.path, re.err)
			}
			return false
		}
		if validHeader(buf) {
			w.tr = tar.NewReader(io.MultiReader(bytes.NewReader(append([]byte(nil), buf...)), w.src))
			return true
		}
	}
}

// validHeader reports whether b is a ustar/GNU header block whose checksum
// holds.
func validHeader(b []byte) bool {
	if !bytes.Equal(b[257:262], []byte("ustar")) {
		return false
	}
	f := bytes.Trim(b[148:156], " \x00")
	want, err := strconv.ParseInt(string(f), 8, 64)
	if err != nil {
		return false
	}
	var sum int64
	for i, c := range b {
		if i >= 148 && i < 156 {
			c = ' '
		}
		sum += int64(c)
	}
	return sum == want
}

// Header returns the current member's header.
func (w *Walker) Header() *tar.Header { return w.hdr }

// Offset returns the byte offset of the current member's header in the
// tar stream.
func (w *Walker) Offset() int64 { return w.off }

// Index returns the current member's index among the archive's entries.
func (w *Walker) Index() int { return w.index - 1 }

// Read reads the current member's bytes. A member cut short by the end of
// the archive returns an error wrapping ErrTruncated and pipeline.ErrCorrupt.
func (w *Walker) Read(p []byte) (int, error) {
	if w.hdr == nil {
		return 0, io.EOF
	}
	n, err := w.tr.Read(p)
	if err != nil && err != io.EOF {
		var re *readError
		if errors.As(err, &re) {
			w.err = fmt.Errorf("%s: %w", w.path, re.err)
			return n, w.err
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			w.done = true
			return n, &pipeline.RecordError{Path: w.path, Record: w.hdr.Name, Offset: w.off,
				Err: &pipeline.CorruptError{Reason: "truncated-tar", Err: fmt.Errorf("%w: %v", ErrTruncated, err)}}
		}
	}
	return n, err
}

// ReadAll reads the current member whole if it is at most limit bytes; a
// larger member is an error wrapping pipeline.ErrCorrupt (reason
// "member-too-large") and is skipped.
func (w *Walker) ReadAll(limit int64) ([]byte, error) {
	if w.hdr.Size > limit {
		return nil, &pipeline.RecordError{Path: w.path, Record: w.hdr.Name, Offset: w.off,
			Err: pipeline.Corruptf("member-too-large", "tarwalk: member of %d bytes is over the limit of %d", w.hdr.Size, limit)}
	}
	buf := make([]byte, 0, w.hdr.Size)
	b := bytes.NewBuffer(buf)
	_, err := io.Copy(b, w)
	return b.Bytes(), err
}

// Err returns the first failure of the underlying reader; nil at the end of
// the archive, damaged or not.
func (w *Walker) Err() error { return w.err }
