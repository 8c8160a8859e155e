package stackexchange

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"sync"

	"github.com/bodgit/sevenzip"
	"github.com/tokenmill/tokenmill/pipeline"
)

// filesReaderAt is an io.ReaderAt over a file in pipeline.Files. 7z keeps its
// header at the end of the file, so the archive needs random access; the
// members' data, though, is read front to back, and filesReaderAt serves
// those reads from one ranged stream, opening another only when a read does
// not continue the last one. It remembers the first storage failure so that
// the reader can tell it from damaged data.
type filesReaderAt struct {
	ctx  context.Context
	fs   pipeline.Files
	url  string
	size int64

	mu         sync.Mutex
	r          io.ReadCloser
	pos        int64
	storageErr error
}

func (ra *filesReaderAt) ReadAt(p []byte, off int64) (int, error) {
	ra.mu.Lock()
	defer ra.mu.Unlock()
	if off >= ra.size {
		return 0, io.EOF
	}
	if int64(len(p)) > ra.size-off {
		n, err := ra.readAt(p[:ra.size-off], off)
		if err == nil {
			err = io.EOF
		}
		return n, err
	}
	return ra.readAt(p, off)
}

func (ra *filesReaderAt) readAt(p []byte, off int64) (int, error) {
	if ra.r == nil || off != ra.pos {
		if ra.r != nil {
			ra.r.Close()
			ra.r = nil
		}
		r, err := ra.fs.OpenRange(ra.ctx, ra.url, off, -1)
		if err != nil {
			if ra.storageErr == nil {
				ra.storageErr = err
			}
			return 0, err
		}
		ra.r, ra.pos = r, off
	}
	n, err := io.ReadFull(ra.r, p)
	ra.pos += int64(n)
	switch {
	case err == nil:
		return n, nil
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		return n, io.EOF
	}
	if ra.storageErr == nil {
		ra.storageErr = err
	}
	return n, err
}

func (ra *filesReaderAt) Close() error {
	ra.mu.Lock()
	defer ra.mu.Unlock()
	if ra.r != nil {
		err := ra.r.Close()
		ra.r = nil
		return err
	}
	return nil
}

func (ra *filesReaderAt) failure() error {
	ra.mu.Lock()
	defer ra.mu.Unlock()
	return ra.storageErr
}

// errCapture records the first error of a storage stream other than io.EOF.
type errCapture struct {
	r   io.ReadCloser
	mu  sync.Mutex
	err error
}

func (e *errCapture) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF {
		e.mu.Lock()
		if e.err == nil {
			e.err = err
		}
		e.mu.Unlock()
	}
	return n, err
}

func (e *errCapture) Close() error { return e.r.Close() }

func (e *errCapture) failure() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.err
}

// findPosts returns the archive's Posts.xml: the member of that base name
// (any case; early dumps varied), the one at the root first.
func findPosts(z *sevenzip.Reader) *sevenzip.File {
	var best *sevenzip.File
	for _, f := range z.File {
		name := strings.ReplaceAll(f.Name, "\\", "/")
		if !strings.EqualFold(path.Base(name), "Posts.xml") || f.FileInfo().IsDir() {
			continue
		}
		if best == nil || strings.Count(name, "/") < strings.Count(best.Name, "/") {
			best = f
		}
	}
	return best
}

// multiCloser closes several closers, returning the first error.
type multiCloser []io.Closer

func (m multiCloser) Close() error {
	var first error
	for _, c := range m {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// open7z opens the Posts.xml member of the 7z archive at url. A file that is
// not a readable 7z archive, or has no Posts.xml, is damaged input: it is
// reported through skip and open7z returns nil with no error. Storage
// failures are returned.
func open7z(ctx context.Context, fs pipeline.Files, url string, size int64, skip pipeline.SkipFunc) (io.Reader, io.Closer, func() error, error) {
	if size <= 0 {
		fi, err := fs.Stat(ctx, url)
		if err != nil {
			return nil, nil, nil, err
		}
		size = fi.Size
	}
	ra := &filesReaderAt{ctx: ctx, fs: fs, url: url, size: size}
	z, err := sevenzip.NewReader(ra, size)
	if err != nil {
		ra.Close()
		if serr := ra.failure(); serr != nil {
			return nil, nil, nil, fmt.Errorf("%s: %w", url, serr)
		}
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return nil, nil, nil, err
		}
		skip(&pipeline.RecordError{Path: url, Record: "archive", Err: pipeline.Corruptf(ReasonCorruptArchive,
			"stackexchange: not a readable 7z archive (cut short?): %v", err)})
		return nil, nil, nil, nil
	}
	f := findPosts(z)
	if f == nil {
		ra.Close()
		skip(&pipeline.RecordError{Path: url, Record: "archive", Err: pipeline.Corruptf(ReasonNoPosts,
			"stackexchange: the archive holds no Posts.xml")})
		return nil, nil, nil, nil
	}
	rc, err := f.Open()
	if err != nil {
		ra.Close()
		if serr := ra.failure(); serr != nil {
			return nil, nil, nil, fmt.Errorf("%s: %w", url, serr)
		}
		skip(&pipeline.RecordError{Path: url + "/" + f.Name, Record: "archive", Err: pipeline.Corruptf(ReasonCorruptArchive,
			"stackexchange: cannot open %s in the archive: %v", f.Name, err)})
		return nil, nil, nil, nil
	}
	return rc, multiCloser{rc, ra}, ra.failure, nil
}
