package heuristics

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/tokenize"
)

func codeDoc(meta map[string]string, text string) *pipeline.Doc {
	d := &pipeline.Doc{ID: "r:refs/heads/main:" + meta["path"], Text: text}
	for k, v := range meta {
		d.SetMeta(k, v)
	}
	return d
}

// TestCodeFiles: one case per reason, in the order the step tests them,
// with the metadata the github source writes.
func TestCodeFiles(t *testing.T) {
	s := NewCodeFiles(LLaMALicenses, RedPajamaExtensions)
	for _, c := range []struct {
		meta map[string]string
		want string
	}{
		{map[string]string{"path": "a.go", "license": "mit"}, ""},
		{map[string]string{"path": "a.go", "license": "apache-2.0"}, ""},
		{map[string]string{"path": "a.go", "license": "bsd-2-clause"}, ""},
		{map[string]string{"path": "a.go", "license": "bsd-3-clause"}, ""},
		{map[string]string{"path": "Makefile", "license": "mit"}, ""},
		{map[string]string{"path": "x.C", "license": "mit"}, ""},
		{map[string]string{"path": "a.go", "license": "mit", "kind": "symlink"}, "code_files:symlink"},
		{map[string]string{"path": "sub", "license": "mit", "kind": "submodule", "content": "missing"}, "code_files:submodule"},
		{map[string]string{"path": "a.go"}, "code_files:unlicensed"},
		{map[string]string{"path": "a.go", "license": "gpl-3.0"}, "code_files:license"},
		{map[string]string{"path": "a.go", "license": "MIT"}, "code_files:license"},
		{map[string]string{"path": "LICENSE", "license": "mit"}, "code_files:extension"},
		{map[string]string{"path": "a.json", "license": "mit"}, "code_files:extension"},
		{map[string]string{"path": "GNUmakefile", "license": "mit"}, "code_files:extension"},
		{map[string]string{"path": "a.go", "license": "mit", "content": "missing"}, "code_files:no_content"},
		{map[string]string{"path": "big.js", "license": "mit", "content": "null"}, "code_files:null_content"},
		{map[string]string{"path": "intro.ts", "license": "mit", "content": "binary"}, "code_files:binary"},
	} {
		got, err := s.Process(codeDoc(c.meta, "x"))
		if err != nil || got != c.want {
			t.Errorf("%v: drop %q (err %v), want %q", c.meta, got, err, c.want)
		}
	}
}

// TestCodeQuality: each threshold just kept and just dropped.
func TestCodeQuality(t *testing.T) {
	q := &CodeQuality{MaxLine: 1000, MaxMeanLine: 100, MinAlnum: 0.25, MinAlphaPerToken: 1.5}
	long := func(n int) string { return strings.Repeat("a", n) }
	for _, c := range []struct {
		name, text, want string
	}{
		{"empty", "", "code_quality:empty"},
		{"ok", "package x\n\nfunc f() int { return 1 }\n", ""},
		{"line 1000", strings.Repeat(long(1000)+"\n"+strings.Repeat("b\n", 10), 1), ""},
		{"line 1001", long(1001) + "\n" + strings.Repeat("b\n", 10), "code_quality:max_line>1000"},
		{"mean 100", long(99) + "\n" + long(99) + "\n", ""},
		{"mean 100.5", long(100) + "\n" + long(99) + "\n", "code_quality:mean_line>100"},
		// 4 alnum of 16 characters: exactly 0.25 is kept.
		{"alnum 0.25", "abcd~~~~~~~~~~~\n", ""},
		{"alnum low", "abcd~~~~~~~~~~~~\n", "code_quality:alnum<0.25"},
		// Whitespace tokens: 3 letters / 2 words = 1.5 kept; 2/2 dropped.
		{"alpha 1.5", "abc 12\n", ""},
		{"alpha low", "ab 12\n", "code_quality:alpha_per_token<1.5"},
	} {
		got, _ := q.Process(&pipeline.Doc{Text: c.text})
		if got != c.want {
			t.Errorf("%s: drop %q, want %q (%+v)", c.name, got, c.want, Stats(c.text))
		}
	}
}

// TestCodeQualityTokenizer counts tokens with the sample SentencePiece
// model, as the recipe does.
func TestCodeQualityTokenizer(t *testing.T) {
	data, err := os.ReadFile("../../recipes/sample/tokenizer.model")
	if err != nil {
		t.Skip(err)
	}
	m, err := tokenize.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	q := &CodeQuality{MaxLine: 1000, MaxMeanLine: 100, MinAlnum: 0.25, MinAlphaPerToken: 1.5, Tokenizer: m}
	text := "func main() {\n\tfmt.Println(\"hello, world\")\n}\n"
	n := len(m.Encode(text))
	s := Stats(text)
	want := ""
	if float64(s.Alpha)/float64(n) < 1.5 {
		want = "code_quality:alpha_per_token<1.5"
	}
	if got, _ := q.Process(&pipeline.Doc{Text: text}); got != want {
		t.Errorf("drop %q, want %q (%d letters, %d tokens)", got, want, s.Alpha, n)
	}
	if q.Counters()["tokens_counted"] != int64(n) {
		t.Errorf("tokens_counted %d, want %d", q.Counters()["tokens_counted"], n)
	}
}

// TestStatsPython checks Stats against Python's own str.splitlines,
// str.isalnum and str.isalpha (what RedPajama's numbers are), when python3
// is installed.
func TestStatsPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed: Stats not compared with Python")
	}
	texts := []string{"", "a", "a\n", "a\r\nbb\rccc\n", "x\vy\fz\x1cw\x1dv\x1eu", "é½²\u0085ab\u2028c\u2029",
		"\n\n\n", "٣ digits ½ Ⅻ ① 漢字 ｱ", "tab\tand  spaces \n", "\r", "\r\r\n", "emoji 🙂 ok\n", "a\u00a0b\u3000c\x1fd\u200be", "  lead  trail  "}
	in, _ := json.Marshal(texts)
	out, err := exec.Command(py, "-c", `
import json, sys
for t in json.loads(sys.argv[1]):
    ls = list(map(len, t.splitlines()))
    print(json.dumps([len(t), len(ls), max(ls) if ls else 0, sum(c.isalnum() for c in t), sum(c.isalpha() for c in t), len(t.split())]))
`, string(in)).Output()
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var w [6]int
		json.Unmarshal([]byte(line), &w)
		s := Stats(texts[i])
		if got := [6]int{s.Chars, s.Lines, s.MaxLine, s.Alnum, s.Alpha, s.Words}; got != w || CountWords(texts[i]) != s.Words {
			t.Errorf("%q: Stats %v, Python %v (chars, lines, max line, alnum, alpha, words)", texts[i], got, w)
		}
	}
}

func BenchmarkCodeQuality(b *testing.B) {
	text := strings.Repeat("func f(a, b int) int { return a*b + 42 } // comment\n", 400)
	q := &CodeQuality{MaxLine: 1000, MaxMeanLine: 100, MinAlnum: 0.25, MinAlphaPerToken: 1.5}
	b.SetBytes(int64(len(text)))
	for i := 0; i < b.N; i++ {
		q.Process(&pipeline.Doc{Text: text})
	}
}
