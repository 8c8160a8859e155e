package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRecipeCheckCatches: a keep list of language names, and a tokenizer
// model that is not there, fail the check with their lines (both once
// passed and then emptied the output or failed mid-build).
func TestRecipeCheckCatches(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.yaml")
	os.WriteFile(path, []byte(`tokenizer:
  model: missing.model
sources:
  - name: cc
    format: commoncrawl
    inputs: [x]
    steps:
      - langid: {keep: [english]}
`), 0o644)
	_, err := runCLI(t, "", true, "recipe", "check", path)
	if err == nil || !strings.Contains(err.Error(), `r.yaml:8:24: sources[0].steps[0].langid.keep: "english" is not an ISO 639-1 code`) {
		t.Fatalf("got %v", err)
	}
	os.WriteFile(path, []byte(`tokenizer:
  model: missing.model
sources:
  - name: cc
    format: commoncrawl
    inputs: [x]
    steps:
      - langid: {keep: [en]}
`), 0o644)
	_, err = runCLI(t, "", true, "recipe", "check", path)
	if err == nil || !strings.Contains(err.Error(), "tokenizer.model") || !strings.Contains(err.Error(), "missing.model") {
		t.Fatalf("got %v", err)
	}
	// A step's model file that is not there is named with its step and line;
	// a catalogue model not fetched yet says how to fetch it.
	t.Setenv("TOKENMILL_CACHE", t.TempDir())
	os.WriteFile(path, []byte(`sources:
  - name: cc
    format: commoncrawl
    inputs: [x]
    steps:
      - wikiref: {model: classifier.bin}
      - fasttext_langid: {model: lid176}
`), 0o644)
	_, err = runCLI(t, "", true, "recipe", "check", path)
	if err == nil || !strings.Contains(err.Error(), "r.yaml:6: sources.cc.wikiref.model") ||
		!strings.Contains(err.Error(), "r.yaml:7: sources.cc.fasttext_langid.model: models: lid176 is not in the cache") ||
		!strings.Contains(err.Error(), "tokenmill models fetch lid176") {
		t.Fatalf("got %v", err)
	}
	if out, err := runCLI(t, "", true, "recipe", "check"); err != nil || !strings.Contains(out, "ok") {
		t.Fatalf("embedded recipe: %v %s", err, out)
	}
}

func TestVersion(t *testing.T) {
	out, err := runCLI(t, "", false, "--version")
	if err != nil || !strings.HasPrefix(out, "tokenmill ") || !strings.Contains(out, " commit ") || !strings.Contains(out, "go1.") {
		t.Fatalf("got %q, %v", out, err)
	}
}
