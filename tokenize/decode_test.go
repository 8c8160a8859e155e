package tokenize

import (
	"os/exec"
	"strings"
	"testing"
)

// whitespaceCases are the strings whose leading, trailing and repeated
// spaces a decoder gets wrong most easily.
var whitespaceCases = []string{
	"  leading", "   ", " ", " a", "a ", "a  b", "\u3000x", " \t x", "x   ", "    four", "<s> x", "  🙂  ",
}

func TestDecodeWhitespace(t *testing.T) {
	m := loadTestModel(t, "bpe8k.model")
	for _, s := range whitespaceCases {
		got, err := m.Decode(m.Encode(s))
		if err != nil {
			t.Fatal(err)
		}
		if got != s {
			t.Errorf("decode(encode(%q)) = %q", s, got)
		}
	}
	// Only the dummy prefix's space goes: explicit pieces, as spm_decode
	// does with ids "▁ ▁ ▁le ading" from the sample tokenizer.
	sp := m.PieceToID("\u2581")
	ids := append([]int32{sp, sp, sp}, m.Encode("x")...)
	if got, _ := m.Decode(ids); got != "   x" {
		t.Errorf("three ▁ pieces then x: got %q, want %q", got, "   x")
	}
}

func TestDecodeInvalidID(t *testing.T) {
	m := loadTestModel(t, "bpe8k.model")
	for _, ids := range [][]int32{{5000, 300, 8000}, {-1}, {8000}} {
		if _, err := m.Decode(ids); err == nil || !strings.Contains(err.Error(), "invalid id") {
			t.Errorf("%v: got %v, want an invalid id error", ids, err)
		}
	}
}

// TestDecodeAgainstSPM decodes spm_encode's ids of whitespace-heavy and
// generated strings with spm_decode and with Decode.
func TestDecodeAgainstSPM(t *testing.T) {
	needSPM(t)
	if _, err := exec.LookPath("spm_decode"); err != nil {
		t.Skip("spm_decode not found: install Debian's sentencepiece")
	}
	for _, name := range []string{"bpe8k.model", "unigram8k.model"} {
		path := "testdata/" + name
		m := loadTestModel(t, name)
		texts := append(append([]string{}, whitespaceCases...), genQueries(7, 300)...)
		var clean []string
		for _, s := range texts {
			if !strings.ContainsAny(s, "\n\r") {
				clean = append(clean, s)
			}
		}
		all := spmEncode(t, path, clean)
		var in strings.Builder
		for _, ids := range all {
			for j, id := range ids {
				if j > 0 {
					in.WriteByte(' ')
				}
				in.WriteString(itoa(id))
			}
			in.WriteByte('\n')
		}
		cmd := exec.Command("spm_decode", "--model="+path, "--input_format=id")
		cmd.Stdin = strings.NewReader(in.String())
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("spm_decode: %v", err)
		}
		want := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
		if len(want) != len(all) {
			t.Fatalf("%s: spm_decode wrote %d lines for %d", name, len(want), len(all))
		}
		bad := 0
		for i, ids := range all {
			got, err := m.Decode(ids)
			if err != nil {
				t.Fatal(err)
			}
			if got != want[i] {
				if bad++; bad <= 5 {
					t.Errorf("%s: ids %v: got %q, spm_decode %q", name, ids, got, want[i])
				}
			}
		}
		if bad > 0 {
			t.Errorf("%s: %d of %d differ", name, bad, len(all))
		}
	}
}

func itoa(v int32) string {
	if v == 0 {
		return "0"
	}
	var b [12]byte
	i := len(b)
	neg := v < 0
	u := int64(v)
	if neg {
		u = -u
	}
	for u > 0 {
		i--
		b[i] = byte('0' + u%10)
		u /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
