package wikipedia

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/sources/codec"
	"github.com/tokenmill/tokenmill/sources/inputs"
)

// DefaultPartMB is the compressed size of the stream ranges a multistream
// dump is split into: enough work per task to amortise its start, small
// enough that enwiki (~22 GB) gives hundreds of tasks.
const DefaultPartMB = 32

// Spec describes the wikipedia source format in recipes.
var Spec = pipeline.Spec{
	Name: "wikipedia",
	Doc: "MediaWiki pages-articles XML dumps (export schema 0.10/0.11, bz2): <db>wiki-<date>-pages-articles.xml.bz2, " +
		"or -pages-articles-multistream.xml.bz2 with its -multistream-index.txt.bz2, which is read in parallel by ranges " +
		"of streams. Keeps namespace-0 wikitext pages that are not redirects, as plain text; ID <dbname>:<page id>.",
	Fields: []pipeline.Field{
		{Name: "languages", Type: pipeline.TypeStrings, Default: DefaultLanguages,
			Doc: "Wiki languages to read, from the dump's <dbname> (enwiki: en); empty reads every language. Default: LLaMA's 20."},
		{Name: "part_mb", Type: pipeline.TypeInt, Default: DefaultPartMB, Min: pipeline.Bound(1),
			Doc: "Compressed MB of bzip2 streams per input when a multistream dump is split by its index."},
		{Name: "ext_urls", Type: pipeline.TypeBool, Default: false,
			Doc: "Set meta ext_urls to the external URLs each article cites (<ref>s, external links), normalized, one per line."},
		{Name: "max_page_mb", Type: pipeline.TypeInt, Default: DefaultMaxPageBytes >> 20, Min: pipeline.Bound(1),
			Doc: "Largest <page> element read; a larger one is skipped (page-too-large)."},
	},
}

// Source reads pages-articles dumps; it implements pipeline.Source.
type Source struct {
	Opts   Options
	PartMB int
}

// Register adds the wikipedia format to r.
func Register(r *pipeline.Registry) {
	r.RegisterSource(Spec, func(c pipeline.Config, env *pipeline.Env) (pipeline.Source, error) {
		langs := c.Strings("languages")
		if len(langs) == 0 {
			langs = nil
		}
		return &Source{PartMB: int(c.Int("part_mb")), Opts: Options{Source: env.Source, Languages: langs,
			CollectURLs: c.Bool("ext_urls"), MaxPageBytes: int(c.Int("max_page_mb")) << 20}}, nil
	})
}

// Dump file names on dumps.wikimedia.org: the whole dump, its split parts
// (enwiki-20240601-pages-articles1.xml-p1p41242.bz2), the multistream
// variants and their indexes.
var (
	dumpName  = regexp.MustCompile(`^([a-z_]+wiki)-([0-9]{8}|latest)-pages-articles(-multistream)?([0-9]*)\.xml(-p[0-9]+p[0-9]+)?(\.bz2)?$`)
	indexName = regexp.MustCompile(`^([a-z_]+wiki)-([0-9]{8}|latest)-pages-articles-multistream-index([0-9]*)\.txt(-p[0-9]+p[0-9]+)?\.bz2$`)
)

// DumpDB returns the database name in a dump's file name ("enwiki"), or "".
func DumpDB(u string) string {
	if m := dumpName.FindStringSubmatch(path.Base(stripQuery(u))); m != nil {
		return m[1]
	}
	return ""
}

func stripQuery(u string) string { b, _, _ := strings.Cut(u, "?"); return b }

// indexFor is the index file name of a multistream dump, "" for another.
func indexFor(u string) string {
	b, q, _ := strings.Cut(u, "?")
	m := dumpName.FindStringSubmatch(path.Base(b))
	if m == nil || m[3] == "" || m[6] == "" {
		return ""
	}
	name := m[1] + "-" + m[2] + "-pages-articles-multistream-index" + m[4] + ".txt" + m[5] + ".bz2"
	u = b[:len(b)-len(path.Base(b))] + name
	if q != "" {
		u += "?" + q
	}
	return u
}

func (s *Source) keepDB(db string) bool {
	if s.Opts.Languages == nil {
		return true
	}
	l := LangOf(db)
	for _, k := range s.Opts.Languages {
		if k == l {
			return true
		}
	}
	return false
}

