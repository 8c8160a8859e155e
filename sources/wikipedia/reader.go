package wikipedia

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/sources/codec"
)

// Limits that keep memory bounded whatever the input.
const (
	// DefaultMaxPageBytes bounds one <page> element (the largest articles
	// are a few MB of wikitext).
	DefaultMaxPageBytes = 64 << 20
	// maxStreamBytes bounds one compressed stream of a multistream dump
	// (Wikimedia's hold 100 pages, well under a MB).
	maxStreamBytes = 256 << 20
	// maxStreamOut bounds one stream's decompressed bytes.
	maxStreamOut = 1 << 30
)

// Stats reasons for the pages a reader leaves out on purpose
// (pipeline.FilteredError) and for damage (pipeline.CorruptError).
const (
	ReasonRedirect    = "redirect"
	ReasonNamespace   = "not-article"         // ns != 0
	ReasonModel       = "not-wikitext"        // another content model
	ReasonSuppressed  = "suppressed-revision" // <text deleted="deleted"/>
	ReasonEmptyPage   = "empty-page"          // no revision, or no text left after cleaning
	ReasonEmptyDump   = "empty-dump"          // nothing of a dump in the file
	ReasonLanguage    = "language-not-kept"   // a dump outside Options.Languages
	ReasonMalformed   = "malformed-page"
	ReasonTooLarge    = "page-too-large"
	ReasonBadStream   = "bad-bz2-stream"
	ReasonBadCompress = "bad-bz2"
)

// Options control a Reader.
type Options struct {
	// Source is the Doc.Source to set; "wikipedia" when empty.
	Source string
	// Languages are the wiki languages to read ("en", from <dbname>); nil
	// reads every language.
	Languages []string
	// CollectURLs sets Meta["ext_urls"] to the external URLs each page
	// cites, normalized (NormalizeURL), newline-separated.
	CollectURLs bool
	// MaxPageBytes bounds one page; 0 means DefaultMaxPageBytes.
	MaxPageBytes int
	// FileDB is the database name from the dump's file name, used when the
	// dump's <siteinfo> has no <dbname> (schema 0.8 and older).
	FileDB string
}

func (o *Options) fill() {
	if o.Source == "" {
		o.Source = "wikipedia"
	}
	if o.MaxPageBytes <= 0 {
		o.MaxPageBytes = DefaultMaxPageBytes
	}
}

// Reader reads the article pages of one dump, or of a range of streams of
// a multistream dump, as documents. See pipeline.Reader for the iteration
// contract; every Doc is newly allocated.
type Reader struct {
	ctx  context.Context
	path string
	opts Options
	skip pipeline.SkipFunc

	closer io.Closer
	sc     *scanner
	// streams, for a multistream range: the splitter over its compressed
	// bytes; nil for a sequential dump.
	streams   *splitter
	streamOff int64 // file offset of the stream being read
	out       bytes.Buffer
	zr        io.Reader // the decompressor of a sequential dump

	site     SiteInfo
	haveSite bool
	keep     bool // the dump's language is kept
	cleaner  *Cleaner
	pages    int // pages seen, for records without an id

	doc  *pipeline.Doc
	err  error
	done bool
}

// NewReader reads a whole dump (pages-articles, bz2 or not compressed,
// single- or multistream) sequentially from r, which Close closes. path
// names the dump in errors.
func NewReader(ctx context.Context, path string, r io.ReadCloser, skip pipeline.SkipFunc, opts Options) *Reader {
	rd := newReader(ctx, path, r, skip, opts)
	zr, err := codec.NewReader(storageReader{r})
	if err != nil {
		var se *storageErr
		if errors.As(err, &se) {
			rd.err = fmt.Errorf("%s: %w", path, err)
			return rd
		}
		rd.report("dump", 0, ReasonBadCompress, "%v", err)
		rd.done = true
		return rd
	}
	rd.zr = zr
	rd.sc = newScanner(zr, rd.opts.MaxPageBytes)
	return rd
}

