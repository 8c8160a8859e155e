package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// tmpMarker is in the name of every unfinished local write. Output names never
// contain it, and List skips it.
const tmpMarker = ".tmp-"

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

type localWriter struct {
	f     *os.File
	final string
	done  bool
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
	if stale, _ := filepath.Glob(filepath.Join(filepath.Dir(p), "."+filepath.Base(p)+tmpMarker+"*")); len(stale) > 0 {
		for _, f := range stale {
			os.Remove(f)
		}
	}
	var rnd [6]byte
	rand.Read(rnd[:])
	tmp := filepath.Join(filepath.Dir(p), "."+filepath.Base(p)+tmpMarker+hex.EncodeToString(rnd[:]))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, err
	}
	return &localWriter{f: f, final: p}, nil
}

func (w *localWriter) Write(p []byte) (int, error) { return w.f.Write(p) }

func (w *localWriter) Commit() error {
	if w.done {
		return nil
	}
	w.done = true
	tmp := w.f.Name()
	if err := w.f.Sync(); err != nil {
		w.f.Close()
		os.Remove(tmp)
		return err
	}
	if err := w.f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, w.final); err != nil {
		os.Remove(tmp)
		return err
	}
	// Make the rename itself durable.
	if d, err := os.Open(filepath.Dir(w.final)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

func (w *localWriter) Abort() error {
	if w.done {
		return nil
	}
	w.done = true
	w.f.Close()
	return os.Remove(w.f.Name())
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
