package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const classifyTestdata = "../../filters/fasttext/testdata"

func runClassify(t *testing.T, stdin []byte, args ...string) (string, error) {
	return runCLI(t, string(stdin), false, args...)
}

// TestClassifyPredict checks the printed lines against what `fasttext
// predict-prob model_default.ftz - 2` printed (the kit's cli columns).
func TestClassifyPredict(t *testing.T) {
	test, err := os.ReadFile(filepath.Join(classifyTestdata, "test.txt"))
	if err != nil {
		t.Fatal(err)
	}
	exp, err := os.ReadFile(filepath.Join(classifyTestdata, "expected.model_default.ftz.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	for _, row := range strings.Split(strings.TrimSpace(string(exp)), "\n")[1:] {
		c := strings.Split(row, "\t")
		want.WriteString(c[2] + " " + c[6] + " " + c[4] + " " + c[7] + "\n")
	}
	in := filepath.Join(t.TempDir(), "test.txt")
	if err := os.WriteFile(in, test, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := runClassify(t, nil, "classify", "predict", "--model", filepath.Join(classifyTestdata, "model_default.ftz"), "-k", "2", "--input", in)
	if err != nil {
		t.Fatal(err)
	}
	if got != want.String() {
		t.Errorf("classify predict output differs from fasttext predict-prob:\n%.300s", got)
	}
	// --no-prob prints what `fasttext predict` prints: the labels only.
	got, err = runClassify(t, test, "classify", "predict", "--model", filepath.Join(classifyTestdata, "model_default.ftz"), "--no-prob")
	if err != nil {
		t.Fatal(err)
	}
	var labels strings.Builder
	for _, row := range strings.Split(strings.TrimSpace(string(exp)), "\n")[1:] {
		labels.WriteString(strings.Split(row, "\t")[2] + "\n")
	}
	if got != labels.String() {
		t.Errorf("classify predict --no-prob output differs from the expected labels:\n%.300s", got)
	}
	got, err = runClassify(t, test, "classify", "test", "--model", filepath.Join(classifyTestdata, "model_default.ftz"))
	if err != nil {
		t.Fatal(err)
	}
	// fasttext test model_default.ftz test.txt
	if got != "N\t300\nP@1\t0.943\nR@1\t0.94\n" {
		t.Errorf("classify test printed %q", got)
	}
}

func TestClassifyUsage(t *testing.T) {
	for _, args := range [][]string{
		{"classify", "predict"},
		{"classify", "predict", "--model", "m.bin", "-k", "0"},
		{"classify", "train", "--input", "x"},
		{"classify", "train", "--input", "x", "--output", "y", "--loss", "nope"},
	} {
		if _, err := runClassify(t, nil, args...); exitCode(err) != 2 {
			t.Errorf("%v: %v (exit %d), want a usage error (exit 2)", args, err, exitCode(err))
		}
	}
}
