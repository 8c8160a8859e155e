package wikipedia

import (
	"bytes"
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxDepth bounds the nesting stacks of the template and link matchers: a
// deeper opening is plain text. Real articles nest templates a dozen deep.
const maxDepth = 1024

// maxLabelDepth bounds the recursion into link labels (an image caption
// holding a link holding formatting).
const maxLabelDepth = 8

// Cleaner turns one page's wikitext into plain text. It is not safe for
// concurrent use: it keeps scratch buffers between pages (a Reader owns one).
//
// The conversion is a fixed series of linear passes over the page, each a
// single scan with bounded stacks (no regular expressions, no backtracking):
//
//  1. comments and tags: <!-- -->, <ref> (both forms), <references>, <math>,
//     <gallery> and the other invisible extension tags go with their content;
//     <nowiki> and <pre> keep their content with its markup neutralised;
//     formatting tags (<b>, <span>, <div>, ...) go and keep their text;
//  2. templates and parser functions {{...}}, nested, matched with a stack
//     (an unmatched "{{" stays as text);
//  3. tables {| ... |}, nested, by lines;
//  4. links and formatting: [[target|label]] becomes label, [[target]]
//     target, links into the File, Image, Media and Category namespaces (by
//     their canonical, localised and alias names) and interlanguage links go,
//     [url label] becomes label and a bare [url] goes, bold and italic quotes
//     and behaviour switches (__TOC__) go;
//  5. lines: headings become their text on a line, sections named like
//     references, external links or see also go with everything under them
//     (and sections left empty go too), list markers go, blank lines
//     collapse, and HTML entities are decoded last.
type Cleaner struct {
	// dropNS holds the lower-cased namespace names and prefixes whose links
	// are not text: File, Image, Media, Category in every spelling the wiki
	// knows, and the interlanguage prefixes.
	dropNS map[string]bool
	// collect makes Clean gather the external URLs the page cites.
	collect bool
	urls    []string
	seen    map[string]bool

	b1, b2, b3, b4 []byte
	opens, closes  []int32
	stack          []int32
	closeCache     map[string][2]int
}

// NewCleaner returns a cleaner for pages of the wiki site describes (nil:
// English names only). collectURLs makes Clean return the external URLs each
// page cites.
func NewCleaner(site *SiteInfo, collectURLs bool) *Cleaner {
	c := &Cleaner{dropNS: map[string]bool{}, collect: collectURLs, seen: map[string]bool{}, closeCache: map[string][2]int{}}
	for _, n := range []string{"file", "image", "media", "category"} {
		c.dropNS[n] = true
	}
	for _, code := range wikiCodes {
		c.dropNS[code] = true
	}
	if site != nil {
		for _, n := range localNamespaces[site.Lang] {
			c.dropNS[foldName(n)] = true
		}
		for _, ns := range site.Namespaces {
			if ns.Key == nsFile || ns.Key == nsCategory || ns.Key == nsMedia {
				c.dropNS[foldName(ns.Name)] = true
			}
		}
	}
	return c
}

// foldName is how namespace names compare: case-insensitive, "_" as " ".
func foldName(s string) string {
	return strings.ToLower(strings.TrimSpace(strings.ReplaceAll(s, "_", " ")))
}

// Clean returns the plain text of the wikitext, and the external URLs it
// cites (normalized, in order of first appearance, each once) when the
// cleaner collects them. The returned slice is reused by the next call.
func (c *Cleaner) Clean(wikitext string) (string, []string) {
	c.urls = c.urls[:0]
	clear(c.seen)
	clear(c.closeCache)
	c.b1 = c.passTags(wikitext, c.b1[:0])
	c.b2 = c.passTemplates(c.b1, c.b2[:0])
	if bytesContains(c.b2, "-{") {
		c.b3 = passConvert(c.b2, c.b3[:0])
		c.b2, c.b3 = c.b3, c.b2
	}
	c.b3 = passTables(c.b2, c.b3[:0])
	c.b4 = c.inline(c.b3, c.b4[:0], 0)
	c.b1 = passLines(c.b4, c.b1[:0])
	out := string(c.b1)
	if strings.IndexByte(out, '&') >= 0 {
		out = html.UnescapeString(out)
	}
	return out, c.urls
}

// ---- pass 1: comments and tags ----

type tagKind uint8

const (
	tagUnknown  tagKind = iota
	tagDrop             // the element goes with its content
	tagVerbatim         // the content stays, its markup neutralised
	tagKeep             // the tag goes, its content stays
	tagBreak            // a line break
)

var tagKinds = map[string]tagKind{
	// Extension tags whose output is not prose (mwparserfromhell's
	// invisible and parser-blacklisted tags, and Cite's).
	"ref": tagDrop, "references": tagDrop, "math": tagDrop, "chem": tagDrop, "ce": tagDrop,
	"gallery": tagDrop, "timeline": tagDrop, "score": tagDrop, "graph": tagDrop, "imagemap": tagDrop,
	"hiero": tagDrop, "templatedata": tagDrop, "templatestyles": tagDrop, "mapframe": tagDrop,
	"maplink": tagDrop, "inputbox": tagDrop, "categorytree": tagDrop, "section": tagDrop,
	"indicator": tagDrop, "includeonly": tagDrop, "noinclude": tagKeep, "onlyinclude": tagKeep,
	"syntaxhighlight": tagDrop, "source": tagDrop, "charinsert": tagDrop, "rss": tagDrop,
	"style": tagDrop, "script": tagDrop,
	"nowiki": tagVerbatim, "pre": tagVerbatim,
	"br": tagBreak, "hr": tagBreak,
	// Formatting and layout tags: their text is the article's text.
	"b": tagKeep, "i": tagKeep, "u": tagKeep, "s": tagKeep, "strike": tagKeep, "del": tagKeep,
	"ins": tagKeep, "small": tagKeep, "big": tagKeep, "sub": tagKeep, "sup": tagKeep,
	"span": tagKeep, "div": tagKeep, "font": tagKeep, "center": tagKeep, "em": tagKeep,
	"strong": tagKeep, "code": tagKeep, "tt": tagKeep, "kbd": tagKeep, "var": tagKeep,
	"samp": tagKeep, "abbr": tagKeep, "cite": tagKeep, "q": tagKeep, "blockquote": tagKeep,
	"poem": tagKeep, "p": tagKeep, "dfn": tagKeep, "mark": tagKeep, "bdi": tagKeep, "bdo": tagKeep,
	"ruby": tagKeep, "rb": tagKeep, "rt": tagKeep, "rp": tagKeep, "wbr": tagKeep, "data": tagKeep,
	"time": tagKeep, "li": tagKeep, "ul": tagKeep, "ol": tagKeep, "dl": tagKeep, "dd": tagKeep,
	"dt": tagKeep, "h1": tagKeep, "h2": tagKeep, "h3": tagKeep, "h4": tagKeep, "h5": tagKeep,
	"h6": tagKeep, "caption": tagKeep, "langconvert": tagKeep,
	// A table written in HTML goes like a wikitext table.
	"table": tagDrop,
}

// parseTag reads the tag at s[i] == '<': its lower-cased name, where it
// ends (after '>'), whether it is a closing tag and whether it closes
// itself. ok is false when s[i:] is not a tag ("x < y").
func parseTag(s []byte, i int) (name string, end int, closing, self, ok bool) {
	j := i + 1
	if j < len(s) && s[j] == '/' {
		closing = true
		j++
	}
	k := j
	for k < len(s) && k-j < 20 && (s[k] >= 'a' && s[k] <= 'z' || s[k] >= 'A' && s[k] <= 'Z' || k > j && s[k] >= '0' && s[k] <= '9') {
		k++
	}
	if k == j || k >= len(s) {
		return "", 0, false, false, false
	}
	if c := s[k]; c != '>' && c != '/' && c != ' ' && c != '\t' && c != '\n' {
		return "", 0, false, false, false
	}
	name = lowerASCII(s[j:k])
	if _, known := tagKinds[name]; !known {
		return "", 0, false, false, false
	}
	// The tag ends at the next '>' (attribute values do not hold '>' in
	// practice: MediaWiki escapes them); a '<' or a long run first means it
	// was text.
	for e := k; e < len(s) && e-k < 4096; e++ {
		switch s[e] {
		case '>':
			return name, e + 1, closing, s[e-1] == '/', true
		case '<':
			return "", 0, false, false, false
		}
	}
	return "", 0, false, false, false
}

func lowerASCII(b []byte) string {
	for _, c := range b {
		if c >= 'A' && c <= 'Z' {
			l := make([]byte, len(b))
			for i, c := range b {
				if c >= 'A' && c <= 'Z' {
					c += 'a' - 'A'
				}
				l[i] = c
			}
			return string(l)
		}
	}
	return string(b)
}

// findClose returns where the closing tag </name> at or after from starts
// and ends, or -1. Its cache keeps the search linear over a page: a pass
// asks with a growing from, and a search that found nothing, or found a
// close at or after from, answers every later question up to that close.
func (c *Cleaner) findClose(s []byte, from int, name string) (start, end int) {
	if e, ok := c.closeCache[name]; ok && from >= e[1] && (e[0] < 0 || from <= e[0]) {
		if e[0] < 0 {
			return -1, -1
		}
		return e[0], e[0] + 3 + len(name) + tagTail(s[e[0]+2+len(name):])
	}
	for i := from; i < len(s); {
		k := indexByteFrom(s, i, '<')
		if k < 0 {
			break
		}
		if k+2+len(name) <= len(s) && s[k+1] == '/' && strings.EqualFold(string(s[k+2:k+2+len(name)]), name) {
			rest := s[k+2+len(name):]
			if len(rest) == 0 || rest[0] == '>' || rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\n' {
				c.closeCache[name] = [2]int{k, from}
				return k, k + 3 + len(name) + tagTail(rest)
			}
		}
		i = k + 1
	}
	c.closeCache[name] = [2]int{-1, from}
	return -1, -1
}

