package feed

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/tokenmill/tokenmill/pipeline/manifest"
)

// ErrOutsideRoot marks a manifest or shard path that leaves the server's
// root, lexically or through a symbolic link; the server answers it with
// codes.PermissionDenied.
var ErrOutsideRoot = errors.New("feed: path outside the served root")

// errNotFound marks a manifest that does not exist (codes.NotFound).
var errNotFound = errors.New("feed: no such manifest")

// within reports whether p is root or below it; both are clean absolute paths.
func within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && filepath.IsLocal(rel) // IsLocal(".") is true
}

// resolveManifest turns a ticket's manifest path into the real path of a
// manifest.json inside root (itself a real, absolute path), refusing
// escapes: "..", absolute paths elsewhere, and symbolic links anywhere on the
// way that lead out. A folder means its manifest.json.
// Errors name p, never the real path a link leads to: the client should not
// learn the server's layout outside the root.
func resolveManifest(root, p string) (string, error) {
	real, err := resolve(root, p)
	if err != nil {
		return "", err
	}
	st, err := os.Stat(real)
	if err != nil {
		return "", fmt.Errorf("feed: manifest %q: %w", p, bare(err))
	}
	if !st.IsDir() {
		return real, nil
	}
	real, err = resolve(root, filepath.Join(real, "manifest.json"))
	if err != nil {
		// Say which name failed in the client's terms.
		switch {
		case errors.Is(err, ErrOutsideRoot):
			return "", fmt.Errorf("%w: manifest %q", ErrOutsideRoot, p+"/manifest.json")
		case errors.Is(err, errNotFound):
			return "", fmt.Errorf("%w: %q", errNotFound, p+"/manifest.json")
		}
		return "", fmt.Errorf("feed: manifest %q: cannot resolve its manifest.json", p)
	}
	return real, nil
}

// resolve confines one path (see resolveManifest).
func resolve(root, p string) (string, error) {
	if strings.Contains(p, "://") || strings.ContainsAny(p, "?\x00") {
		return "", fmt.Errorf("%w: manifest %q: only paths inside the served root are accepted, not URLs", ErrBadTicket, p)
	}
	full := p
	if !filepath.IsAbs(p) {
		if !filepath.IsLocal(p) {
			return "", fmt.Errorf("%w: manifest %q", ErrOutsideRoot, p)
		}
		full = filepath.Join(root, p)
	}
	full = filepath.Clean(full)
	if !within(root, full) {
		return "", fmt.Errorf("%w: manifest %q", ErrOutsideRoot, p)
	}
	real, err := filepath.EvalSymlinks(full)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("%w: %q", errNotFound, p)
		}
		return "", fmt.Errorf("feed: manifest %q: %w", p, bare(err))
	}
	if !within(root, real) {
		return "", fmt.Errorf("%w: manifest %q (through a symbolic link)", ErrOutsideRoot, p)
	}
	return real, nil
}

// checkShards refuses a manifest whose shards lead out of root through a
// symbolic link. (The storage layer already refuses ".." in shard paths and
// the manifest parser absolute ones.) A missing shard is left to the loader,
// which reports it with its context.
func checkShards(root, manifestPath string, m *manifest.Manifest) error {
	dir := filepath.Dir(manifestPath)
	for _, s := range m.Sources {
		for _, sh := range s.Shards {
			p := filepath.Join(dir, filepath.FromSlash(sh.Path))
			if !within(root, p) {
				return fmt.Errorf("%w: source %s shard %q", ErrOutsideRoot, s.Name, sh.Path)
			}
			real, err := filepath.EvalSymlinks(p)
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					continue
				}
				return fmt.Errorf("feed: source %s shard %q: %w", s.Name, sh.Path, bare(err))
			}
			if !within(root, real) {
				return fmt.Errorf("%w: source %s shard %q (through a symbolic link)", ErrOutsideRoot, s.Name, sh.Path)
			}
		}
	}
	return nil
}

// bare drops the real path from an *fs.PathError, which would tell the
// client where the root lives.
func bare(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}
