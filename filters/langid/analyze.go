package langid

import (
	"math/bits"
	"unicode/utf8"
)

// analysis holds the features of one text. Detectors keep them in a pool:
// a document's analysis allocates nothing once the pool is warm.
type analysis struct {
	letters    [nScripts]int
	nLetters   int
	words      int // words of letters (the denominator of coverage)
	latinWords int // Latin words of two letters or more
	vowelless  int // ... of which have no vowel
	harsh      int // ... or a run of four consonants
	wordChars  int // characters in word-like tokens
	junkChars  int // characters in tokens that are not words nor numbers
	// hits counts, per list, the words of the text in it.
	hits   []int
	hitArr [64]int
	// counts counts the words of the text per lexicon entry (the entry
	// fixes the set of lists the word is in); seen lists the entries
	// counted, so that reset and shared visit only those.
	counts []int32
	seen   []uint16
	buf    []byte
	runes  []rune   // the token being read, decoded
	props  []uint16 // and the properties of its runes
	// sharedArr is shared's answer for list sharedOf-1.
	sharedArr [64]int
	sharedOf  int

	lx  *lexicon
	tab *runeTables
}

func (d *Detector) getAnalysis() *analysis {
	if a, ok := d.pool.Get().(*analysis); ok {
		return a
	}
	a := &analysis{lx: d.lx, tab: d.tab, counts: make([]int32, len(d.lx.entries))}
	a.hits = a.hitArr[:len(d.lx.codes)]
	return a
}

func (d *Detector) putAnalysis(a *analysis) {
	for _, e := range a.seen {
		a.counts[e] = 0
	}
	clear(a.hits)
	*a = analysis{hits: a.hits, counts: a.counts, seen: a.seen[:0], buf: a.buf[:0], runes: a.runes[:0], props: a.props[:0],
		lx: a.lx, tab: a.tab}
	d.pool.Put(a)
}

// analyze computes the features of text. Tokens are runs between spaces
// (unicode.IsSpace), stripped of what is neither letter nor number at
// either end; words are runs of letters (with combining marks) inside
// tokens. Tokens of ASCII only, most of them, take a path that looks at
// bytes; both paths give the same features.
func (d *Detector) analyze(text string) *analysis {
	a := d.getAnalysis()
	t := a.tab
	for i := 0; i < len(text); {
		if c := text[i]; c < utf8.RuneSelf {
			if asciiClass[c]&pSpace != 0 {
				i++
				continue
			}
		} else if r, size := decodeAt(text, i); t.propOf(r)&pSpace != 0 {
			i += size
			continue
		}
		j, ascii := i, true
		for j < len(text) {
			if c := text[j]; c < utf8.RuneSelf {
				if asciiClass[c]&pSpace != 0 {
					break
				}
				j++
				continue
			}
			r, size := decodeAt(text, j)
			if t.propOf(r)&pSpace != 0 {
				break
			}
			ascii = false
			j += size
		}
		if ascii {
			d.asciiToken(a, text[i:j])
		} else {
			d.token(a, text[i:j])
		}
		i = j
	}
	return a
}

// classify records the shape of a token of n characters and reports
// whether its words vote for a language.
func (a *analysis) classify(n, letters, digits, upperAfterLower int, unspaced bool) bool {
	// Scripts written without spaces make long tokens of whole phrases.
	long := n > 30 && !unspaced
	switch {
	case letters == 0:
		// Numbers and symbols: neither words nor junk.
	case digits == 0 && !long && upperAfterLower <= 1 && float64(letters) >= 0.8*float64(n):
		a.wordChars += n
	default:
		a.junkChars += n
	}
	// Junk-shaped tokens do not vote for a language (their letters still
	// count for the script).
	return digits == 0 && !long && upperAfterLower <= 1
}

// asciiToken is token for a token of ASCII bytes only.
func (d *Detector) asciiToken(a *analysis, tok string) {
	i, j := 0, len(tok)
	for i < j && asciiClass[tok[i]]&(pLetter|pNumber) == 0 {
		i++
	}
	for j > i && asciiClass[tok[j-1]]&(pLetter|pNumber) == 0 {
		j--
	}
	if i == j {
		return
	}
	tok = tok[i:j]
	letters, digits, upperAfterLower, prevLower := 0, 0, 0, false
	for k := 0; k < len(tok); k++ {
		switch p := asciiClass[tok[k]]; {
		case p&pLetter != 0:
			letters++
			if p&pUpper != 0 && prevLower {
				upperAfterLower++
			}
			prevLower = p&pLower != 0
		case p&pDigit != 0:
			digits++
		}
	}
	a.letters[scLatin] += letters
	a.nLetters += letters
	if !a.classify(len(tok), letters, digits, upperAfterLower, false) {
		return
	}
	start := -1
	for k := 0; k <= len(tok); k++ {
		if k < len(tok) && asciiClass[tok[k]]&pLetter != 0 {
			if start < 0 {
				start = k
			}
			continue
		}
		if start >= 0 {
			d.asciiWord(a, tok[start:k])
			start = -1
		}
	}
}