// NewStreamsReader reads the pages of a range of whole bzip2 streams of a
// multistream dump, from raw, which starts at the stream at file offset
// off; site is the dump's <siteinfo> (from its first stream: ReadSiteInfo).
// A stream that fails to decompress loses its pages alone.
func NewStreamsReader(ctx context.Context, path string, raw io.ReadCloser, off int64, site SiteInfo, skip pipeline.SkipFunc, opts Options) *Reader {
	rd := newReader(ctx, path, raw, skip, opts)
	rd.streams = &splitter{r: bufio.NewReaderSize(raw, 64<<10), off: off}
	rd.sc = newScanner(bytes.NewReader(nil), rd.opts.MaxPageBytes)
	rd.sc.eof = true
	rd.setSite(site)
	return rd
}

func newReader(ctx context.Context, path string, c io.Closer, skip pipeline.SkipFunc, opts Options) *Reader {
	opts.fill()
	if skip == nil {
		skip = func(error) {}
	}
	return &Reader{ctx: ctx, path: path, opts: opts, skip: skip, closer: c, keep: true}
}

func (r *Reader) setSite(si SiteInfo) {
	if si.DBName == "" {
		si.DBName = r.opts.FileDB
		si.Lang = LangOf(si.DBName)
	}
	r.site, r.haveSite = si, true
	r.cleaner = NewCleaner(&r.site, r.opts.CollectURLs)
	if r.opts.Languages != nil {
		r.keep = false
		for _, l := range r.opts.Languages {
			if l == si.Lang {
				r.keep = true
			}
		}
		if !r.keep {
			r.skip(&pipeline.RecordError{Path: r.path, Record: "siteinfo",
				Err: pipeline.Filteredf(ReasonLanguage, "wikipedia: %s (language %q) is not among %v", si.DBName, si.Lang, r.opts.Languages)})
			r.done = true
		}
	}
}

// Site returns the dump's <siteinfo> once the reader has seen it.
func (r *Reader) Site() (SiteInfo, bool) { return r.site, r.haveSite }

// Next advances to the next article.
func (r *Reader) Next() bool {
	for !r.done && r.err == nil {
		if err := r.ctx.Err(); err != nil {
			r.err = err
			return false
		}
		kind, elem, off := r.sc.next()
		if r.sc.err != nil {
			r.fail(off)
			if r.done || r.err != nil {
				return false
			}
			continue
		}
		switch kind {
		case elemEOF:
			if r.streams == nil && !r.haveSite && r.pages == 0 {
				// Not a byte of a dump: a failed download, a wrong file.
				r.report("dump", 0, ReasonEmptyDump, "no <siteinfo> and no <page> in the file")
			}
			if r.streams == nil || !r.nextStream() {
				r.done = true
			}
		case elemSiteInfo:
			if !r.haveSite {
				r.setSite(parseSiteInfo(elem))
			}
		case elemCut:
			r.report("page "+strconv.Itoa(r.pages), off, ReasonMalformed, "%w: the page ends before </page>", ErrMalformed)
			r.pages++
		case elemTooLarge:
			r.report("page "+strconv.Itoa(r.pages), off, ReasonTooLarge, "%w (%d bytes)", ErrTooLarge, r.opts.MaxPageBytes)
			r.pages++
		case elemPage:
			r.pages++
			if d := r.page(elem, off); d != nil {
				r.doc = d
				return true
			}
		}
	}
	return false
}

// fail handles a read error of the sequential decompressor: damage is
// reported and ends the dump (every page before it was delivered); a
// storage failure is fatal.
func (r *Reader) fail(off int64) {
	err := r.sc.err
	var se *storageErr
	if errors.As(err, &se) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		r.err = fmt.Errorf("%s: %w", r.path, err)
		return
	}
	r.report("page "+strconv.Itoa(r.pages), off, ReasonBadCompress, "decompressing: %v", err)
	r.done = true
}

