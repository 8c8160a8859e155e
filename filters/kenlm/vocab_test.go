package kenlm

import (
	"strconv"
	"testing"
)

// TestVocabIndexGrows: ids survive growth far past the initial capacity,
// and unknown words (including prefixes of known ones) miss.
func TestVocabIndexGrows(t *testing.T) {
	v := newVocabIndex(1)
	var words []string
	for i := 0; i < 5000; i++ {
		words = append(words, "w"+strconv.Itoa(i))
		v.add(words, uint32(i))
	}
	for i, w := range words {
		if got := v.lookup(words, w); got != uint32(i) {
			t.Fatalf("lookup(%q) = %d, want %d", w, got, i)
		}
	}
	for _, w := range []string{"", "w", "w5000", "x1"} {
		if got := v.lookup(words, w); got != emptyWord {
			t.Errorf("lookup(%q) = %d, want miss", w, got)
		}
	}
	if float64(v.n)*probingMultiplier > float64(v.size) {
		t.Errorf("load %d/%d above 1/1.5", v.n, v.size)
	}
}