// asciiWord is word for a word of ASCII letters.
func (d *Detector) asciiWord(a *analysis, w string) {
	a.words++
	lookup := len(w) <= d.lx.maxLen
	buf := a.buf[:0]
	h := uint32(fnvOffset)
	hasVowel, run, maxRun := false, 0, 0
	for k := 0; k < len(w); k++ {
		c := w[k]
		if asciiClass[c]&pVowel != 0 {
			hasVowel = true
			run = 0
		} else {
			run++
			maxRun = max(maxRun, run)
		}
		if lookup {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf = append(buf, c)
			h = (h ^ uint32(c)) * fnvPrime
		}
	}
	a.buf = buf
	if len(w) >= 2 {
		a.latinWord(hasVowel, maxRun)
	}
	if lookup {
		a.record(d.lx.lookupHash(buf, h))
	}
}

func (a *analysis) latinWord(hasVowel bool, maxRun int) {
	a.latinWords++
	if !hasVowel {
		a.vowelless++
	}
	if maxRun >= 4 {
		a.harsh++
	}
}

// token records a token with non-ASCII characters. It decodes the token
// once, into the analysis' rune and property scratch.
func (d *Detector) token(a *analysis, tok string) {
	t := a.tab
	rs, ps := a.runes[:0], a.props[:0]
	for i := 0; i < len(tok); {
		r, size := decodeAt(tok, i)
		rs = append(rs, r)
		ps = append(ps, t.propOf(r))
		i += size
	}
	a.runes, a.props = rs, ps
	// Forward and backward decoding cut invalid UTF-8 alike, so trimming
	// runes is strings.TrimFunc.
	i, j := 0, len(rs)
	for i < j && ps[i]&(pLetter|pNumber) == 0 {
		i++
	}
	for j > i && ps[j-1]&(pLetter|pNumber) == 0 {
		j--
	}
	if i == j {
		return
	}
	rs, ps = rs[i:j], ps[i:j]
	letters, digits, upperAfterLower, prevLower, unspaced := 0, 0, 0, false, false
	for k, p := range ps {
		switch {
		case p&pLetter != 0:
			letters++
			a.letters[t.scriptOf(rs[k])]++
			a.nLetters++
			if p&pUnspaced != 0 {
				unspaced = true
			}
			if p&pUpper != 0 && prevLower {
				upperAfterLower++
			}
			prevLower = p&pLower != 0
		case p&pMark != 0:
			letters++ // vowel signs and marks of Indic, Arabic, Thai words
		case p&pDigit != 0:
			digits++
		}
	}
	if !a.classify(len(rs), letters, digits, upperAfterLower, unspaced) {
		return
	}
	start := -1
	for k := 0; k <= len(ps); k++ {
		if k < len(ps) && ps[k]&(pLetter|pMark) != 0 {
			if start < 0 {
				start = k
			}
			continue
		}
		if start >= 0 {
			d.word(a, rs[start:k], ps[start:k])
			start = -1
		}
	}
}

// decodeAt is utf8.DecodeRuneInString(s[i:]), with two-byte sequences
// (Latin, Greek, Cyrillic, Hebrew, Arabic letters) decoded inline.
func decodeAt(s string, i int) (rune, int) {
	c := s[i]
	if c < utf8.RuneSelf {
		return rune(c), 1
	}
	if c >= 0xC2 && c < 0xE0 && i+1 < len(s) && s[i+1]&0xC0 == 0x80 {
		return rune(c&0x1F)<<6 | rune(s[i+1]&0x3F), 2
	}
	return utf8.DecodeRuneInString(s[i:])
}

// word records a word of letters and marks, given as runes and their
// properties (its letters are counted by token).
func (d *Detector) word(a *analysis, w []rune, ps []uint16) {
	t := a.tab
	a.words++
	buf := a.buf[:0]
	script, nl, hasVowel, run, maxRun := -1, 0, false, 0, 0
	for k, r := range w {
		if ps[k]&pLetter != 0 {
			if script < 0 {
				script = t.scriptOf(r)
			}
			nl++
		}
		lr := t.lowerOf(r)
		if t.propOf(lr)&pVowel != 0 {
			hasVowel = true
			run = 0
		} else {
			run++
			maxRun = max(maxRun, run)
		}
		buf = utf8.AppendRune(buf, lr)
	}
	a.buf = buf
	if script == scLatin && nl >= 2 {
		a.latinWord(hasVowel, maxRun)
	}
	if len(buf) <= d.lx.maxLen {
		a.record(d.lx.lookup(buf))
	}
}

// record counts a word found as lexicon entry e (0: not in any list).
func (a *analysis) record(e int) {
	if e == 0 {
		return
	}
	if a.counts[e] == 0 {
		a.seen = append(a.seen, uint16(e))
	}
	a.counts[e]++
	for m := a.lx.entries[e].mask; m != 0; m &= m - 1 {
		a.hits[bits.TrailingZeros64(m)]++
	}
}

// shared returns, for every list j, how many words of the text are in
// both list i and list j (so that hits[i]-shared[j] words are in i and
// not in j).
func (a *analysis) shared(i int) *[64]int {
	if a.sharedOf == i+1 {
		return &a.sharedArr
	}
	a.sharedOf = i + 1
	clear(a.sharedArr[:])
	for _, e := range a.seen {
		m := a.lx.entries[e].mask
		if m&(1<<uint(i)) == 0 {
			continue
		}
		for n := int(a.counts[e]); m != 0; m &= m - 1 {
			a.sharedArr[bits.TrailingZeros64(m)] += n
		}
	}
	return &a.sharedArr
}
