package arxiv

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/sources/tarwalk"
)

// Options control the reader.
type Options struct {
	// Source is the Doc.Source to set; "arxiv" when empty.
	Source string
	// MaxPaperBytes bounds one paper's source, compressed and decompressed
	// (default 256 MiB); a larger paper is skipped, "too-large".
	MaxPaperBytes int64
	Clean         CleanOptions
}

// ErrSource marks a paper whose source is not usable LaTeX.
var ErrSource = errors.New("arxiv: unusable source")

// Reader reads one arXiv bulk source tar (arXiv_src_YYMM_NNN.tar): one
// document per paper. See pipeline.Reader for the iteration contract; every
// Doc is newly allocated.
type Reader struct {
	ctx    context.Context
	path   string
	file   string // base name of the tar, for metadata
	opts   Options
	skip   pipeline.SkipFunc
	w      *tarwalk.Walker
	closer io.Closer
	zr     *gzip.Reader
	// unz holds the current paper's decompressed bytes, reused from paper
	// to paper (Clean copies what it keeps).
	unz bytes.Buffer
	doc *pipeline.Doc
	err error
}

// NewReader reads the tar at path (named in errors) from r; Close closes r.
func NewReader(ctx context.Context, p string, r io.ReadCloser, skip pipeline.SkipFunc, opts Options) *Reader {
	if opts.Source == "" {
		opts.Source = "arxiv"
	}
	if opts.MaxPaperBytes <= 0 {
		opts.MaxPaperBytes = 256 << 20
	}
	if skip == nil {
		skip = func(error) {}
	}
	base, _, _ := strings.Cut(path.Base(p), "?")
	// Members are read block by block: buffer, so that a local file is not
	// one system call per 512 bytes.
	br := bufio.NewReaderSize(r, 1<<20)
	return &Reader{ctx: ctx, path: p, file: base, opts: opts, skip: skip, closer: r, w: tarwalk.New(p, br, skip)}
}

// Next advances to the next paper that yields text.
func (r *Reader) Next() bool {
	for r.err == nil {
		if err := r.ctx.Err(); err != nil {
			r.err = err
			return false
		}
		if !r.w.Next() {
			r.err = r.w.Err()
			return false
		}
		if d := r.paper(); d != nil {
			r.doc = d
			return true
		}
	}
	return false
}

// Doc returns the current document.
func (r *Reader) Doc() *pipeline.Doc { return r.doc }

// Err returns the first fatal error; nil at a clean end.
func (r *Reader) Err() error { return r.err }

// Close releases the input and returns Err.
func (r *Reader) Close() error {
	if r.closer != nil {
		r.closer.Close()
		r.closer = nil
	}
	return r.err
}

func (r *Reader) report(record string, reason, format string, args ...any) {
	r.skip(&pipeline.RecordError{Path: r.path, Record: record, Offset: r.w.Offset(),
		Err: &pipeline.CorruptError{Reason: reason, Err: fmt.Errorf("%w: %s", ErrSource, fmt.Sprintf(format, args...))}})
}

// paper reads the current member; nil when it yields no document (the
// reason was reported).
func (r *Reader) paper() *pipeline.Doc {
	h := r.w.Header()
	name := h.Name
	base := path.Base(name)
	switch {
	case strings.HasSuffix(base, ".pdf"):
		r.report(name, "pdf-only", "PDF-only submission")
		return nil
	case !strings.HasSuffix(base, ".gz"):
		r.report(name, "not-source", "member is not a .gz paper source")
		return nil
	}
	id, yymm := ParseID(name)
	raw, err := r.w.ReadAll(r.opts.MaxPaperBytes)
	if err != nil {
		if !errors.Is(err, pipeline.ErrCorrupt) {
			r.err = err
			return nil
		}
		r.skip(err)
		return nil
	}
	files, reason, msg := r.unpack(raw)
	if reason != "" {
		r.report(id, reason, "%s", msg)
		return nil
	}
	text, reason := Clean(files, r.opts.Clean)
	if reason != "" {
		r.report(id, reason, "no text kept")
		return nil
	}
	d := &pipeline.Doc{ID: id, Source: r.opts.Source, Text: text, URL: "https://arxiv.org/abs/" + id}
	if !h.ModTime.IsZero() {
		d.Date = h.ModTime.UTC()
	}
	d.SetMeta("yymm", yymm)
	d.SetMeta("file", r.file)
	return d
}

