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
	parts := []string{
		window(text, 0, w),
		window(text, len(text)/2-w/2, w),
		window(text, len(text)-w, w),
	}
	return flatten(strings.Join(parts, " "))
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

func flatten(s string) string {
	if strings.IndexAny(s, "\r\n") < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
}
