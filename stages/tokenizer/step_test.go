package tokenizer

import (
	"os"
	"testing"

	"github.com/tokenmill/tokenmill/pipeline"
)

func TestStep(t *testing.T) {
	data, err := os.ReadFile("../../recipes/sample/tokenizer.model")
	if err != nil {
		t.Fatal(err)
	}
	s, info, err := New("embed://sample/tokenizer.model", data)
	if err != nil {
		t.Fatal(err)
	}
	if info.VocabSize != 2000 || info.BOS != 1 || info.EOS != 2 || len(info.SHA256) != 64 {
		t.Errorf("info %+v", info)
	}
	d := &pipeline.Doc{Text: "Everyone has the right to life, liberty and security of person. 1948"}
	if drop, err := s.Process(d); drop != "" || err != nil {
		t.Fatal(drop, err)
	}
	if got, err := s.m.Decode(d.Tokens); err != nil || got != d.Text {
		t.Errorf("decode(encode(x)) = %q", got)
	}
	// Digits are pieces of their own (LLaMA's split_digits).
	n := len(d.Tokens)
	for i, want := range []string{"1", "9", "4", "8"} {
		if p := s.m.IDToPiece(d.Tokens[n-4+i]); p != want {
			t.Errorf("piece %d = %q, want %q", i, p, want)
		}
	}
}
