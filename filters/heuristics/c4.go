package heuristics

import (
	"bytes"
	"fmt"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/tokenmill/tokenmill/pipeline"
)

// C4Spec is the recipe spec of the "c4_rules" step.
var C4Spec = pipeline.Spec{
	Name: "c4_rules",
	Doc: "The C4 page rules (Raffel et al. 2020 §2.2) as TensorFlow Datasets' c4 builder (3.0.1, c4_utils.clean_page " +
		"and the English badwords filter) runs them, line by line on the text split as Python's splitlines and stripped: " +
		"lines with a word over max_word_length characters go; citation markers [1] [] [edit] [citation needed] are cut; " +
		"lines not ending in . ? ! \" (or ending in ...) go; lines under min_words_per_line words go; a kept line with " +
		"\"lorem ipsum\" drops the page (c4_rules:lorem_ipsum); lines with \"javascript\" go; a kept line with \"{\" drops the " +
		"page (c4_rules:curly_bracket); lines with \"terms of use\", \"privacy policy\", \"cookie policy\", \"uses cookies\", " +
		"\"use of cookies\" or \"use cookies\" go; pages left with under min_sentences sentences are dropped " +
		"(c4_rules:too_few_sentences); then a page whose cleaned, lowercased text holds an entry of the bad-words list " +
		"between non-word characters is dropped (c4_rules:badwords); a page left empty is dropped (c4_rules:empty). Pages over max_page_chars characters are dropped " +
		"first (c4_rules:too_long_page). " +
		"The thresholds are the paper's and the code's alike (lines of at least 5 words, pages of at least 3 sentences). " +
		"Where the paper and the code disagree the code is followed: \"lorem ipsum\" and \"{\" only count on lines that " +
		"survived the earlier line rules (the paper: anywhere on the page), and the bad-words check runs on the cleaned " +
		"page (TFDS 3.x; TFDS 2.x checked each kept line). Sentences are counted as NLTK's Punkt does with no trained parameters, not " +
		"with TFDS's trained English model (which knows abbreviations such as Mr.), so a page of one or two lines can differ. " +
		"LLaMA used C4 as published, where these rules already ran; the step is for users who rebuild C4 from " +
		"CommonCrawl, and on published C4 it should keep nearly every page unchanged (not measured on a real shard here: " +
		"residues such as a \"[]\" left by TFDS's own citation cut, or a one- or two-line page whose sentence count differs, can change).",
	Fields: []pipeline.Field{
		{Name: "min_words_per_line", Type: pipeline.TypeInt, Default: 5, Min: pipeline.Bound(0),
			Doc: "Lines with fewer words (len(line.split())) are removed (TFDS _MIN_WORDS_PER_LINE; the paper: at least 5)."},
		{Name: "min_sentences", Type: pipeline.TypeInt, Default: 3, Min: pipeline.Bound(0),
			Doc: "Pages whose kept lines hold fewer sentences are dropped (TFDS _MIN_NUM_SENTENCES; the paper: at least 3)."},
		{Name: "max_word_length", Type: pipeline.TypeInt, Default: 1000, Min: pipeline.Bound(1),
			Doc: "Lines with a word longer than this many characters are removed (TFDS _MAX_WORD_LENGTH)."},
		{Name: "max_page_chars", Type: pipeline.TypeInt, Default: 190000, Min: pipeline.Bound(0),
			Doc: "Pages longer than this many characters are dropped before cleaning (TFDS is_valid_length, 1.9e5); 0: no limit."},
		{Name: "badwords", Type: pipeline.TypeBool, Default: true,
			Doc: "Drop pages holding a bad word (c4/en: on; c4/en.noblocklist: off)."},
		{Name: "badwords_list", Type: pipeline.TypeString, Default: "",
			Doc: "A list to use instead of the embedded LDNOOBW English list (commit 25e679f0, CC BY 4.0): one entry a line."},
	},
}

