package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
