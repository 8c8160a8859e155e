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
	return string(appendPyLower(make([]byte, 0, len(s)+8), s))
}

// appendPyLower appends pyLower(s) to dst.
func appendPyLower(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == 0x130 {
			dst = append(dst, "i\u0307"...)
		} else {
			dst = utf8.AppendRune(dst, unicode.ToLower(r))
		}
		i += n
	}
	return dst
}

// countSentences counts the sentences of one line as
// len(PunktSentenceTokenizer().tokenize(line)) does in NLTK 3.8: Punkt's
// algorithm with no trained parameters (no abbreviations, collocations,
// sentence starters or orthographic statistics). TFDS loads Punkt's trained
// English model (english.pickle) instead, which knows a list of
// abbreviations ("Mr.", "e.g.", "U.S.") and finds fewer breaks in lines such
// as "Mr. Smith left."; that model is data NLTK downloads at run time and
// is not shipped here. Kept lines always count at least one sentence, so the
// difference only matters for pages left with one or two lines.
//
// The steps are Punkt's (punkt.py, PunktSentenceTokenizer.span_tokenize):
// every ".", "?" or "!" followed by one of Punkt's non-word characters or
// by whitespace and a token is a candidate; of the candidates in one run of
// non-ASCII-whitespace characters only the last is kept (and one at the
// run's first character, whose preceding word is empty); a candidate breaks
// when its context (the run up to it, the character, and what follows)
// holds a token annotated as a sentence break followed by another token; a
// last piece made only of closing quotes and brackets joins the sentence
// before it.
func countSentences(line string) int {
	breaks, lastBreak := 0, 0
	var marks endMarks
	for pos := 0; ; {
		// Only the runs that hold an end mark can break: find the next
		// mark, then the run of non-ASCII-whitespace around it.
		k := marks.next(line, pos)
		if k < 0 {
			break
		}
		i := k
		for i > pos && !isASCIISpace(line[i-1]) {
			i--
		}
		j := k + 1
		for j < len(line) && !isASCIISpace(line[j]) {
			j++
		}
		// The candidates of the run line[i:j]: Punkt keeps the last one,
		// and one at the run's first character (its preceding word is
		// empty, so its slice cannot overlap the next one's).
		p, after, next := -1, "", -1
		for ; k < j; k++ {
			if c := line[k]; c != '.' && c != '?' && c != '!' {
				continue
			}
			if p == i {
				// The run's first character, followed by another candidate.
				if punktBreakAfter(line[i:p+1], after) {
					breaks++
					lastBreak = p + 1
					if next >= 0 {
						lastBreak = next
					}
				}
				p = -1
			}
			if k+1 < len(line) && isPunktNonWord(line[k+1]) {
				p, after, next = k, line[k+1:k+2], -1
				continue
			}
			ws := skipSpace(line, k+1)
			if ws > k+1 && ws < len(line) {
				p, after, next = k, line[k+1:skipNonSpace(line, ws)], ws
			}
		}
		if p >= 0 && punktBreakAfter(line[i:p+1], after) {
			breaks++
			lastBreak = p + 1
			if next >= 0 {
				lastBreak = next
			}
		}
		pos = j
	}
	if breaks > 0 && strings.Trim(line[lastBreak:], `"')]}`) == "" {
		breaks-- // realigned: the closers join the sentence before
	}
	return breaks + 1
}

// endMarks finds the ".", "?" and "!" of a line in order with one
// IndexByte scan per character (vectorised), remembering where each is next.
type endMarks struct {
	at    [3]int // next position of each mark, -1 if there is none
	ready bool
}

func (m *endMarks) next(s string, pos int) int {
	best := -1
	for c, mark := range [3]byte{'.', '?', '!'} {
		if !m.ready || m.at[c] >= 0 && m.at[c] < pos {
			m.at[c] = -1
			if k := strings.IndexByte(s[pos:], mark); k >= 0 {
				m.at[c] = pos + k
			}
		}
		if a := m.at[c]; a >= 0 && (best < 0 || a < best) {
			best = a
		}
	}
	m.ready = true
	return best
}

func isASCIISpace(c byte) bool { return c == ' ' || '\t' <= c && c <= '\r' }

// isPunktNonWord is Punkt's NonWord class, characters that cannot be in a
// word: ) " ; } ] * : @ ' ( { [ ! ?
func isPunktNonWord(c byte) bool { return strings.IndexByte(`)";}]*:@'({[!?`, c) >= 0 }

// skipSpace returns the index after the Unicode whitespace (Python's \s)
// at s[i:].
func skipSpace(s string, i int) int {
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !pyIsSpace(r) {
			break
		}
		i += n
	}
	return i
}

// skipNonSpace returns the index after the non-whitespace at s[i:].
func skipNonSpace(s string, i int) int {
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if pyIsSpace(r) {
			break
		}
		i += n
	}
	return i
}

