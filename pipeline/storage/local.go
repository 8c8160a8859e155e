package storage

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/tokenmill/tokenmill/pipeline/storage/atomicfile"
)

// tmpMarker is in the name of every unfinished local write (atomicfile's
// protocol). Output names never contain it, and List skips it.
const tmpMarker = atomicfile.TempMarker

type localBackend struct{ root string }

func (b *localBackend) path(key string) (string, error) {
	k, err := cleanKey(key)
	if err != nil {
		return "", err
	}
	return filepath.Join(b.root, filepath.FromSlash(k)), nil
}

func (b *localBackend) newReader(_ context.Context, key string) (io.ReadCloser, error) {
	p, err := b.path(key)
	if err != nil {
		return nil, err
	}
	return os.Open(p)
}

type fileReaderAt struct {
	*os.File
	size int64
}

func (f fileReaderAt) Size() int64 { return f.size }

func (b *localBackend) newReaderAt(_ context.Context, key string) (ReaderAt, error) {
	p, err := b.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	return fileReaderAt{f, st.Size()}, nil
}

func (b *localBackend) create(_ context.Context, key string) (Writer, error) {
	p, err := b.path(key)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return nil, err
	}
	// Leftovers of an earlier write of this key that was killed before it
	// committed: nothing reads them, so the retry clears them. (One writer
	// per key at a time is the pipeline's rule: a key names one task's output.)
	atomicfile.RemoveStale(p)
	return atomicfile.Create(p, 0o644)
}

func (b *localBackend) list(_ context.Context, prefix string) ([]Object, error) {
	var out []Object
	// Walk from the deepest folder the prefix names, to keep big trees cheap.
	dir := prefix
	if i := strings.LastIndex(dir, "/"); i >= 0 {
		dir = dir[:i]
	} else {
		dir = ""
	}
	start := filepath.Join(b.root, filepath.FromSlash(dir))
	err := filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == start {
				return filepath.SkipDir
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(b.root, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if !strings.HasPrefix(key, prefix) || strings.Contains(d.Name(), tmpMarker) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		out = append(out, Object{Key: key, Size: info.Size()})
		return nil
	})
	return out, err
}

func (b *localBackend) stat(_ context.Context, key string) (Object, error) {
	p, err := b.path(key)
	if err != nil {
		return Object{}, err
	}
	st, err := os.Stat(p)
	if err != nil {
		return Object{}, err
	}
	if st.IsDir() {
		return Object{}, &fs.PathError{Op: "stat", Path: p, Err: fs.ErrNotExist}
	}
	return Object{Key: key, Size: st.Size()}, nil
}

func (b *localBackend) remove(_ context.Context, key string) error {
	p, err := b.path(key)
	if err != nil {
		return err
	}
	return os.Remove(p)
}

func (b *localBackend) close() error { return nil }
