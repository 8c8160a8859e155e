package langid

import (
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	"github.com/pemistahl/lingua-go"
)

// Result is the answer for one text.
type Result struct {
	// Lang is the ISO 639-1 code of the language; "" when the text has no
	// letters, no word-like tokens (junk) or lingua gives no answer.
	Lang string
	// Score in [0,1] is the confidence that the text is running text in
	// Lang: the language decision's confidence times the junk and mixing
	// guards (see doc.go).
	Score float64
	// Path says what decided: "script", "words", "lingua", "empty" (no
	// letters) or "junk" (no word-like tokens).
	Path string
	// Top lists the best candidates, best first, with their scores (Top[0]
	// is Lang, Score; empty for "empty" and "junk"). On the lingua path the
	// others are lingua's next answers with the same guards applied; on the
	// word-list path they are the lists with the most words, scored by
	// their share of the winner's words, halved: a hint, not a probability.
	Top []Candidate
}

// Candidate is one language and its score.
type Candidate struct {
	Lang  string
	Score float64
}

// Stats counts which path decided, for the build's stats and benchmarks.
type Stats struct {
	Script, Words, Lingua, Empty, Junk int64
}

// Detector identifies languages. It is safe for concurrent use; build it
// once (New loads nothing, lingua's models load on first need and are
// shared process-wide by lingua itself).
type Detector struct {
	// refined counts short texts that a cluster's high-accuracy detector
	// decided.
	refined atomic.Int64

	lx   *lexicon
	tab  *runeTables
	pool sync.Pool // of *analysis

	once   sync.Once
	lingua lingua.LanguageDetector

	script, words, linguaN, empty, junk atomic.Int64
}

// New returns a detector.
func New() *Detector { return &Detector{lx: newLexicon(), tab: runeTablesBuilt()} }

var shared struct {
	once sync.Once
	d    *Detector
}

// Shared returns a process-wide detector, so that every step and command
// shares one lexicon and one set of lingua models.
func Shared() *Detector {
	shared.once.Do(func() { shared.d = New() })
	return shared.d
}

// Stats returns how many texts each path decided.
func (d *Detector) Stats() Stats {
	return Stats{d.script.Load(), d.words.Load(), d.linguaN.Load(), d.empty.Load(), d.junk.Load()}
}

func (d *Detector) linguaDetector() lingua.LanguageDetector {
	d.once.Do(func() {
		// Low accuracy (trigrams only) over all languages: for texts of
		// 120 letters or more lingua's high-accuracy mode uses trigrams
		// only as well, and restricting the language set would make
		// languages left out leak in with high confidence.
		d.lingua = lingua.NewLanguageDetectorBuilder().FromAllLanguages().
			WithLowAccuracyMode().WithPreloadedLanguageModels().Build()
	})
	return d.lingua
}

// Preload loads lingua's models now rather than on the first text that needs
// them (half a second, ~150 MB).
func (d *Detector) Preload() { d.linguaDetector() }

// scripts the analysis tells apart.
const (
	scLatin = iota
	scCyrillic
	scGreek
	scArabic
	scHebrew
	scHan
	scKana
	scHangul
	scDevanagari
	scThai
	scArmenian
	scGeorgian
	scBengali
	scGujarati
	scGurmukhi
	scTamil
	scTelugu
	scOther
	nScripts
)

var scriptTables = []*unicode.RangeTable{
	scLatin: unicode.Latin, scCyrillic: unicode.Cyrillic, scGreek: unicode.Greek,
	scArabic: unicode.Arabic, scHebrew: unicode.Hebrew, scHan: unicode.Han,
	scHangul: unicode.Hangul, scDevanagari: unicode.Devanagari, scThai: unicode.Thai,
	scArmenian: unicode.Armenian, scGeorgian: unicode.Georgian, scBengali: unicode.Bengali,
	scGujarati: unicode.Gujarati, scGurmukhi: unicode.Gurmukhi, scTamil: unicode.Tamil,
	scTelugu: unicode.Telugu,
}

