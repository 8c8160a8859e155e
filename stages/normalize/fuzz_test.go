package normalize

import (
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzNormalize checks properties that hold for every input: valid UTF-8
// out, no control characters, no digit but 0, no character of the
// punctuation table left by ForDedup, and no Mn mark left by Normalize.
// (Outer spaces can remain: "—" maps to " - " after the strip, as in CCNet.)
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"Hello, World!", "  İSTANBUL ΣΟΦΟΣ  ", "한국어 각", "a\u0301\u0323b", "\x01\x1c x \u3000", "１２３„”"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		for name, out := range map[string]string{"ForDedup": ForDedup(s), "Normalize": Normalize(s)} {
			if !utf8.ValidString(out) {
				t.Fatalf("%s(%q) = %q: invalid UTF-8", name, s, out)
			}
			for _, r := range out {
				if isControl(r) || (unicode.IsDigit(r) && r != '0') {
					t.Fatalf("%s(%q) = %q: holds %U", name, s, out, r)
				}
				if name == "ForDedup" && punct[r] != "" {
					t.Fatalf("%s(%q) = %q: holds %U of the punctuation table", name, s, out, r)
				}
				if name == "Normalize" && unicode.Is(unicode.Mn, r) {
					t.Fatalf("%s(%q) = %q: holds the mark %U", name, s, out, r)
				}
			}
		}
	})
}
