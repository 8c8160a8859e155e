package inputs

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/pipeline/storage"
	"github.com/tokenmill/tokenmill/sources/codec"
)

// Options say which files are a source's inputs and how they are named.
type Options struct {
	// Patterns are the base-name patterns (path.Match) of the source's files
	// in a folder; empty means every file.
	Patterns []string
	// Listings are the base-name patterns of listing files; nil means
	// DefaultListings.
	Listings []string
	// BaseURL is what the relative paths of a listing are joined to; empty
	// means the listing's own folder.
	BaseURL string
	// Suffixes are removed, repeatedly, from the end of input names; nil
	// means DefaultSuffixes.
	Suffixes []string
}

// DefaultListings are CommonCrawl's listing names (wet.paths.gz).
var DefaultListings = []string{"*.paths", "*.paths.gz"}

// DefaultSuffixes are the compression suffixes, which never belong in an
// output's name.
var DefaultSuffixes = []string{".gz", ".bz2", ".zst", ".xz"}

// Resolve turns input specs into inputs, in spec order, each spec's files in
// URL order, the same file once; then names them with Name. A spec that
// matches nothing is an error naming the spec.
func Resolve(ctx context.Context, fs pipeline.Files, specs []string, opt Options) ([]pipeline.Input, error) {
	if opt.Listings == nil {
		opt.Listings = DefaultListings
	}
	var out []pipeline.Input
	seen := map[string]bool{}
	for _, spec := range specs {
		ins, err := resolve(ctx, fs, spec, opt)
		if err != nil {
			return nil, err
		}
		if len(ins) == 0 {
			return nil, fmt.Errorf("input %s: matches no file (patterns %v)", spec, opt.Patterns)
		}
		for _, in := range ins {
			if !seen[in.URL] {
				seen[in.URL] = true
				out = append(out, in)
			}
		}
	}
	if err := Name(out, opt.Suffixes); err != nil {
		return nil, err
	}
	return out, nil
}

func hasGlob(s string) bool { return strings.ContainsAny(s, "*?[") }

// Match reports whether the base name of u matches one of patterns (true
// for no patterns).
func Match(patterns []string, u string) bool {
	if len(patterns) == 0 {
		return true
	}
	base, _, _ := strings.Cut(u, "?")
	name := path.Base(base)
	for _, p := range patterns {
		if ok, _ := path.Match(p, name); ok {
			return true
		}
	}
	return false
}

// splitQuery separates a URL's query (object-store options) from its path.
func splitQuery(u string) (base, query string) {
	base, q, ok := strings.Cut(u, "?")
	if ok {
		return base, "?" + q
	}
	return base, ""
}

func stripQuery(u string) string { b, _ := splitQuery(u); return b }

