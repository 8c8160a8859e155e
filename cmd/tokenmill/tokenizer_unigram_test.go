package main

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/tokenize"
)

// TestTokenizerTrainUnigram trains "tokenizer train --model-type unigram"
// on the texts of the tokenizer's reference cases with spm_train's
// defaults, and, when spm_train is installed, checks that it writes the same
// .model and .vocab files as spm_train --model_type=unigram run with the
// same names.
func TestTokenizerTrainUnigram(t *testing.T) {
	f, err := os.Open("../../tokenize/testdata/unigram8k-cases.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var c struct{ Text string }
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		if !strings.ContainsAny(c.Text, "\r\n") {
			lines = append(lines, c.Text)
		}
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "in.txt"), []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ours, peer := filepath.Join(dir, "ours"), filepath.Join(dir, "peer")
	for _, d := range []string{ours, peer} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(ours)
	out, err := runCLI(t, "", false, "tokenizer", "train", "--model-type", "unigram", "--input", "../in.txt",
		"--model-prefix", "m", "--vocab-size", "1200", "--num-threads", "1")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	m, err := tokenize.Load(filepath.Join(ours, "m.model"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Type() != tokenize.Unigram || m.VocabSize() != 1200 || m.Normalizer().Name != "nmt_nfkc" || !m.Normalizer().RemoveExtraWhitespaces {
		t.Errorf("model: %v, %d pieces, %+v", m.Type(), m.VocabSize(), m.Normalizer())
	}
	if _, err := exec.LookPath("spm_train"); err != nil {
		t.Skip("spm_train not found: install Debian's sentencepiece to compare with it")
	}
	cmd := exec.Command("spm_train", "--input=../in.txt", "--model_prefix=m", "--model_type=unigram", "--vocab_size=1200",
		"--num_threads=1", "--minloglevel=2")
	cmd.Dir = peer
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("spm_train: %v\n%s", err, b)
	}
	for _, name := range []string{"m.model", "m.vocab"} {
		a, _ := os.ReadFile(filepath.Join(ours, name))
		b, _ := os.ReadFile(filepath.Join(peer, name))
		if len(a) == 0 || string(a) != string(b) {
			t.Errorf("%s differs from spm_train's", name)
		}
	}
}
