package wikipedia

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// SiteInfo is what a dump's <siteinfo> says about its wiki.
type SiteInfo struct {
	DBName string // "enwiki"
	Lang   string // "en", from DBName
	Base   string // the main page's URL
	Case   string // "first-letter" or "case-sensitive"
	// Namespaces lists the <namespaces> and (schema 0.11) the
	// <namespacealiases>, in order; aliases have Alias set.
	Namespaces []Namespace
}

// Namespace is one namespace name (or alias) and its key.
type Namespace struct {
	Key   int
	Name  string
	Case  string
	Alias bool
}

// Page is one <page> of a dump, with its last revision.
type Page struct {
	Title      string
	NS         int
	ID         int64
	Redirect   bool   // the <redirect> element is there
	RevisionID int64  // 0 when the page has no revision
	Timestamp  string // RFC 3339, as in the dump
	Model      string // "wikitext"; empty in dumps before schema 0.8
	Format     string // "text/x-wiki"
	Deleted    bool   // the revision's text is suppressed (<text deleted="deleted"/>)
	Text       string // the wikitext, XML entities decoded
	SHA1       string
}

// Errors the page parser reports (wrapped in a pipeline.CorruptError).
var (
	ErrMalformed = errors.New("wikipedia: malformed page")
	ErrTooLarge  = errors.New("wikipedia: page larger than the limit")
)

// scanner finds <siteinfo> and <page> elements in a stream of export XML
// (or a fragment of it, as one stream of a multistream dump holds). It
// relies on what the export format guarantees: every '<' in text is
// escaped, so a '<' always starts markup, and elements never hold a
// literal "<page>" or "</page>".
type scanner struct {
	r       io.Reader
	buf     []byte
	pos     int   // next unread byte in buf
	end     int   // end of the valid bytes in buf
	base    int64 // stream offset of buf[0]
	eof     bool
	err     error // a read error other than EOF
	maxElem int
}

func newScanner(r io.Reader, maxElem int) *scanner {
	return &scanner{r: r, buf: make([]byte, 64<<10), maxElem: maxElem}
}

func (s *scanner) reset(r io.Reader) {
	s.r, s.pos, s.end, s.base, s.eof, s.err = r, 0, 0, 0, false, nil
}

// element kinds next returns.
const (
	elemEOF = iota
	elemSiteInfo
	elemPage
	elemCut      // a <page> the stream ends inside (or the next <page> starts inside)
	elemTooLarge // a <page> over the size limit, skipped
)

