package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/recipes"
)

// TestDemoModelGuard: the embedded recipe on real inputs stops before the
// build starts, naming each demo model and the command that fetches the
// real ones; on the sample, with --only a source whose inputs are the
// sample, with a recipe naming real models, or with --allow-demo-models,
// it passes.
func TestDemoModelGuard(t *testing.T) {
	out := t.TempDir()
	_, err := runCLI(t, "", true, "build", "--input", "commoncrawl=/data/cc/*.warc.wet.gz", "--out", out)
	if err == nil || exitCode(err) != 2 {
		t.Fatalf("got %v", err)
	}
	line := "(line " + strconv.Itoa(recipeLine(t, "      - perplexity:")) + ")"
	for _, want := range []string{
		"commoncrawl.perplexity.model " + line + ": embed://sample/lm.arpa.gz  (real model: ccnet:en)",
		"commoncrawl.perplexity.spm " + line + ": embed://sample/tokenizer.model  (real model: ccnet-sp:en)",
		"commoncrawl.perplexity.cutoffs " + line + ": embed://sample/cutoffs.tsv  (real model: ccnet-cutoffs)",
		"commoncrawl.wikiref.model",
		"tokenizer.model: embed://sample/tokenizer.model  (real model: llama-tokenizer)",
		"tokenmill models fetch ccnet-cutoffs ccnet-sp:en ccnet:en llama-tokenizer",
		"--allow-demo-models",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("the build wrote %d entries before the guard stopped it", len(entries))
	}

	pass := func(args ...string) {
		t.Helper()
		c := withDemoModelGuard(newBuildCmd())
		if err := c.ParseFlags(args); err != nil {
			t.Fatal(err)
		}
		if err := c.PreRunE(c, nil); err != nil {
			t.Errorf("%v: %v", args, err)
		}
	}
	pass()                                                      // the sample
	pass("--only", "books")                                     // the sample's books
	pass("--input", "books=/data/books", "--only", "wikipedia") // books do not run
	pass("--input", "commoncrawl=/data/cc", "--allow-demo-models")
	dir := t.TempDir()
	recipe := filepath.Join(dir, "real.yaml")
	os.WriteFile(recipe, []byte(`sources:
  - name: cc
    format: commoncrawl
    inputs: [/data/cc]
    steps:
      - perplexity: {lang: en, model: ccnet:en, spm: ccnet-sp:en, cutoffs: ccnet-cutoffs}
`), 0o644)
	pass("--recipe", recipe)
}

// recipeLine returns the line of the embedded recipe that starts with prefix.
func recipeLine(t *testing.T, prefix string) int {
	t.Helper()
	for i, l := range strings.Split(string(recipes.LLaMA()), "\n") {
		if strings.HasPrefix(l, prefix) {
			return i + 1
		}
	}
	t.Fatalf("no line %q in the embedded recipe", prefix)
	return 0
}
