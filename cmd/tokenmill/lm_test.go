package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const lmTestdata = "../../filters/kenlm/testdata"

func lmGunzip(t *testing.T, name string) string {
	t.Helper()
	f, err := os.Open(filepath.Join(lmTestdata, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(z)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func lmRun(t *testing.T, stdin string, args ...string) (string, error) {
	return runCLI(t, stdin, true, args...)
}

// TestLmScore runs `tokenmill lm score` on the kit's held-out pieces with
// lmplz's o3.arpa (gzipped: read by its magic bytes) in both modes and
// compares the first column with KenLM's totals.
func TestLmScore(t *testing.T) {
	in := lmGunzip(t, "heldout.pieces.gz")
	tsv, err := os.ReadFile(filepath.Join(lmTestdata, "expected.o3.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimSpace(string(tsv)), "\n")[1:]
	for _, mode := range []struct {
		args []string
		col  int
	}{{nil, 3}, {[]string{"--no-bos-eos", "--threads", "3"}, 5}} {
		args := append([]string{"lm", "score", "--arpa", filepath.Join(lmTestdata, "o3.arpa.gz"), "--pieces"}, mode.args...)
		out, err := lmRun(t, in, args...)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != 300 {
			t.Fatalf("%d output lines", len(lines))
		}
		for i, l := range lines {
			f := strings.Split(l, "\t")
			want := strings.Split(rows[i], "\t")
			got, _ := strconv.ParseFloat(f[0], 64)
			exp, _ := strconv.ParseFloat(want[mode.col], 64)
			if math.Abs(got-exp) > 1e-4 || f[1] != want[1] {
				t.Errorf("%v line %d: %q, want %s with %s tokens", mode.args, i+1, l, want[mode.col], want[1])
			}
		}
	}
}

// TestLmTrainAndCutoffs trains a 3-gram with `lm train` (the counts of
// lmplz's o3.arpa) and computes a cutoff table with `lm cutoffs`.
func TestLmTrainAndCutoffs(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "train.pieces")
	if err := os.WriteFile(text, []byte(lmGunzip(t, "train.pieces.gz")), 0o644); err != nil {
		t.Fatal(err)
	}
	arpa := filepath.Join(dir, "o3.arpa")
	if _, err := lmRun(t, "", "lm", "train", "--order", "3", "--text", text, "--arpa", arpa); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(arpa)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("\\data\\\nngram 1=4151\nngram 2=20014\nngram 3=28235\n")) {
		t.Errorf("header %q", b[:60])
	}
	out, err := lmRun(t, "en\t10\nen\t20\nen\t30\nen\t40\nen\t50\nde\t7\n", "lm", "cutoffs")
	if err != nil {
		t.Fatal(err)
	}
	if want := "lang\tp30\tp60\nde\t7\t7\nen\t22\t34\n"; out != want {
		t.Errorf("cutoffs %q, want %q", out, want)
	}
	// Per-language runs into one table: de is kept, en replaced.
	table := filepath.Join(dir, "cutoffs.tsv")
	if err := os.WriteFile(table, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := lmRun(t, "en\t100\nen\t200\n", "lm", "cutoffs", "--out", table); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(table)
	if want := "lang\tp30\tp60\nde\t7\t7\nen\t130\t160\n"; string(b) != want {
		t.Errorf("merged table %q, want %q", b, want)
	}
	// docpp with a table adds CCNet's bucket. The kit's first three
	// documents have pp 944.4, 536.8 and 425.1 with o3 (expected.docs.o3.tsv).
	if err := os.WriteFile(table, []byte("lang\tp30\tp60\nen\t500\t944.4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	docs := strings.Join(strings.Split(lmGunzip(t, "docs.pieces.gz"), "\n")[:3], "\n") + "\n"
	out, err = lmRun(t, docs, "lm", "docpp", "--arpa", arpa, "--pieces", "--cutoffs", table, "--lang", "en")
	if err != nil {
		t.Fatal(err)
	}
	want := "944.4\ttail\n536.8\tmiddle\n425.1\thead\n"
	var got strings.Builder
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Split(l, "\t")
		got.WriteString(f[0] + "\t" + f[len(f)-1] + "\n")
	}
	if got.String() != want {
		t.Errorf("docpp with buckets:\n%s\nwant:\n%s", got.String(), want)
	}
}

func TestLmUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"lm", "score", "--pieces"},
		{"lm", "score", "--arpa", "x", "--pieces", "--spm", "y"},
		{"lm", "train", "--order", "3"},
		{"lm", "cutoffs", "--arpa", "x"},
		{"lm", "cutoffs", "--model", "x"},
		{"lm", "docpp", "--pieces"},
	} {
		_, err := lmRun(t, "", args...)
		if err == nil || exitCode(err) != 2 {
			t.Errorf("%v: err %v (exit %d), want a usage error", args, err, exitCode(err))
		}
	}
}

// TestLmScoreBinary runs `lm score --model` on KenLM binary files of every
// layout (made by KenLM's build_binary, see filters/kenlm/testdata) and
// checks KenLM's own totals to the bit with --kenlm-total; --arpa is the
// same flag under its older name.
func TestLmScoreBinary(t *testing.T) {
	in := lmGunzip(t, "heldout.pieces.gz")
	tsv, err := os.ReadFile(filepath.Join(lmTestdata, "expected.o4.bin.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimSpace(string(tsv)), "\n")
	head := strings.Split(rows[0], "\t")
	col := func(name string) int {
		for i, h := range head {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %s", name)
		return 0
	}
	dir := t.TempDir()
	for i, format := range []string{"probing", "trie", "trie-a22", "trie-q8", "trie-q8a22", "trie-q5b3a22"} {
		model := filepath.Join(dir, format) // no extension: the content tells
		if err := os.WriteFile(model, []byte(lmGunzip(t, "o4."+format+".bin.gz")), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, mode := range []struct {
			args []string
			col  string
		}{{[]string{"--model", model}, "bos_eos."}, {[]string{"--arpa", model, "--no-bos-eos", "--threads", "2"}, "null."}} {
			args := append([]string{"lm", "score", "--pieces", "--kenlm-total"}, mode.args...)
			if i%2 == 1 {
				args = append(args[:2:2], args[3:]...) // the default input is pieces
			}
			out, err := lmRun(t, in, args...)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if len(lines) != 300 {
				t.Fatalf("%s: %d output lines", format, len(lines))
			}
			c := col(mode.col + format)
			for j, l := range lines {
				got, _ := strconv.ParseFloat(strings.Split(l, "\t")[0], 32)
				want, _ := strconv.ParseFloat(strings.Split(rows[j+1], "\t")[c], 32)
				if float32(got) != float32(want) {
					t.Errorf("%s %s line %d: %q, KenLM %v", format, mode.col, j+1, l, float32(want))
				}
			}
		}
	}
	// A truncated binary file is a clear error naming the file.
	bin := lmGunzip(t, "o4.trie-q8.bin.gz")
	cut := filepath.Join(dir, "cut.bin")
	os.WriteFile(cut, []byte(bin[:len(bin)/2]), 0o644)
	_, err = lmRun(t, "▁the\n", "lm", "score", "--model", cut)
	if err == nil || !strings.Contains(err.Error(), "truncated binary file") || !strings.Contains(err.Error(), cut) {
		t.Errorf("truncated model: %v", err)
	}
}

// TestLmBuildBinary converts the 4-gram's ARPA with `lm build-binary` and
// scores with the file it wrote: KenLM's totals for build_binary's own file,
// to the bit.
func TestLmBuildBinary(t *testing.T) {
	out := filepath.Join(t.TempDir(), "o4.bin")
	if _, err := lmRun(t, "", "lm", "build-binary", "--model", filepath.Join(lmTestdata, "o4.arpa.gz"), "--out", out); err != nil {
		t.Fatal(err)
	}
	in := lmGunzip(t, "heldout.pieces.gz")
	got, err := lmRun(t, in, "lm", "score", "--model", out, "--kenlm-total")
	if err != nil {
		t.Fatal(err)
	}
	tsv, _ := os.ReadFile(filepath.Join(lmTestdata, "expected.o4.bin.tsv"))
	rows := strings.Split(strings.TrimSpace(string(tsv)), "\n")[1:]
	for i, l := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
		g, _ := strconv.ParseFloat(strings.Split(l, "\t")[0], 32)
		w, _ := strconv.ParseFloat(strings.Split(rows[i], "\t")[2], 32) // bos_eos.probing
		if float32(g) != float32(w) {
			t.Errorf("line %d: %q, KenLM %v", i+1, l, float32(w))
		}
	}
	if _, err := lmRun(t, "", "lm", "build-binary", "--model", out); err == nil || exitCode(err) != 2 {
		t.Errorf("no --out: %v", err)
	}
}