// tagTail is how many bytes of rest (just after "</name") belong to the
// closing tag before its '>' (a closing tag may hold spaces).
func tagTail(rest []byte) int {
	for i := 0; i < len(rest) && i < 64; i++ {
		if rest[i] == '>' {
			return i
		}
	}
	return 0
}

func indexByteFrom(s []byte, from int, c byte) int {
	if from >= len(s) {
		return -1
	}
	k := indexByte(s[from:], c)
	if k < 0 {
		return -1
	}
	return from + k
}

func indexByte(s []byte, c byte) int { return bytes.IndexByte(s, c) }

// verbatimEscapes neutralise wikitext markup inside <nowiki> and <pre>:
// later passes see entities, the last one decodes them back.
var verbatimEscapes = [256]string{
	'[': "&#91;", ']': "&#93;", '{': "&#123;", '}': "&#125;", '|': "&#124;", '\'': "&#39;",
	'<': "&lt;", '>': "&gt;", '_': "&#95;", '=': "&#61;", '*': "&#42;", '#': "&#35;",
	':': "&#58;", ';': "&#59;", '-': "&#45;",
}

func (c *Cleaner) passTags(src string, out []byte) []byte {
	s := unsafeBytes(src)
	i := 0
	for i < len(s) {
		j := indexByteFrom(s, i, '<')
		if j < 0 {
			out = append(out, s[i:]...)
			break
		}
		out = append(out, s[i:j]...)
		i = j
		if hasPrefix(s[i:], "<!--") {
			k := indexFrom(s, i+4, "-->")
			if k < 0 {
				i = len(s) // an unclosed comment hides the rest, as in MediaWiki
				break
			}
			i = k + 3
			continue
		}
		name, end, closing, self, ok := parseTag(s, i)
		if !ok {
			out = append(out, '<')
			i++
			continue
		}
		switch tagKinds[name] {
		case tagBreak:
			out = append(out, '\n')
			i = end
		case tagKeep:
			i = end
		case tagDrop, tagVerbatim:
			if closing || self {
				i = end // a stray closing tag, or <ref name="x" />, <references/>
				continue
			}
			cs, ce := c.findClose(s, end, name)
			if cs < 0 {
				i = end // unclosed: the tag alone goes
				continue
			}
			if tagKinds[name] == tagVerbatim {
				body := s[end:cs]
				if name == "pre" && len(body) > 0 && body[0] == '\n' {
					body = body[1:] // as HTML drops it
				}
				for _, b := range body {
					if e := verbatimEscapes[b]; e != "" {
						out = append(out, e...)
					} else {
						out = append(out, b)
					}
				}
			} else if c.collect && (name == "ref" || name == "references") {
				c.collectURLs(s[end:cs])
			}
			i = ce
		}
	}
	return out
}

