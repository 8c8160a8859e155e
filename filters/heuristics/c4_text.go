package heuristics

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Python's str semantics, which TFDS' clean_page relies on and the C4 rules
// must reproduce to keep and drop the same lines.

// pyIsSpace is Python's str.isspace for one character: Unicode White_Space
// plus the separators U+001C..U+001F (bidirectional class B or S), which Go's
// unicode.IsSpace leaves out.
func pyIsSpace(r rune) bool {
	switch {
	case r < utf8.RuneSelf:
		return r == ' ' || '\t' <= r && r <= '\r' || 0x1c <= r && r <= 0x1f
	case r == 0x85 || r == 0xa0 || r == 0x1680 || 0x2000 <= r && r <= 0x200a ||
		r == 0x2028 || r == 0x2029 || r == 0x202f || r == 0x205f || r == 0x3000:
		return true
	}
	return false
}

// pyStrip is str.strip() without arguments.
func pyStrip(s string) string {
	for len(s) > 0 {
		r, n := rune(s[0]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s)
		}
		if !pyIsSpace(r) {
			break
		}
		s = s[n:]
	}
	for len(s) > 0 {
		r, n := rune(s[len(s)-1]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeLastRuneInString(s)
		}
		if !pyIsSpace(r) {
			break
		}
		s = s[:len(s)-n]
	}
	return s
}

// pySplitLines calls f for each line of s as str.splitlines() makes them:
// lines end at \n, \r, \r\n, \v, \f, U+001C, U+001D, U+001E, U+0085, U+2028
// and U+2029 (not U+001F, which is a space but no line boundary), and a
// last empty line after a final boundary is not a line.
func pySplitLines(s string, f func(line string)) {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		n := 0 // length of the boundary at i, 0 if none
		switch {
		case c == '\n' || c == '\v' || c == '\f' || c == 0x1c || c == 0x1d || c == 0x1e:
			n = 1
		case c == '\r':
			n = 1
			if i+1 < len(s) && s[i+1] == '\n' {
				n = 2
			}
		case c == 0xc2:
			if i+1 < len(s) && s[i+1] == 0x85 {
				n = 2
			}
		case c == 0xe2:
			if i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xa8 || s[i+2] == 0xa9) {
				n = 3
			}
		}
		if n == 0 {
			i++
			continue
		}
		f(s[start:i])
		i += n
		start = i
	}
	if start < len(s) {
		f(s[start:])
	}
}

// pyFields counts the words of s as len(s.split()) does and reports whether
// one of them is longer than maxLen characters (code points).
func pyFields(s string, maxLen int) (words int, tooLong bool) {
	inWord, runes := false, 0
	for i := 0; i < len(s); {
		r, n := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		i += n
		if pyIsSpace(r) {
			inWord = false
			continue
		}
		if !inWord {
			inWord, runes = true, 0
			words++
		}
		runes++
		if runes > maxLen {
			tooLong = true
		}
	}
	return words, tooLong
}

// pyLower is str.lower(): the Unicode lowercase mapping, in which only
// U+0130 (LATIN CAPITAL LETTER I WITH DOT ABOVE) becomes two characters,
// "i̇": it must not become a plain "i", since "JAVASCRİPT".lower() does not
// contain "javascript" for Python. CPython also lowercases a word-final Σ
// to ς, where this gives σ; no pattern or list entry holds either and both
// are letters, so what matches is the same.
func pyLower(s string) string {
	ascii, upper := true, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
		if 'A' <= c && c <= 'Z' {
			upper = true
		}
	}
	if ascii {
		if !upper {
			return s
		}
		b := make([]byte, len(s))
		for i := 0; i < len(s); i++ {
			c := s[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b[i] = c
		}
		return string(b)
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		switch {
		case r == 0x130:
			b.WriteString("i\u0307")
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// countSentences counts the sentences of one line the way NLTK's Punkt
// tokenizer does with no trained parameters (PunktSentenceTokenizer()):
// a word that ends in ".", "?" or "!" (possibly followed by closing
// punctuation) ends a sentence when another word follows, except an
// ellipsis, an initial ("J.") followed by a word starting with a letter,
// and a number ("3.") followed by a lowercase word or by ;:,.!?. A line is
// one sentence more than its breaks.
//
// TFDS loads Punkt's trained English model (english.pickle), which also
// knows about 150 abbreviations ("Mr.", "e.g.", "U.S.") and orthographic
// statistics, so it finds fewer breaks in lines like "Mr. Smith left."
// That model is data NLTK downloads at run time; it is not shipped here.
// Kept lines always have at least one sentence, so the difference only
// matters for pages left with one or two lines.
func countSentences(line string) int {
	n := 1
	var prev string
	first := true
	walkWords(line, func(w string) {
		if !first && endsSentence(prev, w) {
			n++
		}
		first = false
		prev = w
	})
	return n
}

// walkWords calls f for each whitespace-separated word of s (Python's
// str.split()).
func walkWords(s string, f func(w string)) {
	start := -1
	for i := 0; i < len(s); {
		r, n := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		if pyIsSpace(r) {
			if start >= 0 {
				f(s[start:i])
				start = -1
			}
		} else if start < 0 {
			start = i
		}
		i += n
	}
	if start >= 0 {
		f(s[start:])
	}
}

// punktClosers are Punkt's non-word characters that may follow a sentence
// end inside the same word (its NonWord class less "!" and "?").
const punktClosers = `)";}]*:@'({[`

// endsSentence reports whether Punkt without trained parameters puts a
// sentence break after word w, given the next word.
func endsSentence(w, next string) bool {
	core := strings.TrimRight(w, punktClosers)
	if core == "" {
		return false
	}
	switch core[len(core)-1] {
	case '?', '!':
		return true
	case '.':
	default:
		return false
	}
	if strings.HasSuffix(core, "..") {
		return false // an ellipsis is its own token and never a break untrained
	}
	if len(core) < len(w) {
		return true // "end.)": the next token is the closer, neither upper nor lower
	}
	r, _ := utf8.DecodeRuneInString(next)
	if isInitial(core) {
		// Lowercase next: not a sentence starter. Uppercase next: "unknown",
		// which for an initial means no break either.
		return !(unicode.IsLower(r) || unicode.IsUpper(r)) && !strings.ContainsRune(";:,.!?", r)
	}
	if isPunktNumber(core) {
		return !unicode.IsLower(r) && !strings.ContainsRune(";:,.!?", r)
	}
	return true
}

// isInitial is Punkt's [^\W\d]\.$ matched at the start: one word character
// that is not a digit, then ".".
func isInitial(tok string) bool {
	r, n := utf8.DecodeRuneInString(tok)
	return n+1 == len(tok) && tok[n] == '.' && (r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r) && !unicode.IsDigit(r))
}

// isPunktNumber is Punkt's numeric type, ^-?[\.,]?\d[\d,\.-]*\.?$ on the
// whole token.
func isPunktNumber(tok string) bool {
	s := strings.TrimPrefix(tok, "-")
	if s != "" && (s[0] == '.' || s[0] == ',') {
		s = s[1:]
	}
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || !unicode.IsDigit(r) {
		return false
	}
	for _, r := range s[n:] {
		if !(unicode.IsDigit(r) || r == ',' || r == '.' || r == '-') {
			return false
		}
	}
	return true
}

// isDecimal is Python's \d for str patterns: a Unicode decimal digit (Nd).
func isDecimal(r rune) bool {
	if r < utf8.RuneSelf {
		return '0' <= r && r <= '9'
	}
	return unicode.IsDigit(r)
}
