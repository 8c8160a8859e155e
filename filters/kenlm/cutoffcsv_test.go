package kenlm

import (
	"os"
	"testing"
)

// TestReadCCNetCutoffFile reads CCNet's published cutoff.csv: English's
// p30 and p60 are 340 and 520, the values CCNet's head/middle/tail split uses.
func TestReadCCNetCutoffFile(t *testing.T) {
	f, err := os.Open("testdata/ccnet-cutoff.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := ReadCutoffs(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(c) != 48 {
		t.Errorf("%d languages, want CCNet's 48", len(c))
	}
	for lang, want := range map[string]Cutoff{"en": {P30: 340, P60: 520}} {
		if c[lang] != want {
			t.Errorf("%s: %+v, want %+v", lang, c[lang], want)
		}
	}
	if b := c.Bucket("en", 339.9); b != "head" {
		t.Errorf("en 339.9: %s", b)
	}
	if b := c.Bucket("en", 520); b != "tail" {
		t.Errorf("en 520: %s", b)
	}
}
