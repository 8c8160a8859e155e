package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/filters/models"
	"github.com/tokenmill/tokenmill/pipeline/manifest"
)

// TestModelsCmd: list shows the catalogue, path says how to fetch a model
// that is not cached and prints the file of one that is, and unknown names
// are usage errors. (Downloads are tested in filters/models on loopback.)
func TestModelsCmd(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TOKENMILL_CACHE", dir)
	out, err := runCLI(t, "", true, "models", "list")
	if err != nil || !strings.Contains(out, "ccnet:en ") || !strings.Contains(out, "http://dl.fbaipublicfiles.com/cc_net/lm/en.arpa.bin") ||
		!strings.Contains(out, "llama-tokenizer") || !strings.Contains(out, "0.5 MB") {
		t.Fatalf("list: %v\n%s", err, out)
	}
	if _, err := runCLI(t, "", true, "models", "path", "ccnet:en"); err == nil || !strings.Contains(err.Error(), "tokenmill models fetch ccnet:en") {
		t.Errorf("path of a missing model: %v", err)
	}
	p := filepath.Join(dir, "models", "ccnet-en.arpa.bin")
	os.MkdirAll(filepath.Dir(p), 0o755)
	os.WriteFile(p, []byte("x"), 0o644)
	if out, err := runCLI(t, "", true, "models", "path", "ccnet:en"); err != nil || strings.TrimSpace(out) != p {
		t.Errorf("path: %q %v", out, err)
	}
	if out, _ := runCLI(t, "", true, "models", "list"); !strings.Contains(out, "ccnet:en         yes") {
		t.Errorf("list after caching:\n%s", out)
	}
	for _, args := range [][]string{{"models", "path", "ccnet:sv"}, {"models", "fetch", "nope"}} {
		if _, err := runCLI(t, "", true, args...); err == nil || exitCode(err) != 2 {
			t.Errorf("%v: %v", args, err)
		}
	}
}

// TestBuildResolvesCatalogue: a recipe that names a catalogue model reads
// its file from the cache, and the manifest records the model's name, URL
// and digest; a model not fetched yet stops the build before it starts,
// saying how to fetch it.
func TestBuildResolvesCatalogue(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("TOKENMILL_CACHE", cache)
	dir := t.TempDir()
	recipe := filepath.Join(dir, "r.yaml")
	os.WriteFile(recipe, []byte("tokenizer:\n  model: llama-tokenizer\nsources:\n  - name: wikipedia\n    inputs: [embed://sample/wikipedia]\n"), 0o644)
	_, err := runCLI(t, "", true, "build", "--recipe", recipe, "--out", filepath.Join(dir, "none"), "--progress", "none")
	if err == nil || !strings.Contains(err.Error(), "tokenmill models fetch llama-tokenizer") {
		t.Fatalf("an unfetched model: %v", err)
	}
	// Stand in the sample's tokenizer for the cached file (the plumbing is
	// under test here, not the download).
	m, _ := models.Lookup("llama-tokenizer")
	c, _ := models.NewCache()
	model := mustRead(t, "../../recipes/sample/tokenizer.model")
	os.MkdirAll(filepath.Dir(c.Path(m)), 0o755)
	os.WriteFile(c.Path(m), model, 0o644)
	out := filepath.Join(dir, "out")
	if _, err := runCLI(t, "", true, "build", "--recipe", recipe, "--out", out, "--progress", "none"); err != nil {
		t.Fatal(err)
	}
	var man manifest.Manifest
	json.Unmarshal(mustRead(t, filepath.Join(out, "manifest.json")), &man)
	if len(man.Models) != 1 || man.Models[0] != (manifest.Model{Name: "llama-tokenizer", URL: m.URL, SHA256: m.SHA256}) {
		t.Errorf("manifest models %+v", man.Models)
	}
	if !bytes.Equal(mustRead(t, filepath.Join(out, "tokenizer.model")), model) {
		t.Error("the output's tokenizer.model is not the cached file")
	}
}
