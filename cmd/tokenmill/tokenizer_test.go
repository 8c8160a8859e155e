package main

import (
	"testing"
)

// TestTokenizerEncode checks `tokenizer encode` against spm_encode's output
// on the kit's models: ids with BOS/EOS for the BPE model, and pieces for the
// unigram model, whose unknown letters print as themselves.
func TestTokenizerEncode(t *testing.T) {
	const bpe, uni = "../../tokenize/testdata/bpe8k.model", "../../tokenize/testdata/unigram8k.model"
	out, err := runCLI(t, "Hello world 42\n", true, "tokenizer", "encode", "--model", bpe)
	if err != nil {
		t.Fatal(err)
	}
	// spm_encode --model bpe8k.model --output_format=id prints these.
	if want := "[482, 321, 364, 2491, 901, 5378, 5466, 5434]\n"; out != want {
		t.Errorf("ids %q, want %q", out, want)
	}
	ids, _ := runCLI(t, "Hello world 42\n", true, "tokenizer", "encode", "--model", bpe, "--bos", "--eos")
	if ids != "[1, "+out[1:len(out)-2]+", 2]\n" {
		t.Errorf("--bos --eos: %q vs %q", ids, out)
	}
	// As spm_encode --output_format=piece prints them: every digit its own piece.
	pieces, err := runCLI(t, "Hello world 42\n", true, "tokenizer", "encode", "--model", bpe, "--pieces")
	if err != nil || pieces != `["▁H", "el", "lo", "▁wor", "ld", "▁", "4", "2"]`+"\n" {
		t.Errorf("bpe pieces %q %v", pieces, err)
	}
	got, err := runCLI(t, "\"Jež šđ\\nŠĐ\"\n", true, "tokenizer", "encode", "--model", uni, "--pieces", "--json")
	want := `["▁J", "e", "ž", "▁", "š", "đ", "▁", "Š", "Đ"]` + "\n"
	if err != nil || got != want {
		t.Errorf("unigram pieces:\n got %s\nwant %s (%v)", got, want, err)
	}
	back, err := runCLI(t, out, true, "tokenizer", "decode", "--model", bpe)
	if err != nil || back != "Hello world 42\n" {
		t.Errorf("decode: %q %v", back, err)
	}
}
