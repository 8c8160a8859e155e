package pipeline

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/tokenmill/tokenmill/pipeline/storage"
)

// Stores opens storage locations by URL and keeps them open for the build.
// It is the build's Files: sources list and read their inputs through it.
type Stores struct {
	mu sync.Mutex
	m  map[string]*storage.Store
}

var _ Files = (*Stores)(nil)

// NewStores returns an empty cache.
func NewStores() *Stores { return &Stores{m: map[string]*storage.Store{}} }

// Get opens (once) the store at the folder URL dir.
func (s *Stores) Get(ctx context.Context, dir string) (*storage.Store, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.m[dir]; ok {
		return st, nil
	}
	st, err := storage.Open(ctx, dir)
	if err != nil {
		return nil, err
	}
	s.m[dir] = st
	return st, nil
}

// file opens the store holding the file at URL u and returns it with the
// file's key in it.
func (s *Stores) file(ctx context.Context, u string) (*storage.Store, string, error) {
	dir, name := storage.SplitURL(u)
	st, err := s.Get(ctx, dir)
	return st, name, err
}

// Open opens the file at URL u for streaming.
func (s *Stores) Open(ctx context.Context, u string) (io.ReadCloser, error) {
	st, name, err := s.file(ctx, u)
	if err != nil {
		return nil, err
	}
	return st.NewReader(ctx, name)
}

// OpenRange streams n bytes of the file at URL u from off (n < 0: to the
// end), through ranged reads where the store has them.
func (s *Stores) OpenRange(ctx context.Context, u string, off, n int64) (io.ReadCloser, error) {
	if off < 0 {
		return nil, fmt.Errorf("open %s: negative offset %d", u, off)
	}
	st, name, err := s.file(ctx, u)
	if err != nil {
		return nil, err
	}
	ra, err := st.NewReaderAt(ctx, name)
	if err != nil {
		return nil, err
	}
	size := ra.Size()
	if off > size {
		ra.Close()
		return nil, fmt.Errorf("open %s: offset %d is past the end (%d bytes)", u, off, size)
	}
	if n < 0 || off+n > size {
		n = size - off
	}
	// Large reads: one ranged request per 1 MiB rather than per caller's Read.
	return &rangeReader{r: bufio.NewReaderSize(io.NewSectionReader(ra, off, n), 1<<20), c: ra}, nil
}

type rangeReader struct {
	r io.Reader
	c io.Closer
}

func (r *rangeReader) Read(p []byte) (int, error) { return r.r.Read(p) }
func (r *rangeReader) Close() error               { return r.c.Close() }

// Stat describes the file at URL u.
func (s *Stores) Stat(ctx context.Context, u string) (FileInfo, error) {
	st, name, err := s.file(ctx, u)
	if err != nil {
		return FileInfo{}, err
	}
	o, err := st.Stat(ctx, name)
	if err != nil {
		return FileInfo{}, err
	}
	return FileInfo{URL: st.URL(name), Size: o.Size, ETag: o.ETag}, nil
}

// List returns every file below the folder URL u, sorted by URL.
func (s *Stores) List(ctx context.Context, u string) ([]FileInfo, error) {
	st, err := s.Get(ctx, strings.TrimSuffix(u, "/"))
	if err != nil {
		return nil, err
	}
	objs, err := st.List(ctx, "")
	if err != nil {
		return nil, err
	}
	out := make([]FileInfo, len(objs))
	for i, o := range objs {
		out[i] = FileInfo{URL: st.URL(o.Key), Size: o.Size, ETag: o.ETag}
	}
	return out, nil
}

// ReadFile reads the whole (small) file at URL u.
func (s *Stores) ReadFile(ctx context.Context, u string) ([]byte, error) {
	r, err := s.Open(ctx, u)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// Close closes every store.
func (s *Stores) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.m {
		st.Close()
	}
}
