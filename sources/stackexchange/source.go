package stackexchange

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/sources/codec"
	"github.com/tokenmill/tokenmill/sources/inputs"
)

// Spec describes the stackexchange source format in recipes.
var Spec = pipeline.Spec{
	Name: "stackexchange",
	Doc: "StackExchange data dumps as archive.org publishes them: one <site>.7z per site holding Posts.xml, " +
		"Stack Overflow split per table (stackoverflow.com-Posts.7z), or an extracted <site>/Posts.xml " +
		"(optionally gz/bz2/zst/xz). One document per question: \"Q: title\", its body, then its answers as " +
		"\"A: ...\" by score, highest first. Meta sites are always left out.",
	Fields: []pipeline.Field{
		{Name: "sites", Type: pipeline.TypeStrings, Default: []string{},
			Doc: "Site hosts to read (unix.stackexchange.com); archives of other sites are left out and counted (site-not-listed). Empty reads every site."},
		{Name: "keep_unanswered", Type: pipeline.TypeBool, Default: true,
			Doc: "Keep questions without answers as documents (RedPajama does); false leaves them out (unanswered-question)."},
		{Name: "memory_bytes", Type: pipeline.TypeInt, Default: 0, Min: pipeline.Bound(0),
			Doc: "Posts the question/answer join holds per open input before spilling sorted runs to the build's temp folder (0: the build's memory setting, else 1 GiB)."},
	},
}

// Source reads StackExchange dumps; it implements pipeline.Source.
type Source struct {
	// Sites are the site hosts to read; empty reads every site.
	Sites []string
	// Opts are the reader options; Site is set per input.
	Opts Options
}

// Register adds the stackexchange format to r.
func Register(r *pipeline.Registry) {
	r.RegisterSource(Spec, func(c pipeline.Config, env *pipeline.Env) (pipeline.Source, error) {
		mem := c.Int("memory_bytes")
		if mem == 0 {
			mem = env.MemoryBytes
		}
		sites := c.Strings("sites")
		for _, s := range sites {
			if s != strings.ToLower(strings.TrimSpace(s)) || s == "" || strings.ContainsAny(s, "/ ") {
				return nil, fmt.Errorf("sites: %q is not a lower-case host name", s)
			}
			if IsMeta(s) {
				return nil, fmt.Errorf("sites: %q is a meta site, which this source always leaves out", s)
			}
		}
		return &Source{Sites: sites, Opts: Options{Source: env.Source, KeepUnanswered: c.Bool("keep_unanswered"),
			MemoryBytes: mem, TempDir: env.TempDir}}, nil
	})
}

// tables are the dump's other tables, which Stack Overflow's split layout
// ships as stackoverflow.com-<Table>.7z: never inputs of this source.
var tables = []string{"Badges", "Comments", "PostHistory", "PostLinks", "Tags", "Users", "Votes"}

func (s *Source) inputOptions() inputs.Options {
	return inputs.Options{
		Patterns: []string{"*.7z", "Posts.xml", "Posts.xml.*", "posts.xml", "posts.xml.*"},
		Suffixes: append([]string{".7z", ".xml"}, inputs.DefaultSuffixes...),
	}
}

// Inputs resolves dump archives, extracted Posts.xml files, globs and
// folders; each file is one input (a site's Posts.xml cannot be split: its
// answers may be anywhere in it). Archives of the other tables of Stack
// Overflow's split layout are not inputs.
func (s *Source) Inputs(ctx context.Context, fs pipeline.Files, specs []string) ([]pipeline.Input, error) {
	ins, err := inputs.Resolve(ctx, fs, specs, s.inputOptions())
	if err != nil {
		return nil, err
	}
	out := ins[:0]
	for _, in := range ins {
		if !isOtherTable(in.URL) {
			out = append(out, in)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("inputs %v: no Posts archive or Posts.xml among them", specs)
	}
	if err := inputs.Name(out, s.inputOptions().Suffixes); err != nil {
		return nil, err
	}
	return out, nil
}

func baseName(u string) string {
	u, _, _ = strings.Cut(u, "?")
	return path.Base(u)
}

func isOtherTable(u string) bool {
	b := baseName(u)
	for _, t := range tables {
		if strings.HasSuffix(b, "-"+t+".7z") {
			return true
		}
	}
	return false
}

// SiteOf returns the site host an input belongs to: "<site>.7z",
// "<site>-Posts.7z", or the folder holding an extracted Posts.xml.
func SiteOf(u string) string {
	b := baseName(u)
	if strings.HasSuffix(strings.ToLower(b), ".7z") {
		b = b[:len(b)-3]
		if i := strings.LastIndex(b, "-"); i > 0 && strings.EqualFold(b[i+1:], "Posts") {
			b = b[:i]
		}
		return strings.ToLower(b)
	}
	u, _, _ = strings.Cut(u, "?")
	return strings.ToLower(path.Base(path.Dir(u)))
}

// IsMeta reports whether host is a meta site: meta.stackexchange.com, or any
// per-site meta (unix.meta.stackexchange.com, meta.serverfault.com,
// ru.meta.stackoverflow.com).
func IsMeta(host string) bool {
	for _, label := range strings.Split(host, ".") {
		if label == "meta" {
			return true
		}
	}
	return false
}

func (s *Source) listed(site string) bool {
	if len(s.Sites) == 0 {
		return true
	}
	for _, x := range s.Sites {
		if x == site {
			return true
		}
	}
	return false
}

// Open starts reading one input. Meta sites and sites not listed give a
// reader with no documents and one filtered record; they are not read.
func (s *Source) Open(ctx context.Context, fs pipeline.Files, in pipeline.Input, skip pipeline.SkipFunc) (pipeline.Reader, error) {
	if skip == nil {
		skip = func(error) {}
	}
	site := SiteOf(in.URL)
	opts := s.Opts
	opts.Site = site
	empty := func() (pipeline.Reader, error) {
		return NewReader(ctx, in.URL, strings.NewReader(""), nil, nil, skip, opts), nil
	}
	switch {
	case IsMeta(site):
		skip(&pipeline.RecordError{Path: in.URL, Record: "archive", Err: pipeline.Filteredf(ReasonMetaSite,
			"stackexchange: %s is a meta site", site)})
		return empty()
	case !s.listed(site):
		skip(&pipeline.RecordError{Path: in.URL, Record: "archive", Err: pipeline.Filteredf(ReasonSiteNotListed,
			"stackexchange: %s is not among the recipe's sites", site)})
		return empty()
	}
	if strings.HasSuffix(strings.ToLower(baseName(in.URL)), ".7z") {
		r, c, failure, err := open7z(ctx, fs, in.URL, in.Size, skip)
		if err != nil || r == nil {
			if err != nil {
				return nil, err
			}
			return empty()
		}
		return NewReader(ctx, in.URL+"/Posts.xml", r, c, failure, skip, opts), nil
	}
	raw, err := fs.Open(ctx, in.URL)
	if err != nil {
		return nil, err
	}
	ec := &errCapture{r: raw}
	dec, err := codec.NewReader(ec)
	if err != nil {
		raw.Close()
		if serr := ec.failure(); serr != nil {
			return nil, fmt.Errorf("%s: %w", in.URL, serr)
		}
		skip(&pipeline.RecordError{Path: in.URL, Record: "stream", Err: pipeline.Corruptf(ReasonCorruptArchive,
			"stackexchange: %v", err)})
		return empty()
	}
	return NewReader(ctx, in.URL, dec, multiCloser{dec, raw}, ec.failure, skip, opts), nil
}
