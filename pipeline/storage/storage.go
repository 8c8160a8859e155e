package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// ErrNotExist is returned (wrapped) when a key does not exist.
var ErrNotExist = fs.ErrNotExist

// Object describes one stored file.
type Object struct {
	Key  string // relative to the store's root, forward slashes
	Size int64
	ETag string // as the server reports it; empty for local files
}

// Writer is an output being written. Nothing is visible under the key until
// Commit returns nil; Abort discards it. Exactly one of them must be called;
// calling either again is a no-op.
type Writer interface {
	io.Writer
	Commit() error
	Abort() error
}

// ReaderAt reads ranges of one object; Size is its length.
type ReaderAt interface {
	io.ReaderAt
	io.Closer
	Size() int64
}

// backend is what each scheme implements; keys are relative to the root.
type backend interface {
	newReader(ctx context.Context, key string) (io.ReadCloser, error)
	newReaderAt(ctx context.Context, key string) (ReaderAt, error)
	create(ctx context.Context, key string) (Writer, error)
	list(ctx context.Context, prefix string) ([]Object, error)
	stat(ctx context.Context, key string) (Object, error)
	remove(ctx context.Context, key string) error
	close() error
}

// Store is a folder-like location. It is safe for concurrent use.
type Store struct {
	url string // as given, without a trailing slash
	b   backend
}

// Open opens the store at the folder-like URL u with DefaultRetry. Local
// folders are created on the first write, not here.
func Open(ctx context.Context, u string) (*Store, error) { return OpenRetry(ctx, u, DefaultRetry) }

// OpenRetry is Open with the given timeouts and retries for remote stores.
func OpenRetry(ctx context.Context, u string, p Retry) (*Store, error) {
	u = strings.TrimRight(u, "/")
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		abs, err := filepath.Abs(u)
		if err != nil {
			return nil, err
		}
		return &Store{url: u, b: &localBackend{root: abs}}, nil
	}
	switch scheme {
	case "file":
		p := rest
		if p == "" {
			p = "/"
		}
		return &Store{url: u, b: &localBackend{root: filepath.FromSlash(p)}}, nil
	case "embed":
		fsys, err := embedded(rest)
		if err != nil {
			return nil, err
		}
		return &Store{url: u, b: fsys}, nil
	case "http", "https":
		return &Store{url: u, b: newHTTPBackend(u+"/", p)}, nil
	case "s3", "gs":
		b, err := openBlob(ctx, scheme, rest, p)
		if err != nil {
			return nil, err
		}
		return &Store{url: u, b: b}, nil
	}
	return nil, fmt.Errorf("storage: unsupported URL scheme %q in %s", scheme, u)
}

// URL returns the store's URL joined with key.
func (s *Store) URL(key string) string {
	if key == "" {
		return s.url
	}
	base, q, hasQ := strings.Cut(s.url, "?")
	j := base + "/" + strings.TrimLeft(key, "/")
	if hasQ {
		j += "?" + q
	}
	return j
}

// NewReader opens key for streaming.
func (s *Store) NewReader(ctx context.Context, key string) (io.ReadCloser, error) {
	r, err := s.b.newReader(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("storage: open %s: %w", s.URL(key), err)
	}
	return r, nil
}

// NewReaderAt opens key for random access (Parquet footers, row groups).
func (s *Store) NewReaderAt(ctx context.Context, key string) (ReaderAt, error) {
	r, err := s.b.newReaderAt(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("storage: open %s: %w", s.URL(key), err)
	}
	return r, nil
}

// ReadFile reads a whole (small) object.
func (s *Store) ReadFile(ctx context.Context, key string) ([]byte, error) {
	r, err := s.NewReader(ctx, key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("storage: read %s: %w", s.URL(key), err)
	}
	return b, nil
}

// Create starts writing key; see Writer for the commit protocol.
func (s *Store) Create(ctx context.Context, key string) (Writer, error) {
	w, err := s.b.create(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("storage: create %s: %w", s.URL(key), err)
	}
	return w, nil
}

// WriteFile writes a whole object atomically.
func (s *Store) WriteFile(ctx context.Context, key string, data []byte) error {
	w, err := s.Create(ctx, key)
	if err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		w.Abort()
		return fmt.Errorf("storage: write %s: %w", s.URL(key), err)
	}
	if err := w.Commit(); err != nil {
		return fmt.Errorf("storage: commit %s: %w", s.URL(key), err)
	}
	return nil
}

// List returns the objects whose keys start with prefix, sorted by key.
// Temporary files of unfinished writes are not listed.
func (s *Store) List(ctx context.Context, prefix string) ([]Object, error) {
	objs, err := s.b.list(ctx, prefix)
	if err != nil {
		return nil, fmt.Errorf("storage: list %s: %w", s.URL(prefix), err)
	}
	sort.Slice(objs, func(i, j int) bool { return objs[i].Key < objs[j].Key })
	return objs, nil
}

