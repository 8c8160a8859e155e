package heuristics

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/pipeline"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the expected blocks of testdata/c4_rules and testdata/pages/*.golden")

// ddCase is one block of a datadriven file.
type ddCase struct {
	line     int
	cmd      string
	args     []string
	comment  []string
	input    []string
	expected []string
}

// readDD parses the cockroachdb/datadriven layout: "# comments", "cmd
// args", input lines, "----", expected lines up to a blank line.
func readDD(t *testing.T, path string) []ddCase {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	var cases []ddCase
	var comment []string
	for i := 0; i < len(lines); {
		l := lines[i]
		if l == "" {
			if len(cases) == 0 {
				// The file's header stays with the first case.
				comment = append(comment, "")
			}
			i++
			continue
		}
		if strings.HasPrefix(l, "#") {
			comment = append(comment, l)
			i++
			continue
		}
		f := strings.Fields(l)
		c := ddCase{line: i + 1, cmd: f[0], args: f[1:], comment: comment}
		comment = nil
		for i++; i < len(lines) && lines[i] != "----"; i++ {
			c.input = append(c.input, lines[i])
		}
		if i >= len(lines) {
			t.Fatalf("%s:%d: no ---- after input", path, c.line)
		}
		for i++; i < len(lines) && lines[i] != ""; i++ {
			c.expected = append(c.expected, lines[i])
		}
		cases = append(cases, c)
	}
	return cases
}

