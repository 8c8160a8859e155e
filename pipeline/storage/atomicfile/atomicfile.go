package atomicfile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// TempMarker is in the name of every temporary file, and in no output name.
const TempMarker = ".tmp-"

// IsTemp reports whether a file name is a temporary file of this package.
func IsTemp(name string) bool { return strings.Contains(filepath.Base(name), TempMarker) }

// File is a file being written; nothing appears under its target name
// until Commit returns nil. Exactly one of Commit and Abort must be called;
// calling either again is a no-op that returns nil.
type File struct {
	f     *os.File
	final string
	done  bool
}

// Create starts writing path with permissions perm (before umask), through
// a new temporary file in path's folder. The folder must exist.
func Create(path string, perm os.FileMode) (*File, error) {
	var rnd [6]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return nil, err
	}
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+TempMarker+hex.EncodeToString(rnd[:]))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return nil, err
	}
	return &File{f: f, final: path}, nil
}

// Write writes to the temporary file.
func (f *File) Write(p []byte) (int, error) { return f.f.Write(p) }

// Path is the target's name.
func (f *File) Path() string { return f.final }

// Commit syncs the temporary file, renames it over the target and syncs
// the folder. On error the temporary file is removed and the target is
// left as it was.
func (f *File) Commit() error {
	if f.done {
		return nil
	}
	f.done = true
	tmp := f.f.Name()
	if err := f.f.Sync(); err != nil {
		f.f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, f.final); err != nil {
		os.Remove(tmp)
		return err
	}
	// Make the rename itself durable; a folder that cannot be synced (some
	// file systems refuse) does not undo a rename that happened.
	if d, err := os.Open(filepath.Dir(f.final)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// Abort discards the temporary file.
func (f *File) Abort() error {
	if f.done {
		return nil
	}
	f.done = true
	cerr := f.f.Close()
	if err := os.Remove(f.f.Name()); err != nil {
		return err
	}
	return cerr
}

// WriteFile writes path atomically with what write writes, with
// permissions perm (before umask). If write fails, nothing changes and its
// error is returned.
func WriteFile(path string, perm os.FileMode, write func(w io.Writer) error) error {
	f, err := Create(path, perm)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Abort()
		return err
	}
	if err := f.Commit(); err != nil {
		return fmt.Errorf("atomicfile: commit %s: %w", path, err)
	}
	return nil
}

// RemoveStale removes the temporary files that earlier writes of path left
// when they were killed before committing. Only a caller that is path's
// sole writer may call it: it cannot tell a dead write from a live one.
func RemoveStale(path string) error {
	stale, err := filepath.Glob(filepath.Join(filepath.Dir(path), globEscape("."+filepath.Base(path)+TempMarker)+"*"))
	if err != nil {
		return err
	}
	var errs []error
	for _, f := range stale {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// globEscape quotes the characters filepath.Match treats specially, so a
// target named "a[1].bin" matches only its own temporary files.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '*', '?', '[', '\\':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
