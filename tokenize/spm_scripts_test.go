package tokenize

import (
	"slices"
	"testing"
	"unicode"
)

// TestSPMScriptRanges checks the override table's shape and a few
// characters whose script SentencePiece 0.1.97 and Go disagree on. The
// table was made against Go's Unicode 15.0.0 tables: another version may
// move characters, so the test asks for a regeneration then.
func TestSPMScriptRanges(t *testing.T) {
	if unicode.Version != "15.0.0" {
		t.Errorf("Go's Unicode is %s, spmScriptRanges was made against 15.0.0: regenerate it (see spm_scripts.go)", unicode.Version)
	}
	for i, r := range spmScriptRanges {
		if r.lo > r.hi || (i > 0 && spmScriptRanges[i-1].hi >= r.lo) {
			t.Errorf("range %d %U-%U out of order", i, r.lo, r.hi)
		}
		if _, ok := slices.BinarySearch(scriptNames, r.script); !ok && r.script != "Inherited" {
			t.Errorf("range %d: script %q unknown", i, r.script)
		}
	}
	for _, c := range []struct {
		c    rune
		want string
	}{
		{'a', "Latin"}, {'ա', "Armenian"}, {0x0589, "Common"}, // Armenian full stop: Common in SentencePiece
		{'あ', "Han"}, {'カ', "Han"}, {0x30FC, "Han"}, {'1', "Common"}, {'Ж', "Cyrillic"},
		{0x0953, "Devanagari"}, // Inherited in Unicode 15, Devanagari in SentencePiece
	} {
		got := scriptOf(c.c)
		name := "Inherited"
		if got != scriptInherited {
			name = scriptNames[got]
		}
		if name != c.want {
			t.Errorf("scriptOf(%U) = %s, want %s", c.c, name, c.want)
		}
	}
}