// ---- pass 2: templates ----

// matchPairs finds the matching closer of every opener ("{{" / "}}", "[[" /
// "]]") in s with a bounded stack: opens lists every opener's offset in
// order, closes the offset just after its closer, or -1.
func (c *Cleaner) matchPairs(s []byte, open, close byte) {
	c.opens, c.closes, c.stack = c.opens[:0], c.closes[:0], c.stack[:0]
	for i := 0; i+1 < len(s); {
		switch {
		case s[i] == open && s[i+1] == open:
			if len(c.stack) >= maxDepth {
				i += 2
				continue
			}
			c.stack = append(c.stack, int32(len(c.opens)))
			c.opens = append(c.opens, int32(i))
			c.closes = append(c.closes, -1)
			i += 2
		case s[i] == close && s[i+1] == close && len(c.stack) > 0:
			k := c.stack[len(c.stack)-1]
			c.stack = c.stack[:len(c.stack)-1]
			c.closes[k] = int32(i + 2)
			i += 2
		default:
			i++
		}
	}
}

func (c *Cleaner) passTemplates(s []byte, out []byte) []byte {
	c.matchPairs(s, '{', '}')
	i := 0
	for k := 0; k < len(c.opens); {
		o := int(c.opens[k])
		if o < i {
			k++
			continue
		}
		out = append(out, s[i:o]...)
		if e := int(c.closes[k]); e >= 0 {
			if c.collect {
				c.collectURLs(s[o:e])
			}
			i = e
		} else {
			out = append(out, "{{"...)
			i = o + 2
		}
		k++
	}
	return append(out, s[i:]...)
}

