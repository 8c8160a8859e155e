package books

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/sources/codec"
	"github.com/tokenmill/tokenmill/sources/inputs"
	"github.com/tokenmill/tokenmill/sources/tarwalk"
)

// Spec describes the books source format in recipes.
var Spec = pipeline.Spec{
	Name: "books",
	Doc: "Project Gutenberg plain-text files as the mirrors ship them (pgNNNN.txt, NNNN-0.txt, NNNN-8.txt, " +
		"NNNN.txt and their .zip; header, footer and licence removed; IDs gutenberg/<file name>) and Books3: " +
		"The Pile's NN.jsonl.zst shards (rows of the kept pile_set_name only; IDs books3/<shard file>#L<line>) " +
		"or the Books3 tarball of .txt files (IDs books3/<path in the tar>). Inputs are files, globs or folders; " +
		"the kind of each file is told by its name.",
	Fields: []pipeline.Field{
		{Name: "pile_subsets", Type: pipeline.TypeStrings, Default: []string{"Books3"},
			Doc: "pile_set_name values kept from The Pile's shards (\"*\" keeps every row); other rows are counted as pile_subset:<name>"},
		{Name: "gutenberg_variants", Type: pipeline.TypeString, Default: "best", Enum: []string{"best", "all"},
			Doc: "best: of the files of one book in one folder (N-0.txt, N-8.txt, N.txt, their zips) read one, UTF-8 first; all: read every file"},
		{Name: "batch_files", Type: pipeline.TypeInt, Default: 512, Min: pipeline.Bound(1),
			Doc: "Gutenberg files per input (task): a mirror's 70,000 small files would otherwise be as many tasks and shards"},
		{Name: "max_book_mb", Type: pipeline.TypeInt, Default: 64, Min: pipeline.Bound(1),
			Doc: "largest file, zip member, tar member or JSON line read, in MiB; larger ones are skipped (book-too-large, line-too-large)"},
	},
}

// Options of the books source.
type Options struct {
	// Source is the recipe's name for the source (Doc.Source).
	Source string
	// PileSubsets are the pile_set_name values kept ("*": all).
	PileSubsets []string
	// AllVariants reads every Gutenberg file instead of one per book.
	AllVariants bool
	// BatchFiles is the number of Gutenberg files per input.
	BatchFiles int
	// MaxBytes bounds one file, member or line (0: 64 MiB).
	MaxBytes int64
}

func (o Options) maxBytes() int {
	if o.MaxBytes <= 0 {
		return 64 << 20
	}
	return int(o.MaxBytes)
}

// Source reads Gutenberg files, Pile shards and Books3 tarballs; it
// implements pipeline.Source.
type Source struct{ Opts Options }

// Register adds the books format to r.
func Register(r *pipeline.Registry) {
	r.RegisterSource(Spec, func(c pipeline.Config, env *pipeline.Env) (pipeline.Source, error) {
		return &Source{Opts: Options{Source: env.Source, PileSubsets: c.Strings("pile_subsets"),
			AllVariants: c.String("gutenberg_variants") == "all", BatchFiles: int(c.Int("batch_files")),
			MaxBytes: c.Int("max_book_mb") << 20}}, nil
	})
}

// The kinds of input file, told by name.
type kind int

const (
	kindNone kind = iota
	kindGutenberg
	kindPile
	kindTar
)

func kindOf(u string) kind {
	name := strings.ToLower(path.Base(stripQuery(u)))
	for _, s := range []string{".gz", ".zst", ".bz2", ".xz"} {
		name = strings.TrimSuffix(name, s)
	}
	switch {
	case strings.HasSuffix(name, ".jsonl") || strings.HasSuffix(name, ".json"):
		return kindPile
	case strings.HasSuffix(name, ".tar") || strings.HasSuffix(name, ".tgz"):
		return kindTar
	case strings.HasSuffix(name, ".txt") || strings.HasSuffix(name, ".zip"):
		if strings.HasSuffix(name, "-h.zip") || strings.HasSuffix(name, "readme.txt") {
			return kindNone // HTML editions, mirror notes
		}
		return kindGutenberg
	}
	return kindNone
}

