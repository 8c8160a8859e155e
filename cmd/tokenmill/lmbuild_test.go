package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/filters/kenlm"
	"github.com/tokenmill/tokenmill/stages/normalize"
	"github.com/tokenmill/tokenmill/tokenize"
)

// TestLmBuildSample builds the embedded sample (Wikipedia and CommonCrawl),
// then the English model folder from it, checks every phase's output, that
// the model prefers Wikipedia-like text to planted junk, and that a second
// run skips every phase.
func TestLmBuildSample(t *testing.T) {
	dir := t.TempDir()
	out, model := filepath.Join(dir, "out"), filepath.Join(dir, "lm")
	if _, err := runCLI(t, "", true, "build", "--out", out, "--only", "wikipedia,commoncrawl"); err != nil {
		t.Fatal(err)
	}
	args := []string{"lm", "build", "--from", out, "--lang", "en", "--out", model, "--vocab-size", "300"}
	log, err := runCLI(t, "", false, args...)
	if err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	for _, f := range []string{"en.txt", "en.sp.model", "en.pieces.txt", "en.arpa.gz", "en.arpa.bin", "en.percentiles.csv", "cutoff.csv"} {
		if st, err := os.Stat(filepath.Join(model, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: missing or empty (%v)", f, err)
		}
	}
	sp, err := tokenize.Load(filepath.Join(model, "en.sp.model"))
	if err != nil {
		t.Fatal(err)
	}
	if sp.Type() != tokenize.Unigram || sp.VocabSize() != 300 || sp.Normalizer().Name != "nmt_nfkc" {
		t.Errorf("sp.model: type %v, %d pieces, normalizer %q; want unigram, 300, nmt_nfkc", sp.Type(), sp.VocabSize(), sp.Normalizer().Name)
	}
	lm, err := lmLoadModel(filepath.Join(model, "en.arpa.gz"))
	if err != nil {
		t.Fatal(err)
	}
	// The binary the build wrote scores as the ARPA.
	lmb, err := lmLoadModel(filepath.Join(model, "en.arpa.bin"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"▁the ▁quick ▁brown", "▁zz ▁qq"} {
		a, _, _ := lm.ScoreLineFloat32(line, true, true)
		b, _, _ := lmb.ScoreLineFloat32(line, true, true)
		if a != b {
			t.Errorf("%q: ARPA %v, binary %v", line, a, b)
		}
	}
	cut, err := lmReadCutoffs(filepath.Join(model, "cutoff.csv"))
	if err != nil {
		t.Fatal(err)
	}
	en, ok := cut["en"]
	if !ok || len(cut) != 1 || !(en.P30 > 1 && en.P30 <= en.P60) {
		t.Fatalf("cutoff.csv: %+v, want en with 1 < p30 <= p60", cut)
	}
	// The first training line scores far better than junk of similar length.
	text, err := os.ReadFile(filepath.Join(model, "en.txt"))
	if err != nil {
		t.Fatal(err)
	}
	wiki, _, _ := strings.Cut(string(text), "\n")
	ds := &kenlm.DocScorer{LM: lm, Normalize: normalize.Normalize, AppendNormalize: normalize.AppendNormalize, Encoder: sp}
	junk := strings.Repeat("qzx vvk jjq wpt zzkq ", len(wiki)/20+1)
	if pw, pj := ds.Score(wiki).Perplexity, ds.Score(junk).Perplexity; !(pw < en.P30 && pj > en.P60) {
		t.Errorf("wiki line pp %.1f (want head, < %.1f), junk pp %.1f (want tail, >= %.1f)", pw, en.P30, pj, en.P60)
	}
	// CCNet's route with SentencePiece's tools on the same text gives the
	// same model file and the same pieces, hence the same n-gram model.
	if _, err := exec.LookPath("spm_train"); err != nil {
		t.Log("spm_train not found: install Debian's sentencepiece to compare lm build's model with it")
	} else {
		// In a folder of its own, with the same names, which the model records.
		peer := filepath.Join(dir, "peer")
		if err := os.MkdirAll(peer, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(peer, "en.txt"), text, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("spm_train", "--input=en.txt", "--model_prefix=en.sp", "--vocab_size=300", "--hard_vocab_limit",
			"--character_coverage=0.9995", "--model_type=unigram", "--num_threads=1", "--minloglevel=2")
		cmd.Dir = peer
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("spm_train: %v\n%s", err, out)
		}
		ours, _ := os.ReadFile(filepath.Join(model, "en.sp.model"))
		theirs, _ := os.ReadFile(filepath.Join(peer, "en.sp.model"))
		if string(ours) != string(theirs) {
			t.Errorf("en.sp.model differs from spm_train's model on en.txt")
		}
		enc := exec.Command("spm_encode", "--model=en.sp.model", "--output_format=piece", "--input=en.txt")
		enc.Dir = peer
		want, err := enc.Output()
		if err != nil {
			t.Fatalf("spm_encode: %v", err)
		}
		if got, _ := os.ReadFile(filepath.Join(model, "en.pieces.txt")); string(got) != string(want) {
			t.Errorf("en.pieces.txt differs from spm_encode --output_format=piece on en.txt")
		}
	}
	// CCNet's default vocabulary (65536, then 40000) is too large for the
	// sample: both tries are made, then the error says so. --max-docs 1
	// keeps one article.
	log, err = runCLI(t, "", false, "lm", "build", "--from", out, "--lang", "en", "--out", filepath.Join(dir, "big"), "--max-docs", "1")
	if !errors.Is(err, tokenize.ErrVocabTooHigh) || !strings.Contains(log, "retrying with vocabulary 40000") || !strings.Contains(log, "text: 1 documents") {
		t.Errorf("default vocabulary on the sample: err %v\n%s", err, log)
	}
	// Resume: every phase output exists, so every phase is skipped.
	log, err = runCLI(t, "", false, args...)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(log, "exists, skipped"); n != 6 {
		t.Errorf("second run skipped %d phases, want 6:\n%s", n, log)
	}
}

func TestLmBuildUsage(t *testing.T) {
	if _, err := runCLI(t, "", true, "lm", "build", "--lang", "en"); err == nil || !strings.Contains(err.Error(), "required") {
		t.Errorf("missing flags: err %v", err)
	}
	dir := t.TempDir()
	if _, err := runCLI(t, "", true, "lm", "build", "--from", dir, "--lang", "en", "--out", filepath.Join(dir, "m")); err == nil {
		t.Error("no manifest: no error")
	}
}

func TestDocMeta(t *testing.T) {
	type stringMeta struct{ Meta string }
	type mapMeta struct{ Meta map[string]string }
	for _, c := range []struct {
		row  any
		want string
	}{
		{&mapMeta{Meta: map[string]string{"wiki_lang": "de"}}, "de"},
		{mapMeta{}, ""},
		{&stringMeta{Meta: `{"wiki_lang":"fr","n":3}`}, "fr"},
		{&stringMeta{Meta: `{"wiki_lang":3}`}, "3"},
		{&stringMeta{Meta: `not json`}, ""},
		{&stringMeta{}, ""},
		{&struct{ Other int }{}, ""},
	} {
		if got := docMeta(c.row, "wiki_lang"); got != c.want {
			t.Errorf("docMeta(%+v) = %q, want %q", c.row, got, c.want)
		}
	}
}