// page turns one <page> element into a document, or reports why not.
func (r *Reader) page(elem []byte, off int64) *pipeline.Doc {
	p, err := parsePage(elem)
	rec := "page " + strconv.Itoa(r.pages-1)
	if p.ID > 0 {
		rec = r.site.DBName + ":" + strconv.FormatInt(p.ID, 10)
	}
	if err != nil {
		r.report(rec, off, ReasonMalformed, "%v", err)
		return nil
	}
	if !r.haveSite {
		// A dump fragment without <siteinfo>: the file's name says the wiki.
		r.setSite(SiteInfo{})
		if r.done {
			return nil
		}
	}
	switch {
	case p.NS != nsMain:
		r.filter(rec, off, ReasonNamespace, "namespace %d (%s)", p.NS, p.Title)
	case p.Redirect:
		r.filter(rec, off, ReasonRedirect, "redirect %s", p.Title)
	case p.Model != "" && p.Model != "wikitext":
		r.filter(rec, off, ReasonModel, "content model %s (%s)", p.Model, p.Title)
	case p.Deleted:
		r.filter(rec, off, ReasonSuppressed, "suppressed revision %d (%s)", p.RevisionID, p.Title)
	case IsRedirectText(p.Text):
		r.filter(rec, off, ReasonRedirect, "redirect by magic word %s", p.Title)
	default:
		text, urls := r.cleaner.Clean(p.Text)
		if text == "" {
			r.filter(rec, off, ReasonEmptyPage, "no text (%s)", p.Title)
			return nil
		}
		d := &pipeline.Doc{ID: rec, Source: r.opts.Source, Text: text, URL: ArticleURL(r.site.Lang, p.Title)}
		if t, err := time.Parse(time.RFC3339, p.Timestamp); err == nil {
			d.Date = t.UTC()
		}
		d.SetMeta("title", p.Title)
		d.SetMeta("wiki_lang", r.site.Lang)
		if p.RevisionID > 0 {
			d.SetMeta("revision_id", strconv.FormatInt(p.RevisionID, 10))
		}
		if r.opts.CollectURLs && len(urls) > 0 {
			d.SetMeta("ext_urls", strings.Join(urls, "\n"))
		}
		return d
	}
	return nil
}

