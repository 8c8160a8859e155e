package stackexchange

import (
	"html"
	"strconv"
	"strings"
)

// HTMLToText renders a post's HTML body (as the dump stores it, already
// decoded from its XML attribute) as plain text. The layout, which the
// package documentation gives in full, is:
//
//   - Blocks (paragraphs, headings, code blocks, lists, tables, quotes) are
//     separated by one blank line; inside a list, items and the blocks in
//     an item are separated by a single line break.
//   - Text outside <pre> has its runs of whitespace collapsed to one space
//     and trimmed at the ends of lines, as a browser shows it; <br> breaks
//     the line (a run of them leaves one empty line at most).
//   - <pre> (with or without <code>) is kept verbatim: tags inside it are
//     removed, entities decoded, every space, tab and line kept, except the
//     empty lines at the start and the end of the block.
//   - Inline code, emphasis, links and other inline elements keep their text
//     and lose their markup (a link's target is dropped); images are dropped
//     with their alt text; <script>, <style> and comments are dropped.
//   - List items start with "- " (<ul>) or "N. " (<ol>, counting from its
//     start attribute); their further lines, nested lists included, are
//     indented by the marker's width.
//   - Every line of a <blockquote> starts with "> " (">" for a blank line).
//   - A table row is one line, its cells separated by " | ".
//   - Entities are decoded as HTML5 does (named, decimal, hexadecimal).
func HTMLToText(body string) string {
	var c htmlConverter
	return c.convert(body)
}

// htmlConverter holds the buffers of HTMLToText for reuse across posts.
type htmlConverter struct {
	out       []byte
	line      []byte // the current block's inline text; '\n' from <br>
	lineStart int    // start of the current line in line
	space     bool   // a collapsed space is pending
	stack     []container
	listSeq   int
	prevList  int    // list id of the last block emitted (0: not in a list)
	prevCont  string // continuation prefix of the last block emitted
	any       bool   // a block has been emitted
	pre       int    // depth of <pre>
	preFirst  bool   // right after <pre>: a line break here is dropped
	preBuf    []byte
	skipUntil string // inside <script> or <style>: the end tag sought
	cells     []int  // per open table: cells seen in the current row
	ent       []byte // entity decoding scratch
}

type container struct {
	kind   byte // 'q' blockquote, 'u' ul, 'o' ol, 'l' li
	n      int  // ol: the next item's number
	marker string
	used   bool // li: its marker was written
	listID int  // outermost list this container belongs to
}

func (c *htmlConverter) reset() {
	c.out = c.out[:0]
	c.line = c.line[:0]
	c.lineStart, c.space = 0, false
	c.stack = c.stack[:0]
	c.listSeq, c.prevList, c.prevCont, c.any = 0, 0, "", false
	c.pre, c.preFirst = 0, false
	c.preBuf = c.preBuf[:0]
	c.skipUntil = ""
	c.cells = c.cells[:0]
}

func (c *htmlConverter) convert(h string) string {
	c.reset()
	// The HTML input stream's newline normalization: CR LF and lone CR are
	// LF.
	if strings.IndexByte(h, '\r') >= 0 {
		h = strings.ReplaceAll(h, "\r\n", "\n")
		h = strings.ReplaceAll(h, "\r", "\n")
	}
	for i := 0; i < len(h); {
		if c.skipUntil != "" {
			j := indexFold(h[i:], c.skipUntil)
			if j < 0 {
				break
			}
			i += j
			c.skipUntil = ""
			continue
		}
		lt := strings.IndexByte(h[i:], '<')
		if lt < 0 {
			c.text(h[i:])
			break
		}
		if lt > 0 {
			c.text(h[i : i+lt])
			i += lt
		}
		n := c.tag(h[i:])
		if n == 0 { // a '<' that starts no tag is text
			c.text("<")
			n = 1
		}
		i += n
	}
	if c.pre > 0 {
		c.pre = 1
		c.endPre()
	}
	c.flush()
	return string(c.out)
}

// indexFold finds the end tag t ("</script") in s, ASCII case-insensitively.
func indexFold(s, t string) int {
	for i := 0; i+len(t) <= len(s); i++ {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 {
			return -1
		}
		i += j
		if i+len(t) <= len(s) && strings.EqualFold(s[i:i+len(t)], t) {
			return i
		}
	}
	return -1
}