// Inputs resolves dump files, globs, folders (with several languages' dumps)
// and listings. A multistream dump whose index is there is split into
// ranges of streams (Part "streams=<first offset>-<end offset>", the end
// exclusive) of about part_mb compressed MB; any other dump is one input,
// read sequentially. Dumps of languages not kept are left out, and so is a
// plain dump whose multistream twin (same folder, wiki, date and pages) is
// there too.
func (s *Source) Inputs(ctx context.Context, fs pipeline.Files, specs []string) ([]pipeline.Input, error) {
	all, err := inputs.Resolve(ctx, fs, specs, inputs.Options{
		Patterns: []string{"*wiki-*-pages-articles*.xml*.bz2", "*wiki-*-pages-articles*.xml", "*wiki-*-pages-articles-multistream-index*.txt*.bz2"},
		Suffixes: []string{".bz2", ".xml", ".gz"},
	})
	if err != nil {
		return nil, err
	}
	indexes := map[string]pipeline.Input{}
	var dumps []pipeline.Input
	for _, in := range all {
		base := path.Base(stripQuery(in.URL))
		switch {
		case indexName.MatchString(base):
			indexes[stripQuery(in.URL)] = in
		case dumpName.MatchString(base):
			if s.keepDB(DumpDB(in.URL)) {
				dumps = append(dumps, in)
			}
		default:
			return nil, fmt.Errorf("input %s: not a pages-articles dump name (<db>wiki-<date>-pages-articles[-multistream].xml.bz2)", in.URL)
		}
	}
	dumps = dropCopies(dumps)
	part := int64(max(1, s.PartMB)) << 20
	var out []pipeline.Input
	for _, d := range dumps {
		idx := indexFor(d.URL)
		if idx == "" {
			out = append(out, pipeline.Input{URL: d.URL, Size: d.Size, ETag: d.ETag})
			continue
		}
		if _, ok := indexes[stripQuery(idx)]; !ok {
			if _, err := fs.Stat(ctx, idx); err != nil {
				// No index: the dump is still one valid sequential input.
				out = append(out, pipeline.Input{URL: d.URL, Size: d.Size, ETag: d.ETag})
				continue
			}
		}
		size := d.Size
		if size <= 0 {
			fi, err := fs.Stat(ctx, d.URL)
			if err != nil {
				return nil, err
			}
			size = fi.Size
		}
		offs, err := readIndex(ctx, fs, idx)
		if err != nil {
			return nil, err
		}
		for _, p := range Parts(offs, size, part) {
			out = append(out, pipeline.Input{URL: d.URL, Part: p, Size: d.Size, ETag: d.ETag})
		}
	}
	if err := inputs.Name(out, []string{".bz2", ".xml"}); err != nil {
		return nil, err
	}
	return out, nil
}

// dropCopies leaves out a plain pages-articles dump when the multistream
// one of the same wiki, date and page range is there too: Wikimedia
// publishes both with the same pages, and people download both.
func dropCopies(dumps []pipeline.Input) []pipeline.Input {
	key := func(u string) (string, bool) {
		b := stripQuery(u)
		m := dumpName.FindStringSubmatch(path.Base(b))
		return b[:len(b)-len(path.Base(b))] + m[1] + "-" + m[2] + "-" + m[4] + m[5], m[3] != ""
	}
	multi := map[string]bool{}
	for _, d := range dumps {
		if k, ms := key(d.URL); ms {
			multi[k] = true
		}
	}
	out := dumps[:0:0]
	for _, d := range dumps {
		if k, ms := key(d.URL); ms || !multi[k] {
			out = append(out, d)
		}
	}
	return out
}

