package langid

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// The byte path for ASCII tokens must give the features the rune path
// gives.
func TestASCIIPathMatchesRunePath(t *testing.T) {
	d := New()
	rng := rand.New(rand.NewSource(7))
	const alphabet = "aeiouyAEIOUYbcdfghjklmnpqrstvwxzBCDFGHJKLMNPQRSTVWXZ0123456789.,;:'\"-_/()[]!?@#$%&*+=<>~`^|\\"
	var texts []string
	for _, l := range readUDHR(t) {
		if isASCII(l.text) {
			texts = append(texts, l.text)
		}
	}
	for range 2000 {
		var b strings.Builder
		for range rng.Intn(60) {
			if rng.Intn(6) == 0 {
				b.WriteByte(' ')
			}
			b.WriteByte(alphabet[rng.Intn(len(alphabet))])
		}
		texts = append(texts, b.String())
	}
	if len(texts) < 1000 {
		t.Fatalf("only %d ASCII texts", len(texts))
	}
	for _, text := range texts {
		fast, slow := d.getAnalysis(), d.getAnalysis()
		for tok := range strings.FieldsSeq(text) {
			d.asciiToken(fast, tok)
			d.token(slow, tok)
		}
		if fast.letters != slow.letters || fast.nLetters != slow.nLetters || fast.words != slow.words ||
			fast.latinWords != slow.latinWords || fast.vowelless != slow.vowelless || fast.harsh != slow.harsh ||
			fast.wordChars != slow.wordChars || fast.junkChars != slow.junkChars || !equalInts(fast.hits, slow.hits) {
			t.Fatalf("%q: ASCII path %+v, rune path %+v", text, *fast, *slow)
		}
		d.putAnalysis(fast)
		d.putAnalysis(slow)
	}
}

// The tables answer as unicode does.
func TestRuneTables(t *testing.T) {
	tab := runeTablesBuilt()
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if r >= 0x10000 && r%7 != 0 {
			continue // the tables stop at the BMP; sample the rest
		}
		p := tab.propOf(r)
		want := map[uint16]bool{
			pSpace: unicode.IsSpace(r), pLetter: unicode.IsLetter(r), pMark: unicode.In(r, unicode.Mn, unicode.Mc),
			pDigit: unicode.IsDigit(r), pNumber: unicode.IsNumber(r), pUpper: unicode.IsUpper(r), pLower: unicode.IsLower(r),
			pVowel: isVowel(r), pUnspaced: unicode.IsLetter(r) && r >= 0xE00 && unicode.In(r, unspacedScripts...),
		}
		for bit, w := range want {
			if (p&bit != 0) != w {
				t.Fatalf("%U: property %#x = %v, want %v", r, bit, p&bit != 0, w)
			}
		}
		if unicode.IsLetter(r) && tab.scriptOf(r) != slowScriptOf(r) {
			t.Fatalf("%U: script %d, want %d", r, tab.scriptOf(r), slowScriptOf(r))
		}
		if tab.lowerOf(r) != unicode.ToLower(r) {
			t.Fatalf("%U: lower %U, want %U", r, tab.lowerOf(r), unicode.ToLower(r))
		}
		if r < utf8.RuneSelf && asciiClass[r]&^pVowel != p&^pVowel {
			t.Fatalf("%U: ASCII class %#x, want %#x", r, asciiClass[r], p)
		}
		if r < utf8.RuneSelf && (asciiClass[r]&pVowel != 0) != isVowel(unicode.ToLower(r)) {
			t.Fatalf("%U: ASCII vowel wrong", r)
		}
	}
}

// Every listed word is found, with its lists, and nothing else is.
func TestLexicon(t *testing.T) {
	lx := newLexicon()
	want := map[string]uint64{}
	for i, code := range lx.codes {
		for _, w := range strings.Fields(stopWords[code]) {
			want[w] |= 1 << uint(i)
		}
	}
	for w, m := range want {
		if e := lx.lookup([]byte(w)); e == 0 || lx.entries[e].mask != m {
			t.Errorf("%q: entry %d, want mask %b", w, e, m)
		}
	}
	for _, w := range []string{"", "xyz", "thee", "th", "Der", "dignity"} {
		if e := lx.lookup([]byte(w)); e != 0 {
			t.Errorf("%q found as %q", w, lx.entries[e].word)
		}
	}
	if len(lx.entries)-1 != len(want) {
		t.Errorf("%d entries, want %d", len(lx.entries)-1, len(want))
	}
}

// Sample's fast path (bytes) gives what strings.Map gave, invalid UTF-8
// included.
func TestSampleFlatten(t *testing.T) {
	old := func(s string) string {
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
	for _, s := range []string{"", "a", "a\nb", "a\r\nb\n", "\n\n", "x\xffy\nz", "x\xffy z", "é\ré", strings.Repeat("ab cd\n", 600),
		strings.Repeat("ab\r\ncd ", 600), strings.Repeat("ab cd\xc3 ", 600) + "\n"} {
		if got, want := flatten(s), old(s); got != want {
			t.Errorf("flatten(%.20q) = %.40q, want %.40q", s, got, want)
		}
		if len(s) > DefaultSampleBytes {
			w := DefaultSampleBytes / 3
			want := old(strings.Join([]string{window(s, 0, w), window(s, len(s)/2-w/2, w), window(s, len(s)-w, w)}, " "))
			if got := Sample(s, DefaultSampleBytes); got != want {
				t.Errorf("Sample(%.20q) = %.40q, want %.40q", s, got, want)
			}
		}
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Pooled analyses must not leak between goroutines or documents: the
// answers of four goroutines are the sequential ones.
func TestConcurrentDetect(t *testing.T) {
	d := New()
	var texts []string
	for i, l := range readUDHR(t) {
		if i%4 == 0 && l.set != "junk" {
			texts = append(texts, Sample(l.text, DefaultSampleBytes))
		}
	}
	want := make([]Result, len(texts))
	for i, s := range texts {
		want[i] = d.Detect(s)
	}
	errs := make(chan string, 4)
	for g := range 4 {
		go func() {
			for k := range texts {
				i := (k*7 + g*13) % len(texts)
				if r := d.Detect(texts[i]); r.Lang != want[i].Lang || r.Path != want[i].Path ||
					(r.Path != "lingua" && r.Score != want[i].Score) {
					errs <- fmt.Sprintf("%.40q: got %s %v %s, want %s %v %s", texts[i], r.Lang, r.Score, r.Path,
						want[i].Lang, want[i].Score, want[i].Path)
					return
				}
			}
			errs <- ""
		}()
	}
	for range 4 {
		if e := <-errs; e != "" {
			t.Error(e)
		}
	}
}