// unpack gunzips a paper and returns its files: the members of an inner tar
// or the single file. On failure it returns a stats reason and a message.
func (r *Reader) unpack(raw []byte) (map[string][]byte, string, string) {
	if len(raw) == 0 {
		return nil, "empty-source", "empty member"
	}
	var err error
	if r.zr == nil {
		r.zr, err = gzip.NewReader(bytes.NewReader(raw))
	} else {
		err = r.zr.Reset(bytes.NewReader(raw))
	}
	if err != nil {
		return nil, "bad-gzip", err.Error()
	}
	r.zr.Multistream(true)
	r.unz.Reset()
	_, err = r.unz.ReadFrom(io.LimitReader(r.zr, r.opts.MaxPaperBytes+1))
	data := r.unz.Bytes()
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return nil, "truncated-gzip", err.Error()
	case err != nil:
		return nil, "bad-gzip", err.Error()
	case int64(len(data)) > r.opts.MaxPaperBytes:
		return nil, "too-large", fmt.Sprintf("over %d bytes decompressed", r.opts.MaxPaperBytes)
	case len(bytes.TrimSpace(data)) == 0:
		return nil, "empty-source", "no bytes after gunzip"
	}
	if len(data) >= 262 && bytes.Equal(data[257:262], []byte("ustar")) {
		return r.unpackTar(data)
	}
	switch {
	case bytes.HasPrefix(data, []byte("%PDF")):
		return nil, "pdf-only", "gzipped PDF"
	case bytes.HasPrefix(data, []byte("%!PS")) || bytes.HasPrefix(data, []byte("%!")):
		return nil, "postscript", "PostScript source"
	}
	name := r.zr.Name
	if name == "" || !isTeXName(name) {
		name = "main.tex"
	}
	return map[string][]byte{path.Base(name): data}, "", ""
}

// unpackTar returns the text files of a paper's tar; damage inside it
// drops the paper.
func (r *Reader) unpackTar(data []byte) (map[string][]byte, string, string) {
	var bad error
	w := tarwalk.New("inner", bytes.NewReader(data), func(err error) {
		if bad == nil {
			bad = err
		}
	})
	files := map[string][]byte{}
	tex := false
	for w.Next() {
		n := w.Header().Name
		if skipExt[strings.ToLower(path.Ext(n))] {
			continue
		}
		b, err := w.ReadAll(r.opts.MaxPaperBytes)
		if err != nil {
			bad = err
			break
		}
		if bytes.IndexByte(b[:min(len(b), 1024)], 0) >= 0 {
			continue // binary
		}
		files[n] = b
		tex = tex || isTeXName(n)
	}
	if bad != nil {
		return nil, "bad-inner-tar", bad.Error()
	}
	if !tex {
		return nil, ReasonNoTeX, "no .tex file in the source folder"
	}
	return files, "", ""
}

// skipExt are the files of a source folder that are never LaTeX text.
var skipExt = map[string]bool{
	".eps": true, ".ps": true, ".pdf": true, ".png": true, ".jpg": true, ".jpeg": true, ".gif": true,
	".tif": true, ".tiff": true, ".svg": true, ".zip": true, ".gz": true, ".tar": true, ".dvi": true,
}

var oldID = regexp.MustCompile(`^([a-z][a-z-]*(?:\.[A-Z]{2})?)(\d{7}(?:v\d+)?)$`)

// ParseID turns a member name of a bulk tar into the paper's arXiv id and
// its yymm: "2301/2301.00028.gz" is 2301.00028 (a version suffix, where the
// name has one, stays: 2301.00028v2), "0703/math0703007.gz" is
// math/0703007.
func ParseID(member string) (id, yymm string) {
	base := strings.TrimSuffix(path.Base(member), ".gz")
	id = base
	if m := oldID.FindStringSubmatch(base); m != nil {
		id = m[1] + "/" + m[2]
		yymm = m[2][:4]
	} else if len(base) >= 4 {
		yymm = base[:4]
	}
	if dir := path.Base(path.Dir(member)); len(dir) == 4 && strings.Trim(dir, "0123456789") == "" {
		yymm = dir
	}
	return id, yymm
}