// RegisterC4 adds the c4_rules step to r.
func RegisterC4(r *pipeline.Registry) {
	r.RegisterStep(C4Spec, func(c pipeline.Config, env *pipeline.Env) (pipeline.Step, error) {
		o := C4Options{
			MinWordsPerLine: int(c.Int("min_words_per_line")),
			MinSentences:    int(c.Int("min_sentences")),
			MaxWordLength:   int(c.Int("max_word_length")),
			MaxPageChars:    int(c.Int("max_page_chars")),
		}
		if c.Bool("badwords") {
			list := BadwordsEN()
			if p := c.String("badwords_list"); p != "" {
				b, err := env.ReadFile(p)
				if err != nil {
					return nil, fmt.Errorf("c4_rules.badwords_list: %w", err)
				}
				list = string(b)
			}
			bw, err := NewBadwords(list)
			if err != nil {
				return nil, fmt.Errorf("c4_rules.badwords_list: %w", err)
			}
			o.Badwords = bw
		}
		return NewC4(o), nil
	})
}

// C4Options are the thresholds of the C4 rules; DefaultC4Options has
// TFDS's.
type C4Options struct {
	MinWordsPerLine int
	MinSentences    int
	MaxWordLength   int
	// MaxPageChars drops longer pages before cleaning; 0: no limit.
	MaxPageChars int
	// Badwords drops pages holding an entry; nil: no bad-words check.
	Badwords *Badwords
}

// DefaultC4Options returns TFDS c4/en's settings with the embedded
// bad-words list.
func DefaultC4Options() C4Options {
	bw, err := NewBadwords(BadwordsEN())
	if err != nil {
		panic(err) // the embedded list is valid; TestBadwordsListPinned checks it
	}
	return C4Options{MinWordsPerLine: 5, MinSentences: 3, MaxWordLength: 1000, MaxPageChars: 190000, Badwords: bw}
}

// Page-level outcomes of the C4 rules: the rule after "c4_rules:" in a drop
// reason.
const (
	C4TooLongPage     = "too_long_page"
	C4LoremIpsum      = "lorem_ipsum"
	C4CurlyBracket    = "curly_bracket"
	C4TooFewSentences = "too_few_sentences"
	C4Badwords        = "badwords"
	// C4Empty: nothing left (only with min_sentences 0; TFDS drops such
	// pages after its line dedup, "filtered:empty").
	C4Empty = "empty"
)

// C4 is the c4_rules step. It is safe for concurrent use.
type C4 struct {
	o C4Options
	// Line counters, as TFDS counts them (line-filtered:*), for the stats.
	tooLongWord, noEndmark, tooShort, javascript, policy, citations, kept atomic.Int64
}

// NewC4 returns the step with options o.
func NewC4(o C4Options) *C4 { return &C4{o: o} }

// Name is "c4_rules".
func (c *C4) Name() string { return "c4_rules" }

// Process cleans d.Text in place, or drops d with "c4_rules:<rule>".
func (c *C4) Process(d *pipeline.Doc) (string, error) {
	text, rule := c.Clean(d.Text)
	if rule != "" {
		return "c4_rules:" + rule, nil
	}
	d.Text = text
	return "", nil
}

// Counters reports the lines each line rule removed, the citation markers
// cut and the lines kept.
func (c *C4) Counters() map[string]int64 {
	return map[string]int64{
		"lines_too_long_word": c.tooLongWord.Load(),
		"lines_no_endmark":    c.noEndmark.Load(),
		"lines_too_short":     c.tooShort.Load(),
		"lines_javascript":    c.javascript.Load(),
		"lines_policy":        c.policy.Load(),
		"citations_removed":   c.citations.Load(),
		"lines_kept":          c.kept.Load(),
	}
}

// isPolicyLine reports whether a lowercased line holds one of TFDS's
// _POLICY_SUBSTRINGS; four of the six hold "cookie", which is tested first.
func isPolicyLine(lower []byte) bool {
	if bytes.Contains(lower, cookie) {
		for _, p := range policySubstrings[2:] {
			if bytes.Contains(lower, p) {
				return true
			}
		}
	}
	return bytes.Contains(lower, policySubstrings[0]) || bytes.Contains(lower, policySubstrings[1])
}

var (
	cookie           = []byte("cookie")
	policySubstrings = [][]byte{[]byte("terms of use"), []byte("privacy policy"), []byte("cookie policy"),
		[]byte("uses cookies"), []byte("use of cookies"), []byte("use cookies")}
	loremIpsum = []byte("lorem ipsum")
	javascript = []byte("javascript")
)

