package stackexchange

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// Sentinel causes of a malformed row; each is reported wrapped in a
// pipeline.CorruptError whose reason is the text after "stackexchange: ".
var (
	ErrRowSyntax    = errors.New("stackexchange: malformed row")
	ErrEntity       = errors.New("stackexchange: bad entity reference")
	ErrRowUTF8      = errors.New("stackexchange: invalid UTF-8 in row")
	ErrRowTooLong   = errors.New("stackexchange: row longer than the limit")
	ErrRowTruncated = errors.New("stackexchange: file ends inside a row")
)

// MaxRowBytes bounds one <row/> element. Stack Overflow's longest post is
// about 30,000 characters of Markdown, a few hundred KB once rendered and
// escaped; a row past this bound is garbage (an unclosed element), and is
// reported and skipped rather than buffered.
const MaxRowBytes = 64 << 20

// Attrs are the attributes of a Posts.xml row the source uses, decoded:
// XML entity and character references replaced, literal tabs and line
// breaks normalized to spaces as XML attribute-value normalization does (a
// line break the dump wrote as &#xA; stays a line break). Body, the largest,
// is not copied into a string: it points into the scanner's buffers and is
// valid until the next Scan.
type Attrs struct {
	Id, PostTypeId, ParentId, Score int64
	HasId, HasPostType, HasParent   bool
	HasScore, HasTitle              bool
	Title, Tags, CreationDate       string
	Body                            []byte
}

// RowScanner reads the <row .../> elements of a StackExchange dump table
// (Posts.xml and its siblings share the layout: an XML declaration, a root
// element, one self-closing row element per line). It does not build a
// tree: it finds each "<row", scans its attributes by hand, and decodes only
// those it returns, which makes it an order of magnitude faster than an XML
// parser while still rejecting what an XML parser would reject inside a row
// (unquoted or unterminated values, '<' in a value, bad or undefined entity
// references, character references to characters XML forbids, invalid
// UTF-8).
//
// Use it like bufio.Scanner: Scan, then Attrs or RowErr; Err after Scan
// returns false. The Attrs returned are overwritten by the next Scan.
type RowScanner struct {
	r     io.Reader
	buf   []byte
	start int   // first unconsumed byte in buf
	end   int   // end of valid data in buf
	base  int64 // stream offset of buf[0]
	eof   bool
	err   error // read error (not io.EOF)

	index  int64 // index of the next row
	rowIdx int64
	rowOff int64
	rowErr error
	attrs  Attrs
	scr    []byte // decoding scratch
	body   []byte // the Body's decoding scratch
	spans  []span
}

type span struct{ name, val []byte }

// NewRowScanner returns a scanner over r (decompressed bytes).
func NewRowScanner(r io.Reader) *RowScanner {
	return &RowScanner{r: r, buf: make([]byte, 64<<10)}
}

// RowIndex is the 0-based index of the last row scanned among the file's
// rows (malformed ones included).
func (s *RowScanner) RowIndex() int64 { return s.rowIdx }

// RowOffset is the byte offset of the last row's "<row" in the stream.
func (s *RowScanner) RowOffset() int64 { return s.rowOff }

// RowErr is non-nil when the last row scanned is malformed; its Attrs are
// then meaningless.
func (s *RowScanner) RowErr() error { return s.rowErr }

// Attrs returns the last row's attributes.
func (s *RowScanner) Attrs() *Attrs { return &s.attrs }

// Err returns the first read error; nil at a clean end or at the end of a
// file cut inside a row (which Scan reports as a row with ErrRowTruncated).
func (s *RowScanner) Err() error { return s.err }

// Offset is how many bytes of the stream the scanner has consumed.
func (s *RowScanner) Offset() int64 { return s.base + int64(s.start) }