// Stat describes key; the error wraps ErrNotExist when it is absent.
func (s *Store) Stat(ctx context.Context, key string) (Object, error) {
	o, err := s.b.stat(ctx, key)
	if err != nil {
		return o, fmt.Errorf("storage: stat %s: %w", s.URL(key), err)
	}
	return o, nil
}

// Exists reports whether key exists.
func (s *Store) Exists(ctx context.Context, key string) (bool, error) {
	_, err := s.b.stat(ctx, key)
	if err == nil {
		return true, nil
	}
	if errors.Is(err, ErrNotExist) {
		return false, nil
	}
	return false, err
}

// Remove deletes key; removing an absent key is not an error.
func (s *Store) Remove(ctx context.Context, key string) error {
	if err := s.b.remove(ctx, key); err != nil && !errors.Is(err, ErrNotExist) {
		return fmt.Errorf("storage: remove %s: %w", s.URL(key), err)
	}
	return nil
}

// Close releases the store's connections.
func (s *Store) Close() error { return s.b.close() }

// SplitURL splits a file URL into its folder URL and the file's name, so a
// single file can be opened as Store+key. Query parameters stay on the folder.
func SplitURL(u string) (dir, name string) {
	base, q, hasQ := strings.Cut(u, "?")
	i := strings.LastIndex(base, "/")
	if i < 0 {
		dir, name = ".", base
	} else {
		dir, name = base[:i], base[i+1:]
		if dir == "" {
			dir = "/"
		} else if strings.HasSuffix(dir, ":/") { // "s3://bucket" has no key part
			dir, name = base, ""
		}
	}
	if hasQ {
		dir += "?" + q
	}
	return dir, name
}

// IsRemote reports whether u names object storage rather than a local path.
func IsRemote(u string) bool {
	return strings.HasPrefix(u, "s3://") || strings.HasPrefix(u, "gs://")
}

// --- embedded corpora -------------------------------------------------------

var (
	embedMu    sync.Mutex
	embeddedFS = map[string]fs.FS{}
)

// RegisterEmbedded makes fsys readable as embed://name/... . The CLI
// registers the sample corpus; library code registers nothing.
func RegisterEmbedded(name string, fsys fs.FS) {
	embedMu.Lock()
	defer embedMu.Unlock()
	embeddedFS[name] = fsys
}

func embedded(rest string) (backend, error) {
	name, sub, _ := strings.Cut(rest, "/")
	embedMu.Lock()
	fsys, ok := embeddedFS[name]
	embedMu.Unlock()
	if !ok {
		return nil, fmt.Errorf("storage: no embedded corpus %q", name)
	}
	if sub != "" {
		var err error
		if fsys, err = fs.Sub(fsys, sub); err != nil {
			return nil, err
		}
	}
	return &fsBackend{fsys: fsys}, nil
}

type fsBackend struct{ fsys fs.FS }

func (b *fsBackend) newReader(_ context.Context, key string) (io.ReadCloser, error) {
	return b.fsys.Open(key)
}

func (b *fsBackend) newReaderAt(_ context.Context, key string) (ReaderAt, error) {
	data, err := fs.ReadFile(b.fsys, key)
	if err != nil {
		return nil, err
	}
	return bytesReaderAt(data), nil
}

func (b *fsBackend) create(context.Context, string) (Writer, error) {
	return nil, errors.New("embedded corpora are read-only")
}

func (b *fsBackend) list(_ context.Context, prefix string) ([]Object, error) {
	var out []Object
	err := fs.WalkDir(b.fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasPrefix(p, prefix) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		out = append(out, Object{Key: p, Size: info.Size()})
		return nil
	})
	return out, err
}

func (b *fsBackend) stat(_ context.Context, key string) (Object, error) {
	info, err := fs.Stat(b.fsys, key)
	if err != nil {
		return Object{}, err
	}
	if info.IsDir() {
		return Object{}, &fs.PathError{Op: "stat", Path: key, Err: fs.ErrNotExist}
	}
	return Object{Key: key, Size: info.Size()}, nil
}

func (b *fsBackend) remove(context.Context, string) error {
	return errors.New("embedded corpora are read-only")
}
func (b *fsBackend) close() error { return nil }

type memReaderAt struct {
	data []byte
}

func bytesReaderAt(b []byte) ReaderAt { return &memReaderAt{b} }
func (m *memReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(m.data)) {
		return 0, io.EOF
	}
	n := copy(p, m.data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}
func (m *memReaderAt) Size() int64  { return int64(len(m.data)) }
func (m *memReaderAt) Close() error { return nil }

// cleanKey rejects keys that would escape the root and folds "a//b" and
// "./a" into their clean form.
func cleanKey(key string) (string, error) {
	c := path.Clean("/" + key)[1:]
	if c == "" || (c != strings.TrimPrefix(key, "./") && strings.Contains(key, "..")) {
		return "", fmt.Errorf("storage: invalid key %q", key)
	}
	return c, nil
}