func stripQuery(u string) string { b, _, _ := strings.Cut(u, "?"); return b }

// baseName is the file name of a URL, for document IDs.
func baseName(u string) string { return path.Base(stripQuery(u)) }

var patterns = []string{"*.txt", "*.zip", "*.jsonl", "*.jsonl.*", "*.json.zst", "*.tar", "*.tar.*", "*.tgz"}

// Inputs resolves files, globs and folders. Pile shards and tarballs are an
// input each. Gutenberg files are grouped, in path order, into inputs of
// batch_files files: an input's URL is the common folder of all the
// source's Gutenberg files, its Part
// "files=" and their paths relative to it joined by "|", its Name
// "gutenberg/<first file>_to_<last file>" (base names without extension).
// With gutenberg_variants best, one file per book and folder is read: of
// N-0.txt, N-0.zip, N-8.txt, N-8.zip, N.txt and N.zip the first present (a
// UTF-8 file before an 8-bit one before 7-bit ASCII; plain text before its
// zip, which holds the same file); pgN.txt stands for itself.
func (s *Source) Inputs(ctx context.Context, fs pipeline.Files, specs []string) ([]pipeline.Input, error) {
	all, err := inputs.Resolve(ctx, fs, specs, inputs.Options{Patterns: patterns,
		Suffixes: append([]string{".jsonl", ".json", ".tar", ".tgz"}, inputs.DefaultSuffixes...)})
	if err != nil {
		return nil, err
	}
	var gut, out []pipeline.Input
	for _, in := range all {
		switch kindOf(in.URL) {
		case kindGutenberg:
			gut = append(gut, in)
		case kindPile, kindTar:
			out = append(out, in)
		}
	}
	if !s.Opts.AllVariants {
		gut = bestVariants(gut)
	}
	batches := batch(gut, max(s.Opts.BatchFiles, 1))
	taken := map[string]bool{}
	for _, in := range out {
		taken[in.Name] = true
	}
	for i := range batches {
		name := batches[i].Name
		for n := 2; taken[batches[i].Name]; n++ {
			batches[i].Name = name + "-" + strconv.Itoa(n)
		}
		taken[batches[i].Name] = true
	}
	if len(batches)+len(out) == 0 {
		return nil, fmt.Errorf("books: %v: no Gutenberg .txt/.zip, Pile .jsonl or Books3 .tar file", specs)
	}
	return append(batches, out...), nil
}

var variantRE = regexp.MustCompile(`^(\d+)(-0|-8)?\.(txt|zip)$`)

// variantRank orders the files of one book: lower is better.
func variantRank(name string) int {
	m := variantRE.FindStringSubmatch(strings.ToLower(name))
	if m == nil {
		return 0
	}
	r := map[string]int{"-0": 0, "-8": 2, "": 4}[m[2]]
	if m[3] == "zip" {
		r++
	}
	return r
}

func bestVariants(ins []pipeline.Input) []pipeline.Input {
	best := map[string]int{} // folder/book number -> index in ins
	var out []pipeline.Input
	for i, in := range ins {
		u := stripQuery(in.URL)
		m := variantRE.FindStringSubmatch(strings.ToLower(path.Base(u)))
		if m == nil {
			out = append(out, in)
			continue
		}
		key := path.Dir(u) + "/" + m[1]
		if j, ok := best[key]; !ok || variantRank(path.Base(u)) < variantRank(path.Base(stripQuery(ins[j].URL))) {
			best[key] = i
		}
	}
	for _, i := range best {
		out = append(out, ins[i])
	}
	sort.Slice(out, func(a, b int) bool { return out[a].URL < out[b].URL })
	return out
}

