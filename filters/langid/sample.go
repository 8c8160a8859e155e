package langid

import (
	"strings"
	"unicode/utf8"
)

// Sample returns the part of a document language ID looks at: the text with
// line breaks turned into spaces and, when it is longer than maxBytes,
// three windows of maxBytes/3 bytes from its start, middle and end, cut at
// spaces. Windows rather than a prefix let a page that switches language
// half-way show it; the bound keeps the cost per document constant.
//
// CCNet deletes the newlines (fastText reads one line); we put spaces
// instead, so the last word of a line and the first of the next are not
// glued into a non-word.
func Sample(text string, maxBytes int) string {
	if maxBytes <= 0 || len(text) <= maxBytes {
		return flatten(text)
	}
	w := maxBytes / 3
	parts := [3]string{
		window(text, 0, w),
		window(text, len(text)/2-w/2, w),
		window(text, len(text)-w, w),
	}
	valid := true
	for _, p := range parts {
		valid = valid && utf8.ValidString(p)
	}
	if !valid {
		return flatten(strings.Join(parts[:], " "))
	}
	var b strings.Builder
	b.Grow(len(parts[0]) + len(parts[1]) + len(parts[2]) + 2)
	cr := hasCR(parts[0]) || hasCR(parts[1]) || hasCR(parts[2])
	for i, p := range parts {
		if i > 0 {
			b.WriteByte(' ')
		}
		writeFlat(&b, p, cr)
	}
	return b.String()
}

// window returns about n bytes of s from off, widened to whole words.
func window(s string, off, n int) string {
	off = max(off, 0)
	end := min(off+n, len(s))
	if off > 0 {
		if i := strings.IndexAny(s[off:end], " \n"); i >= 0 {
			off += i + 1
		}
	}
	if end < len(s) {
		if i := strings.LastIndexAny(s[off:end], " \n"); i > 0 {
			end = off + i
		}
	}
	// Never cut inside a UTF-8 sequence.
	for off < end && !utf8.RuneStart(s[off]) {
		off++
	}
	for end < len(s) && end > off && !utf8.RuneStart(s[end]) {
		end--
	}
	return s[off:end]
}

// flatten turns line breaks into spaces. Invalid UTF-8 in a text with line
// breaks becomes U+FFFD, as strings.Map made it (the analysis reads both
// alike, lingua's window counts bytes).
func flatten(s string) string {
	cr := hasCR(s)
	if !cr && strings.IndexByte(s, '\n') < 0 {
		return s
	}
	if !utf8.ValidString(s) {
		return strings.Map(func(r rune) rune {
			if r == '\n' || r == '\r' {
				return ' '
			}
			return r
		}, s)
	}
	var b strings.Builder
	b.Grow(len(s))
	writeFlat(&b, s, cr)
	return b.String()
}

func hasCR(s string) bool { return strings.IndexByte(s, '\r') >= 0 }

// writeFlat writes s with line breaks as spaces; cr says whether s may
// hold '\r' (rare: '\n' alone is searched for faster).
func writeFlat(b *strings.Builder, s string, cr bool) {
	for {
		var i int
		if cr {
			i = strings.IndexAny(s, "\r\n")
		} else {
			i = strings.IndexByte(s, '\n')
		}
		if i < 0 {
			b.WriteString(s)
			return
		}
		b.WriteString(s[:i])
		b.WriteByte(' ')
		s = s[i+1:]
	}
}
