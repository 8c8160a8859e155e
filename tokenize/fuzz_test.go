package tokenize

import (
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzRoundTrip checks decode(encode(x)) == x with the byte-fallback BPE
// model (identity normalizer, dummy prefix, whitespace kept) for valid UTF-8
// x, with one stated exception: a literal U+2581 in x is SentencePiece's
// space symbol and decodes as a space. Invalid UTF-8 must not panic; as in
// SentencePiece's normalizer, each bad byte comes back as one U+FFFD.
func FuzzRoundTrip(f *testing.F) {
	m := loadTestModel(f, "bpe8k.model")
	for _, c := range readCases(f, filepath.Join("testdata", "bpe8k-cases.jsonl")) {
		f.Add(c.Text)
	}
	f.Fuzz(func(t *testing.T, x string) {
		ids := m.Encode(x)
		got, err := m.Decode(ids)
		if err != nil {
			t.Fatal(err)
		}
		want := replaceInvalid(x)
		want = strings.ReplaceAll(want, spaceSymbol, " ")
		if got != want {
			t.Fatalf("decode(encode(%q)) = %q (ids %v)", x, got, ids)
		}
	})
}

// replaceInvalid turns each byte of x that is not part of valid UTF-8 into U+FFFD.
func replaceInvalid(x string) string {
	if utf8.ValidString(x) {
		return x
	}
	var sb strings.Builder
	for i := 0; i < len(x); {
		r, n := utf8.DecodeRuneInString(x[i:])
		if r == utf8.RuneError && n == 1 {
			sb.WriteString("\uFFFD")
		} else {
			sb.WriteString(x[i : i+n])
		}
		i += n
	}
	return sb.String()
}