func escapePart(s string) string {
	return strings.NewReplacer("%", "%25", "|", "%7C").Replace(s)
}

func unescapePart(s string) string {
	return strings.NewReplacer("%7C", "|", "%25", "%").Replace(s)
}

func stem(u string) string {
	b := baseName(u)
	return strings.TrimSuffix(b, path.Ext(b))
}

// batch groups Gutenberg files, sorted by URL, n to an input; every input
// has the files' common folder for URL.
func batch(ins []pipeline.Input, n int) []pipeline.Input {
	sort.Slice(ins, func(a, b int) bool { return ins[a].URL < ins[b].URL })
	var out []pipeline.Input
	if len(ins) == 0 {
		return nil
	}
	root := commonDir(ins)
	for i := 0; i < len(ins); i += n {
		group := ins[i:min(i+n, len(ins))]
		rels := make([]string, len(group))
		var size int64
		for j, in := range group {
			rels[j] = escapePart(strings.TrimPrefix(in.URL, root))
			size += in.Size
		}
		name := "gutenberg/" + stem(group[0].URL)
		if len(group) > 1 {
			name += "_to_" + stem(group[len(group)-1].URL)
		}
		out = append(out, pipeline.Input{URL: strings.TrimSuffix(root, "/"), Part: "files=" + strings.Join(rels, "|"),
			Name: name, Size: size})
	}
	return out
}

// commonDir is the longest folder prefix, ending in "/", shared by the URLs.
func commonDir(ins []pipeline.Input) string {
	p := ins[0].URL[:strings.LastIndex(ins[0].URL, "/")+1]
	for _, in := range ins[1:] {
		for !strings.HasPrefix(in.URL, p) {
			p = p[:strings.LastIndex(strings.TrimSuffix(p, "/"), "/")+1]
		}
	}
	return p
}

// Open starts reading one input.
func (s *Source) Open(ctx context.Context, fs pipeline.Files, in pipeline.Input, skip pipeline.SkipFunc) (pipeline.Reader, error) {
	if skip == nil {
		skip = func(error) {}
	}
	if files, ok := strings.CutPrefix(in.Part, "files="); ok {
		var urls []string
		for _, rel := range strings.Split(files, "|") {
			urls = append(urls, in.URL+"/"+unescapePart(rel))
		}
		return &gutenbergReader{ctx: ctx, fs: fs, urls: urls, skip: skip, o: s.Opts}, nil
	}
	if in.Part != "" {
		return nil, fmt.Errorf("books: %s: unknown part %q", in.URL, in.Part)
	}
	switch kindOf(in.URL) {
	case kindPile:
		raw, err := fs.Open(ctx, in.URL)
		if err != nil {
			return nil, err
		}
		return newPileReader(in.URL, raw, skip, s.Opts)
	case kindTar:
		raw, err := fs.Open(ctx, in.URL)
		if err != nil {
			return nil, err
		}
		return newTarReader(in.URL, raw, skip, s.Opts)
	case kindGutenberg:
		return &gutenbergReader{ctx: ctx, fs: fs, urls: []string{in.URL}, skip: skip, o: s.Opts}, nil
	}
	return nil, fmt.Errorf("books: %s: not a Gutenberg, Pile or Books3 file", in.URL)
}

// gutenbergReader reads a list of Gutenberg files (text or zip), a book or
// more per file.
type gutenbergReader struct {
	ctx     context.Context
	fs      pipeline.Files
	urls    []string
	skip    pipeline.SkipFunc
	o       Options
	pending []*pipeline.Doc // books of the current zip not yet returned
	doc     *pipeline.Doc
	err     error
}

func (r *gutenbergReader) Next() bool {
	r.doc = nil
	for r.err == nil {
		if len(r.pending) > 0 {
			r.doc, r.pending = r.pending[0], r.pending[1:]
			return true
		}
		if len(r.urls) == 0 {
			return false
		}
		u := r.urls[0]
		r.urls = r.urls[1:]
		if err := r.ctx.Err(); err != nil {
			r.err = err
			return false
		}
		r.readFile(u)
	}
	return false
}

