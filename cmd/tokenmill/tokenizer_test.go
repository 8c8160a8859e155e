package main

import (
	"os"
	"os/exec"
	"path/filepath"
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

// TestTokenizerEncodeFiles encodes files named on the command line with
// --output-format id and piece and compares with spm_encode's output on the
// same files, byte for byte.
func TestTokenizerEncodeFiles(t *testing.T) {
	spm, err := exec.LookPath("spm_encode")
	if err != nil {
		t.Skip("SKIP: spm_encode is not installed (Debian: sentencepiece); scripts/test.sh installs it")
	}
	const bpe, uni = "../../tokenize/testdata/bpe8k.model", "../../tokenize/testdata/unigram8k.model"
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.txt")
	os.WriteFile(a, []byte("Hello world 42\n  two  leading spaces\n\nzero\u00a0width\u200b and 3.14159\n"), 0o644)
	os.WriteFile(b, []byte("Jež šđ ŠĐ 1999\ttab\n日本語のテキスト\n"), 0o644)
	for _, model := range []string{bpe, uni} {
		for _, format := range []string{"id", "piece"} {
			got, err := runCLI(t, "", true, "tokenizer", "encode", "--model", model, "--output-format", format, a, b)
			if err != nil {
				t.Fatal(err)
			}
			var want []byte
			for _, f := range []string{a, b} {
				out, err := exec.Command(spm, "--model", model, "--output_format="+format, f).Output()
				if err != nil {
					t.Fatal(err)
				}
				want = append(want, out...)
			}
			if got != string(want) {
				t.Errorf("%s --output-format %s:\n got %q\nwant %q", filepath.Base(model), format, got, want)
			}
		}
	}
	if _, err := runCLI(t, "", true, "tokenizer", "encode", "--model", bpe, "--output-format", "yaml"); err == nil {
		t.Error("--output-format yaml accepted")
	}
	if _, err := runCLI(t, "", true, "tokenizer", "encode", "--model", bpe, filepath.Join(dir, "missing.txt")); err == nil {
		t.Error("a missing file accepted")
	}
}