// fill reads more input, keeping buf[s.start:]; it returns false when no
// byte could be added (end of input, error, or the buffer at its limit).
func (s *RowScanner) fill() bool {
	if s.eof || s.err != nil {
		return false
	}
	if s.start > 0 {
		n := copy(s.buf, s.buf[s.start:s.end])
		s.base += int64(s.start)
		s.end = n
		s.start = 0
	}
	if s.end == len(s.buf) {
		if len(s.buf) >= MaxRowBytes+16 {
			return false
		}
		nb := make([]byte, min(2*len(s.buf), MaxRowBytes+16))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for tries := 0; tries < 100; tries++ {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err == io.EOF {
			s.eof = true
			return n > 0
		}
		if err != nil {
			s.err = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	s.err = io.ErrNoProgress
	return false
}

var rowOpen = []byte("<row")

// Scan advances to the next row. It returns false at the end of the input or
// on a read error.
func (s *RowScanner) Scan() bool {
	for {
		i := bytes.Index(s.buf[s.start:s.end], rowOpen)
		if i < 0 {
			// Keep the last 3 bytes: "<ro" may continue in the next read.
			if keep := s.end - 3; keep > s.start {
				s.start = keep
			}
			if !s.fill() {
				s.start = s.end
				return false
			}
			continue
		}
		s.start += i
		// "<row" must be followed by whitespace, "/" or ">" ("<rows>" is
		// another element).
		truncated := false
		for s.start+4 >= s.end {
			if !s.fill() {
				truncated = true
				break
			}
		}
		if truncated {
			if s.err != nil {
				return false
			}
			s.rowIdx, s.rowOff, s.rowErr = s.index, s.base+int64(s.start), ErrRowTruncated
			s.index++
			s.start = s.end
			return true
		}
		if c := s.buf[s.start+4]; !isSpace(c) && c != '/' && c != '>' {
			s.start += 4
			continue
		}
		s.rowIdx = s.index
		s.index++
		s.rowOff = s.base + int64(s.start)
		n, err := s.parse(s.buf[s.start:s.end])
		for err == errNeedMore {
			if s.end-s.start > MaxRowBytes {
				err = fmt.Errorf("%w (%d bytes)", ErrRowTooLong, MaxRowBytes)
				break
			}
			if !s.fill() {
				if s.err != nil {
					return false
				}
				if s.end-s.start > MaxRowBytes {
					err = fmt.Errorf("%w (%d bytes)", ErrRowTooLong, MaxRowBytes)
				} else {
					err = ErrRowTruncated
				}
				break
			}
			n, err = s.parse(s.buf[s.start:s.end])
		}
		if err != nil {
			s.rowErr = err
			if err == ErrRowTruncated {
				s.start = s.end
			} else {
				s.start += 4 // resync at the next "<row"
			}
			return true
		}
		s.rowErr = nil
		row := s.buf[s.start : s.start+n]
		s.start += n
		if err := s.decode(row); err != nil {
			s.rowErr = err
		}
		return true
	}
}

var errNeedMore = errors.New("need more input")

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// parse finds the extent of the row starting at b[0] ("<row") and its
// attribute spans; it returns the row's length, or errNeedMore when b ends
// before the row does.
func (s *RowScanner) parse(b []byte) (int, error) {
	s.spans = s.spans[:0]
	i := 4
	for {
		sp := i
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		if i >= len(b) {
			return 0, errNeedMore
		}
		switch b[i] {
		case '/':
			if i+1 >= len(b) {
				return 0, errNeedMore
			}
			if b[i+1] != '>' {
				return 0, fmt.Errorf("%w: '/' not followed by '>'", ErrRowSyntax)
			}
			return i + 2, nil
		case '>':
			// <row ...></row>
			j := i + 1
			for j < len(b) && isSpace(b[j]) {
				j++
			}
			if len(b)-j < 6 {
				return 0, errNeedMore
			}
			if !bytes.HasPrefix(b[j:], []byte("</row")) {
				return 0, fmt.Errorf("%w: row element has content", ErrRowSyntax)
			}
			j += 5
			for j < len(b) && isSpace(b[j]) {
				j++
			}
			if j >= len(b) {
				return 0, errNeedMore
			}
			if b[j] != '>' {
				return 0, fmt.Errorf("%w: bad </row>", ErrRowSyntax)
			}
			return j + 1, nil
		}
		if sp == i {
			return 0, fmt.Errorf("%w: no space before attribute", ErrRowSyntax)
		}
		ns := i
		for i < len(b) && b[i] != '=' && !isSpace(b[i]) && b[i] != '/' && b[i] != '>' && b[i] != '<' && b[i] != '"' && b[i] != '\'' {
			i++
		}
		if i >= len(b) {
			return 0, errNeedMore
		}
		name := b[ns:i]
		if len(name) == 0 {
			return 0, fmt.Errorf("%w: unexpected %q", ErrRowSyntax, b[i])
		}
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		if i >= len(b) {
			return 0, errNeedMore
		}
		if b[i] != '=' {
			return 0, fmt.Errorf("%w: attribute %s without a value", ErrRowSyntax, name)
		}
		i++
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		if i >= len(b) {
			return 0, errNeedMore
		}
		q := b[i]
		if q != '"' && q != '\'' {
			return 0, fmt.Errorf("%w: attribute %s value not quoted", ErrRowSyntax, name)
		}
		i++
		vs := i
		// A value ends at its quote; '<' is not allowed in one, so finding
		// it means the quote is missing (and the next row has begun).
		for i < len(b) && b[i] != q && b[i] != '<' {
			i++
		}
		if i >= len(b) {
			return 0, errNeedMore
		}
		if b[i] == '<' {
			return 0, fmt.Errorf("%w: '<' in attribute %s (unterminated value?)", ErrRowSyntax, name)
		}
		s.spans = append(s.spans, span{name, b[vs:i]})
		i++
	}
}

// decode checks the row's UTF-8 and entity references and fills s.attrs.
func (s *RowScanner) decode(row []byte) error {
	if !utf8.Valid(row) {
		return ErrRowUTF8
	}
	a := &s.attrs
	*a = Attrs{}
	for _, sp := range s.spans {
		var err error
		switch string(sp.name) {
		case "Id":
			a.Id, a.HasId, err = s.intAttr(sp)
		case "PostTypeId":
			a.PostTypeId, a.HasPostType, err = s.intAttr(sp)
		case "ParentId":
			a.ParentId, a.HasParent, err = s.intAttr(sp)
		case "Score":
			a.Score, a.HasScore, err = s.intAttr(sp)
		case "Title":
			a.Title, err = s.str(sp.val)
			a.HasTitle = true
		case "Body":
			a.Body = sp.val
			if bytes.IndexByte(sp.val, '&') >= 0 || hasLiteralSpace(sp.val) {
				s.body, err = unescape(s.body[:0], sp.val)
				a.Body = s.body
			}
		case "Tags":
			a.Tags, err = s.str(sp.val)
		case "CreationDate":
			a.CreationDate, err = s.str(sp.val)
		default:
			if bytes.IndexByte(sp.val, '&') >= 0 {
				s.scr, err = unescape(s.scr[:0], sp.val)
			}
		}
		if err != nil {
			return fmt.Errorf("attribute %s: %w", sp.name, err)
		}
	}
	return nil
}

func (s *RowScanner) intAttr(sp span) (int64, bool, error) {
	v := sp.val
	if bytes.IndexByte(v, '&') >= 0 || bytes.ContainsAny(v, " \t\r\n") {
		d, err := unescape(s.scr[:0], v)
		s.scr = d
		if err != nil {
			return 0, false, err
		}
		v = bytes.TrimSpace(d)
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("%w: not an integer: %q", ErrRowSyntax, v)
	}
	return n, true, nil
}

func (s *RowScanner) str(v []byte) (string, error) {
	if bytes.IndexByte(v, '&') < 0 && !hasLiteralSpace(v) {
		return string(v), nil
	}
	d, err := unescape(s.scr[:0], v)
	s.scr = d
	return string(d), err
}

func hasLiteralSpace(v []byte) bool {
	for _, c := range v {
		if c == '\n' || c == '\r' || c == '\t' {
			return true
		}
	}
	return false
}

// unescape appends the decoded attribute value v to out: the five
// predefined entities, decimal and hexadecimal character references to
// characters XML allows, and attribute-value normalization of literal
// whitespace (a CR LF pair is one line break, and every line break or tab
// becomes a space).
func unescape(out, v []byte) ([]byte, error) {
	for i := 0; i < len(v); {
		c := v[i]
		switch c {
		case '\r':
			out = append(out, ' ')
			i++
			if i < len(v) && v[i] == '\n' {
				i++
			}
			continue
		case '\n', '\t':
			out = append(out, ' ')
			i++
			continue
		case '&':
		default:
			j := i + 1
			for j < len(v) && v[j] != '&' && v[j] != '\r' && v[j] != '\n' && v[j] != '\t' {
				j++
			}
			out = append(out, v[i:j]...)
			i = j
			continue
		}
		semi := bytes.IndexByte(v[i:min(len(v), i+12)], ';')
		if semi < 0 {
			return out, fmt.Errorf("%w: unterminated %q", ErrEntity, v[i:min(len(v), i+12)])
		}
		ref := v[i+1 : i+semi]
		i += semi + 1
		switch string(ref) {
		case "lt":
			out = append(out, '<')
			continue
		case "gt":
			out = append(out, '>')
			continue
		case "amp":
			out = append(out, '&')
			continue
		case "quot":
			out = append(out, '"')
			continue
		case "apos":
			out = append(out, '\'')
			continue
		}
		if len(ref) < 2 || ref[0] != '#' {
			return out, fmt.Errorf("%w: undefined entity &%s;", ErrEntity, ref)
		}
		r, ok := charRef(ref[1:])
		if !ok {
			return out, fmt.Errorf("%w: &%s;", ErrEntity, ref)
		}
		out = utf8.AppendRune(out, r)
	}
	return out, nil
}

// charRef parses the digits of a character reference ("38", "x26") and
// checks that XML 1.0 allows the character (production [2] Char).
func charRef(d []byte) (rune, bool) {
	base := 10
	if len(d) > 0 && d[0] == 'x' { // XML spells it lower case only
		base, d = 16, d[1:]
	}
	if len(d) == 0 || len(d) > 8 {
		return 0, false
	}
	var n rune
	for _, c := range d {
		var v byte
		switch {
		case c >= '0' && c <= '9':
			v = c - '0'
		case base == 16 && c >= 'a' && c <= 'f':
			v = c - 'a' + 10
		case base == 16 && c >= 'A' && c <= 'F':
			v = c - 'A' + 10
		default:
			return 0, false
		}
		n = n*rune(base) + rune(v)
		if n > 0x10FFFF {
			return 0, false
		}
	}
	switch {
	case n == 0x9 || n == 0xA || n == 0xD:
	case n >= 0x20 && n <= 0xD7FF:
	case n >= 0xE000 && n <= 0xFFFD:
	case n >= 0x10000 && n <= 0x10FFFF:
	default:
		return 0, false
	}
	return n, true
}
