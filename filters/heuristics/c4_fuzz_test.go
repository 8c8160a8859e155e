package heuristics

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzC4Clean: no panic, and what is kept is made of the page's lines:
// never longer than the page, valid UTF-8 when the page is, and never
// holding a line the rules would remove.
func FuzzC4Clean(f *testing.F) {
	pages, _ := filepath.Glob(filepath.Join("testdata", "pages", "*.txt"))
	for _, p := range pages {
		b, _ := os.ReadFile(p)
		f.Add(string(b))
	}
	f.Add("A b c d e.\r\nF g h i j.\x1cK l m n o.[1]\u2028[edit]")
	s := NewC4(DefaultC4Options())
	f.Fuzz(func(t *testing.T, text string) {
		out, rule := s.Clean(text)
		if rule != "" {
			if out != "" {
				t.Fatalf("dropped (%s) with text %q", rule, out)
			}
			return
		}
		if len(out) > len(text) {
			t.Fatalf("cleaned %d bytes from %d", len(out), len(text))
		}
		if utf8.ValidString(text) && !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of valid input: %q", out)
		}
		for _, l := range strings.Split(out, "\n") {
			if !endsWithEndMark(l) || strings.Contains(pyLower(l), "javascript") || strings.Contains(l, "{") {
				t.Fatalf("kept line %q", l)
			}
		}
	})
}

// FuzzBadwords holds Find to a regular expression with Python's Unicode \W
// spelled out, (?:[^\p{L}\p{N}_]|^)(…)(?:[^\p{L}\p{N}_]|$).
func FuzzBadwords(f *testing.F) {
	list := BadwordsEN()
	b, err := NewBadwords(list)
	if err != nil {
		f.Fatal(err)
	}
	var alts []string
	for _, w := range strings.Split(strings.TrimSpace(list), "\n") {
		alts = append(alts, regexp.QuoteMeta(w))
	}
	re := regexp.MustCompile(`(?:[^\p{L}\p{N}_]|^)(` + strings.Join(alts, "|") + `)(?:[^\p{L}\p{N}_]|$)`)
	for _, s := range []string{"anal", "analysis", "x anal_", "a 2 girls 1 cup", "🖕", "é🖕", "bollocks!", "s&m"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return // the step only sees valid UTF-8 (readers replace or skip bad bytes)
		}
		_, got := b.Find(s)
		if want := re.MatchString(s); got != want {
			t.Fatalf("Find(%q) = %v, regexp %v", s, got, want)
		}
	})
}

// FuzzPunktShortcut holds punktBreakAfter's shortcut to the full Punkt
// context check for a candidate followed by whitespace and a token.
func FuzzPunktShortcut(f *testing.F) {
	for _, s := range [][2]string{{"J", "Smith"}, {"3", "many"}, {"Mr", "Smith"}, {"b", `J."`}, {"end", "x.y"}, {"a1", "B"}} {
		f.Add(s[0], s[1], byte('.'))
	}
	f.Fuzz(func(t *testing.T, word, next string, mark byte) {
		if !utf8.ValidString(word) || !utf8.ValidString(next) || next == "" || strings.ContainsFunc(word+next, pyIsSpace) {
			return
		}
		w := word + string(".?!"[int(mark)%3])
		after := " " + next
		if got, want := punktBreakAfter(w, after), punktHasBreak(w+after); got != want {
			t.Fatalf("punktBreakAfter(%q, %q) = %v, punktHasBreak %v", w, after, got, want)
		}
	})
}