func (r *gutenbergReader) report(u, record string, err error) {
	r.skip(&pipeline.RecordError{Path: u, Record: record, Err: err})
}

func (r *gutenbergReader) readFile(u string) {
	f, err := r.fs.Open(r.ctx, u)
	if err != nil {
		r.err = fmt.Errorf("books: %w", err)
		return
	}
	defer f.Close()
	limit := int64(r.o.maxBytes())
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		r.err = fmt.Errorf("books: %s: %w", u, err)
		return
	}
	if int64(len(data)) > limit {
		r.report(u, baseName(u), pipeline.Corruptf("book-too-large", "books: file over %d bytes", limit))
		return
	}
	if !strings.HasSuffix(strings.ToLower(u), ".zip") {
		if d := r.book(u, baseName(u), data); d != nil {
			r.pending = append(r.pending, d)
		}
		return
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		r.report(u, baseName(u), pipeline.Corruptf("bad-zip", "books: %v", err))
		return
	}
	for _, zf := range zr.File {
		name := path.Base(zf.Name)
		if zf.FileInfo().IsDir() || !strings.HasSuffix(strings.ToLower(name), ".txt") {
			continue
		}
		if zf.UncompressedSize64 > uint64(limit) {
			r.report(u, zf.Name, pipeline.Corruptf("book-too-large", "books: zip member of %d bytes", zf.UncompressedSize64))
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			r.report(u, zf.Name, pipeline.Corruptf("bad-zip", "books: %v", err))
			continue
		}
		member, err := io.ReadAll(io.LimitReader(rc, limit+1))
		rc.Close()
		if err != nil {
			r.report(u, zf.Name, pipeline.Corruptf("bad-zip", "books: %v", err))
			continue
		}
		if d := r.book(u, name, member); d != nil {
			r.pending = append(r.pending, d)
		}
	}
}

var bookNoRE = regexp.MustCompile(`^(?:pg)?(\d+)(?:-[08])?\.txt$`)

// charsetHint is what a Gutenberg file's name says of its encoding: "-0"
// files and the generated pgN.txt are UTF-8, "-8" files 8-bit.
func charsetHint(name string) string {
	n := strings.ToLower(name)
	switch {
	case strings.HasSuffix(n, "-0.txt") || strings.HasPrefix(n, "pg"):
		return CharsetUTF8
	case strings.HasSuffix(n, "-8.txt"):
		return CharsetWindows1252
	}
	return ""
}

// book makes the document of one Gutenberg text file.
func (r *gutenbergReader) book(u, name string, data []byte) *pipeline.Doc {
	text, cs := Decode(data, charsetHint(name))
	b := Strip(normalizeNewlines(text))
	if strings.TrimSpace(b.Text) == "" {
		r.report(u, name, pipeline.Filteredf("empty-book", "books: no text between the markers"))
		return nil
	}
	d := &pipeline.Doc{ID: "gutenberg/" + name, Source: r.o.Source, Text: b.Text}
	no := b.EbookNo
	if m := bookNoRE.FindStringSubmatch(strings.ToLower(name)); m != nil {
		no = m[1]
	}
	if no != "" {
		d.URL = "https://www.gutenberg.org/ebooks/" + no
		d.SetMeta("ebook", no)
	}
	d.SetMeta("collection", "gutenberg")
	d.SetMeta("charset", cs)
	d.SetMeta("gutenberg_start", b.Start)
	d.SetMeta("gutenberg_end", b.End)
	for k, v := range map[string]string{"title": b.Title, "author": b.Author, "language": b.Language} {
		if v != "" {
			d.SetMeta(k, v)
		}
	}
	return d
}

