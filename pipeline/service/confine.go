package service

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// ErrConfined is wrapped by every refusal of a path outside the configured
// roots and buckets.
var ErrConfined = errors.New("service: path not allowed")

// Confiner decides which locations a request may read or write.
type Confiner struct {
	roots   []string // absolute, symlinks resolved, cleaned
	buckets []bucket
	urls    []string // http(s) prefixes that may be read, each ending in "/"
	deny    []string // local folders refused even inside a root (the state folder)
}

type bucket struct {
	scheme, name, prefix, query string
}

// NewConfiner checks and normalizes the allowed locations: roots are local
// folders (they must exist), buckets are s3://name[/prefix] or
// gs://name[/prefix] URLs.
func NewConfiner(roots, buckets []string) (*Confiner, error) {
	c := &Confiner{}
	for _, r := range roots {
		abs, err := filepath.Abs(r)
		if err != nil {
			return nil, fmt.Errorf("root %s: %w", r, err)
		}
		real, err := filepath.EvalSymlinks(abs)
		if err != nil {
			return nil, fmt.Errorf("root %s: %w", r, err)
		}
		c.roots = append(c.roots, filepath.Clean(real))
	}
	for _, b := range buckets {
		scheme, rest, ok := strings.Cut(b, "://")
		if !ok || (scheme != "s3" && scheme != "gs") {
			return nil, fmt.Errorf("bucket %q: want s3://NAME[/PREFIX] or gs://NAME[/PREFIX]", b)
		}
		loc, q, _ := strings.Cut(rest, "?")
		name, prefix, _ := strings.Cut(loc, "/")
		if name == "" || badSegments(prefix) {
			return nil, fmt.Errorf("bucket %q: want s3://NAME[/PREFIX] or gs://NAME[/PREFIX]", b)
		}
		c.buckets = append(c.buckets, bucket{scheme: scheme, name: name, prefix: strings.Trim(prefix, "/"), query: q})
	}
	return c, nil
}

// AllowURLs lets requests read below these http:// or https:// prefixes
// (a public mirror such as https://data.commoncrawl.org/). A prefix is a
// folder: it is matched whole segments at a time.
func (c *Confiner) AllowURLs(prefixes []string) error {
	for _, p := range prefixes {
		u, err := url.Parse(p)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || badSegments(u.Path) {
			return fmt.Errorf("allowed URL %q: want http(s)://HOST[/PATH]", p)
		}
		c.urls = append(c.urls, strings.TrimRight(p, "/")+"/")
	}
	return nil
}

// Deny refuses a local folder even where a root contains it (the server's
// state folder: a build writing there could rewrite other builds' state).
func (c *Confiner) Deny(dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if real, err := resolveExisting(abs); err == nil {
		abs = real
	}
	c.deny = append(c.deny, filepath.Clean(abs))
	return nil
}

// badSegments reports a path with "." or ".." segments, or a NUL.
func badSegments(p string) bool {
	if strings.ContainsRune(p, 0) {
		return true
	}
	for _, s := range strings.FieldsFunc(p, func(r rune) bool { return r == '/' || r == '\\' }) {
		if s == ".." || s == "." {
			return true
		}
	}
	return false
}

