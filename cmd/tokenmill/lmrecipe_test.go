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