// readIndex reads a multistream index ("offset:page_id:title" lines) into
// the distinct stream offsets, ascending. Only the offsets are kept: a few
// hundred thousand numbers for the largest wiki.
func readIndex(ctx context.Context, fs pipeline.Files, u string) ([]int64, error) {
	raw, err := fs.Open(ctx, u)
	if err != nil {
		return nil, err
	}
	defer raw.Close()
	zr, err := codec.NewReader(raw)
	if err != nil {
		return nil, fmt.Errorf("index %s: %w", u, err)
	}
	defer zr.Close()
	br := bufio.NewReaderSize(zr, 1<<20)
	var offs []int64
	last := int64(-1)
	for line := 1; ; line++ {
		l, err := br.ReadSlice('\n')
		if len(l) > 0 {
			f, _, ok := strings.Cut(string(l[:min(len(l), 24)]), ":")
			o, perr := strconv.ParseInt(f, 10, 64)
			if !ok || perr != nil || o < 0 {
				return nil, fmt.Errorf("index %s line %d: not offset:page_id:title", u, line)
			}
			if o != last {
				if o < last {
					return nil, fmt.Errorf("index %s line %d: offset %d after %d", u, line, o, last)
				}
				offs = append(offs, o)
				last = o
			}
		}
		if err == bufio.ErrBufferFull {
			// A title longer than the buffer: skip the rest of the line.
			for err == bufio.ErrBufferFull {
				_, err = br.ReadSlice('\n')
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("index %s line %d: %w", u, line, err)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	if len(offs) == 0 {
		return nil, fmt.Errorf("index %s: no entries", u)
	}
	return offs, nil
}

// Parts groups the streams starting at offs (ascending; the last runs to
// size) into consecutive ranges of at least target compressed bytes (the
// last may be smaller), as Part strings "streams=<first>-<end>".
func Parts(offs []int64, size, target int64) []string {
	var parts []string
	for i := 0; i < len(offs); {
		j := i + 1
		for j < len(offs) && offs[j]-offs[i] < target {
			j++
		}
		end := size
		if j < len(offs) {
			end = offs[j]
		}
		parts = append(parts, fmt.Sprintf("streams=%d-%d", offs[i], end))
		i = j
	}
	return parts
}

// ParsePart reads a Part written by Parts.
func ParsePart(p string) (first, end int64, err error) {
	r, ok := strings.CutPrefix(p, "streams=")
	a, b, ok2 := strings.Cut(r, "-")
	first, e1 := strconv.ParseInt(a, 10, 64)
	end, e2 := strconv.ParseInt(b, 10, 64)
	if !ok || !ok2 || e1 != nil || e2 != nil || first < 0 || end <= first {
		return 0, 0, fmt.Errorf("wikipedia: part %q is not streams=<first>-<end>", p)
	}
	return first, end, nil
}

// Open starts reading one input: a whole dump sequentially, or a range of
// streams of a multistream dump, whose <siteinfo> it first reads from the
// dump's first stream (a small ranged read).
func (s *Source) Open(ctx context.Context, fs pipeline.Files, in pipeline.Input, skip pipeline.SkipFunc) (pipeline.Reader, error) {
	opts := s.Opts
	opts.FileDB = DumpDB(in.URL)
	if in.Part == "" {
		r, err := fs.Open(ctx, in.URL)
		if err != nil {
			return nil, err
		}
		return NewReader(ctx, in.URL, r, skip, opts), nil
	}
	first, end, err := ParsePart(in.Part)
	if err != nil {
		return nil, err
	}
	site, err := s.siteInfo(ctx, fs, in.URL, first)
	if err != nil {
		if !errors.Is(err, pipeline.ErrCorrupt) {
			return nil, err
		}
		// A damaged first stream: the file's name still says the wiki.
		if skip != nil {
			skip(&pipeline.RecordError{Path: in.URL, Record: "siteinfo", Err: err})
		}
		site = SiteInfo{}
	}
	raw, err := fs.OpenRange(ctx, in.URL, first, end-first)
	if err != nil {
		return nil, err
	}
	return NewStreamsReader(ctx, in.URL, raw, first, site, skip, opts), nil
}

// siteInfo reads the first stream of a multistream dump (which holds the
// <mediawiki> start tag and <siteinfo> alone), at most up to limit.
func (s *Source) siteInfo(ctx context.Context, fs pipeline.Files, u string, limit int64) (SiteInfo, error) {
	raw, err := fs.OpenRange(ctx, u, 0, min(limit, 4<<20))
	if err != nil {
		return SiteInfo{}, err
	}
	defer raw.Close()
	sp := &splitter{r: bufio.NewReaderSize(raw, 64<<10)}
	head, _, err := sp.next()
	if err != nil {
		return SiteInfo{}, fmt.Errorf("%s: reading the first stream: %w", u, err)
	}
	si, err := ReadSiteInfo(bytes.NewReader(head))
	if err != nil {
		if !errors.Is(err, pipeline.ErrCorrupt) {
			err = pipeline.Corruptf("no-siteinfo", "%v", err)
		}
		return SiteInfo{}, fmt.Errorf("%s: first stream: %w", u, err)
	}
	return si, nil
}