func writeDD(t *testing.T, path string, cases []ddCase) {
	var b strings.Builder
	for i, c := range cases {
		for _, l := range c.comment {
			b.WriteString(l + "\n")
		}
		b.WriteString(strings.Join(append([]string{c.cmd}, c.args...), " ") + "\n")
		for _, l := range c.input {
			b.WriteString(l + "\n")
		}
		b.WriteString("----\n")
		for _, l := range c.expected {
			b.WriteString(l + "\n")
		}
		if i < len(cases)-1 {
			b.WriteString("\n")
		}
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// stepFor builds the step from datadriven arguments, through the spec as a
// recipe would.
func stepFor(t *testing.T, args []string) (*C4, bool) {
	t.Helper()
	vals := map[string]any{}
	quoted := false
	names := map[string]string{"min_words": "min_words_per_line", "min_sentences": "min_sentences",
		"max_word": "max_word_length", "max_page": "max_page_chars"}
	for _, a := range args {
		if a == "quoted" {
			quoted = true
			continue
		}
		k, v, _ := strings.Cut(a, "=")
		if k == "badwords" {
			vals["badwords"] = v != "off"
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || names[k] == "" {
			t.Fatalf("bad argument %q", a)
		}
		vals[names[k]] = n
	}
	return newStep(t, vals), quoted
}

func newStep(t *testing.T, vals map[string]any) *C4 {
	t.Helper()
	r := pipeline.NewRegistry()
	RegisterC4(r)
	cfg, err := pipeline.NewConfig(C4Spec, vals)
	if err != nil {
		t.Fatal(err)
	}
	s, err := r.NewStep("c4_rules", cfg, &pipeline.Env{})
	if err != nil {
		t.Fatal(err)
	}
	return s.(*C4)
}

// outcome runs the step on one page and renders the result.
func outcome(s *C4, text string) []string {
	d := &pipeline.Doc{ID: "x", Text: text}
	reason, err := s.Process(d)
	if err != nil {
		return []string{"error " + err.Error()}
	}
	if reason != "" {
		return []string{"drop " + reason}
	}
	return append([]string{"keep"}, strings.Split(d.Text, "\n")...)
}

// TestC4Rules runs testdata/c4_rules: one block per rule and edge, exact
// kept text or drop reason.
func TestC4Rules(t *testing.T) {
	path := filepath.Join("testdata", "c4_rules")
	cases := readDD(t, path)
	if len(cases) < 20 {
		t.Fatalf("%d cases", len(cases))
	}
	for i, c := range cases {
		if c.cmd != "clean" {
			t.Fatalf("%s:%d: unknown command %q", path, c.line, c.cmd)
		}
		s, quoted := stepFor(t, c.args)
		text := strings.Join(c.input, "\n")
		if quoted {
			var err error
			if text, err = strconv.Unquote(text); err != nil {
				t.Fatalf("%s:%d: %v", path, c.line, err)
			}
		}
		got := outcome(s, text)
		if quoted && len(got) > 1 {
			got = []string{got[0], strconv.Quote(strings.Join(got[1:], "\n"))}
		}
		if *rewrite {
			cases[i].expected = got
			continue
		}
		if strings.Join(got, "\n") != strings.Join(c.expected, "\n") {
			t.Errorf("%s:%d:\ngot\n%s\nwant\n%s", path, c.line, strings.Join(got, "\n"), strings.Join(c.expected, "\n"))
		}
	}
	if *rewrite {
		writeDD(t, path, cases)
	}
}

// TestC4Pages runs the step on whole pages in testdata/pages: each
// NAME.txt has its exact outcome in NAME.golden.
func TestC4Pages(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "pages", "*.txt"))
	if len(files) < 5 {
		t.Fatalf("found %d pages", len(files))
	}
	s := NewC4(DefaultC4Options())
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			in, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join(outcome(s, string(in)), "\n") + "\n"
			golden := strings.TrimSuffix(f, ".txt") + ".golden"
			if *rewrite {
				os.WriteFile(golden, []byte(got), 0o644)
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// TestBadwordsListPinned: the embedded list is LDNOOBW en at 25e679f0,
// byte for byte (377 entries).
func TestBadwordsListPinned(t *testing.T) {
	sum := sha256.Sum256([]byte(BadwordsEN()))
	if got := hex.EncodeToString(sum[:]); got != "a506cbcf8a31935b122299f3bb1d32be6db3d0ad498765d28f365dfc4f4d7b8c" {
		t.Errorf("badwords_en.txt sha256 %s", got)
	}
	b, err := NewBadwords(BadwordsEN())
	if err != nil || b.Len() != 377 {
		t.Errorf("%d entries, %v", b.Len(), err)
	}
}

// TestBadwordsBoundaries pins Python's (?:\W|^)…(?:\W|$) with Unicode \W.
func TestBadwordsBoundaries(t *testing.T) {
	b, err := NewBadwords("anal\n2 girls 1 cup\ng-spot\n🖕\ns&m\n")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		text string
		want bool
	}{
		{"anal", true}, {"anal.", true}, {"(anal)", true}, {"analysis", false}, {"banal", false},
		{"_anal", false}, {"anal_", false}, {"anal1", false}, {"éanal", false}, {"anal\u0301", true}, // U+0301 is a mark, not \w
		{"x 2 girls 1 cup y", true}, {"2 girls 1 cups", false}, {"a g-spot", true}, {"ag-spot", false},
		{"hi 🖕 there", true}, {"hi🖕there", false}, {"!🖕!", true}, {"s&m", true}, {"s&mx", false}, {"", false}, {"ana", false},
		{"\u0661anal", false}, // Arabic-Indic digit one is \w
	} {
		_, got := b.Find(c.text)
		if got != c.want {
			t.Errorf("Find(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}

// TestCountSentences pins the untrained-Punkt counts; each expected value is
// len(PunktSentenceTokenizer().tokenize(line)) from NLTK 3.8.
func TestCountSentences(t *testing.T) {
	for _, c := range []struct {
		line string
		want int
	}{
		{"Mr. Smith went home. He slept well.", 3},
		{"J. R. R. Tolkien wrote books. Many read them.", 2},
		{"It is 3. and more. Yes!! Next one?  Ok.", 4},
		{`He said "Stop." Then left.`, 2},
		{"A... B c. D", 1},
		{"See p. 3. It was 1,000. Then x.", 4},
		{"etc.; then more. Done (really.) Next.", 4},
		{"One sentence only.", 1},
		{"No break at the end. ", 1},
		{"x. ,y and z", 1},
		{`A. "Quote`, 2},
		{"3. (x", 2},
		{`He left." Then`, 2},
		{"Go! now", 2},
		{"I. am", 1},
		{"Wait?! Yes", 2},
		{"The river was first mapped in 1850. It is long.", 2},
	} {
		if got := countSentences(c.line); got != c.want {
			t.Errorf("countSentences(%q) = %d, want %d", c.line, got, c.want)
		}
	}
}

// TestPunktCounts holds countSentences to NLTK's untrained Punkt on the
// lines of testdata/punkt_counts.tsv (made by punkt_counts.py).
func TestPunktCounts(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "punkt_counts.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, row := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		count, quoted, _ := strings.Cut(row, "\t")
		var line string
		if err := json.Unmarshal([]byte(quoted), &line); err != nil {
			t.Fatalf("%q: %v", row, err)
		}
		want, _ := strconv.Atoi(count)
		if got := countSentences(line); got != want {
			t.Errorf("countSentences(%q) = %d, NLTK %d", line, got, want)
		}
		n++
	}
	if n < 500 {
		t.Errorf("%d lines", n)
	}
}

// TestC4Counters: line removals are counted per rule.
func TestC4Counters(t *testing.T) {
	s := NewC4(DefaultC4Options())
	s.Clean("short line\nPlease enable javascript to view this page.\nOne two three four five.[1]\nOne two three four five.\nOne two three four five.\nThis site uses cookies for the best experience.")
	got := fmt.Sprint(s.Counters())
	want := "map[citations_removed:1 lines_javascript:1 lines_kept:3 lines_no_endmark:1 lines_policy:1 lines_too_long_word:0 lines_too_short:0]"
	if got != want {
		t.Errorf("counters %s, want %s", got, want)
	}
}