// ---- language converter markup ----

// passConvert resolves MediaWiki's language converter markup, which the
// Serbian Wikipedia (written in Cyrillic and Latin) uses throughout:
// -{text}- is text shown as written, -{R|text}- (flags before a '|') the
// same, -{sr-ec:Ћирилица; sr-el:Latinica}- a choice of variants, of which
// the first is kept. A "-{" without its "}-" stays as text. Linear: every
// "}-" is looked for once, forwards.
func passConvert(s []byte, out []byte) []byte {
	i := 0
	closeAt := -1 // the next "}-" at or after the current "-{", or -1 past the end
	for {
		k := indexFrom(s, i, "-{")
		if k < 0 {
			break
		}
		out = append(out, s[i:k]...)
		if closeAt < k+2 && closeAt != -2 {
			closeAt = indexFrom(s, k+2, "}-")
			if closeAt < 0 {
				closeAt = -2 // none anywhere further
			}
		}
		if closeAt == -2 {
			i = k
			break
		}
		body := s[k+2 : closeAt]
		if p := indexByte(body, '|'); p > 0 && p <= 4 && isFlags(body[:p]) {
			body = body[p+1:]
		}
		body = firstVariant(body)
		out = append(out, trimSpace(body)...)
		i = closeAt + 2
	}
	return append(out, s[i:]...)
}

// isFlags: the converter's flags before '|' (R, H, A, T, D, -, ...).
func isFlags(b []byte) bool {
	for _, c := range b {
		if !(c >= 'A' && c <= 'Z' || c == '-' || c == ';') {
			return false
		}
	}
	return true
}