func isLetter(b byte) bool { return b|0x20 >= 'a' && b|0x20 <= 'z' }

// tag handles the markup at s[0] == '<' and returns its length, or 0 when
// the '<' starts no tag (it is then text, as in a browser).
func (c *htmlConverter) tag(s string) int {
	if len(s) < 2 {
		return 0
	}
	switch {
	case strings.HasPrefix(s, "<!--"):
		c.preFirst = false
		// A comment ends at "-->"; an unterminated one runs to the end.
		if j := strings.Index(s[4:], "-->"); j >= 0 {
			return 4 + j + 3
		}
		if strings.HasPrefix(s[4:], ">") {
			return 5
		}
		if strings.HasPrefix(s[4:], "->") {
			return 6
		}
		return len(s)
	case s[1] == '!' || s[1] == '?':
		// Doctype, CDATA in HTML, processing instruction: bogus comments
		// up to the next '>'.
		c.preFirst = false
		if j := strings.IndexByte(s, '>'); j >= 0 {
			return j + 1
		}
		return len(s)
	}
	end := false
	i := 1
	if s[1] == '/' {
		end = true
		i = 2
	}
	if i >= len(s) || !isLetter(s[i]) {
		if end && i < len(s) && s[i] == '>' {
			return 3 // "</>" is ignored
		}
		return 0
	}
	ns := i
	for i < len(s) && s[i] != '>' && s[i] != '/' && !isHTMLSpace(s[i]) {
		i++
	}
	name := strings.ToLower(s[ns:i])
	// Attributes, to the closing '>' (quotes may hold '>').
	as := i
	for i < len(s) && s[i] != '>' {
		if q := s[i]; q == '"' || q == '\'' {
			if k := strings.IndexByte(s[i+1:], q); k >= 0 {
				i += k + 2
				continue
			}
			return len(s) // EOF in a tag: the tag is dropped
		}
		i++
	}
	if i >= len(s) {
		return len(s)
	}
	attrs := s[as:i]
	c.element(name, attrs, end)
	return i + 1
}

func isHTMLSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\f' || b == '\r' }

// attr returns the value of attribute key in a tag's attribute text.
func attr(attrs, key string) (string, bool) {
	i := 0
	for i < len(attrs) {
		for i < len(attrs) && (isHTMLSpace(attrs[i]) || attrs[i] == '/') {
			i++
		}
		ns := i
		for i < len(attrs) && attrs[i] != '=' && !isHTMLSpace(attrs[i]) && attrs[i] != '/' {
			i++
		}
		name := attrs[ns:i]
		for i < len(attrs) && isHTMLSpace(attrs[i]) {
			i++
		}
		val := ""
		if i < len(attrs) && attrs[i] == '=' {
			i++
			for i < len(attrs) && isHTMLSpace(attrs[i]) {
				i++
			}
			if i < len(attrs) && (attrs[i] == '"' || attrs[i] == '\'') {
				q := attrs[i]
				k := strings.IndexByte(attrs[i+1:], q)
				if k < 0 {
					k = len(attrs) - i - 1
				}
				val = attrs[i+1 : i+1+k]
				i += k + 2
			} else {
				vs := i
				for i < len(attrs) && !isHTMLSpace(attrs[i]) {
					i++
				}
				val = attrs[vs:i]
			}
		}
		if name == "" {
			i++
			continue
		}
		if strings.EqualFold(name, key) {
			return html.UnescapeString(val), true
		}
	}
	return "", false
}

// blockTags are the elements that start and end a block.
var blockTags = map[string]bool{
	"p": true, "div": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"hr": true, "dl": true, "dt": true, "dd": true, "section": true, "article": true, "header": true,
	"footer": true, "aside": true, "nav": true, "main": true, "details": true, "summary": true,
	"figure": true, "figcaption": true, "center": true, "address": true, "form": true,
	"fieldset": true, "legend": true, "caption": true,
}

