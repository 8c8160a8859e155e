package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestModelsCmd: list names the catalogue's models and whether they are
// cached; path prints where a model lives in the cache; an unknown name is
// a usage error. (Downloads are tested in pipeline/catalog on loopback.)
func TestModelsCmd(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("TOKENMILL_CACHE", cache)
	out, err := runCLI(t, "", true, "models", "list")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ccnet:en  ", "en.arpa.bin en.sp.model", "lid176", "llama-tokenizer", "ccnet-cutoffs"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "ccnet:sv") {
		t.Error("CCNet published no Swedish model")
	}
	out, err = runCLI(t, "", true, "models", "path", "ccnet:en")
	if err != nil || out != filepath.Join(cache, "ccnet", "en")+"\n" {
		t.Errorf("path ccnet:en = %q, %v", out, err)
	}
	out, err = runCLI(t, "", true, "models", "path", "lid176")
	if err != nil || out != filepath.Join(cache, "lid176", "lid.176.bin")+"\n" {
		t.Errorf("path lid176 = %q, %v", out, err)
	}
	if _, err := runCLI(t, "", true, "models", "fetch", "ccnet:xx"); err == nil || exitCode(err) != 2 {
		t.Errorf("fetch of an unknown model: %v", err)
	}
}
