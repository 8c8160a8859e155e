package books

import (
	"bytes"
	"regexp"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding/htmlindex"
)

// Charset names Decode reports (Meta "charset").
const (
	CharsetUTF8        = "utf-8"
	CharsetUTF8Repair  = "utf-8+windows-1252" // UTF-8 whose invalid bytes were read as Windows-1252
	CharsetWindows1252 = "windows-1252"
	CharsetUTF16LE     = "utf-16le"
	CharsetUTF16BE     = "utf-16be"
)

// win1252 maps the bytes 0x80-0x9F of Windows-1252. The five bytes the code
// page leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) map to the C1
// controls of the same value, as the WHATWG encoding standard does, so that
// no byte ever decodes to U+FFFD (x/text's charmap.Windows1252 gives U+FFFD
// for them).
var win1252 = [32]rune{
	0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
	0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
}

func win1252Rune(b byte) rune {
	if b >= 0x80 && b < 0xA0 {
		return win1252[b-0x80]
	}
	return rune(b)
}

// decodeWindows1252 decodes single-byte Windows-1252 (a superset of the
// printable ISO-8859-1, which Gutenberg's "ISO-8859-1" files often are).
func decodeWindows1252(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/8)
	start := 0
	for i, c := range b {
		if c < 0x80 {
			continue
		}
		sb.Write(b[start:i])
		sb.WriteRune(win1252Rune(c))
		start = i + 1
	}
	sb.Write(b[start:])
	return sb.String()
}

// repairUTF8 keeps b's valid UTF-8 sequences and reads every byte that is
// not part of one as Windows-1252: the usual damage of a UTF-8 file is a few
// Latin-1 bytes pasted in.
func repairUTF8(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b) + 16)
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			sb.WriteRune(win1252Rune(b[0]))
			b = b[1:]
			continue
		}
		sb.Write(b[:n])
		b = b[n:]
	}
	return sb.String()
}

func decodeUTF16(b []byte, bigEndian bool) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	return string(utf16.Decode(u))
}

var declRE = regexp.MustCompile(`(?im)^[ \t]*Character set encoding:[ \t]*([^\r\n]*)`)

// declaredCharset returns the label of the "Character set encoding:" line
// of a Gutenberg header, searched in the first 64 KB, or "".
func declaredCharset(b []byte) string {
	if len(b) > 64<<10 {
		b = b[:64<<10]
	}
	m := declRE.FindSubmatch(b)
	if m == nil {
		return ""
	}
	return strings.TrimSpace(string(m[1]))
}

var isoRE = regexp.MustCompile(`iso[-_ ]?8859[-_ ]?(\d+)`)

// canonicalCharset maps a declared label, as Gutenberg's headers write them
// ("ISO-8859-1", "ISO Latin-1", "US-ASCII", "UTF-8", "Unicode UTF-8",
// "CP-1252", "Big5", "ISO-8859-7"), to a WHATWG encoding name, "" when the
// label is unknown. As in WHATWG (what browsers do), ISO-8859-1, Latin-1 and
// ASCII are read as Windows-1252, which decodes the same bytes the same way
// except 0x80-0x9F, where real files hold curly quotes and dashes, not C1
// controls.
func canonicalCharset(label string) string {
	l := strings.ToLower(strings.TrimSpace(label))
	if i := strings.IndexAny(l, "(["); i > 0 {
		l = strings.TrimSpace(l[:i])
	}
	switch {
	case l == "":
		return ""
	case strings.Contains(l, "utf-8") || strings.Contains(l, "utf8") || l == "unicode":
		return CharsetUTF8
	case strings.Contains(l, "latin-1") || strings.Contains(l, "latin1") || strings.Contains(l, "latin 1") ||
		strings.Contains(l, "ascii") || strings.Contains(l, "1252"):
		return CharsetWindows1252
	}
	if m := isoRE.FindStringSubmatch(l); m != nil {
		l = "iso-8859-" + m[1]
	}
	for _, cand := range []string{l, strings.ReplaceAll(l, " ", "-"), strings.ReplaceAll(l, " ", "")} {
		if e, err := htmlindex.Get(cand); err == nil {
			name, _ := htmlindex.Name(e)
			return name
		}
	}
	return ""
}

// Decode turns a text file's bytes into UTF-8 and names the encoding it
// used. The order: a byte-order mark (UTF-8, UTF-16LE/BE) wins; valid UTF-8
// is UTF-8, whatever the header says (a pure-ASCII file is valid UTF-8, and
// files labelled ISO-8859-1 that are UTF-8 exist); otherwise the declared
// charset (hint, or the header's "Character set encoding:" line) decodes it,
// ISO-8859-1/ASCII/Latin-1 as Windows-1252 with no byte lost to U+FFFD;
// text declared UTF-8 (or "-0" files) keeps its valid sequences and reads
// the stray bytes as Windows-1252; with no usable declaration the file is
// read as Windows-1252. Other declared single- and multi-byte charsets
// (ISO-8859-2..16, KOI8, Big5, GBK, Shift_JIS, EUC) go through x/text's
// WHATWG decoders, which do give U+FFFD for sequences invalid in them.
func Decode(b []byte, hint string) (string, string) {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		b = b[3:]
		if utf8.Valid(b) {
			return string(b), CharsetUTF8
		}
		return repairUTF8(b), CharsetUTF8Repair
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return decodeUTF16(b[2:], false), CharsetUTF16LE
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return decodeUTF16(b[2:], true), CharsetUTF16BE
	}
	if utf8.Valid(b) {
		return string(b), CharsetUTF8
	}
	cs := canonicalCharset(declaredCharset(b))
	if cs == "" {
		cs = hint
	}
	switch cs {
	case CharsetUTF8:
		return repairUTF8(b), CharsetUTF8Repair
	case "", CharsetWindows1252:
		return decodeWindows1252(b), CharsetWindows1252
	}
	e, err := htmlindex.Get(cs)
	if err != nil {
		return decodeWindows1252(b), CharsetWindows1252
	}
	s, err := e.NewDecoder().Bytes(b)
	if err != nil || !utf8.Valid(s) {
		return decodeWindows1252(b), CharsetWindows1252
	}
	return string(s), cs
}