// Clean applies the rules to one page: the cleaned text, or the rule that
// drops the page. The order of the checks is clean_page's, which decides
// what a line with several faults counts as.
func (c *C4) Clean(text string) (cleaned, rule string) {
	if c.o.MaxPageChars > 0 && len(text) > c.o.MaxPageChars && utf8.RuneCountInString(text) > c.o.MaxPageChars {
		return "", C4TooLongPage
	}
	var (
		out       strings.Builder
		low       = make([]byte, 0, len(text)+8) // the kept lines, lowercased, each followed by "\n"
		nLines    int
		sentences int
		dropped   string

		tl, ne, ts, js, po, ci, ke int64
	)
	out.Grow(len(text))
	pySplitLines(text, func(line string) {
		if dropped != "" {
			return
		}
		line = pyStrip(line)
		words, long := pyFields(line, c.o.MaxWordLength)
		if long {
			tl++
			return
		}
		var n int
		line, n = cutCitations(line)
		if n > 0 {
			ci += int64(n)
			words, _ = pyFields(line, c.o.MaxWordLength)
		}
		if !endsWithEndMark(line) {
			ne++
			return
		}
		if words < c.o.MinWordsPerLine {
			ts++
			return
		}
		start := len(low)
		low = appendPyLower(low, line)
		lower := low[start:]
		if bytes.Contains(lower, loremIpsum) {
			dropped = C4LoremIpsum
			return
		}
		if bytes.Contains(lower, javascript) {
			js++
			low = low[:start]
			return
		}
		if strings.IndexByte(line, '{') >= 0 {
			dropped = C4CurlyBracket
			return
		}
		if isPolicyLine(lower) {
			po++
			low = low[:start]
			return
		}
		low = append(low, '\n')
		sentences += countSentences(line)
		if nLines > 0 {
			out.WriteByte('\n')
		}
		out.WriteString(line)
		nLines++
		ke++
	})
	c.tooLongWord.Add(tl)
	c.noEndmark.Add(ne)
	c.tooShort.Add(ts)
	c.javascript.Add(js)
	c.policy.Add(po)
	c.citations.Add(ci)
	c.kept.Add(ke)
	if dropped != "" {
		return "", dropped
	}
	if sentences < c.o.MinSentences {
		return "", C4TooFewSentences
	}
	cleaned = pyStrip(out.String())
	if cleaned == "" {
		return "", C4Empty
	}
	if c.o.Badwords != nil {
		// str.lower works character by character, so the lowercased
		// kept lines are the lowercased page (stripping commutes too).
		if _, found := c.o.Badwords.Find(pyStrip(string(low))); found {
			return "", C4Badwords
		}
	}
	return cleaned, ""
}

// endsWithEndMark is line.endswith((".", "?", "!", '"')) and not
// line.endswith("...").
func endsWithEndMark(line string) bool {
	if line == "" {
		return false
	}
	switch line[len(line)-1] {
	case '.':
		return !strings.HasSuffix(line, "...")
	case '?', '!', '"':
		return true
	}
	return false
}

// cutCitations is re.sub(r"\[\d*\]|\[edit\]|\[citation needed\]", "", line)
// (\d: any Unicode decimal digit): it returns the line without the markers
// and how many it cut. The result is not scanned again, so "[[1]]" becomes
// "[]".
func cutCitations(line string) (string, int) {
	i := strings.IndexByte(line, '[')
	if i < 0 {
		return line, 0
	}
	var b strings.Builder
	n, last := 0, 0
	for i >= 0 {
		if m := citationAt(line[i:]); m > 0 {
			if n == 0 {
				b.Grow(len(line))
			}
			b.WriteString(line[last:i])
			n++
			last = i + m
			i = last
		} else {
			i++
		}
		j := strings.IndexByte(line[i:], '[')
		if j < 0 {
			break
		}
		i += j
	}
	if n == 0 {
		return line, 0
	}
	b.WriteString(line[last:])
	return b.String(), n
}

// citationAt returns the length of the citation marker at the start of s
// ("[" known), or 0.
func citationAt(s string) int {
	for _, lit := range []string{"[edit]", "[citation needed]"} {
		if strings.HasPrefix(s, lit) {
			return len(lit)
		}
	}
	i := 1
	for i < len(s) {
		r, n := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		if r == ']' {
			return i + 1
		}
		if !isDecimal(r) {
			return 0
		}
		i += n
	}
	return 0
}