func resolve(ctx context.Context, fs pipeline.Files, spec string, opt Options) ([]pipeline.Input, error) {
	base, query := splitQuery(spec)
	if hasGlob(base) {
		// List from the deepest folder without glob characters, match the
		// rest of the pattern against paths relative to it.
		i := strings.IndexAny(base, "*?[")
		root := base[:strings.LastIndex(base[:i], "/")+1]
		pat := base[len(root):]
		files, err := fs.List(ctx, strings.TrimSuffix(root, "/")+query)
		if err != nil {
			return nil, fmt.Errorf("input %s: %w", spec, err)
		}
		var out []pipeline.Input
		for _, f := range files {
			rel := strings.TrimPrefix(stripQuery(f.URL), root)
			if ok, _ := path.Match(pat, rel); ok {
				out = append(out, pipeline.Input{URL: f.URL, Size: f.Size, ETag: f.ETag})
			}
		}
		return out, nil
	}
	fi, statErr := fs.Stat(ctx, spec)
	if statErr == nil {
		if Match(opt.Listings, spec) {
			return readListing(ctx, fs, fi.URL, opt.BaseURL)
		}
		return []pipeline.Input{{URL: fi.URL, Size: fi.Size, ETag: fi.ETag}}, nil
	}
	// A folder: every matching file below it.
	files, err := fs.List(ctx, spec)
	if err != nil {
		if !errors.Is(statErr, storage.ErrNotExist) {
			// Not a missing file but a failure (refused, timeout, denied):
			// that is the cause to report, not that the place cannot be
			// listed.
			return nil, fmt.Errorf("input %s: %w", spec, statErr)
		}
		return nil, fmt.Errorf("input %s: not a file (%v), and not a folder: %w", spec, statErr, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("input %s: no such file or folder", spec)
	}
	var out []pipeline.Input
	for _, f := range files {
		if Match(opt.Patterns, f.URL) {
			out = append(out, pipeline.Input{URL: f.URL, Size: f.Size, ETag: f.ETag})
		}
	}
	return out, nil
}

// readListing reads a listing: one path per line, blank lines and # comments
// ignored, relative paths joined to baseURL (or the listing's folder). The
// listing may be compressed in any format codec knows.
func readListing(ctx context.Context, fs pipeline.Files, u, baseURL string) ([]pipeline.Input, error) {
	raw, err := fs.Open(ctx, u)
	if err != nil {
		return nil, err
	}
	defer raw.Close()
	r, err := codec.NewReader(raw)
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", u, err)
	}
	defer r.Close()
	rooted := baseURL != ""
	if baseURL == "" {
		b, q := splitQuery(u)
		baseURL = b[:strings.LastIndex(b, "/")+1] + q
	}
	var out []pipeline.Input
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		v := line
		if !strings.Contains(line, "://") && !strings.HasPrefix(line, "/") {
			base := baseURL
			if !rooted {
				base = listingRoot(baseURL, line)
			}
			b, q := splitQuery(base)
			v = strings.TrimRight(b, "/") + "/" + line + q
		}
		out = append(out, pipeline.Input{URL: v})
	}
	if err := sc.Err(); err != nil && err != io.EOF {
		return nil, fmt.Errorf("listing %s: %w", u, err)
	}
	return out, nil
}

// listingRoot is the folder a listing's relative line is joined to when no
// base_url is given. CommonCrawl's listings name paths from the root of the
// crawl's host ("crawl-data/CC-MAIN-2023-06/segments/..." in
// https://data.commoncrawl.org/crawl-data/CC-MAIN-2023-06/wet.paths.gz), and
// mirrors keep that tree: when the listing's own folder contains the line's
// first path segment, the line is relative to the folder above that
// segment. Otherwise it is relative to the listing's folder.
func listingRoot(folder, line string) string {
	first, _, ok := strings.Cut(line, "/")
	if !ok || first == "" || first == "." || first == ".." {
		return folder
	}
	b, q := splitQuery(folder)
	if i := strings.LastIndex(b, "/"+first+"/"); i >= 0 && !strings.HasSuffix(b[:i+1], "://") {
		return b[:i+1] + q
	}
	return folder
}

// Name sets each input's Name: its path relative to the common folder of all
// inputs, without the given suffixes (DefaultSuffixes when nil), followed by
// "/" and its Part where it has one. Two inputs with one name are an error
// that names both.
func Name(ins []pipeline.Input, suffixes []string) error {
	if len(ins) == 0 {
		return nil
	}
	if suffixes == nil {
		suffixes = DefaultSuffixes
	}
	paths := make([]string, len(ins))
	for i, in := range ins {
		paths[i] = stripQuery(in.URL)
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
		rel = TrimSuffixes(rel, suffixes)
		if ins[i].Part != "" {
			rel += "/" + ins[i].Part
		}
		if prev, dup := names[rel]; dup {
			return fmt.Errorf("inputs %s and %s would both be named %q: rename one, or list it once", prev, describe(ins[i]), rel)
		}
		names[rel] = describe(ins[i])
		ins[i].Name = rel
	}
	return nil
}

func describe(in pipeline.Input) string {
	if in.Part != "" {
		return in.URL + " (" + in.Part + ")"
	}
	return in.URL
}

// TrimSuffixes removes the suffixes from the end of name, repeatedly, never
// leaving it empty.
func TrimSuffixes(name string, suffixes []string) string {
	for changed := true; changed; {
		changed = false
		for _, s := range suffixes {
			if strings.HasSuffix(name, s) && len(name) > len(s) {
				name = strings.TrimSuffix(name, s)
				changed = true
			}
		}
	}
	return name
}

// Sort sorts inputs by URL and then Part, for specs whose order means nothing.
func Sort(ins []pipeline.Input) {
	sort.Slice(ins, func(i, j int) bool {
		if ins[i].URL != ins[j].URL {
			return ins[i].URL < ins[j].URL
		}
		return ins[i].Part < ins[j].Part
	})
}
