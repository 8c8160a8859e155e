package tokenize

import (
	"math"
	"os"
	"testing"
	"unicode/utf8"
)

// TestDamagedModel flips bytes all over a real model file: loading must
// never panic, and a model that loads must hold the invariants the encoder
// relies on (valid UTF-8 pieces, finite scores, an unk piece).
func TestDamagedModel(t *testing.T) {
	data, err := os.ReadFile("testdata/bpe8k.model")
	if err != nil {
		t.Fatal(err)
	}
	rejected := 0
	for at := 0; at < len(data); at += len(data)/150 + 1 {
		for _, x := range []byte{0x01, 0x80, 0xff} {
			bad := append([]byte(nil), data...)
			bad[at] ^= x
			m, err := Parse(bad)
			if err != nil {
				rejected++
				continue
			}
			for i := 0; i < m.VocabSize(); i++ {
				p := m.Piece(int32(i))
				if !utf8.ValidString(p.Text) || math.IsNaN(float64(p.Score)) || math.IsInf(float64(p.Score), 0) {
					t.Fatalf("flip %#x at %d: loaded piece %d %q score %v", x, at, i, p.Text, p.Score)
				}
			}
			if m.UnkID() < 0 {
				t.Fatalf("flip at %d: no unk", at)
			}
			m.Encode("a short sentence with 42 digits 🙂")
		}
	}
	if rejected == 0 {
		t.Fatal("no damaged copy was rejected")
	}
}
