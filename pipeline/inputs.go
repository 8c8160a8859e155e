package pipeline

import (
	"bufio"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/tokenmill/tokenmill/pipeline/storage"
)

// Stores opens storage locations by URL and keeps them open for the build.
type Stores struct {
	mu sync.Mutex
	m  map[string]*storage.Store
}

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

// OpenFile opens the file at URL u for streaming.
func (s *Stores) OpenFile(ctx context.Context, u string) (io.ReadCloser, error) {
	dir, name := storage.SplitURL(u)
	st, err := s.Get(ctx, dir)
	if err != nil {
		return nil, err
	}
	return st.NewReader(ctx, name)
}

// ReadFile reads the whole (small) file at URL u.
func (s *Stores) ReadFile(ctx context.Context, u string) ([]byte, error) {
	r, err := s.OpenFile(ctx, u)
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

// ResolveInputs turns a source's input specs into input shards, in a stable
// order. A spec is
//   - a file (local path or URL);
//   - a glob ("data/*.wet.gz", "s3://b/crawl/*/wet/*.gz"): every match;
//   - a folder: every file below it whose name matches one of patterns;
//   - a listing, a file named *.paths or *.paths.gz (CommonCrawl's
//     wet.paths.gz) holding one path per line, each joined to baseURL.
//
// Names (what outputs are called) are the paths relative to the inputs'
// common folder, with compression and format suffixes removed.
func (s *Stores) ResolveInputs(ctx context.Context, specs []string, patterns []string, baseURL string) ([]Input, error) {
	var out []Input
	seen := map[string]bool{}
	add := func(in Input) {
		if !seen[in.URL] {
			seen[in.URL] = true
			out = append(out, in)
		}
	}
	for _, spec := range specs {
		ins, err := s.resolve(ctx, spec, patterns, baseURL)
		if err != nil {
			return nil, err
		}
		if len(ins) == 0 {
			return nil, fmt.Errorf("input %s: matches no file (patterns %v)", spec, patterns)
		}
		for _, in := range ins {
			add(in)
		}
	}
	if err := nameInputs(out); err != nil {
		return nil, err
	}
	return out, nil
}

func hasGlob(s string) bool { return strings.ContainsAny(s, "*?[") }

func isListing(name string) bool {
	return strings.HasSuffix(name, ".paths") || strings.HasSuffix(name, ".paths.gz")
}

func (s *Stores) resolve(ctx context.Context, spec string, patterns []string, baseURL string) ([]Input, error) {
	base, query, hasQ := strings.Cut(spec, "?")
	withQ := func(u string) string {
		if hasQ {
			return u + "?" + query
		}
		return u
	}
	if hasGlob(base) {
		// List from the deepest folder without glob characters.
		i := strings.IndexAny(base, "*?[")
		root := base[:strings.LastIndex(base[:i], "/")+1]
		pat := base[len(root):]
		st, err := s.Get(ctx, withQ(strings.TrimSuffix(root, "/")))
		if err != nil {
			return nil, err
		}
		objs, err := st.List(ctx, "")
		if err != nil {
			return nil, err
		}
		var out []Input
		for _, o := range objs {
			if ok, _ := path.Match(pat, o.Key); ok {
				out = append(out, Input{URL: st.URL(o.Key), Size: o.Size, ETag: o.ETag})
			}
		}
		return out, nil
	}
	dir, name := storage.SplitURL(spec)
	st, err := s.Get(ctx, dir)
	if err != nil {
		return nil, err
	}
	if name != "" {
		if o, err := st.Stat(ctx, name); err == nil {
			if isListing(name) {
				return s.readListing(ctx, st, name, baseURL)
			}
			return []Input{{URL: st.URL(name), Size: o.Size, ETag: o.ETag}}, nil
		}
	}
	// A folder: every matching file below it.
	fst, err := s.Get(ctx, spec)
	if err != nil {
		return nil, err
	}
	objs, err := fst.List(ctx, "")
	if err != nil {
		return nil, err
	}
	var out []Input
	for _, o := range objs {
		if matchAny(patterns, path.Base(o.Key)) {
			out = append(out, Input{URL: fst.URL(o.Key), Size: o.Size, ETag: o.ETag})
		}
	}
	if len(out) == 0 && len(objs) == 0 {
		return nil, fmt.Errorf("input %s: no such file or folder", spec)
	}
	return out, nil
}

func matchAny(patterns []string, name string) bool {
	for _, p := range patterns {
		if ok, _ := path.Match(p, name); ok {
			return true
		}
	}
	return len(patterns) == 0
}

func (s *Stores) readListing(ctx context.Context, st *storage.Store, name, baseURL string) ([]Input, error) {
	r, err := st.NewReader(ctx, name)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var rd io.Reader = r
	if strings.HasSuffix(name, ".gz") {
		z, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("listing %s: %w", st.URL(name), err)
		}
		defer z.Close()
		rd = z
	}
	if baseURL == "" {
		// Relative to the listing's own folder.
		baseURL = st.URL("")
	}
	var out []Input
	sc := bufio.NewScanner(rd)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		u := line
		if !strings.Contains(line, "://") && !strings.HasPrefix(line, "/") {
			u = strings.TrimRight(baseURL, "/") + "/" + line
		}
		out = append(out, Input{URL: u})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("listing %s: %w", st.URL(name), err)
	}
	return out, nil
}

// suffixes removed from input names, repeatedly, to derive output names.
var suffixes = []string{".gz", ".bz2", ".zst", ".xz", ".wet", ".warc", ".jsonl", ".json", ".xml", ".txt", ".tar", ".parquet"}

// nameInputs sets Name: the path relative to the common folder of all
// inputs, without suffixes. Two inputs with one name are an error.
func nameInputs(ins []Input) error {
	if len(ins) == 0 {
		return nil
	}
	paths := make([]string, len(ins))
	for i, in := range ins {
		p, _, _ := strings.Cut(in.URL, "?")
		paths[i] = p
	}
	// Work on the URL strings as they are: path.Dir would fold "s3://".
	dir := func(p string) string {
		if i := strings.LastIndex(p, "/"); i >= 0 {
			return p[:i]
		}
		return ""
	}
	common := dir(paths[0])
	for _, p := range paths[1:] {
		for common != "" && !strings.HasPrefix(p, common+"/") {
			common = dir(common)
		}
	}
	names := map[string]string{}
	for i := range ins {
		rel := strings.TrimPrefix(paths[i], common+"/")
		if rel == paths[i] {
			rel = path.Base(paths[i])
		}
		for changed := true; changed; {
			changed = false
			for _, s := range suffixes {
				if strings.HasSuffix(rel, s) && len(rel) > len(s) {
					rel = strings.TrimSuffix(rel, s)
					changed = true
				}
			}
		}
		if prev, dup := names[rel]; dup {
			return fmt.Errorf("inputs %s and %s would both be named %q", prev, ins[i].URL, rel)
		}
		names[rel] = ins[i].URL
		ins[i].Name = rel
	}
	return nil
}

// SortInputs sorts inputs by URL, for specs whose order is not meaningful.
func SortInputs(ins []Input) { sort.Slice(ins, func(i, j int) bool { return ins[i].URL < ins[j].URL }) }
