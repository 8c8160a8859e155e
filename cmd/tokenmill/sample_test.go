package main

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/train"
)

func runSampleCmd(t *testing.T, args ...string) (string, error) {
	return runCLI(t, "", false, append([]string{"sample"}, args...)...)
}

// TestSampleAndExport samples from a checkpoint with the embedded sample
// tokenizer, exports it to llama2.c and safetensors, and checks that the
// llama2.c file samples the same greedy text as the checkpoint.
func TestSampleAndExport(t *testing.T) {
	dir := t.TempDir()
	cfg, err := train.Config{Dim: 32, NLayers: 1, NHeads: 2, Vocab: 2000, SeqLen: 32, Tied: true}.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	m, err := train.NewModel(cfg, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	for i := range m.Params { // sharper logits than the init, so the greedy path is not flat
		m.Params[i] *= 20
	}
	ck := filepath.Join(dir, "ckpt.bin")
	if err := train.SaveCheckpoint(ck, m, nil, nil); err != nil {
		t.Fatal(err)
	}
	tok := "embed://sample/tokenizer.model"
	bin, st := filepath.Join(dir, "m.bin"), filepath.Join(dir, "m.safetensors")
	out, err := runSampleCmd(t, "--ckpt", ck, "--export-llama2c", bin, "--export-safetensors", st)
	if err != nil || !strings.Contains(out, "wrote "+bin) {
		t.Fatalf("export: %v\n%s", err, out)
	}
	if fi, err := os.Stat(st); err != nil || fi.Size() < int64(4*cfg.NumParams()) {
		t.Fatalf("safetensors: %v", err)
	}
	a, err := runSampleCmd(t, "--ckpt", ck, "--tokenizer", tok, "--prompt", "The city", "-n", "12", "--temperature", "0")
	if err != nil {
		t.Fatal(err)
	}
	b, err := runSampleCmd(t, "--ckpt", bin, "--tokenizer", tok, "--prompt", "The city", "-n", "12", "--temperature", "0")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(a, "The city") || len(a) <= len("The city\n") || a != b {
		t.Fatalf("checkpoint sample %q, llama2.c sample %q", a, b)
	}
	if _, err := runSampleCmd(t, "--ckpt", ck, "--prompt", "x"); err == nil {
		t.Fatal("sampling without a tokenizer accepted")
	}
}