// Check returns nil if ref (a local absolute path or a URL) lies inside the
// allowed locations. Relative local paths are refused: the caller joins a
// recipe-relative path to the recipe's folder first.
func (c *Confiner) Check(ref string) error {
	if ref == "" {
		return fmt.Errorf("%w: empty path", ErrConfined)
	}
	if badSegments(ref) {
		return fmt.Errorf("%w: %q has a . or .. segment", ErrConfined, ref)
	}
	scheme, rest, isURL := strings.Cut(ref, "://")
	if !isURL {
		if strings.Contains(ref, ":") && !strings.HasPrefix(ref, "/") {
			return fmt.Errorf("%w: %q is neither an absolute path nor an allowed URL", ErrConfined, ref)
		}
		return c.checkLocal(ref)
	}
	switch scheme {
	case "embed":
		// Compiled into the binary: nothing of the host's.
		return nil
	case "file":
		// file:///abs only: file://host/x and file://rel would open a
		// relative path under the server's working folder.
		if !strings.HasPrefix(rest, "/") {
			return fmt.Errorf("%w: %q: a file URL must be file:///absolute/path", ErrConfined, ref)
		}
		if strings.ContainsAny(rest, "?#%") {
			return fmt.Errorf("%w: %q: no query, fragment or escapes in a file URL", ErrConfined, ref)
		}
		return c.checkLocal(rest)
	case "s3", "gs":
		loc, q, _ := strings.Cut(rest, "?")
		if strings.Contains(loc, "#") {
			return fmt.Errorf("%w: %q: no fragment in a bucket URL", ErrConfined, ref)
		}
		name, key, _ := strings.Cut(loc, "/")
		key = strings.Trim(key, "/")
		for _, b := range c.buckets {
			if b.scheme != scheme || b.name != name || !sameQuery(b.query, q) {
				continue
			}
			if b.prefix == "" || key == b.prefix || strings.HasPrefix(key, b.prefix+"/") {
				return nil
			}
		}
		return fmt.Errorf("%w: %q is in no allowed bucket", ErrConfined, ref)
	case "http", "https":
		// No escapes: %2e%2e would climb out of the prefix on the server.
		u, err := url.Parse(ref)
		if err != nil || u.User != nil || strings.ContainsAny(ref, "%#\\") {
			return fmt.Errorf("%w: %q: not a plain http(s) URL", ErrConfined, ref)
		}
		for _, p := range c.urls {
			if strings.HasPrefix(ref, p) {
				return nil
			}
		}
		return fmt.Errorf("%w: %q is below no allowed URL", ErrConfined, ref)
	}
	return fmt.Errorf("%w: %q: scheme %q not allowed (local paths under a root, s3://, gs:// in an allowed bucket, http(s) below an allowed URL, embed://)", ErrConfined, ref, scheme)
}

// sameQuery compares two URL queries as sets of parameters.
func sameQuery(a, b string) bool {
	if a == b {
		return true
	}
	qa, err1 := url.ParseQuery(a)
	qb, err2 := url.ParseQuery(b)
	if err1 != nil || err2 != nil || len(qa) != len(qb) {
		return false
	}
	return qa.Encode() == qb.Encode()
}

func (c *Confiner) checkLocal(p string) error {
	if !filepath.IsAbs(p) {
		return fmt.Errorf("%w: %q: local paths must be absolute", ErrConfined, p)
	}
	real, err := resolveExisting(filepath.Clean(p))
	if err != nil {
		return fmt.Errorf("%w: %q: %v", ErrConfined, p, err)
	}
	for _, d := range c.deny {
		if within(real, d) {
			return fmt.Errorf("%w: %q is inside the server's state folder", ErrConfined, p)
		}
	}
	for _, r := range c.roots {
		if within(real, r) {
			return nil
		}
	}
	if real != filepath.Clean(p) {
		return fmt.Errorf("%w: %q resolves to %s, outside every root", ErrConfined, p, real)
	}
	return fmt.Errorf("%w: %q is outside every root", ErrConfined, p)
}

func within(p, root string) bool {
	return p == root || strings.HasPrefix(p, root+string(filepath.Separator)) || root == string(filepath.Separator)
}

// resolveExisting resolves the symlinks of p's deepest existing ancestor
// and appends the rest: an output folder not made yet, or a glob, resolves
// through the folders that exist.
func resolveExisting(p string) (string, error) {
	var rest []string
	cur := p
	for {
		if _, err := os.Lstat(cur); err == nil {
			real, err := filepath.EvalSymlinks(cur)
			if err != nil {
				return "", err
			}
			for i := len(rest) - 1; i >= 0; i-- {
				real = filepath.Join(real, rest[i])
			}
			return real, nil
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return p, nil
		}
		rest = append(rest, filepath.Base(cur))
		cur = parent
	}
}

// recipeRef turns a value the recipe names into what Check takes: URLs as
// they are, local paths joined to the recipe's folder.
func recipeRef(v, recipeDir string) string {
	if strings.Contains(v, "://") || filepath.IsAbs(v) {
		return v
	}
	return filepath.Join(recipeDir, v)
}

// fileLike reports whether a recipe value could name a file: a URL, a path
// with a separator, or a bare name that exists next to the recipe.
func fileLike(v, recipeDir string) bool {
	if v == "" {
		return false
	}
	if strings.Contains(v, "://") || strings.ContainsAny(v, "/\\") || strings.HasPrefix(v, "~") || badSegments(v) {
		return true
	}
	_, err := os.Lstat(filepath.Join(recipeDir, v))
	return err == nil
}