// firstVariant returns the text of the first "code: text;" variant of a
// converter rule, or b when it is not a list of variants.
func firstVariant(b []byte) []byte {
	t := trimLeftSpace(b)
	p := indexByte(t, ':')
	if p < 2 || p > 12 {
		return b
	}
	for j, c := range t[:p] {
		if !(c >= 'a' && c <= 'z' || c == '-' && j > 0) {
			return b
		}
	}
	v := t[p+1:]
	if e := indexByte(v, ';'); e >= 0 {
		v = v[:e]
	}
	return v
}

// ---- pass 3: tables ----

// passTables drops wikitext tables, nested, line by line: a table opens on
// a line starting "{|" (after indentation colons) and closes on one starting
// "|}". A table left open runs to the end of the page, as MediaWiki closes
// it there; a stray "|}" line goes.
func passTables(s []byte, out []byte) []byte {
	depth := 0
	for len(s) > 0 {
		line := s
		if k := indexByte(s, '\n'); k >= 0 {
			line, s = s[:k+1], s[k+1:]
		} else {
			s = nil
		}
		t := trimLeftSpace(line)
		for len(t) > 0 && t[0] == ':' {
			t = trimLeftSpace(t[1:])
		}
		switch {
		case hasPrefix(t, "{|"):
			depth++
		case hasPrefix(t, "|}"):
			if depth > 0 {
				depth--
			}
			if rest := trimSpace(t[2:]); depth == 0 && len(rest) > 0 {
				// Text after "|}" on its line is outside the table.
				out = append(append(out, rest...), '\n')
			}
		case depth == 0:
			out = append(out, line...)
		}
	}
	return out
}

// ---- pass 4: links and formatting ----

var inlineSpecial = [256]bool{'[': true, '\'': true, '_': true}

func (c *Cleaner) inline(s []byte, out []byte, depth int) []byte {
	// Links are matched once per call; labels are processed by recursion
	// on their own bytes, so the pairs below stay valid for this level.
	var opens, closes []int32
	if bytesContains(s, "[[") {
		c.matchPairs(s, '[', ']')
		opens = append([]int32(nil), c.opens...)
		closes = append([]int32(nil), c.closes...)
	}
	k := 0
	i := 0
	var ext extScan
	for i < len(s) {
		j := i
		for j < len(s) && !inlineSpecial[s[j]] {
			j++
		}
		out = append(out, s[i:j]...)
		i = j
		if i >= len(s) {
			break
		}
		switch s[i] {
		case '[':
			for k < len(opens) && int(opens[k]) < i {
				k++
			}
			if k < len(opens) && int(opens[k]) == i {
				e := int(closes[k])
				k++
				if e < 0 {
					out = append(out, "[["...)
					i += 2
					continue
				}
				out = c.link(s[i+2:e-2], out, depth)
				i = e
				continue
			}
			if n, lbl, ok := c.extLink(s, i, &ext); ok {
				if len(lbl) > 0 {
					if depth < maxLabelDepth {
						out = c.inline(lbl, out, depth+1)
					} else {
						out = append(out, lbl...)
					}
				}
				i = n
				continue
			}
			out = append(out, '[')
			i++
		case '\'':
			n := 0
			for i+n < len(s) && s[i+n] == '\'' {
				n++
			}
			switch {
			case n == 1:
				out = append(out, '\'')
			case n == 4:
				out = append(out, '\'') // an apostrophe, then bold
			case n > 5:
				for m := 0; m < n-5; m++ {
					out = append(out, '\'')
				}
			}
			i += n
		case '_':
			if n := magicWord(s[i:]); n > 0 {
				i += n
				continue
			}
			out = append(out, '_')
			i++
		}
	}
	return out
}

// magicWord returns the length of the behaviour switch at the start of s
// (__TOC__, __NOTOC__, __ОБЯЗАТЕЛЬНОЕ_ОГЛАВЛЕНИЕ__: upper-case letters and
// underscores between double underscores), or 0.
func magicWord(s []byte) int {
	if len(s) < 5 || s[0] != '_' || s[1] != '_' {
		return 0
	}
	i := 2
	for i < len(s) && i < 64 {
		if s[i] == '_' && i+1 < len(s) && s[i+1] == '_' {
			if i == 2 {
				return 0
			}
			return i + 2
		}
		r, n := utf8.DecodeRune(s[i:])
		if !(unicode.IsUpper(r) || r == '_' || unicode.IsDigit(r)) {
			return 0
		}
		i += n
	}
	return 0
}