// punktBreakAfter is punktHasBreak(word + after) for the candidate that
// ends word, with a shortcut for the common case: a word of ASCII letters
// and digits ended by the candidate, then whitespace and a token that starts
// with an ASCII letter or digit. Punkt's tokens are then the word (with its
// period) or the word and "?"/"!", the next token starts with that letter
// or digit and holds no end mark (so no break of its own), and only the
// initial and number rules can undo the break.
func punktBreakAfter(word, after string) bool {
	end := len(word) - 1
	ws := skipSpace(after, 0)
	if end < 1 || ws == 0 || ws == len(after) || !isASCIIAlnum(after[ws]) || strings.ContainsAny(after[ws:], ".?!") {
		return punktHasBreak(word + after)
	}
	digits := true
	for k := 0; k < end; k++ {
		c := word[k]
		if !isASCIIAlnum(c) {
			return punktHasBreak(word + after)
		}
		digits = digits && '0' <= c && c <= '9'
	}
	if word[end] != '.' {
		return true // "word?" is "word", "?": a break before the next token
	}
	next := after[ws]
	lower, upper := 'a' <= next && next <= 'z', 'A' <= next && next <= 'Z'
	switch {
	case end == 1 && !digits: // an initial
		return !lower && !upper
	case digits: // a number
		return !lower
	}
	return true
}

func isASCIIAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// punktHasBreak is text_contains_sentbreak: Punkt's word tokens of ctx,
// annotated, hold a sentence break that is not the last token.
func punktHasBreak(ctx string) bool {
	toks := punktWords(ctx)
	for i := 0; i+1 < len(toks); i++ {
		if punktBreakAt(toks[i], toks[i+1]) {
			return true
		}
	}
	return false
}

// punktBreakAt is the annotation of token t, followed by next, with no
// trained parameters: the first pass marks ".", "?", "!" and tokens ending
// in one period as breaks; the second pass unmarks an initial or a number
// followed by a lowercase word or by ; : , . ! ?, and an initial followed
// by an uppercase word.
func punktBreakAt(t, next string) bool {
	switch {
	case t == "." || t == "?" || t == "!":
		return true
	case !strings.HasSuffix(t, ".") || strings.HasSuffix(t, ".."):
		return false // an ellipsis (all dots) ends in ".." too
	}
	initial := isInitial(t)
	if !initial && !isPunktNumber(t) {
		return true
	}
	switch next {
	case ";", ":", ",", ".", "!", "?":
		return false
	}
	r, _ := utf8.DecodeRuneInString(next)
	if pyIsLower(r) {
		return false
	}
	return !(initial && pyIsUpper(r))
}

// pyIsUpper and pyIsLower are str.isupper and str.islower on one
// character: Unicode's Uppercase and Lowercase properties, which add
// Other_Uppercase (Ⅻ, Ⓐ) and Other_Lowercase (ª, ʰ) to the letters Lu and Ll.
func pyIsUpper(r rune) bool { return unicode.IsUpper(r) || unicode.Is(unicode.Other_Uppercase, r) }

func pyIsLower(r rune) bool { return unicode.IsLower(r) || unicode.Is(unicode.Other_Lowercase, r) }

// punktWords is Punkt's word tokenizer (_word_tokenize_fmt): a
// multi-character run (--, .., ". . ."), or a word that starts with
// anything but ( " ` { [ : ; & # * @ ) } ] - , and runs to whitespace, a
// non-word character, a multi-character run or a comma that ends the word,
// or else one character.
func punktWords(s string) []string {
	var toks []string
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if pyIsSpace(r) {
			i += n
			continue
		}
		if m := punktMultiChar(s, i); m > 0 {
			toks = append(toks, s[i:i+m])
			i += m
			continue
		}
		if strings.ContainsRune("(\"`{[:;&#*@)}]-,", r) {
			toks = append(toks, s[i:i+n])
			i += n
			continue
		}
		j := i + n
		for j < len(s) && !punktWordEnd(s, j) {
			_, m := utf8.DecodeRuneInString(s[j:])
			j += m
		}
		toks = append(toks, s[i:j])
		i = j
	}
	return toks
}

// punktWordEnd reports whether a word stops before s[j].
func punktWordEnd(s string, j int) bool {
	r, _ := utf8.DecodeRuneInString(s[j:])
	switch {
	case pyIsSpace(r), isPunktNonWord(s[j]), punktMultiChar(s, j) > 0:
		return true
	case s[j] == ',':
		k := j + 1
		if k == len(s) || isPunktNonWord(s[k]) || punktMultiChar(s, k) > 0 {
			return true
		}
		r, _ := utf8.DecodeRuneInString(s[k:])
		return pyIsSpace(r)
	}
	return false
}

// punktMultiChar returns the length of Punkt's multi-character punctuation
// at s[i:] (-{2,}, \.{2,} or (?:\.\s){2,}\.), or 0.
func punktMultiChar(s string, i int) int {
	for _, c := range []byte{'-', '.'} {
		j := i
		for j < len(s) && s[j] == c {
			j++
		}
		if j-i >= 2 {
			return j - i
		}
	}
	// (?:\.\s){2,}\. : greedy pairs, then backtrack to leave a final dot.
	j, pairs := i, 0
	var ends []int
	for j < len(s) && s[j] == '.' {
		r, n := utf8.DecodeRuneInString(s[j+1:])
		if j+1 >= len(s) || !pyIsSpace(r) {
			break
		}
		j += 1 + n
		pairs++
		ends = append(ends, j)
	}
	for ; pairs >= 2; pairs-- {
		if e := ends[pairs-1]; e < len(s) && s[e] == '.' {
			return e + 1 - i
		}
	}
	return 0
}

// isInitial is Punkt's [^\W\d]\.$ matched at the start: one word character
// that is not a decimal digit, then ".".
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