func (c *htmlConverter) element(name, attrs string, end bool) {
	c.preFirst = false
	if c.pre > 0 {
		switch name {
		case "pre":
			if end {
				c.pre--
				if c.pre == 0 {
					c.endPre()
				}
			} else {
				c.pre++
			}
		case "br":
			if !end {
				c.preBuf = append(c.preBuf, '\n')
			}
		}
		return
	}
	switch name {
	case "br":
		if !end {
			c.lineBreak()
		}
		return
	case "script", "style":
		if !end {
			c.skipUntil = "</" + name
		}
		return
	case "pre":
		if !end {
			c.flush()
			c.pre = 1
			c.preFirst = true
			c.preBuf = c.preBuf[:0]
		}
		return
	case "ul", "ol":
		c.flush()
		if end {
			c.popTo(name[0])
			return
		}
		ct := container{kind: name[0], n: 1, listID: c.curList()}
		if name == "ol" {
			if v, ok := attr(attrs, "start"); ok {
				if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
					ct.n = n
				}
			}
		}
		if ct.listID == 0 {
			c.listSeq++
			ct.listID = c.listSeq
		}
		c.stack = append(c.stack, ct)
		return
	case "li":
		c.flush()
		if end {
			c.popTo('l')
			return
		}
		if n := len(c.stack); n > 0 && c.stack[n-1].kind == 'l' {
			c.stack = c.stack[:n-1] // an unclosed <li> ends at the next
		}
		ct := container{kind: 'l', marker: "- "}
		if l := c.nearestList(); l >= 0 {
			ct.listID = c.stack[l].listID
			if c.stack[l].kind == 'o' {
				ct.marker = strconv.Itoa(c.stack[l].n) + ". "
				c.stack[l].n++
			}
		} else if ct.listID = c.curList(); ct.listID == 0 {
			c.listSeq++
			ct.listID = c.listSeq
		}
		c.stack = append(c.stack, ct)
		return
	case "blockquote":
		c.flush()
		if end {
			c.popTo('q')
			return
		}
		c.stack = append(c.stack, container{kind: 'q', listID: c.curList()})
		return
	case "tr":
		if len(c.cells) > 0 {
			if len(c.line) > c.lineStart {
				c.lineBreak()
			}
			c.cells[len(c.cells)-1] = 0
		} else {
			c.flush()
		}
		return
	case "td", "th":
		if !end && len(c.cells) > 0 {
			if c.cells[len(c.cells)-1] > 0 {
				c.line = append(c.line, " | "...)
				c.space = false
			}
			c.cells[len(c.cells)-1]++
		}
		return
	case "table":
		c.flush()
		if end {
			if len(c.cells) > 0 {
				c.cells = c.cells[:len(c.cells)-1]
			}
		} else {
			c.cells = append(c.cells, 0)
		}
		return
	}
	if blockTags[name] {
		c.flush()
	}
}

// nearestList returns the index of the innermost open list, or -1.
func (c *htmlConverter) nearestList() int {
	for i := len(c.stack) - 1; i >= 0; i-- {
		if k := c.stack[i].kind; k == 'u' || k == 'o' {
			return i
		}
	}
	return -1
}

// curList is the id of the outermost list enclosing the current position.
func (c *htmlConverter) curList() int {
	for _, ct := range c.stack {
		if ct.listID != 0 {
			return ct.listID
		}
	}
	return 0
}

// popTo closes the innermost open container of kind k and everything inside
// it; an end tag with no open element is ignored. A list's end also closes
// its items, and an item's end does not close an enclosing list.
func (c *htmlConverter) popTo(k byte) {
	for i := len(c.stack) - 1; i >= 0; i-- {
		kind := c.stack[i].kind
		if kind == k {
			c.stack = c.stack[:i]
			return
		}
		if k == 'l' && (kind == 'u' || kind == 'o') {
			return
		}
	}
}

func (c *htmlConverter) text(s string) {
	if strings.IndexByte(s, '&') >= 0 {
		c.ent = unescapeHTML(c.ent[:0], s)
		s = bytesView(c.ent)
	}
	if c.pre > 0 {
		if c.preFirst && strings.HasPrefix(s, "\n") {
			s = s[1:]
		}
		c.preFirst = false
		c.preBuf = append(c.preBuf, s...)
		return
	}
	for i := 0; i < len(s); {
		if isHTMLSpace(s[i]) {
			if len(c.line) > c.lineStart {
				c.space = true
			}
			i++
			continue
		}
		j := i + 1
		for j < len(s) && !isHTMLSpace(s[j]) {
			j++
		}
		if c.space {
			c.line = append(c.line, ' ')
			c.space = false
		}
		c.line = append(c.line, s[i:j]...)
		i = j
	}
}

