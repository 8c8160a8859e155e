package kenlm

import (
	"os"
	"strings"
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

// TestReadCCNetCutoffPercentiles: other boundaries come from the same
// table (CCNet's PerplexityBucket options); a lang/p30/p60 table refuses
// them.
func TestReadCCNetCutoffPercentiles(t *testing.T) {
	f, err := os.Open("testdata/ccnet-cutoff.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := ReadCutoffsAt(f, 20, 80)
	if err != nil {
		t.Fatal(err)
	}
	// Rows 20 and 80 of cutoff.csv's en column.
	if got := c["en"]; got != (Cutoff{P30: 300, P60: 930}) {
		t.Errorf("en at 20/80: %+v", got)
	}
	if _, err := ReadCutoffsAt(strings.NewReader("lang\tp30\tp60\nen\t340\t520\n"), 20, 80); err == nil {
		t.Error("a p30/p60 table gave percentiles 20 and 80")
	}
	if _, err := ReadCutoffsAt(strings.NewReader("lang\tp30\tp60\n"), 60, 30); err == nil {
		t.Error("head above tail accepted")
	}
}