// link writes the text of the internal link whose inside is in.
func (c *Cleaner) link(in []byte, out []byte, depth int) []byte {
	target, label, piped := in, []byte(nil), false
	if p := indexByte(in, '|'); p >= 0 {
		target, label, piped = in[:p], in[p+1:], true
	}
	target = trimSpace(target)
	visible := false
	if len(target) > 0 && target[0] == ':' {
		// [[:Category:X]] is a visible link to the category page.
		visible = true
		target = trimSpace(target[1:])
	}
	if !visible {
		if p := indexByte(target, ':'); p > 0 && c.dropNS[foldName(string(target[:p]))] {
			return out
		}
	}
	if piped && len(trimSpace(label)) > 0 {
		if depth < maxLabelDepth {
			return c.inline(label, out, depth+1)
		}
		return append(out, label...)
	}
	t := target
	if piped {
		// The pipe trick: [[Paris (France)|]] shows "Paris", [[w:Foo|]] "Foo".
		if p := indexByte(t, ':'); p >= 0 {
			t = t[p+1:]
		}
		if p := indexByte(t, '('); p > 0 {
			t = trimSpace(t[:p])
		}
	}
	for _, b := range t {
		if b == '_' {
			b = ' '
		}
		out = append(out, b)
	}
	return out
}

// urlSchemes are the protocols MediaWiki links in brackets
// ($wgUrlProtocols, the common ones).
var urlSchemes = []string{"http://", "https://", "ftp://", "ftps://", "//", "mailto:", "irc://", "ircs://", "news:", "gopher://", "sftp://", "telnet://", "urn:", "svn://", "git://", "worldwind://", "nntp://", "mms://"}

// extScan remembers the last search for an external link's closing ']' so
// that a line of many "[http://" without one is searched once, not once per
// bracket: a search from from ended at end (the ']' found, or the end of the
// line when closed is false); any later search starting in [from, end)
// ends there too.
type extScan struct {
	from, end int
	closed    bool
	valid     bool
}

// extLink reads the external link [url label] at s[i] == '['. It returns
// where it ends, its label (empty for a bare [url]) and false when s[i:] is
// not one (a '[' in prose).
func (c *Cleaner) extLink(s []byte, i int, sc *extScan) (int, []byte, bool) {
	rest := s[i+1:]
	ok := false
	for _, sc := range urlSchemes {
		if len(rest) >= len(sc) && strings.EqualFold(string(rest[:len(sc)]), sc) {
			ok = true
			break
		}
	}
	if !ok {
		return 0, nil, false
	}
	end := -1
	if sc.valid && i+1 >= sc.from && i+1 <= sc.end {
		if !sc.closed {
			return 0, nil, false
		}
		end = sc.end - (i + 1)
	} else {
		stop := len(rest)
		for j, b := range rest {
			if b == ']' {
				end = j
				break
			}
			if b == '\n' {
				stop = j
				break
			}
		}
		*sc = extScan{from: i + 1, end: i + 1 + stop, valid: true}
		if end >= 0 {
			sc.end, sc.closed = i+1+end, true
		}
		if end < 0 {
			return 0, nil, false
		}
	}
	inner := rest[:end]
	u, lbl := inner, []byte(nil)
	for j, b := range inner {
		if b == ' ' || b == '\t' {
			u, lbl = inner[:j], trimSpace(inner[j+1:])
			break
		}
	}
	if c.collect {
		c.addURL(string(u))
	}
	return i + 1 + end + 1, lbl, true
}

// ---- pass 5: lines ----

