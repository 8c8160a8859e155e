package models

import (
	"strings"
	"testing"
)

func TestCatalogue(t *testing.T) {
	seen := map[string]bool{}
	files := map[string]bool{}
	for _, m := range Catalogue() {
		if seen[m.Name] || files[m.File] {
			t.Errorf("duplicate %s / %s", m.Name, m.File)
		}
		seen[m.Name], files[m.File] = true, true
		if !strings.HasPrefix(m.URL, "http") || m.Doc == "" || (m.SHA256 != "" && len(m.SHA256) != 64) {
			t.Errorf("entry %+v", m)
		}
	}
	if len(CCNetLanguages)+len(LLaMALanguagesWithoutCCNet) != 20 {
		t.Errorf("%d LLaMA languages", len(CCNetLanguages)+len(LLaMALanguagesWithoutCCNet))
	}
	for _, l := range CCNetLanguages {
		lm, err := Lookup("ccnet:" + l)
		sp, err2 := Lookup("ccnet-sp:" + l)
		if err != nil || err2 != nil || lm.URL != "http://dl.fbaipublicfiles.com/cc_net/lm/"+l+".arpa.bin" ||
			sp.URL != "http://dl.fbaipublicfiles.com/cc_net/lm/"+l+".sp.model" {
			t.Errorf("%s: %+v %+v %v %v", l, lm, sp, err, err2)
		}
	}
	if _, err := Lookup("ccnet:sv"); err == nil || !strings.Contains(err.Error(), "no language model") {
		t.Errorf("ccnet:sv: %v", err)
	}
	if _, err := Lookup("nope"); err == nil {
		t.Error("nope found")
	}
	for ref, want := range map[string]bool{"ccnet:en": true, "lid176": true, "llama-tokenizer": true, "lm.arpa": false,
		"embed://sample/lm.arpa.gz": false, "/abs/ccnet:en": false, "ccnet:xx": false} {
		if IsName(ref) != want {
			t.Errorf("IsName(%q) = %v", ref, !want)
		}
	}
}