// fill reads more bytes, growing the buffer up to the element limit; false
// when nothing more can be read.
func (s *scanner) fill() bool {
	if s.eof || s.err != nil {
		return false
	}
	if s.pos > 0 {
		copy(s.buf, s.buf[s.pos:s.end])
		s.base += int64(s.pos)
		s.end -= s.pos
		s.pos = 0
	}
	if s.end == len(s.buf) {
		if len(s.buf) >= s.maxElem+64 {
			return false
		}
		nb := make([]byte, min(2*len(s.buf), s.maxElem+64))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for tries := 0; tries < 100; tries++ {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err == io.EOF {
			s.eof = true
		} else if err != nil {
			s.err = err
		}
		if n > 0 || err != nil {
			return n > 0
		}
	}
	s.err = io.ErrNoProgress
	return false
}

// next returns the next element and its bytes (valid until the following
// call) and the stream offset where it starts.
func (s *scanner) next() (kind int, elem []byte, off int64) {
	// Find the start of the next <page> or <siteinfo>.
	for {
		i := s.pos
		found := -1
		for {
			k := bytes.IndexByte(s.buf[i:s.end], '<')
			if k < 0 {
				break
			}
			k += i
			if k+11 > s.end && !s.eof {
				break // need more bytes to tell
			}
			if hasPrefix(s.buf[k:s.end], "<page>") || hasPrefix(s.buf[k:s.end], "<page ") {
				found, kind = k, elemPage
				break
			}
			if hasPrefix(s.buf[k:s.end], "<siteinfo>") {
				found, kind = k, elemSiteInfo
				break
			}
			i = k + 1
		}
		if found >= 0 {
			s.pos = found
			break
		}
		// Keep the tail that may start a tag; drop the rest.
		keep := max(s.pos, s.end-10)
		if k := bytes.LastIndexByte(s.buf[s.pos:s.end], '<'); k >= 0 && s.pos+k > keep {
			keep = s.pos + k
		}
		s.pos = keep
		if !s.fill() {
			return elemEOF, nil, s.base + int64(s.end)
		}
	}
	closer, opener := "</page>", "<page>"
	if kind == elemSiteInfo {
		closer, opener = "</siteinfo>", "<siteinfo>"
	}
	start := s.base + int64(s.pos)
	rel := len(opener) // where to look next, relative to s.pos
	for {
		k := -1
		if s.pos+rel < s.end {
			k = bytes.IndexByte(s.buf[s.pos+rel:s.end], '<')
		}
		if k >= 0 {
			k += s.pos + rel
			if k+len(closer) > s.end && !s.eof {
				rel = k - s.pos // too few bytes to tell: read more
			} else if hasPrefix(s.buf[k:s.end], closer) {
				elem = s.buf[s.pos : k+len(closer)]
				s.pos = k + len(closer)
				return kind, elem, start
			} else if hasPrefix(s.buf[k:s.end], "<page>") || hasPrefix(s.buf[k:s.end], "<page ") {
				// A new <page> before this one's end: this one was cut.
				s.pos = k
				return elemCut, nil, start
			} else {
				rel = k + 1 - s.pos
				continue
			}
		} else {
			rel = s.end - s.pos
		}
		if s.end-s.pos > s.maxElem {
			return s.skipLarge(closer, start)
		}
		if !s.fill() {
			if s.end-s.pos > s.maxElem {
				return s.skipLarge(closer, start)
			}
			s.pos = s.end
			return elemCut, nil, start
		}
	}
}

// skipLarge discards an element over the limit up to its closer.
func (s *scanner) skipLarge(closer string, start int64) (int, []byte, int64) {
	for {
		if e := indexFrom(s.buf[:s.end], s.pos, closer); e >= 0 {
			s.pos = e + len(closer)
			return elemTooLarge, nil, start
		}
		s.pos = max(s.pos, s.end-len(closer))
		if !s.fill() {
			s.pos = s.end
			return elemTooLarge, nil, start
		}
	}
}

// ---- parsing one element ----

// tag is one start, end or empty tag inside an element.
type tag struct {
	name    []byte
	attrs   []byte
	closing bool
	empty   bool
	start   int // offset of '<'
	end     int // offset after '>'
}

// nextTag finds the next tag at or after i in e; ok is false when there is
// none or it is not closed.
func nextTag(e []byte, i int) (t tag, ok bool) {
	for {
		k := indexByteFrom(e, i, '<')
		if k < 0 {
			return t, false
		}
		g := indexByteFrom(e, k, '>')
		if g < 0 {
			return t, false
		}
		body := e[k+1 : g]
		t = tag{start: k, end: g + 1}
		if len(body) > 0 && (body[0] == '?' || body[0] == '!') {
			i = g + 1
			continue
		}
		if len(body) > 0 && body[0] == '/' {
			t.closing = true
			body = body[1:]
		}
		if len(body) > 0 && body[len(body)-1] == '/' {
			t.empty = true
			body = body[:len(body)-1]
		}
		n := 0
		for n < len(body) && body[n] != ' ' && body[n] != '\t' && body[n] != '\n' && body[n] != '\r' {
			n++
		}
		t.name, t.attrs = body[:n], body[n:]
		return t, true
	}
}

// attr returns the unescaped value of attribute name in attrs.
func attr(attrs []byte, name string) (string, bool) {
	for i := 0; i < len(attrs); {
		k := indexFrom(attrs, i, name)
		if k < 0 {
			return "", false
		}
		j := k + len(name)
		if (k > 0 && attrs[k-1] != ' ' && attrs[k-1] != '\t' && attrs[k-1] != '\n') || j >= len(attrs) {
			i = j
			continue
		}
		for j < len(attrs) && (attrs[j] == ' ' || attrs[j] == '\t') {
			j++
		}
		if j >= len(attrs) || attrs[j] != '=' {
			i = j
			continue
		}
		j++
		for j < len(attrs) && (attrs[j] == ' ' || attrs[j] == '\t') {
			j++
		}
		if j >= len(attrs) || (attrs[j] != '"' && attrs[j] != '\'') {
			return "", false
		}
		q := attrs[j]
		e := indexByteFrom(attrs, j+1, q)
		if e < 0 {
			return "", false
		}
		return unescapeXML(attrs[j+1 : e]), true
	}
	return "", false
}

// content returns the text of the element whose start tag is t, and where
// its end tag ends; ok is false when it is not closed.
func content(e []byte, t tag) (text []byte, end int, ok bool) {
	if t.empty {
		return nil, t.end, true
	}
	closer := "</" + string(t.name) + ">"
	k := indexFrom(e, t.end, closer)
	if k < 0 {
		return nil, 0, false
	}
	return e[t.end:k], k + len(closer), true
}

// maxPageTags bounds the tags read in one page or revision (a real one has
// about twenty; text never holds a raw '<'), so that garbage full of
// unclosed tags cannot make the search for their ends quadratic.
const maxPageTags = 1000

// parsePage reads one <page> element. The last revision wins (a
// pages-articles dump has one).
func parsePage(e []byte) (Page, error) {
	var p Page
	var haveNS, haveID, haveTitle bool
	i := len("<page>")
	for tags := 0; ; tags++ {
		if tags > maxPageTags {
			return p, ErrMalformed
		}
		t, ok := nextTag(e, i)
		if !ok || (t.closing && string(t.name) == "page") {
			break
		}
		i = t.end
		if t.closing {
			continue
		}
		switch string(t.name) {
		case "title":
			c, end, ok := content(e, t)
			if !ok {
				return p, ErrMalformed
			}
			p.Title, haveTitle, i = unescapeXML(c), true, end
		case "ns":
			c, end, ok := content(e, t)
			n, err := strconv.Atoi(string(c))
			if !ok || err != nil {
				return p, ErrMalformed
			}
			p.NS, haveNS, i = n, true, end
		case "id":
			c, end, ok := content(e, t)
			n, err := strconv.ParseInt(string(c), 10, 64)
			if !ok || err != nil || n <= 0 {
				return p, ErrMalformed
			}
			p.ID, haveID, i = n, true, end
		case "redirect":
			p.Redirect = true
			if !t.empty {
				if _, end, ok := content(e, t); ok {
					i = end
				}
			}
		case "revision":
			c, end, ok := content(e, t)
			if !ok {
				return p, ErrMalformed
			}
			if err := parseRevision(c, &p); err != nil {
				return p, err
			}
			i = end
		default:
			// restrictions, upload, discussionthreadinginfo, and what a
			// later schema adds: skipped whole.
			if _, end, ok := content(e, t); ok {
				i = end
			}
		}
	}
	if !haveNS || !haveID || !haveTitle {
		return p, ErrMalformed
	}
	return p, nil
}

func parseRevision(e []byte, p *Page) error {
	*p = Page{Title: p.Title, NS: p.NS, ID: p.ID, Redirect: p.Redirect}
	for i, tags := 0, 0; ; tags++ {
		if tags > maxPageTags {
			return ErrMalformed
		}
		t, ok := nextTag(e, i)
		if !ok {
			break
		}
		i = t.end
		if t.closing {
			continue
		}
		c, end, ok := content(e, t)
		if !ok {
			return ErrMalformed
		}
		i = end
		switch string(t.name) {
		case "id":
			n, err := strconv.ParseInt(string(c), 10, 64)
			if err != nil {
				return ErrMalformed
			}
			p.RevisionID = n
		case "timestamp":
			p.Timestamp = string(c)
		case "model":
			p.Model = string(c)
		case "format":
			p.Format = string(c)
		case "sha1":
			p.SHA1 = string(c)
		case "text":
			if v, _ := attr(t.attrs, "deleted"); v == "deleted" {
				p.Deleted = true
			}
			p.Text = unescapeXML(c)
		}
		// contributor (with its own <id>), comment, minor, origin, parentid:
		// skipped whole by content above.
	}
	return nil
}

// parseSiteInfo reads a <siteinfo> element.
func parseSiteInfo(e []byte) SiteInfo {
	var si SiteInfo
	aliases := false
	for i, tags := len("<siteinfo>"), 0; tags < 100000; tags++ {
		t, ok := nextTag(e, i)
		if !ok {
			break
		}
		i = t.end
		name := string(t.name)
		if name == "namespacealiases" {
			aliases = !t.closing && !t.empty
		}
		if t.closing || name == "namespaces" || name == "namespacealiases" {
			continue // descend: their <namespace> children follow
		}
		c, end, ok := content(e, t)
		if !ok {
			break
		}
		i = end
		switch name {
		case "dbname":
			si.DBName = strings.TrimSpace(unescapeXML(c))
		case "base":
			si.Base = unescapeXML(c)
		case "case":
			si.Case = string(c)
		case "namespace":
			key, _ := attr(t.attrs, "key")
			k, err := strconv.Atoi(key)
			if err != nil {
				continue
			}
			cs, _ := attr(t.attrs, "case")
			si.Namespaces = append(si.Namespaces, Namespace{Key: k, Name: unescapeXML(c), Case: cs, Alias: aliases})
		}
	}
	si.Lang = LangOf(si.DBName)
	return si
}

// unescapeXML decodes the five XML entities and character references; text
// without '&' is returned as is. Invalid UTF-8 is replaced (U+FFFD) so the
// pipeline only ever sees valid text.
func unescapeXML(b []byte) string {
	if bytes.IndexByte(b, '&') < 0 {
		if utf8.Valid(b) {
			return string(b)
		}
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		k := bytes.IndexByte(b[i:], '&')
		if k < 0 {
			out = append(out, b[i:]...)
			break
		}
		out = append(out, b[i:i+k]...)
		i += k
		semi := bytes.IndexByte(b[i:min(len(b), i+12)], ';')
		if semi < 0 {
			out = append(out, '&')
			i++
			continue
		}
		ent := b[i+1 : i+semi]
		switch string(ent) {
		case "lt":
			out = append(out, '<')
		case "gt":
			out = append(out, '>')
		case "amp":
			out = append(out, '&')
		case "quot":
			out = append(out, '"')
		case "apos":
			out = append(out, '\'')
		default:
			r, ok := charRef(ent)
			if !ok {
				out = append(out, '&')
				i++
				continue
			}
			out = utf8.AppendRune(out, r)
		}
		i += semi + 1
	}
	if !utf8.Valid(out) {
		return strings.ToValidUTF8(string(out), "\uFFFD")
	}
	return string(out)
}

func charRef(ent []byte) (rune, bool) {
	if len(ent) < 2 || ent[0] != '#' {
		return 0, false
	}
	var n uint64
	var err error
	if ent[1] == 'x' || ent[1] == 'X' {
		n, err = strconv.ParseUint(string(ent[2:]), 16, 32)
	} else {
		n, err = strconv.ParseUint(string(ent[1:]), 10, 32)
	}
	if err != nil || n > utf8.MaxRune {
		return 0, false
	}
	return rune(n), true
}

// ScanPages calls fn for every <page> of an export XML stream r (not
// compressed; see codec.NewReader), in order, with pages up to maxPage bytes;
// malformed, cut and larger pages are passed over. It is the raw path for
// tools that want the wikitext itself (benchmarks, model building); fn's
// error stops the scan and is returned, as is a read error of r.
func ScanPages(r io.Reader, maxPage int, fn func(p *Page) error) error {
	sc := newScanner(r, maxPage)
	for {
		kind, elem, _ := sc.next()
		if sc.err != nil {
			return sc.err
		}
		switch kind {
		case elemEOF:
			return nil
		case elemPage:
			p, err := parsePage(elem)
			if err != nil {
				continue
			}
			if err := fn(&p); err != nil {
				return err
			}
		}
	}
}
