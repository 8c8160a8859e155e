package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRecipeCheckPerplexityModel: `recipe check` verifies the perplexity
// step's model (and its spm and cutoffs), under either field name.
func TestRecipeCheckPerplexityModel(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.yaml")
	for _, field := range []string{"model", "arpa"} {
		os.WriteFile(path, []byte(`sources:
  - name: cc
    format: commoncrawl
    inputs: [x]
    steps:
      - perplexity:
          lang: en
          `+field+`: en.arpa.bin
          spm: embed://sample/tokenizer.model
          cutoffs: missing.tsv
`), 0o644)
		_, err := runCLI(t, "", true, "recipe", "check", path)
		if err == nil || !strings.Contains(err.Error(), "perplexity."+field) || !strings.Contains(err.Error(), "en.arpa.bin") ||
			!strings.Contains(err.Error(), "missing.tsv") || strings.Contains(err.Error(), "tokenizer.model") {
			t.Errorf("%s: got %v", field, err)
		}
	}
}

// TestRecipeCheckCatalogueNames: a catalogue name passes recipe check once
// the model is in the cache, and fails with the fetch command before.
func TestRecipeCheckCatalogueNames(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TOKENMILL_CACHE", dir)
	path := filepath.Join(dir, "r.yaml")
	os.WriteFile(path, []byte(`sources:
  - name: cc
    format: commoncrawl
    inputs: [x]
    steps:
      - perplexity:
          lang: en
          model: ccnet:en
          spm: embed://sample/tokenizer.model
          cutoffs: embed://sample/cutoffs.tsv
`), 0o644)
	_, err := runCLI(t, "", true, "recipe", "check", path)
	if err == nil || !strings.Contains(err.Error(), "tokenmill models fetch ccnet:en") {
		t.Fatalf("uncached: %v", err)
	}
	os.MkdirAll(filepath.Join(dir, "models"), 0o755)
	os.WriteFile(filepath.Join(dir, "models", "ccnet-en.arpa.bin"), []byte("x"), 0o644)
	if out, err := runCLI(t, "", true, "recipe", "check", path); err != nil || !strings.Contains(out, "ok") {
		t.Fatalf("cached: %v %s", err, out)
	}
}