func (r *gutenbergReader) Doc() *pipeline.Doc { return r.doc }
func (r *gutenbergReader) Err() error         { return r.err }
func (r *gutenbergReader) Close() error       { return r.err }

// tarReader reads the original Books3 tarball (books3.tar.gz): every .txt
// member is a book, "books3/<path in the tar>".
type tarReader struct {
	path, source string
	raw          io.Closer
	dec          io.ReadCloser
	w            *tarwalk.Walker
	skip         pipeline.SkipFunc
	limit        int64
	doc          *pipeline.Doc
	err          error
}

func newTarReader(p string, raw io.ReadCloser, skip pipeline.SkipFunc, o Options) (*tarReader, error) {
	dec, _, err := codec.NewReaderOptions(markReader{raw}, codec.Options{})
	if err != nil {
		raw.Close()
		var se *storageError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("%s: %w", p, se.err)
		}
		skip(&pipeline.RecordError{Path: p, Record: "0", Err: pipeline.Corruptf("bad-compression", "books: %v", err)})
		return &tarReader{}, nil
	}
	return &tarReader{path: p, source: o.Source, raw: raw, dec: dec,
		w: tarwalk.New(p, &damageAsEOF{path: p, r: dec, skip: skip}, skip), skip: skip, limit: int64(o.maxBytes())}, nil
}

// damageAsEOF ends the decompressed stream at damage (a cut or corrupt
// gzip/zstd stream), reporting it, so that the tar walker sees an archive
// cut short and keeps every member before the damage; tarwalk takes any
// other error of its reader for a storage failure, which is fatal.
type damageAsEOF struct {
	path string
	r    io.Reader
	skip pipeline.SkipFunc
	n    int64
}

func (d *damageAsEOF) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	d.n += int64(n)
	var se *storageError
	if err == nil || err == io.EOF || errors.As(err, &se) {
		return n, err
	}
	reason := "bad-compression"
	if codec.IsTruncated(err) {
		reason = "truncated-stream"
	}
	d.skip(&pipeline.RecordError{Path: d.path, Record: "stream", Offset: d.n, Err: pipeline.Corruptf(reason, "books: %v", err)})
	return n, io.EOF
}

func (r *tarReader) Next() bool {
	r.doc = nil
	if r.w == nil {
		return false
	}
	for r.w.Next() {
		h := r.w.Header()
		if !strings.HasSuffix(strings.ToLower(h.Name), ".txt") {
			r.skip(&pipeline.RecordError{Path: r.path, Record: h.Name, Offset: r.w.Offset(),
				Err: pipeline.Filteredf("not-text", "books: member is not a .txt file")})
			continue
		}
		data, err := r.w.ReadAll(r.limit)
		if err != nil {
			if r.w.Err() != nil {
				break
			}
			r.skip(err)
			continue
		}
		text, cs := Decode(data, CharsetUTF8)
		text = normalizeNewlines(text)
		if strings.TrimSpace(text) == "" {
			r.skip(&pipeline.RecordError{Path: r.path, Record: h.Name, Offset: r.w.Offset(),
				Err: pipeline.Filteredf("empty-book", "books: empty member")})
			continue
		}
		d := &pipeline.Doc{ID: "books3/" + strings.TrimPrefix(h.Name, "./"), Source: r.source, Text: text}
		d.SetMeta("collection", "books3")
		d.SetMeta("charset", cs)
		r.doc = d
		return true
	}
	if err := r.w.Err(); err != nil {
		var se *storageError
		if errors.As(err, &se) {
			r.err = fmt.Errorf("%s: %w", r.path, se.err)
		} else {
			r.err = err
		}
	}
	return false
}

func (r *tarReader) Doc() *pipeline.Doc { return r.doc }
func (r *tarReader) Err() error         { return r.err }

func (r *tarReader) Close() error {
	if r.dec != nil {
		r.dec.Close()
		r.raw.Close()
		r.dec = nil
	}
	return r.err
}