// lineBreak ends the current line; a run of <br> leaves at most one empty
// line.
func (c *htmlConverter) lineBreak() {
	if n := len(c.line); n >= 2 && c.line[n-1] == '\n' && c.line[n-2] == '\n' {
		return
	}
	c.line = append(c.line, '\n')
	c.lineStart = len(c.line)
	c.space = false
}

// flush emits the inline text gathered so far as a block.
func (c *htmlConverter) flush() {
	if len(c.line) > 0 {
		if t := strings.Trim(bytesView(c.line), "\n"); t != "" {
			c.emit(t) // emit copies t into out before line is reused
		}
	}
	c.line = c.line[:0]
	c.lineStart, c.space = 0, false
}

func (c *htmlConverter) endPre() {
	c.pre = 0
	if t := strings.Trim(bytesView(c.preBuf), "\n"); strings.TrimSpace(t) != "" {
		c.emit(t) // emit copies t into out before preBuf is reused
	}
	c.preBuf = c.preBuf[:0]
}

// emit writes a block of lines with the separator and line prefixes its
// place calls for.
func (c *htmlConverter) emit(block string) {
	cur := c.curList()
	cont := c.prefix(false)
	if c.any {
		if c.prevList != 0 && c.prevList == cur {
			c.out = append(c.out, '\n')
		} else {
			c.out = append(c.out, '\n')
			c.out = append(c.out, strings.TrimRight(commonPrefix(c.prevCont, cont), " ")...)
			c.out = append(c.out, '\n')
		}
	}
	for i := 0; ; i++ {
		nl := strings.IndexByte(block, '\n')
		ln := block
		if nl >= 0 {
			ln = block[:nl]
		}
		if i > 0 {
			c.out = append(c.out, '\n')
		}
		p := c.prefix(true)
		if ln == "" {
			p = strings.TrimRight(p, " ")
		}
		c.out = append(c.out, p...)
		c.out = append(c.out, ln...)
		if nl < 0 {
			break
		}
		block = block[nl+1:]
	}
	c.any = true
	c.prevList = cur
	c.prevCont = cont
}

// prefix is the start of the next line: "> " per quote, and per list item
// its marker on the item's first line (use set; the marker then counts as
// written) and spaces of the marker's width otherwise.
func (c *htmlConverter) prefix(use bool) string {
	if len(c.stack) == 0 {
		return ""
	}
	var b strings.Builder
	for i := range c.stack {
		ct := &c.stack[i]
		switch ct.kind {
		case 'q':
			b.WriteString("> ")
		case 'l':
			if use && !ct.used {
				b.WriteString(ct.marker)
				ct.used = true
			} else {
				b.WriteString(strings.Repeat(" ", len(ct.marker)))
			}
		}
	}
	return b.String()
}

func commonPrefix(a, b string) string {
	n := min(len(a), len(b))
	i := 0
	for i < n && a[i] == b[i] {
		i++
	}
	return a[:i]
}

// unescapeHTML appends s with its character references decoded to out,
// exactly as html.UnescapeString decodes them: the five references posts
// are full of are decoded here, every other one by html.UnescapeString on
// the text from its '&' to the next '&' (a reference never reaches past
// one), which gives the same result as decoding the whole.
func unescapeHTML(out []byte, s string) []byte {
	for {
		i := strings.IndexByte(s, '&')
		if i < 0 {
			return append(out, s...)
		}
		out = append(out, s[:i]...)
		s = s[i:]
		switch {
		case strings.HasPrefix(s, "&lt;"):
			out, s = append(out, '<'), s[4:]
		case strings.HasPrefix(s, "&gt;"):
			out, s = append(out, '>'), s[4:]
		case strings.HasPrefix(s, "&amp;"):
			out, s = append(out, '&'), s[5:]
		case strings.HasPrefix(s, "&quot;"):
			out, s = append(out, '"'), s[6:]
		case strings.HasPrefix(s, "&#39;"):
			out, s = append(out, '\''), s[5:]
		default:
			j := strings.IndexByte(s[1:], '&')
			if j < 0 {
				j = len(s)
			} else {
				j++
			}
			out = append(out, html.UnescapeString(s[:j])...)
			s = s[j:]
		}
	}
}