// oneLanguage maps scripts that lingua's rules give to a single language.
var oneLanguage = map[int]string{
	scGreek: "el", scHebrew: "he", scHangul: "ko", scThai: "th", scArmenian: "hy",
	scGeorgian: "ka", scBengali: "bn", scGujarati: "gu", scGurmukhi: "pa", scTamil: "ta",
	scTelugu: "te", scHan: "zh", scKana: "ja",
}

// unspacedScripts are written without spaces between words.
var unspacedScripts = []*unicode.RangeTable{unicode.Han, unicode.Hiragana, unicode.Katakana,
	unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar, unicode.Tibetan}

func slowScriptOf(r rune) int {
	if r < 0x250 {
		return scLatin
	}
	if unicode.In(r, unicode.Hiragana, unicode.Katakana) {
		return scKana
	}
	for i, t := range scriptTables {
		if t != nil && unicode.Is(t, r) {
			return i
		}
	}
	return scOther
}

// shape is the word-shape factor: 1 when at least 80% of the characters
// are in word-like tokens, 0 at 30% or less.
func (a *analysis) shape() float64 {
	t := a.wordChars + a.junkChars
	if t == 0 {
		return 1
	}
	return clamp01((float64(a.wordChars)/float64(t) - 0.3) / 0.5)
}

func clamp01(x float64) float64 {
	switch {
	case x < 0:
		return 0
	case x > 1:
		return 1
	}
	return x
}

// listFor returns the word list that stands for a language lingua named.
func (d *Detector) listFor(lang string, script int) (int, bool) {
	switch {
	case lang == "bs", lang == "sr" && script == scLatin:
		lang = "hr"
	case lang == "nn" || lang == "no":
		lang = "nb"
	case lang == "ms":
		lang = "id"
	}
	i, ok := d.lx.index[lang]
	return i, ok
}

// guards returns the junk and mixing factor for language lang: word shape,
// vowels, the coverage of the text by lang's word list and the purity of
// its evidence against the strongest competing list.
func (d *Detector) guards(a *analysis, lang string, script int) float64 {
	shape := a.shape()
	vowel := 1.0
	if script == scLatin && a.latinWords >= 5 {
		vowel = clamp01(1 - (float64(a.vowelless)/float64(a.latinWords)-0.08)/0.12)
	}
	f := shape * vowel
	if a.words == 0 {
		return f
	}
	i, listed := d.listFor(lang, script)
	if !listed {
		// A language without a list: strong evidence of a listed language
		// means mixing or a wrong call.
		best := 0
		for _, h := range a.hits {
			best = max(best, h)
		}
		f *= clamp01(1 - (float64(best)/float64(a.words)-0.1)/0.2)
		if script == scLatin && a.latinWords >= 5 {
			// Nor is there a list to tell letter salad from text: ask for
			// pronounceable words (few runs of four consonants).
			f *= clamp01(1 - (float64(a.harsh)/float64(a.latinWords)-0.08)/0.12)
		}
		return f
	}
	coverage := 1.0
	if a.words >= 10 {
		// Shorter texts hold too few words for their coverage to mean much.
		coverage = clamp01(float64(a.hits[i]) / float64(a.words) / 0.15)
	}
	purity := 1.0
	both := a.shared(i)
	for j := range d.lx.codes {
		if j == i || a.hits[j] == 0 || d.sameFamily(i, j) {
			continue
		}
		// One stray word of another language is not mixing.
		against, for_ := a.hits[j]-both[j]-1, a.hits[i]-both[j]
		if against <= 0 {
			continue
		}
		p := float64(for_) / float64(for_+against)
		purity = min(purity, clamp01((p-0.5)/0.3))
	}
	return f * coverage * purity
}