func passLines(s []byte, out []byte) []byte {
	skipLevel := 0     // >0: inside a dropped section of this level
	var pending []byte // a heading waiting for text under it
	pendingLevel := 0  //
	blank := false     // a blank line is due before the next text
	for len(s) > 0 {
		line := s
		if k := indexByte(s, '\n'); k >= 0 {
			line, s = s[:k], s[k+1:]
		} else {
			s = nil
		}
		line = trimSpace(line)
		if lvl, title, ok := heading(line); ok {
			if skipLevel > 0 && lvl > skipLevel {
				continue
			}
			skipLevel = 0
			if pending != nil && lvl > pendingLevel {
				// A subsection keeps its parent's heading waiting.
			} else {
				pending = nil
			}
			if dropSections[foldSection(title)] {
				skipLevel = lvl
				pending = nil
				continue
			}
			if pending == nil {
				pending = append([]byte(nil), title...)
			} else {
				pending = append(append(pending, '\n'), title...)
			}
			pendingLevel = lvl
			continue
		}
		if skipLevel > 0 {
			continue
		}
		// List and indentation markers; a definition term keeps its text.
		for len(line) > 0 && (line[0] == '*' || line[0] == '#' || line[0] == ':' || line[0] == ';') {
			line = trimLeftSpace(line[1:])
		}
		if len(line) >= 4 && allByte(line, '-') {
			line = nil
		}
		line = tidy(line)
		if len(line) == 0 {
			blank = len(out) > 0
			continue
		}
		if pending != nil {
			if len(out) > 0 {
				out = append(out, '\n', '\n')
			}
			out = append(out, pending...)
			pending = nil
			blank = true
		}
		if len(out) > 0 {
			out = append(out, '\n')
			if blank {
				out = append(out, '\n')
			}
		}
		blank = false
		out = append(out, line...)
	}
	return out
}

// heading recognises "== Title ==" (levels 1 to 6).
func heading(line []byte) (int, []byte, bool) {
	if len(line) < 3 || line[0] != '=' || line[len(line)-1] != '=' {
		return 0, nil, false
	}
	l, r := 0, 0
	for l < len(line) && line[l] == '=' {
		l++
	}
	for r < len(line) && line[len(line)-1-r] == '=' {
		r++
	}
	if l+r >= len(line) {
		return 0, nil, false
	}
	lvl := min(l, r, 6)
	title := trimSpace(line[lvl : len(line)-lvl])
	if len(title) == 0 {
		return 0, nil, false
	}
	return lvl, tidy(title), true
}

func foldSection(title []byte) string {
	return strings.ToLower(strings.TrimRight(strings.TrimSpace(string(title)), ":"))
}

// tidy collapses runs of spaces and removes what removed markup leaves
// behind: a space before "," or ".", empty parentheses.
func tidy(line []byte) []byte {
	w := 0
	for i := 0; i < len(line); i++ {
		b := line[i]
		if b == '\t' {
			b = ' '
		}
		if b == ' ' && (w == 0 || line[w-1] == ' ') {
			continue
		}
		if (b == ',' || b == '.') && w > 0 && line[w-1] == ' ' {
			w--
		}
		if b == ')' {
			// "( )", "(, )", "(; )" left by a removed template.
			k := w - 1
			for k >= 0 && (line[k] == ' ' || line[k] == ',' || line[k] == ';') {
				k--
			}
			if k >= 0 && line[k] == '(' {
				w = k
				for w > 0 && line[w-1] == ' ' {
					w--
				}
				continue
			}
		}
		line[w] = b
		w++
	}
	return trimSpace(line[:w])
}

// ---- small helpers ----

func hasPrefix(s []byte, p string) bool { return len(s) >= len(p) && string(s[:len(p)]) == p }

func bytesContains(s []byte, p string) bool { return indexFrom(s, 0, p) >= 0 }

func indexFrom(s []byte, from int, p string) int {
	if from > len(s) {
		return -1
	}
	if k := strings.Index(unsafeString(s[from:]), p); k >= 0 {
		return from + k
	}
	return -1
}

func trimLeftSpace(s []byte) []byte {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r') {
		s = s[1:]
	}
	return s
}

func trimSpace(s []byte) []byte {
	s = trimLeftSpace(s)
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t' || s[len(s)-1] == '\r' || s[len(s)-1] == '\n') {
		s = s[:len(s)-1]
	}
	return s
}

func allByte(s []byte, c byte) bool {
	for _, b := range s {
		if b != c {
			return false
		}
	}
	return true
}