// ArticleURL is the address of an article: https://<lang>.wikipedia.org/wiki/
// and the title with underscores for spaces (characters that would end the
// path escaped).
func ArticleURL(lang, title string) string {
	var b strings.Builder
	b.WriteString("https://")
	b.WriteString(lang)
	b.WriteString(".wikipedia.org/wiki/")
	for i := 0; i < len(title); i++ {
		c := title[i]
		switch {
		case c == ' ':
			b.WriteByte('_')
		case c == '?' || c == '#' || c == '%' || c == '"' || c < 0x20 || c == 0x7f:
			fmt.Fprintf(&b, "%%%02X", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func (r *Reader) report(record string, off int64, reason, format string, args ...any) {
	msg := fmt.Errorf(format, args...)
	if r.streams != nil {
		msg = fmt.Errorf("stream at byte %d: %w", r.streamOff, msg)
	}
	r.skip(&pipeline.RecordError{Path: r.path, Record: record, Offset: off,
		Err: &pipeline.CorruptError{Reason: reason, Err: msg}})
}

func (r *Reader) filter(record string, off int64, reason, format string, args ...any) {
	if r.streams != nil {
		format = "stream at byte %d: " + format
		args = append([]any{r.streamOff}, args...)
	}
	r.skip(&pipeline.RecordError{Path: r.path, Record: record, Offset: off,
		Err: pipeline.Filteredf(reason, format, args...)})
}

// nextStream decompresses the next stream of the range into memory and
// points the scanner at it; false at the end of the range or on a fatal
// error. A stream that does not decompress is reported and skipped whole:
// nothing of it is trusted, since bzip2 checks a block's CRC only at its end.
func (r *Reader) nextStream() bool {
	for {
		raw, off, err := r.streams.next()
		if err != nil {
			r.err = fmt.Errorf("%s: reading stream at byte %d: %w", r.path, off, err)
			return false
		}
		if raw == nil {
			return false
		}
		r.streamOff = off
		r.out.Reset()
		n, err := io.Copy(&r.out, io.LimitReader(bzip2.NewReader(bytes.NewReader(raw)), maxStreamOut+1))
		if err == nil && n > maxStreamOut {
			err = fmt.Errorf("more than %d bytes decompressed", maxStreamOut)
		}
		if err != nil {
			pages := bytes.Count(r.out.Bytes(), []byte("<page>"))
			r.report("stream "+strconv.FormatInt(off, 10), off, ReasonBadStream,
				"%v (%d compressed bytes; %d pages seen before the damage, all of the stream's pages lost)", err, len(raw), pages)
			continue
		}
		r.sc.reset(bytes.NewReader(r.out.Bytes()))
		return true
	}
}

// Doc returns the current document.
func (r *Reader) Doc() *pipeline.Doc { return r.doc }

// Err returns the first fatal error; nil at a clean end.
func (r *Reader) Err() error { return r.err }

// Close releases the input and returns Err.
func (r *Reader) Close() error {
	if c, ok := r.zr.(io.Closer); ok {
		c.Close()
	}
	if r.closer != nil {
		r.closer.Close()
		r.closer = nil
	}
	return r.err
}

// storageErr marks a failure to read the input's bytes (the storage, not the
// data): fatal, unlike damage.
type storageErr struct{ err error }

func (e *storageErr) Error() string { return e.err.Error() }
func (e *storageErr) Unwrap() error { return e.err }

// storageReader tags the errors of the raw input as storage failures, so a
// decompressor's complaint and the disk's can be told apart.
type storageReader struct{ r io.Reader }

func (s storageReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF {
		err = &storageErr{err}
	}
	return n, err
}

// ---- multistream ----

// bzip2 stream start: "BZh" and a block size digit, then the first block's
// magic (the BCD digits of pi), byte-aligned only at a stream's start.
var blockMagic = []byte{0x31, 0x41, 0x59, 0x26, 0x53, 0x59}

// splitter cuts a run of concatenated bzip2 streams into streams, by their
// headers: "BZh[1-9]" followed by the first block's magic.
type splitter struct {
	r    *bufio.Reader
	off  int64 // file offset of buf[0]
	buf  []byte
	eof  bool
	from int // where to look for the next header in buf
}

// next returns the next stream's compressed bytes (valid until the next
// call) and its file offset; nil at the end.
func (s *splitter) next() ([]byte, int64, error) {
	if s.from > 0 {
		// Drop the stream returned last time.
		n := copy(s.buf, s.buf[s.from:])
		s.off += int64(s.from)
		s.buf = s.buf[:n]
		s.from = 0
	}
	look := 4
	for {
		if k := findStream(s.buf, look); k >= 0 {
			s.from = k
			return s.buf[:k], s.off, nil
		}
		look = max(4, len(s.buf)-9)
		if s.eof {
			if len(s.buf) == 0 {
				return nil, s.off, nil
			}
			s.from = len(s.buf)
			return s.buf, s.off, nil
		}
		if len(s.buf) > maxStreamBytes {
			// No header for too long: hand over what there is; it will fail
			// to decode and be reported.
			s.from = len(s.buf)
			return s.buf, s.off, nil
		}
		if cap(s.buf)-len(s.buf) < 1<<20 {
			nb := make([]byte, len(s.buf), 2*cap(s.buf)+(1<<20))
			copy(nb, s.buf)
			s.buf = nb
		}
		n, err := s.r.Read(s.buf[len(s.buf):cap(s.buf)])
		s.buf = s.buf[:len(s.buf)+n]
		if err == io.EOF {
			s.eof = true
		} else if err != nil {
			return nil, s.off, err
		}
	}
}

// findStream returns the offset at or after from of the next stream header
// in b, or -1.
func findStream(b []byte, from int) int {
	for i := from; i+10 <= len(b); {
		k := bytes.Index(b[i+4:], blockMagic)
		if k < 0 {
			return -1
		}
		h := i + k
		if b[h] == 'B' && b[h+1] == 'Z' && b[h+2] == 'h' && b[h+3] >= '1' && b[h+3] <= '9' {
			return h
		}
		i = h + 1
	}
	return -1
}

// ReadSiteInfo reads the <siteinfo> of a dump from the start of its bytes
// (its first bzip2 stream, in a multistream dump, which holds nothing else).
func ReadSiteInfo(r io.Reader) (SiteInfo, error) {
	zr, err := codec.NewReader(r)
	if err != nil {
		return SiteInfo{}, err
	}
	defer zr.Close()
	sc := newScanner(zr, 16<<20)
	for {
		kind, elem, _ := sc.next()
		switch kind {
		case elemSiteInfo:
			return parseSiteInfo(elem), nil
		case elemPage, elemEOF, elemCut, elemTooLarge:
			if sc.err != nil {
				return SiteInfo{}, sc.err
			}
			return SiteInfo{}, pipeline.Corruptf("no-siteinfo", "wikipedia: no <siteinfo> before the first page")
		}
	}
}