// family groups the lists of related languages. Purity only counts the
// evidence of other families: related languages share function words that
// short lists cannot all hold, and lingua (or the fast path's margins)
// already tells them apart. Mixing inside a family goes unseen.
var family = map[string]string{
	"fr": "romance", "es": "romance", "pt": "romance", "ca": "romance", "it": "romance", "ro": "romance",
	"ru": "cyr", "uk": "cyr", "bg": "cyr", "sr": "cyr", "mk": "cyr", "be": "cyr",
	"cs": "wslav", "sk": "wslav", "pl": "wslav", "sl": "wslav", "hr": "wslav",
	"de": "wgerm", "nl": "wgerm", "af": "wgerm",
	"da": "nordic", "nb": "nordic", "sv": "nordic",
	"fi": "finnic", "et": "finnic", "lt": "baltic", "lv": "baltic",
}

func (d *Detector) sameFamily(i, j int) bool {
	f := d.lx.family
	return f[i] != 0 && f[i] == f[j]
}

// Detect identifies the language of text (already sampled: see Sample).
func (d *Detector) Detect(text string) Result {
	a := d.analyze(text)
	defer d.putAnalysis(a)
	if a.nLetters == 0 {
		d.empty.Add(1)
		return Result{Path: "empty"}
	}
	script := 0
	for s := range a.letters {
		if a.letters[s] > a.letters[script] {
			script = s
		}
	}
	share := float64(a.letters[script]) / float64(a.nLetters)
	if (script == scHan || script == scKana) && a.letters[scKana] > 0 {
		// Japanese mixes kanji and kana.
		script = scKana
		share = float64(a.letters[scHan]+a.letters[scKana]) / float64(a.nLetters)
	}
	if lang, ok := oneLanguage[script]; ok {
		d.script.Add(1)
		s := share * d.guards(a, lang, script)
		return Result{Lang: lang, Score: s, Path: "script", Top: []Candidate{{lang, s}}}
	}
	if a.words == 0 || a.shape() == 0 {
		// Nothing that reads as words (base64, identifiers, numbers glued
		// to letters): junk, whatever lingua would say, and lingua would
		// be slowest on it.
		d.junk.Add(1)
		return Result{Path: "junk"}
	}
	best, clear := d.fastLang(a)
	if clear && !notDecidable[d.lx.codes[best]] {
		d.words.Add(1)
		return d.fastResult(a, best, script, share)
	}
	d.linguaN.Add(1)
	// lingua's cost grows with the text (and steeply once its probability
	// sums underflow float64), so it reads a bounded prefix.
	ltext := window(text, 0, LinguaBytes)
	short := a.nLetters < 120
	var vals []lingua.ConfidenceValue
	if c := clusterOfList(d.lx.codes[best]); clear && c != nil {
		// The words name a cluster lingua must settle: ask lingua about the
		// cluster's languages only (a few instead of all 75: the ranking
		// among them is the same, as lingua scores languages independently).
		vals = c.detector(short).ComputeLanguageConfidenceValues(ltext)
	} else {
		vals = d.linguaDetector().ComputeLanguageConfidenceValues(ltext)
		if short && len(vals) > 0 && vals[0].Value() > 0 {
			if c := clusterOf(vals[0].Language()); c != nil {
				vals = c.detector(true).ComputeLanguageConfidenceValues(ltext)
			}
		}
	}
	// Within a cluster lingua's confidence splits between languages that
	// are nearly one (Croatian and Bosnian, Danish and Bokmål): the score
	// of the winner is the cluster's share, the confidence that the text is
	// running text in one of them.
	var cl *cluster
	if len(vals) > 0 {
		cl = clusterOf(vals[0].Language())
	}
	var top []Candidate
	for i, v := range vals {
		if v.Value() <= 0 || len(top) == 5 {
			break
		}
		conf := v.Value()
		if i == 0 && cl != nil {
			for _, w := range vals[1:] {
				if cl.has(w.Language()) {
					conf += w.Value()
				}
			}
		}
		lang := strings.ToLower(v.Language().IsoCode639_1().String())
		top = append(top, Candidate{lang, min(conf, 1) * share * d.guards(a, lang, script)})
	}
	if len(top) == 0 {
		return Result{Path: "lingua"}
	}
	sort.SliceStable(top, func(i, j int) bool { return top[i].Score > top[j].Score })
	return Result{Lang: top[0].Lang, Score: top[0].Score, Path: "lingua", Top: top}
}

// fast decides from the word lists alone when one language's evidence is
// clear: enough of its words, and against every other list at least twice
// and three times as many words of its own as of the other's.
func (d *Detector) fastLang(a *analysis) (int, bool) {
	best := 0
	for i, h := range a.hits {
		if h > a.hits[best] {
			best = i
		}
	}
	if a.hits[best] < 3 || float64(a.hits[best]) < 0.08*float64(a.words) {
		return best, false
	}
	both := a.shared(best)
	for j := range d.lx.codes {
		if j == best || a.hits[j] == 0 {
			continue
		}
		// Words in one list and not the other.
		for_, against := a.hits[best]-both[j], a.hits[j]-both[j]
		if for_ < 2 || for_ < 3*against {
			return best, false
		}
	}
	return best, true
}

// fastResult is the answer of the word lists for list best.
func (d *Detector) fastResult(a *analysis, best, script int, share float64) Result {
	lang := d.lx.codes[best]
	s := share * d.guards(a, lang, script)
	top := []Candidate{{lang, s}}
	for len(top) < 3 {
		next := -1
		for j, h := range a.hits {
			if h == 0 || contains(top, d.lx.codes[j]) {
				continue
			}
			if next < 0 || h > a.hits[next] {
				next = j
			}
		}
		if next < 0 {
			break
		}
		top = append(top, Candidate{d.lx.codes[next], s * float64(a.hits[next]) / float64(a.hits[best]) / 2})
	}
	return Result{Lang: lang, Score: s, Path: "words", Top: top}
}

func contains(c []Candidate, lang string) bool {
	for _, x := range c {
		if x.Lang == lang {
			return true
		}
	}
	return false
}

func sortStrings(s []string) { sort.Strings(s) }

// cluster is a set of languages that lingua's trigrams alone confuse on
// short texts. Under 120 letters lingua's high-accuracy mode adds uni-, bi-,
// quadri- and fivegrams; for these clusters we do the same, loading the
// high-accuracy models of the cluster only (about 25 MB per language) rather
// than of all languages (2 GB).
type cluster struct {
	list  string // the word list that stands for the cluster, if any
	langs []lingua.Language

	lowOnce, highOnce sync.Once
	low, high         lingua.LanguageDetector
}

// detector returns the cluster's detector: high accuracy for short texts
// (as lingua's own high-accuracy mode behaves), trigrams only otherwise.
func (c *cluster) detector(short bool) lingua.LanguageDetector {
	if short {
		c.highOnce.Do(func() {
			c.high = lingua.NewLanguageDetectorBuilder().FromLanguages(c.langs...).Build()
		})
		return c.high
	}
	c.lowOnce.Do(func() {
		c.low = lingua.NewLanguageDetectorBuilder().FromLanguages(c.langs...).WithLowAccuracyMode().Build()
	})
	return c.low
}

var clusters = []*cluster{
	{list: "hr", langs: []lingua.Language{lingua.Croatian, lingua.Bosnian, lingua.Serbian, lingua.Slovene}},
	{list: "id", langs: []lingua.Language{lingua.Indonesian, lingua.Malay}},
	{langs: []lingua.Language{lingua.Danish, lingua.Bokmal, lingua.Nynorsk}},
	{langs: []lingua.Language{lingua.Russian, lingua.Ukrainian, lingua.Belarusian, lingua.Bulgarian, lingua.Macedonian, lingua.Serbian}},
	{langs: []lingua.Language{lingua.Czech, lingua.Slovak}},
}

func (c *cluster) has(l lingua.Language) bool {
	for _, x := range c.langs {
		if x == l {
			return true
		}
	}
	return false
}

func clusterOfList(list string) *cluster {
	for _, c := range clusters {
		if c.list == list {
			return c
		}
	}
	return nil
}

func clusterOf(l lingua.Language) *cluster {
	for _, c := range clusters {
		for _, x := range c.langs {
			if x == l {
				return c
			}
		}
	}
	return nil
}
